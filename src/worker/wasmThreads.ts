/**
 * Lets tfjs-wasm's threaded SIMD binary start from the Vite bundle.
 *
 * tfjs gives each pthread worker the factory's source as `'var WasmBackendModuleThreadedSimd = ' +
 * factory.toString()`. Bundled and minified, that function refers to names outside its own text (its
 * `_scriptDir`, renamed), so every pthread worker died with "ReferenceError: e is not defined". Here the
 * factory's toString is made to return the unbundled emscripten script, which ships as a static asset
 * (Vite's `?url` copies it unprocessed): the pthread workers evaluate exactly the file the package built.
 *
 * tfjs also caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two hardware threads per
 * core), so a 2-core machine got 1 thread even when asked for 2; startWasmWith lets the module read the
 * doubled count while it starts, so the pool gets the threads asked for (at most its 8 pre-made workers).
 * Browser-only (the `?url` import exists only under Vite); threads also need crossOriginIsolated.
 */
import * as threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedScriptUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';

const PREFIX = /^\s*var WasmBackendModuleThreadedSimd\s*=\s*/;

export interface WasmThreading {
  /** threads to start WASM with; 1 = the plain SIMD binary */
  threads: number;
  /** why it is 1 thread when the machine has more cores, for the backend note */
  why?: string;
}

let prepared: Promise<WasmThreading> | undefined;

/** The thread count to ask for: every core when the page is cross-origin isolated, else 1 (the plain SIMD binary). */
export function threadsHere(): WasmThreading {
  const cores = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  if (cores < 2) return { threads: 1 };
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true)
    return { threads: 1, why: 'not cross-origin isolated: serve with COOP same-origin and COEP require-corp for threads' };
  return { threads: Math.min(cores, MAX_WASM_THREADS) };
}

/**
 * Fetches the unbundled script once and patches the factory; resolves to the thread count to start
 * WASM with (1 when threads are not possible here, or the script could not be fetched, with the reason).
 */
export function prepareThreadedWasm(): Promise<WasmThreading> {
  prepared ??= (async (): Promise<WasmThreading> => {
    const here = threadsHere();
    if (here.threads < 2) return here;
    const res = await fetch(threadedScriptUrl);
    if (!res.ok) return { threads: 1, why: `the pthread script ${threadedScriptUrl} gave HTTP ${res.status}` };
    const text = (await res.text()).replace(PREFIX, '');
    const ns = threadedFactory as unknown as { default?: unknown };
    const factory = (ns.default ?? ns) as { toString(): string };
    // the same module object tfjs's backend_wasm.js imports: it reads toString when it starts
    factory.toString = () => text;
    return here;
  })().catch((e: unknown) => ({ threads: 1, why: `threads unavailable: ${(e as Error).message ?? String(e)}` }));
  return prepared;
}

/** tfjs's pool has 8 pthread workers made in advance: more threads than that cannot start. */
export const MAX_WASM_THREADS = 8;

/**
 * Runs `start` (which activates the WASM backend) while navigator.hardwareConcurrency reads twice the
 * threads asked for, so tfjs's halving cap (min(threads, cores / 2)) lets them all through; the real
 * value is back as soon as the module has started.
 */
export async function startWasmWith<T>(threading: WasmThreading, start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as (Navigator & { hardwareConcurrency: number }) | undefined;
  if (!nav || threading.threads < 2) return start();
  const doubled = 2 * Math.min(threading.threads, MAX_WASM_THREADS);
  Object.defineProperty(nav, 'hardwareConcurrency', { value: doubled, configurable: true });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
  }
}
