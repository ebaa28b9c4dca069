/**
 * The typed message protocol between the UI and the inference worker.
 * Volumes cross as plain objects whose Float32Array buffers are transferred, not copied.
 */
import type { Volume, Vec3 } from '../core/volume';

export type MethodId = 'adaptive-unet' | 'adaptive-unet-tl' | 'unet-tl' | 'tkd' | 'cfl2' | 'tv' | 'ndi';
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface MethodParams {
  /** TKD threshold on |D| */
  tkdThreshold?: number;
  /** closed-form L2 regularisation weight */
  cfl2Lambda?: number;
  /** TV weight (ppm mm), most iterations and tolerance of the iterative TV (core/tv.ts) */
  tvLambda?: number;
  tvIterations?: number;
  tvTol?: number;
  /** gradient Tikhonov weight (mm^2), most iterations and tolerance of NDI (core/ndi.ts) */
  ndiBeta?: number;
  ndiIterations?: number;
  ndiTol?: number;
  /** tv and ndi: weight the data term (and tv's edges) by the loaded magnitude; off by default (tv.ts says why) */
  magnitudeWeighting?: boolean;
  /** patch edge (voxels) for the U-Nets; 0 = whole volume */
  patch?: number;
  /** fraction of a patch shared with its neighbour, 0..0.75 */
  overlap?: number;
  /** false: one pass per patch instead of two averaged (model/mirrorAverage.ts); undefined = on */
  mirror?: boolean;
}

export type ToWorker =
  /** magnitude: on the field's grid; tv and ndi weight their data term by it (and tv its edges), others ignore it */
  | { type: 'start'; runId: string; method: MethodId; field: Volume; mask?: Volume; magnitude?: Volume; b0Dir: Vec3; params: MethodParams }
  | { type: 'cancel'; runId: string }
  /** asks which backend runs; `preferred` forces one first in the order, and leaving it out means automatic again */
  | { type: 'backend'; preferred?: BackendName };

export type FromWorker =
  | { type: 'progress'; runId: string; done: number; total: number; stage: string }
  /** heapBytes: the WASM memory the worker holds after the run (it never shrinks; 0 off WASM) */
  | { type: 'result'; runId: string; method: MethodId; chi: Volume; seconds: number; backend: BackendName; heapBytes: number }
  | { type: 'error'; runId: string; message: string; recoverable: boolean }
  | { type: 'cancelled'; runId: string }
  | { type: 'backend'; backend: BackendName; note?: string };

/** The buffers of a message that can be transferred instead of copied. */
export function transferables(msg: ToWorker | FromWorker): Transferable[] {
  const out: Transferable[] = [];
  const add = (v?: Volume) => {
    if (v && !out.includes(v.data.buffer as ArrayBuffer)) out.push(v.data.buffer as ArrayBuffer);
  };
  if (msg.type === 'start') { add(msg.field); add(msg.mask); add(msg.magnitude); }
  if (msg.type === 'result') add(msg.chi);
  return out;
}
