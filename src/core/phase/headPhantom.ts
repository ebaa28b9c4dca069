/**
 * A simulated multi-echo GRE head with known truth, for tests, the CLI's checks and the workbench's example:
 * the brain phantom's susceptibility inside the brain, and strong background sources outside it: air around the
 * head (the field of view's box, +9.4 ppm relative to tissue, as air against water), a sinus-like air pocket
 * under the frontal lobes, and a water-like sphere in the air beside the head. The complex signal at each echo is
 * m e^{-TE/T2*} e^{i (phi_0 + 2 pi f TE)} plus complex Gaussian noise, so phase noise grows where the magnitude is
 * low (and air is pure noise); phi_0 is a smooth offset of several radians.
 *
 * Truth: local field = the dipole field of the brain's susceptibility alone (ppm); total = local + background.
 */
import { forwardField } from '../forwardModel';
import { brainPhantom, type BrainPhantom } from '../phantom';
import { seededRng } from '../phantomRandom';
import { checkAbort, type ProgressOptions } from '../progress';
import { makeVolume, withData, type Mat4, type Vec3, type Volume } from '../volume';
import { GAMMA_BAR_MHZ_PER_T } from './hzToPpm';

export interface HeadPhantomOptions {
  dims: Vec3;
  voxelSize: Vec3;
  affine?: Mat4;
  /** B0 direction in voxel axes; default [0, 0, 1] */
  b0Dir?: Vec3;
  /** Tesla; default 3 */
  b0Tesla?: number;
  /** seconds; default 4, 8, 12, 16 ms */
  echoTimes?: number[];
  /** susceptibility of air relative to tissue, ppm; default 9.4 */
  airChi?: number;
  /** complex noise standard deviation (white matter magnitude is 0.85, so SNR ~ 85 at TE = 0); default 0.01 */
  noise?: number;
  /** seconds; default 0.05 */
  t2star?: number;
  /** peak-to-peak size of the smooth phase offset, radians; default 6 */
  offsetRange?: number;
  seed?: number;
}

export interface HeadPhantom {
  brain: BrainPhantom;
  /** all sources, ppm (brain chi, air, sinus, sphere) */
  chiTotal: Volume;
  /** ppm */
  localField: Volume;
  backgroundField: Volume;
  totalField: Volume;
  /** wrapped phase (radians) per echo */
  phases: Volume[];
  magnitudes: Volume[];
  /** phi_0, radians (unwrapped) */
  offset: Float32Array;
  echoTimes: number[];
  b0Tesla: number;
  b0Dir: Vec3;
}

export const DEFAULT_ECHO_TIMES = [0.004, 0.008, 0.012, 0.016];

const SINUS = { centre: [0, 0.62, -0.6], radii: [0.16, 0.1, 0.09] };
const SPHERE = { centre: [0.72, -0.72, -0.6], radius: 0.2 };
const HEAD = { centre: [0, 0, 0.02], radii: [0.84, 0.97, 0.8] };

export function headPhantom(o: HeadPhantomOptions, opts: ProgressOptions = {}): HeadPhantom {
  const { dims, voxelSize } = o;
  const b0Dir = o.b0Dir ?? [0, 0, 1];
  const b0Tesla = o.b0Tesla ?? 3;
  const tes = o.echoTimes ?? DEFAULT_ECHO_TIMES;
  const air = o.airChi ?? 9.4;
  const noise = o.noise ?? 0.01;
  const t2s = o.t2star ?? 0.05;
  const offRange = o.offsetRange ?? 6;
  const brain = brainPhantom({ dims, voxelSize, affine: o.affine, seed: o.seed ?? 1 });
  const n = brain.chi.data.length;
  const [nx, ny, nz] = dims;
  const bg = new Float32Array(n);
  const mag = Float32Array.from(brain.magnitude.data);
  const offset = new Float32Array(n);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const u = [(2 * i + 1) / nx - 1, (2 * j + 1) / ny - 1, (2 * k + 1) / nz - 1];
    const idx = i + nx * (j + ny * k);
    const e = (c: number[], r: number[]) => ((u[0] - c[0]) / r[0]) ** 2 + ((u[1] - c[1]) / r[1]) ** 2 + ((u[2] - c[2]) / r[2]) ** 2;
    const inHead = e(HEAD.centre, HEAD.radii) <= 1;
    const inSphere = Math.hypot(u[0] - SPHERE.centre[0], u[1] - SPHERE.centre[1], u[2] - SPHERE.centre[2]) <= SPHERE.radius;
    const inSinus = e(SINUS.centre, SINUS.radii) <= 1 && brain.mask.data[idx] === 0;
    if ((!inHead && !inSphere) || inSinus) { bg[idx] = air; mag[idx] = 0; }
    if (inSphere && !inHead) mag[idx] = 0.9;
    offset[idx] = (offRange / 2) * (0.6 * u[0] - 0.5 * u[1] + 0.4 * Math.sin(2.2 * u[2] + 0.5 * u[0]));
  }
  checkAbort(opts);
  const vol = (data: Float32Array) => makeVolume(dims, voxelSize, o.affine, data);
  const chiTotal = vol(new Float32Array(n));
  for (let i = 0; i < n; i++) chiTotal.data[i] = brain.chi.data[i] + bg[i];
  opts.onProgress?.(0, 3, 'local field');
  const localField = forwardField(brain.chi, b0Dir);
  checkAbort(opts);
  opts.onProgress?.(1, 3, 'background field');
  const backgroundField = forwardField(vol(bg), b0Dir);
  const totalField = withData(localField, new Float32Array(n));
  for (let i = 0; i < n; i++) totalField.data[i] = localField.data[i] + backgroundField.data[i];
  opts.onProgress?.(2, 3, 'echoes');
  const rng = seededRng((o.seed ?? 1) * 7919 + 17);
  const hzPerPpm = GAMMA_BAR_MHZ_PER_T * b0Tesla;
  const phases: Volume[] = [], magnitudes: Volume[] = [];
  for (const te of tes) {
    const p = new Float32Array(n), m = new Float32Array(n);
    const decay = Math.exp(-te / t2s);
    for (let i = 0; i < n; i++) {
      const phi = offset[i] + 2 * Math.PI * hzPerPpm * totalField.data[i] * te;
      const a = mag[i] * decay;
      const re = a * Math.cos(phi) + noise * rng.normal(), im = a * Math.sin(phi) + noise * rng.normal();
      p[i] = Math.atan2(im, re);
      m[i] = Math.hypot(re, im);
    }
    phases.push(vol(p)); magnitudes.push(vol(m));
  }
  opts.onProgress?.(3, 3, 'echoes');
  return { brain, chiTotal, localField, backgroundField, totalField, phases, magnitudes, offset, echoTimes: [...tes], b0Tesla, b0Dir };
}
