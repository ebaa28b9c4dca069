/**
 * The typed message protocol between the UI and the compute worker, which does the heavy work that is not a
 * model: building the example dataset, forward simulation, COSMOS, the closed-form L2 L-curve, data consistency of a
 * network's output, metrics, difference maps and scatter densities.
 * Volumes cross with their buffers transferred, not copied.
 */
import type { LambdaRule } from '../core/lambdaChoice';
import type { OffsetMethod, UnwrapMethod } from '../core/phase/echoCombination';
import type { BackgroundMethod } from '../core/phase/localFieldPipeline';
import type { PhaseScaling } from '../core/phase/phaseScaling';
import type { LCurve } from '../core/lCurve';
import type { ExampleDataset, ExampleRequest } from '../core/phantomExample';
import type { Vec3, Volume } from '../core/volume';
import type { NiftiRead } from '../io/readNifti';

export type { LCurve, LCurvePoint } from '../core/lCurve';
export type { ExampleDataset } from '../core/phantomExample';
/** the procedural phantom or the brain of the bundled anatomy (fetched by the worker from the app's origin) */
export type ExampleOptions = ExampleRequest;

/** The metrics of DESIGN.md, inside the mask (nrmse and hfen in percent, psnr in dB). */
export interface QualityMetrics {
  nrmse: number;
  psnr: number;
  ssim: number;
  hfen: number;
  slope: number;
  intercept: number;
  r2: number;
}

/** A 2-D histogram of (reference, estimate) pairs for the scatter plot, on the same range for both axes. */
export interface ScatterDensity {
  bins: number;
  /** ppm, both axes */
  range: [number, number];
  /** row-major: counts[iy * bins + ix], x = reference, y = estimate */
  counts: Uint32Array;
  /** voxels sampled (at most the requested maximum) */
  samples: number;
}

export type ToCompute =
  /** `allVolumes`: every volume of a 4-D file (echoes of a phase or magnitude series), not just the first */
  | { type: 'read'; jobId: string; name: string; bytes: ArrayBuffer; allVolumes?: boolean }
  | { type: 'example'; jobId: string; options: ExampleRequest }
  | { type: 'cosmos'; jobId: string; fields: Volume[]; b0Dirs: Vec3[]; mask?: Volume }
  | { type: 'compare'; jobId: string; estimate: Volume; reference: Volume; mask: Volume; maxSamples: number; bins: number }
  /** the L-curve of closed-form L2 on this field (ppm), on core's default lambda grid and padding, as cfl2 runs it */
  | { type: 'lcurve'; jobId: string; field: Volume; b0Dir: Vec3; mask?: Volume }
  /**
   * data consistency of a network's output chiNet with the field (ppm): the masked form (default) at a fixed lambda,
   * or the closed form at a fixed lambda or one chosen by `rule` on its L-curve
   */
  | { type: 'dc'; jobId: string; field: Volume; chiNet: Volume; b0Dir: Vec3; mask?: Volume; form?: 'masked' | 'closed'; lambda?: number; rule?: LambdaRule }
  /** scanner phase -> local field (core/phase/localFieldPipeline.ts): phases as stored, converted with `scaling` */
  | { type: 'field'; jobId: string; request: FieldRequest }
  | { type: 'cancel'; jobId: string };

export interface FieldRequest {
  phases: Volume[];
  scaling: PhaseScaling;
  magnitudes: Volume[];
  /** seconds */
  echoTimes: number[];
  b0Tesla: number;
  b0Dir: Vec3;
  /** a brain mask to use instead of one from the magnitude */
  mask?: Volume;
  erodeMm: number;
  unwrap: UnwrapMethod;
  offset: OffsetMethod;
  background: BackgroundMethod;
}

