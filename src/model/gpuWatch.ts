/**
 * Watching the GPU under a patch: a lost WebGPU device, a lost WebGL context, and WebGPU's out-of-band
 * errors. None of them reliably throws from the patch itself:
 * - WebGPU reports out-of-memory or an invalid shader through error scopes while the kernel quietly
 *   returns zeros (measured: tfjs's Conv3D shader fails to compile on SwiftShader and returns all zeros);
 *   a lost device resolves `device.lost`, and a pending read-back rejects with an AbortError ("Device is
 *   lost") that may arrive before `device.lost` does (gpuweb#4774, playcanvas/engine#6677).
 * - A lost WebGL context throws nothing: draws do nothing, read-backs give zeros, and tfjs's fence never
 *   passes (clientWaitSync answers WAIT_FAILED), so its data() would wait forever. The patch is raced
 *   against the 'webglcontextlost' event instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './startBackend';

export interface GpuDevice {
  lost?: Promise<{ message: string }>;
  pushErrorScope?(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope?(): Promise<{ message: string } | null>;
}

interface GlContext {
  isContextLost(): boolean;
  canvas?: { addEventListener?(type: 'webglcontextlost', listener: () => void): void };
}

/** What the WebGPU and WebGL backends expose of their device (tfjs's MathBackendWebGPU.device, MathBackendWebGL.gpgpu.gl). */
export interface GpuBackendHandle {
  device?: GpuDevice;
  gpgpu?: { gl?: GlContext };
}

export interface GpuWatch {
  /** before a patch */
  begin(): void;
  /** resolves with a message when the device or context is lost; never rejects */
  lost: Promise<string>;
  /** after a patch: the device loss, else the first error the patch raised, else null */
  end(): Promise<string | null>;
  /**
   * The error to report for a patch that threw. On WebGPU an AbortError we did not cause is a read-back
   * the lost device cancelled, possibly before `device.lost` resolved: it counts as the loss.
   */
  explain(error: unknown): unknown;
  /** whether the device or context was lost (the backend instance is then useless) */
  wasLost(): boolean;
}

export const WEBGL_CONTEXT_LOST = 'WebGL context lost';

const FILTERS = ['validation', 'out-of-memory', 'internal'] as const;

/** Watches the active backend's device; `backend` defaults to tfjs's active one (tests pass fakes). */
export function gpuWatch(name: BackendName, backend: GpuBackendHandle = tf.backend() as unknown as GpuBackendHandle): GpuWatch {
  let lostMessage: string | null = null;
  let markLost: (message: string) => void = () => {};
  const lost = new Promise<string>((resolve) => {
    markLost = (message) => {
      lostMessage ??= message;
      resolve(lostMessage);
    };
  });
  const device = name === 'webgpu' ? backend.device : undefined;
  const gl = name === 'webgl' ? backend.gpgpu?.gl : undefined;
  void device?.lost?.then((info) => markLost(`WebGPU device lost: ${info.message || 'no reason given'}`));
  gl?.canvas?.addEventListener?.('webglcontextlost', () => markLost(WEBGL_CONTEXT_LOST));
  const checkGl = () => {
    if (gl?.isContextLost()) markLost(WEBGL_CONTEXT_LOST);
  };
  checkGl();
  const scoped = !!(device?.pushErrorScope && device.popErrorScope);
  return {
    lost,
    begin() {
      if (scoped) for (const f of FILTERS) device!.pushErrorScope!(f);
    },
    async end() {
      let first: string | null = null;
      if (scoped)
        for (const f of [...FILTERS].reverse()) {
          const err = await device!.popErrorScope!();
          if (err && !first) first = `WebGPU ${f} error: ${err.message.split('\n')[0]}`;
        }
      checkGl();
      return lostMessage ?? first;
    },
    explain(error) {
      if (!device || !(error instanceof Error) || error.name !== 'AbortError') return error;
      markLost(`WebGPU device lost: ${error.message}`);
      return new Error(lostMessage!, { cause: error });
    },
    wasLost: () => lostMessage !== null,
  };
}

/**
 * After a loss, tfjs keeps the backend instance with its dead device or context, and setBackend would hand
 * it back for every later run. Re-registering the same factory drops the instance, so the next start
 * builds a fresh device (a GPU reset is often over by then).
 */
export function discardBackendInstance(name: BackendName): void {
  const factory = tf.findBackendFactory(name);
  const instance = tf.findBackend(name);
  if (!factory || !instance) return;
  // removeBackend disposes the instance before it forgets it; a lost device may throw there
  const dispose = instance.dispose.bind(instance);
  instance.dispose = () => {
    try {
      dispose();
    } catch {
      // its buffers went with the device
    }
  };
  tf.removeBackend(name);
  tf.registerBackend(name, factory);
}
