/** The shape of an inversion method, shared by the registry (methods.ts) and the files that define methods. */
import type { Vec3, Volume } from '../core/volume';
import type { ProgressFn } from './progress';

export type Backend = 'wasm' | 'cpu';

/** Everything a runner may use besides the field and B0 direction; each method reads only its own flags. */
export interface MethodParams {
  /** binary mask on the field's grid (1 inside), when the user gave one */
  mask?: Volume;
  /** --threshold (tkd) */
  threshold?: number;
  /** --lambda (cfl2) */
  lambda?: number;
  /** --patch: patch edge in voxels (learned methods) */
  patch?: number;
  /** --overlap: fraction of a patch shared with its neighbour (learned methods) */
  overlap?: number;
  /** --backend (learned methods) */
  backend?: Backend;
  /** --no-mirror turns this off: one pass per patch instead of two averaged (learned methods, model/mirrorAverage.ts) */
  mirror?: boolean;
  /** --threads: worker threads sharing the patches (learned methods); default every core */
  threads?: number;
  /** --iterations, --tol (tv, ndi) */
  iterations?: number;
  tol?: number;
  /** --tv-lambda, --edge-fraction, --nonlinear (tv) */
  tvLambda?: number;
  edgeFraction?: number;
  nonlinear?: boolean;
  /** --ndi-alpha, --ndi-beta, --step (ndi); --phase-scale (ndi, tv --nonlinear) */
  ndiAlpha?: number;
  ndiBeta?: number;
  step?: number;
  phaseScale?: number;
  /** --magnitude on the field's grid (tv, ndi: noise weights; tv: edge weights) */
  magnitude?: Volume;
  /** a line for stderr (the iterative methods say how many iterations they ran) */
  report?: (line: string) => void;
  signal?: AbortSignal;
}

export type MethodFlag =
  | 'threshold' | 'lambda' | 'patch' | 'overlap' | 'backend' | 'threads' | 'no-mirror'
  | 'iterations' | 'tol' | 'magnitude' | 'tv-lambda' | 'edge-fraction' | 'nonlinear' | 'ndi-alpha' | 'ndi-beta' | 'step' | 'phase-scale';

/** Every method-specific flag, for the check that refuses a flag the chosen method does not read. */
export const METHOD_FLAGS: readonly MethodFlag[] = [
  'threshold', 'lambda', 'patch', 'overlap', 'backend', 'threads', 'no-mirror',
  'iterations', 'tol', 'magnitude', 'tv-lambda', 'edge-fraction', 'nonlinear', 'ndi-alpha', 'ndi-beta', 'step', 'phase-scale',
];

export type MethodRunner = (field: Volume, b0Dir: Vec3, params: MethodParams, onProgress: ProgressFn) => Promise<Volume>;

export interface MethodEntry {
  id: string;
  kind: 'classical' | 'learned';
  /** one line for `qsm list` */
  summary: string;
  /** the method-specific flags it reads; others are refused so a misplaced flag is not silently ignored */
  flags: MethodFlag[];
  run: MethodRunner;
}
