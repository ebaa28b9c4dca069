/**
 * The whole path from scanner phase to local field, as the CLI and the workbench run it: brain mask (given, or
 * from the magnitude), unwrapping and echo fit (total field in Hz), ppm, background removal (V-SHARP, PDF or TFI).
 * Each step is exported on its own (maskStep, totalFieldStep, backgroundStep): `qsm field` calls them one by one so
 * it can write each intermediate as soon as it exists; localFieldFromPhase chains them with progress per step.
 */
import { runToEnd, runYielding, type Steps } from '../iterate';
import { checkAbort, type ProgressOptions } from '../progress';
import type { Vec3, Volume } from '../volume';
import { brainMaskFromMagnitude, combineMagnitudes, type BrainMaskOptions } from './brainMask';
import { totalFieldHz, type OffsetMethod, type UnwrapMethod } from './echoCombination';
import { hzToPpm } from './hzToPpm';
import { pdf, pdfWeightsFromMagnitude, type PdfOptions } from './pdf';
import { tfiSteps, type TfiOptions } from './tfi';
import { vsharp, type VsharpOptions } from './vsharp';

export type BackgroundMethod = 'vsharp' | 'pdf' | 'tfi';
export const BACKGROUND_METHODS: readonly BackgroundMethod[] = ['vsharp', 'pdf', 'tfi'];

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

export interface LocalFieldOptions extends BackgroundStepOptions {
  /** a 0/1 brain mask to use instead of one from the magnitude */
  mask?: Uint8Array;
  maskOptions?: BrainMaskOptions;
  unwrap?: UnwrapMethod;
  /** the multi-echo phase offset (echoCombination.ts; default 'smooth') */
  offset?: OffsetMethod;
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
  /** with background 'tfi': its susceptibility (ppm) in and around the brain (the mask's bounding box, 0 beyond) */
  tfiChi?: Float32Array;
  /** with background 'tfi': its local field's norm over PDF's, and whether it gave way to PDF's (backgroundStep) */
  tfiToPdf?: number;
  tfiFellBack?: boolean;
}

export type PipelineStep = 'mask' | 'total field' | 'background removal';

/** The grid, echoes and magnitudes the steps share (the volumes' data only). */
interface StepInput {
  phases: Float32Array[];
  magnitudes: Float32Array[];
  echoTimes: number[];
  dims: Vec3;
  voxelSize: Vec3;
}

/** Step 1: a brain mask from the echoes' combined magnitude (brainMask.ts). */
export function maskStep(first: Volume, magnitudes: Float32Array[], options: BrainMaskOptions = {}, p: ProgressOptions = {}) {
  return brainMaskFromMagnitude({ ...first, data: combineMagnitudes(magnitudes) }, options, p);
}

/** Step 2: unwrapping and the echo fit (total field in Hz), then ppm. */
export function totalFieldStep(input: StepInput, b0Tesla: number, mask: Uint8Array, o: ProgressOptions & { unwrap?: UnwrapMethod; offset?: OffsetMethod } = {}) {
  const tf = totalFieldHz({ ...input, mask }, o);
  return { ...tf, totalPpm: hzToPpm(tf.fieldHz, b0Tesla) };
}

export interface BackgroundStepOptions extends ProgressOptions {
  /**
   * default 'tfi', as `qsm field`, `qsm bids` and the workbench: on the head phantom (seeds 2 and 3, 96^3) it lost
   * 23.4 / 24.1 % of the true local field where PDF lost 37.1 / 39.2 %, at about 10x PDF's time (bench/tfiField.ts;
   * README); V-SHARP lost to both.
   */
  background?: BackgroundMethod;
  vsharp?: Omit<VsharpOptions, keyof ProgressOptions>;
  pdf?: Omit<PdfOptions, keyof ProgressOptions>;
  tfi?: Omit<TfiOptions, keyof ProgressOptions>;
  /** TFI: run PDF after it and fall back to PDF's field when TFI's is TFI_PDF_RATIO_LIMIT x larger (default true) */
  tfiCheck?: boolean;
}

/**
 * Step 3: background-field removal on the total field (ppm). PDF weights the data by the clamped combined
 * magnitude (pdfWeightsFromMagnitude) unless o.pdf.weights says otherwise. iterations / relativeResidual: PDF's CG.
 * TFI is followed by PDF as a cross-check (TFI_PDF_RATIO_LIMIT) unless o.tfiCheck is false.
 */
export function backgroundStep(totalPpm: Float32Array, mask: Uint8Array, input: BackgroundInput, b0Dir: Vec3, o: BackgroundStepOptions = {}): BackgroundOutput {
  return runToEnd(backgroundSteps(totalPpm, mask, input, b0Dir, o));
}

type BackgroundInput = Pick<StepInput, 'magnitudes' | 'dims' | 'voxelSize'>;
type BackgroundOutput = {
  local: Float32Array; mask: Uint8Array; iterations?: number; relativeResidual?: number; chi?: Float32Array;
  /** TFI: its local field's norm over PDF's in the mask (the cross-check; TFI_PDF_RATIO_LIMIT) */
  tfiToPdf?: number;
  /** TFI: true when it failed the cross-check and the local field is PDF's */
  tfiFellBack?: boolean;
};