/** Every intermediate, on the phase's grid: each is shown and can be downloaded. */
export interface FieldOutputs {
  /** 0/1, where unwrapping, the fit and background removal ran */
  brainMask: Volume;
  /** radians, the first echo */
  unwrapped: Volume;
  totalPpm: Volume;
  /** ppm, 0 outside localMask */
  localPpm: Volume;
  /** 0/1, where the local field is valid (V-SHARP erodes) */
  localMask: Volume;
  /** the smoothed phase offset's departure from the per-voxel intercepts (core/phase/phaseOffset.ts) */
  offsetDeparture?: number;
  /** with background 'tfi': total-field inversion's susceptibility (ppm) in and around the brain (its bounding box) */
  tfiChi?: Volume;
  /** with background 'tfi': its local field's norm over PDF's, and whether it gave way to PDF's field */
  tfiToPdf?: number;
  tfiFellBack?: boolean;
}

export type FromCompute =
  | { type: 'progress'; jobId: string; done: number; total: number; stage: string }
  /** `more`: the volumes after the first, when all were asked for */
  | { type: 'read'; jobId: string; read: NiftiRead; more?: Volume[] }
  | { type: 'example'; jobId: string; dataset: ExampleDataset }
  | { type: 'cosmos'; jobId: string; chi: Volume }
  | { type: 'compare'; jobId: string; metrics: QualityMetrics; difference: Volume; scatter: ScatterDensity }
  | { type: 'lcurve'; jobId: string; curve: LCurve }
  /** `rule` is the rule that gave lambda (inflection falls back to the corner), `curve` the L-curve when one was used */
  | { type: 'dc'; jobId: string; chi: Volume; form: 'masked' | 'closed'; lambda: number; iterations?: number; rule?: LambdaRule; fellBack?: boolean; curve?: LCurve }
  | { type: 'field'; jobId: string; outputs: FieldOutputs }
  | { type: 'error'; jobId: string; message: string }
  | { type: 'cancelled'; jobId: string };

/** Buffers to transfer with a message. Input volumes the UI keeps must be sent as copies (see computeClient). */
export function computeTransferables(msg: ToCompute | FromCompute): Transferable[] {
  const vols: Volume[] = [];
  if (msg.type === 'read') return 'bytes' in msg ? [msg.bytes] : [msg.read.volume.data.buffer as ArrayBuffer, ...(msg.more ?? []).map((v) => v.data.buffer as ArrayBuffer)];
  if (msg.type === 'example' && 'dataset' in msg) {
    const d = msg.dataset;
    vols.push(d.field, d.mask, d.magnitude, d.groundTruth, d.cosmos);
  }
  if (msg.type === 'cosmos' && 'chi' in msg) vols.push(msg.chi);
  if (msg.type === 'cosmos' && 'fields' in msg) vols.push(...msg.fields, ...(msg.mask ? [msg.mask] : []));
  if (msg.type === 'compare' && 'difference' in msg) vols.push(msg.difference);
  if (msg.type === 'compare' && 'estimate' in msg) vols.push(msg.estimate, msg.reference, msg.mask);
  if (msg.type === 'lcurve' && 'field' in msg) vols.push(msg.field, ...(msg.mask ? [msg.mask] : []));
  if (msg.type === 'dc' && 'field' in msg) vols.push(msg.field, msg.chiNet, ...(msg.mask ? [msg.mask] : []));
  if (msg.type === 'dc' && 'chi' in msg) vols.push(msg.chi);
  if (msg.type === 'field' && 'request' in msg) vols.push(...msg.request.phases, ...msg.request.magnitudes, ...(msg.request.mask ? [msg.request.mask] : []));
  if (msg.type === 'field' && 'outputs' in msg) {
    const o = msg.outputs;
    vols.push(o.brainMask, o.unwrapped, o.totalPpm, o.localPpm, o.localMask);
  }
  const out: Transferable[] = [];
  for (const v of vols) if (!out.includes(v.data.buffer as ArrayBuffer)) out.push(v.data.buffer as ArrayBuffer);
  const counts = msg.type === 'compare' && 'scatter' in msg ? msg.scatter.counts.buffer : undefined;
  if (counts) out.push(counts as ArrayBuffer);
  return out;
}
