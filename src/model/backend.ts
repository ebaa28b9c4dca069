/**
 * Backend selection with fallback: try each backend in order (WebGPU -> WebGL -> WASM in a browser,
 * WASM -> CPU in Node). A backend that fails to start, or fails mid-run (out of memory, device lost, any
 * tfjs error), hands over to the next one, which runs only the patches not yet done: finished patches
 * are already in the caller's blender, so nothing computed is lost.
 */
import type { BackendName } from './startBackend';
import { discardBackendInstance, gpuWatch, type GpuWatch } from './gpuWatch';

export type { BackendName } from './startBackend';

export const BROWSER_BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm'];
export const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu'];

/** Whatever runs patches on one backend (the U-Net with its weights uploaded). */
export interface PatchRunner {
  /**
   * Compute patch i and return the function that commits it (adds it to the blender). Committing is
   * separate so that a result computed while the GPU device was being lost is never kept.
   */
  run(i: number): Promise<() => void>;
  dispose(): void;
}

export interface FallbackOptions {
  order: BackendName[];
  /** activate a backend (startBackend in production; tests inject failures) */
  start: (name: BackendName) => Promise<void>;
  /** build the runner on the active backend */
  build: (name: BackendName) => PatchRunner | Promise<PatchRunner>;
  total: number;
  /** patches already done (resuming); default none */
  done?: boolean[];
  onBackend?: (name: BackendName, note?: string) => void;
  onPatch?: (done: number, total: number, backend: BackendName) => void;
  signal?: AbortSignal;
}

export interface FallbackResult {
  backend: BackendName;
  /** one line per backend that failed, in order */
  failures: string[];
}

/**
 * Lets queued events (a worker's 'cancel' message) run. Without it a patch loop on WASM/CPU only yields
 * through promise microtasks (tensor.data() resolves at once), so a cancel would wait for the whole run.
 */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('cancelled', 'AbortError');
}

export async function runWithFallback(opts: FallbackOptions): Promise<FallbackResult> {
  const done = opts.done ?? new Array<boolean>(opts.total).fill(false);
  const failures: string[] = [];
  const count = () => done.filter(Boolean).length;
  for (const name of opts.order) {
    checkAbort(opts.signal);
    let runner: PatchRunner | undefined;
    let gpu: GpuWatch | undefined;
    let current = -1;
    try {
      await opts.start(name);
      gpu = gpuWatch(name);
      runner = await opts.build(name);
      opts.onBackend?.(name, failures.length ? `fell back to ${name}: ${failures.join('; ')}` : undefined);
      for (let i = 0; i < opts.total; i++) {
        if (done[i]) continue;
        await yieldToEvents();
        checkAbort(opts.signal);
        current = i;
        if (gpu.wasLost()) throw new Error(await gpu.lost); // lost between patches: not one more on it
        gpu.begin();
        // raced against the loss: a lost WebGL context would leave tfjs's read-back waiting forever
        const outcome = await Promise.race([
          runner.run(i).then((commit) => ({ commit }), (error: unknown) => ({ error })),
          gpu.lost.then((message) => ({ error: new Error(message) })),
        ]);
        const gpuError = await gpu.end();
        if (gpuError) throw new Error(gpuError); // takes precedence over run(i)'s own error: it says why
        if ('error' in outcome) throw gpu.explain(outcome.error);
        outcome.commit();
        done[i] = true;
        opts.onPatch?.(count(), opts.total, name);
      }
      return { backend: name, failures };
    } catch (e) {
      // only our own signal cancels: a lost WebGPU device also rejects read-backs with an AbortError
      if (opts.signal?.aborted) throw e;
      const where = current < 0 ? 'at start' : `at patch ${current + 1} of ${opts.total} (${count()} done)`;
      failures.push(`${name} failed ${where}: ${(e as Error).message ?? String(e)}`);
    } finally {
      try {
        runner?.dispose();
      } catch {
        // a lost device may refuse to free its buffers; the next backend does not need them
      }
      if (gpu?.wasLost()) discardBackendInstance(name);
    }
  }
  throw new Error(`no backend could run the model: ${failures.join('; ')}`);
}
