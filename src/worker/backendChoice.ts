/**
 * The inference worker's backend choice, kept pure so it can be tested without tfjs: which backend the
 * user prefers (none = automatic), and which one the worker last ran or started under that preference.
 */
import type { BackendName } from './protocol';

export interface BackendChoice {
  /** the user's forced backend; undefined = automatic (the default order) */
  preferred?: BackendName;
  /** the backend that last ran a model or answered a probe */
  last?: BackendName;
}

/** Backends that would render on the CPU, by renderer name (softwareRenderer.ts). */
export type SoftwareRenderers = Partial<Record<BackendName, string>>;

/**
 * The order a run or probe tries backends in: the preferred one first, then the rest as fallback.
 * Automatically, a backend on a software renderer goes after the others (so after WASM): it works, but
 * slower than WASM. A forced backend is tried first all the same: the user asked for it.
 */
export function backendOrder(choice: BackendChoice, all: readonly BackendName[], software: SoftwareRenderers = {}): BackendName[] {
  const automatic = [...all.filter((b) => !software[b]), ...all.filter((b) => software[b])];
  const p = choice.preferred;
  return p ? [p, ...automatic.filter((b) => b !== p)] : automatic;
}

const LABEL: Partial<Record<BackendName, string>> = { webgpu: 'WebGPU adapter', webgl: 'WebGL' };

/**
 * The line the UI shows on why a GPU backend was passed over or is slow: for the automatic order, every
 * software renderer it demoted; for a forced backend, only its own.
 */
export function softwareNote(choice: BackendChoice, software: SoftwareRenderers): string | undefined {
  const shown = Object.entries(software).filter(([b]) => !choice.preferred || b === choice.preferred);
  if (!shown.length) return undefined;
  const what = shown.map(([b, r]) => `${LABEL[b as BackendName] ?? b} is a software renderer (${r})`).join('; ');
  return choice.preferred ? what : `${what}; automatic tries ${shown.length > 1 ? 'them' : 'it'} after WASM`;
}

/**
 * A 'backend' request from the UI: its preference replaces the current one, and no preference means
 * automatic again (not "keep the forced one"). A changed preference forgets the last backend, which the
 * old order picked, so the next probe starts the new order's first backend instead of reporting it.
 */
export function requestBackend(choice: BackendChoice, preferred: BackendName | undefined): BackendChoice {
  if (preferred === choice.preferred) return choice;
  return { preferred };
}

/** The backend a probe can report without starting one, if the last one still fits the preference. */
export function knownBackend(choice: BackendChoice): BackendName | undefined {
  const { preferred, last } = choice;
  return last && (!preferred || preferred === last) ? last : undefined;
}
