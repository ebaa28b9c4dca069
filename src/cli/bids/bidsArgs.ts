/**
 * The BIDS App command line: `BIDS_DIR OUT_DIR participant` first, then flags. As in BIDS Apps, a list flag
 * takes every value up to the next flag (`--participant-label 01 02`), `--participant_label` is the same flag,
 * and labels may carry their prefix (`sub-01`). Commas also separate values (`--method tkd,cfl2`).
 */
import { parseFlags, UsageError, type Flags, type FlagSpecs } from '../args';

export interface BidsArgs {
  bidsDir: string;
  outDir: string;
  level: string;
  flags: Flags;
}

/** Flags that take a list of values. */
const LISTS = new Set(['participant-label', 'session', 'method']);
const ALIASES: Record<string, string> = {
  participant_label: 'participant-label',
  'session-label': 'session',
  session_label: 'session',
};

export function parseBidsArgs(argv: string[], specs: FlagSpecs): BidsArgs {
  const positional: string[] = [];
  let i = 0;
  while (i < argv.length && !argv[i].startsWith('--')) positional.push(argv[i++]);
  if (positional.length !== 3) {
    throw new UsageError(`expected BIDS_DIR OUT_DIR participant before the flags, got ${positional.length === 0 ? 'none' : positional.map((p) => `"${p}"`).join(' ')}`);
  }
  const flat: string[] = [];
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}" (BIDS_DIR OUT_DIR participant come first, then --flags)`);
    const eq = arg.indexOf('=');
    const raw = arg.slice(2, eq >= 0 ? eq : undefined);
    const name = ALIASES[raw] ?? raw;
    if (!LISTS.has(name)) {
      flat.push(eq >= 0 ? `--${name}=${arg.slice(eq + 1)}` : `--${name}`);
      // a value flag's value is passed on as is; parseFlags says what is wrong with it
      if (eq < 0 && specs[name]?.kind === 'value' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) flat.push(argv[++i]);
      continue;
    }
    const values: string[] = eq >= 0 ? [arg.slice(eq + 1)] : [];
    while (eq < 0 && i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
    const split = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    if (split.length === 0) throw new UsageError(`--${name} needs at least one value (${specs[name]?.help ?? ''})`);
    for (const v of split) flat.push(`--${name}=${v}`);
  }
  const [bidsDir, outDir, level] = positional;
  return { bidsDir, outDir, level, flags: parseFlags(flat, specs) };
}
