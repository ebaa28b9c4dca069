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

/** The order a run or probe tries backends in: the preferred one first, then the rest as fallback. */
export function backendOrder(choice: BackendChoice, all: readonly BackendName[]): BackendName[] {
  const p = choice.preferred;
  return p ? [p, ...all.filter((b) => b !== p)] : [...all];
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
