/**
 * A tiny flag parser for the qsm command: `--name value`, `--name=value`, boolean `--name`.
 * Unknown, repeated (unless allowed) or valueless flags are errors, so a typo never goes unnoticed.
 */
import { InputError } from '../io/inputError';
import type { Vec3 } from '../core/volume';

/** A mistake in the command line itself (exit code 2), as opposed to a bad file (exit code 1). */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  /** 'boolean' flags take no value */
  kind: 'value' | 'boolean';
  /** may be given more than once (e.g. cosmos --field) */
  repeat?: boolean;
  required?: boolean;
  /** value placeholder and meaning, for usage text */
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export class Flags {
  constructor(private readonly values: Map<string, string[]>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  strings(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** A finite number within [min, max] when given. */
  number(name: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const s = this.string(name);
    return s === undefined ? undefined : parseNumber(s, `--${name}`, range);
  }

  /** `x,y,z` */
  vec3s(name: string): Vec3[] {
    return this.strings(name).map((s) => parseVec3(s, `--${name}`));
  }
}

export function parseNumber(s: string, what: string, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  const x = s.trim() === '' ? NaN : Number(s);
  if (!Number.isFinite(x)) throw new InputError(`${what}: expected a number, got "${s}"`);
  if (range.integer && !Number.isInteger(x)) throw new InputError(`${what}: expected a whole number, got ${s}`);
  if (range.min !== undefined && x < range.min) throw new InputError(`${what}: ${s} is below the minimum ${range.min}`);
  if (range.max !== undefined && x > range.max) throw new InputError(`${what}: ${s} is above the maximum ${range.max}`);
  return x;
}

export function parseVec3(s: string, what: string): Vec3 {
  const parts = s.split(',');
  if (parts.length !== 3) throw new InputError(`${what}: expected three numbers x,y,z, got "${s}"`);
  return parts.map((p) => parseNumber(p, what)) as Vec3;
}

export function parseFlags(argv: string[], specs: FlagSpecs): Flags {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument "${arg}" (every input is given with a --flag)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UsageError(`unknown flag --${name} (known: ${known})`);
    }
    let value: string;
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value (${spec.help})`);
      value = next;
      i++;
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    values.set(name, list);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && !values.has(name)) throw new UsageError(`missing --${name} (${spec.help})`);
  }
  return new Flags(values);
}

export function usageLines(specs: FlagSpecs): string[] {
  const rows = Object.entries(specs).map(([name, s]) => {
    const colon = s.help.indexOf(':');
    const placeholder = s.kind === 'value' && colon > 0 ? ` ${s.help.slice(0, colon)}` : '';
    const meaning = s.kind === 'value' && colon > 0 ? s.help.slice(colon + 1).trim() : s.help;
    const tags = [s.required ? 'required' : '', s.repeat ? 'repeatable' : ''].filter(Boolean).join(', ');
    return [`--${name}${placeholder}`, `${meaning}${tags ? ` [${tags}]` : ''}`];
  });
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([flag, meaning]) => `  ${flag.padEnd(width)}  ${meaning}`);
}
