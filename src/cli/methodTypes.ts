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
  signal?: AbortSignal;
}

export type MethodFlag = 'threshold' | 'lambda' | 'patch' | 'overlap' | 'backend';

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
