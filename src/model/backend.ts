/**
 * Backend selection with fallback: try each backend in order (WebGPU -> WebGL -> WASM in a browser,
 * WASM -> CPU in Node). A backend that fails to start, or fails mid-run (out of memory, device lost, any
 * tfjs error), hands over to the next one, which runs only the patches not yet done: finished patches
 * are already in the caller's blender, so nothing computed is lost.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './startBackend';

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

export function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return (signal?.aborted ?? false) || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Lets queued events (a worker's 'cancel' message) run. Without it a patch loop on WASM/CPU only yields
 * through promise microtasks (tensor.data() resolves at once), so a cancel would wait for the whole run.
 */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('cancelled', 'AbortError');
}

/** Resolves with a message when the active backend's GPU device is lost (WebGPU only). */
function watchDeviceLost(name: BackendName): { lost: () => string | null } {
  let message: string | null = null;
  if (name === 'webgpu') {
    const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message: string }> } }).device;
    device?.lost?.then((info) => (message = `WebGPU device lost: ${info.message || 'no reason given'}`));
  }
  return { lost: () => message };
}

export async function runWithFallback(opts: FallbackOptions): Promise<FallbackResult> {
  const done = opts.done ?? new Array<boolean>(opts.total).fill(false);
  const failures: string[] = [];
  const count = () => done.filter(Boolean).length;
  for (const name of opts.order) {
    checkAbort(opts.signal);
    let runner: PatchRunner | undefined;
    let current = -1;
    try {
      await opts.start(name);
      const device = watchDeviceLost(name);
      runner = await opts.build(name);
      opts.onBackend?.(name, failures.length ? `fell back to ${name}: ${failures.join('; ')}` : undefined);
      for (let i = 0; i < opts.total; i++) {
        if (done[i]) continue;
        await yieldToEvents();
        checkAbort(opts.signal);
        current = i;
        const commit = await runner.run(i);
        const lost = device.lost();
        if (lost) throw new Error(lost);
        commit();
        done[i] = true;
        opts.onPatch?.(count(), opts.total, name);
      }
      return { backend: name, failures };
    } catch (e) {
      if (isAbort(e, opts.signal)) throw e;
      const where = current < 0 ? 'at start' : `at patch ${current + 1} of ${opts.total} (${count()} done)`;
      failures.push(`${name} failed ${where}: ${(e as Error).message ?? String(e)}`);
    } finally {
      try {
        runner?.dispose();
      } catch {
        // a lost device may refuse to free its buffers; the next backend does not need them
      }
    }
  }
  throw new Error(`no backend could run the model: ${failures.join('; ')}`);
}