/**
 * TFI's local field against PDF's, run after it on the same field (a tenth of TFI's time): PDF removes too much of the
 * brain's own field, never a lot too little, so TFI keeping far more than PDF means its CG drifted. Measured norm
 * ratios (bench/tfiField.ts, 64^3 head, 3 mm, seed 2): the default run 1.12 (4 x 90: 1.35), CG runs too long to be
 * stable 3.93 (2 x 180, local field 278 % off) and 8.44 (1 x 360, 727 %).
 */
export const TFI_PDF_RATIO_LIMIT = 2.5;

/**
 * backgroundStep as a generator: TFI (minutes at 160^3) yields once per CG iteration; V-SHARP and PDF, and TFI's PDF
 * cross-check (46 s at 160^3), run without yielding, so a cancel is seen when they end.
 */
function* backgroundSteps(totalPpm: Float32Array, mask: Uint8Array, input: BackgroundInput, b0Dir: Vec3, o: BackgroundStepOptions): Steps<BackgroundOutput> {
  const p = { signal: o.signal, onProgress: o.onProgress };
  const method = o.background ?? 'tfi';
  if (method === 'vsharp') return vsharp(totalPpm, mask, input.dims, input.voxelSize, { ...o.vsharp, ...p });
  const weights = pdfWeightsFromMagnitude(combineMagnitudes(input.magnitudes), mask);
  const runPdf = (q: ProgressOptions) => pdf(totalPpm, mask, input.dims, input.voxelSize, b0Dir, { weights, ...o.pdf, ...q });
  if (method !== 'tfi') return runPdf(p);
  const t = yield* tfiSteps(totalPpm, mask, input.dims, input.voxelSize, b0Dir, { ...o.tfi, ...p });
  if (o.tfiCheck === false) return t;
  const check = runPdf({ signal: o.signal, onProgress: o.onProgress && ((d, n) => o.onProgress!(d, n, 'PDF cross-check')) });
  let a = 0, b = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) { a += t.local[i] ** 2; b += check.local[i] ** 2; }
  const tfiToPdf = b > 0 ? Math.sqrt(a / b) : Infinity;
  return tfiToPdf > TFI_PDF_RATIO_LIMIT ? { ...check, tfiToPdf, tfiFellBack: true } : { ...t, tfiToPdf };
}

type ChainOptions = LocalFieldOptions & { onStep?: (step: PipelineStep) => ProgressOptions['onProgress'] | void };

/**
 * Runs the steps in order; onProgress gets (done, total, stage) with stage prefixed by the step name.
 * onStep (optional) is told when each step starts, so a CLI can draw one bar per step.
 */
export function localFieldFromPhase(input: PhaseInput, o: ChainOptions = {}): LocalFieldResult {
  return runToEnd(localFieldSteps(input, o));
}

/** localFieldFromPhase with a macrotask between TFI's iterations, so a worker can deliver a cancel while it runs. */
export function localFieldFromPhaseAsync(input: PhaseInput, o: ChainOptions = {}): Promise<LocalFieldResult> {
  return runYielding(localFieldSteps(input, o));
}

function* localFieldSteps(input: PhaseInput, o: ChainOptions): Steps<LocalFieldResult> {
  const first = input.phases[0];
  if (!first) throw new Error('no echoes');
  const progressFor = (step: PipelineStep): ProgressOptions => {
    const fromStep = o.onStep?.(step);
    return { signal: o.signal, onProgress: fromStep ?? ((d, t, s) => o.onProgress?.(d, t, `${step}: ${s}`)) };
  };
  const data: StepInput = {
    phases: input.phases.map((v) => v.data), magnitudes: input.magnitudes.map((v) => v.data), echoTimes: input.echoTimes,
    dims: first.dims, voxelSize: first.voxelSize,
  };
  let mask = o.mask;
  let maskThreshold: number | undefined;
  if (!mask) {
    const r = maskStep(first, data.magnitudes, o.maskOptions, progressFor('mask'));
    mask = r.mask;
    maskThreshold = r.threshold;
  }
  checkAbort(o);
  const tf = totalFieldStep(data, input.b0Tesla, mask, { ...progressFor('total field'), unwrap: o.unwrap, offset: o.offset });
  checkAbort(o);
  const bg = yield* backgroundSteps(tf.totalPpm, mask, data, input.b0Dir, { ...o, ...progressFor('background removal') });
  return { mask, maskThreshold, unwrapped: tf.unwrapped, totalHz: tf.fieldHz, totalPpm: tf.totalPpm, localPpm: bg.local, localMask: bg.mask, offsetDeparture: tf.offsetDeparture, tfiChi: bg.chi, tfiToPdf: bg.tfiToPdf, tfiFellBack: bg.tfiFellBack };
}
