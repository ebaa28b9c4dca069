/**
 * The whole path from scanner phase to local field, as the CLI and the workbench run it: brain mask (given, or
 * from the magnitude), unwrapping and echo fit (total field in Hz), ppm, background removal (V-SHARP or PDF).
 * Each step is also exported on its own; this only chains them and reports progress per step.
 */
import { checkAbort, type ProgressOptions } from '../progress';
import type { Vec3, Volume } from '../volume';
import { brainMaskFromMagnitude, combineMagnitudes, type BrainMaskOptions } from './brainMask';
import { totalFieldHz, type OffsetMethod, type UnwrapMethod } from './echoCombination';
import { hzToPpm } from './hzToPpm';
import { pdf, pdfWeightsFromMagnitude, type PdfOptions } from './pdf';
import { vsharp, type VsharpOptions } from './vsharp';

export type BackgroundMethod = 'vsharp' | 'pdf';
export const BACKGROUND_METHODS: readonly BackgroundMethod[] = ['vsharp', 'pdf'];

export interface PhaseInput {
  /** wrapped phase in radians, one volume per echo, all on one grid */
  phases: Volume[];
  magnitudes: Volume[];
  /** seconds */
  echoTimes: number[];
  /** Tesla */
  b0Tesla: number;
  /** B0 direction in voxel axes (PDF's dipole kernel) */
  b0Dir: Vec3;
}

export interface LocalFieldOptions extends ProgressOptions {
  /** a 0/1 brain mask to use instead of one from the magnitude */
  mask?: Uint8Array;
  maskOptions?: BrainMaskOptions;
  unwrap?: UnwrapMethod;
  /** the multi-echo phase offset (echoCombination.ts; default 'smooth') */
  offset?: OffsetMethod;
  /** default 'pdf', as `qsm field`, `qsm bids` and the workbench (V-SHARP lost to it on the head phantom, README) */
  background?: BackgroundMethod;
  vsharp?: Omit<VsharpOptions, keyof ProgressOptions>;
  pdf?: Omit<PdfOptions, keyof ProgressOptions>;
}

export interface LocalFieldResult {
  /** brain mask used for unwrapping, fitting and background removal */
  mask: Uint8Array;
  /** the automatic mask's threshold, when it was computed here */
  maskThreshold?: number;
  unwrapped: Float32Array[];
  totalHz: Float32Array;
  totalPpm: Float32Array;
  /** ppm, 0 outside localMask */
  localPpm: Float32Array;
  /** where the local field is valid (V-SHARP erodes the mask) */
  localMask: Uint8Array;
  /** the smoothed phase offset's departure from the per-voxel intercepts (echoCombination.ts TotalField) */
  offsetDeparture?: number;
}

export type PipelineStep = 'mask' | 'total field' | 'background removal';

/**
 * Runs the steps in order; onProgress gets (done, total, stage) with stage prefixed by the step name.
 * onStep (optional) is told when each step starts, so a CLI can draw one bar per step.
 */
export function localFieldFromPhase(
  input: PhaseInput,
  o: LocalFieldOptions & { onStep?: (step: PipelineStep) => ProgressOptions['onProgress'] | void } = {},
): LocalFieldResult {
  const first = input.phases[0];
  if (!first) throw new Error('no echoes');
  const { dims, voxelSize } = first;
  const progressFor = (step: PipelineStep): ProgressOptions => {
    const fromStep = o.onStep?.(step);
    return { signal: o.signal, onProgress: fromStep ?? ((d, t, s) => o.onProgress?.(d, t, `${step}: ${s}`)) };
  };
  let mask = o.mask;
  let maskThreshold: number | undefined;
  if (!mask) {
    const p = progressFor('mask');
    const rss = combineMagnitudes(input.magnitudes.map((m) => m.data));
    const r = brainMaskFromMagnitude({ ...first, data: rss }, o.maskOptions, p);
    mask = r.mask;
    maskThreshold = r.threshold;
  }
  checkAbort(o);
  const tf = totalFieldHz(
    { phases: input.phases.map((v) => v.data), magnitudes: input.magnitudes.map((v) => v.data), echoTimes: input.echoTimes, dims, voxelSize, mask },
    { ...progressFor('total field'), unwrap: o.unwrap, offset: o.offset },
  );
  const totalPpm = hzToPpm(tf.fieldHz, input.b0Tesla);
  checkAbort(o);
  const bgp = progressFor('background removal');
  let bg;
  if ((o.background ?? 'pdf') === 'pdf') {
    // clamped magnitude weights (pdfWeightsFromMagnitude); pdf.weights overrides them
    const weights = pdfWeightsFromMagnitude(combineMagnitudes(input.magnitudes.map((m) => m.data)), mask);
    bg = pdf(totalPpm, mask, dims, voxelSize, input.b0Dir, { weights, ...o.pdf, ...bgp });
  } else {
    bg = vsharp(totalPpm, mask, dims, voxelSize, { ...o.vsharp, ...bgp });
  }
  return { mask, maskThreshold, unwrapped: tf.unwrapped, totalHz: tf.fieldHz, totalPpm, localPpm: bg.local, localMask: bg.mask, offsetDeparture: tf.offsetDeparture };
}
