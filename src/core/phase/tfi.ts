/**
 * Total-field inversion (TFI; Liu et al., MRM 2018) used as background-field removal. PDF (pdf.ts) fits outside
 * sources to the whole field in the brain, so it also takes the part of the brain's own field that outside sources
 * could make (the harmonic floor: README, pdf.test.ts). TFI instead fits one susceptibility map over the padded
 * grid, inside and outside the brain together, so inside and outside sources compete for the field:
 *
 *   chi = P y,  y = argmin || M (D P y - f) ||^2 + lambda || W_g grad(P y) ||_1
 *
 * with D the project's dipole kernel on the zero-padded grid (DESIGN.md), M the brain mask (the data term sees only
 * the brain), P the preconditioner (1 inside the brain, `outsideWeight` outside: the outside sources are ~100x
 * stronger and without it the CG diverges, bench/tfi_prototype.py), and the L1 gradient prior by IRLS: W_g =
 * 1 / sqrt(|grad chi|^2 + epsilon^2) from the previous outer iteration, then `cgIterations` CG steps on the normal
 * equations, warm-started. The local field is then the field of the inside sources alone: M D (M chi).
 * The gradient is the forward difference with the padded grid's periodic wrap, per voxel of the mean voxel size
 * (difference x mean(voxelSize) / voxelSize_a): in voxel units lambda and epsilon hardly depend on the resolution
 * (per mm, the L1 term scales as 1/voxel size: the 2 mm optimum of 1e-4 per mm was 3e-4 at 4 mm).
 *
 * The grid is the mask's bounding box, zero-padded (iterativeGrid.ts, as TV and NDI): the data term sees only the brain,
 * and the padding, which wraps around the box, holds the outside sources; a 160^3 head's box pads to 192x240x192
 * instead of 240^3 (`cropToMask: false` keeps the whole field of view).
 * It is the numpy prototype's algorithm (bench/tfi_prototype.py) step for step, and phase.fixture.test.ts checks
 * it against the numpy reference in __fixtures__/make_phase_fixture.py.
 */
import { conjugateGradientSteps } from '../conjugateGradient';
import { runToEnd, runYielding, type Steps } from '../iterate';
import { fromPadded, halfDipole, iterGrid, scratchFor, spectrumBuffer, toPadded } from '../iterativeGrid';
import { checkAbort, type ProgressOptions } from '../progress';
import { irfft3Into, rfft3Into } from '../rfft3';
import type { Vec3 } from '../volume';
import type { BackgroundRemoval } from './vsharp';

export interface TfiOptions extends ProgressOptions {
  /** weight of the L1 gradient prior (voxel differences of chi in ppm) against the field misfit in ppm (default TFI_DEFAULTS.lambda) */
  lambda?: number;
  /** preconditioner outside the brain (default TFI_DEFAULTS.outsideWeight) */
  outsideWeight?: number;
  /** IRLS re-weightings (default TFI_DEFAULTS.irls) */
  irls?: number;
  /** CG iterations per re-weighting (default TFI_DEFAULTS.cgIterations) */
  cgIterations?: number;
  /** the IRLS floor on |grad chi| in ppm per voxel (default TFI_DEFAULTS.epsilon) */
  epsilon?: number;
  /** default 1.5 (DESIGN.md's padding) */
  padFactor?: number;
  /** solve on the mask's bounding box, padded (default true), or on the whole field of view, padded */
  cropToMask?: boolean;
}

export interface TfiResult extends BackgroundRemoval {
  /** the fitted susceptibility (ppm) inside and outside the brain: over the mask's bounding box (0 beyond it), or the whole field of view with cropToMask false */
  chi: Float32Array;
}

/**
 * Chosen on head phantoms of seeds 2 and 3 at 96^3, 2 mm (bench/tfiField.ts; the README's case is seed 1), local-field
 * NRMSE seed 2 / seed 3 (PDF 37.1 / 39.2 %): 8 x 30 CG 30.4 / 31.5, 8 x 45 27.0 / 27.8, 6 x 60 23.4 / 24.1, 4 x 90
 * 18.3 / 18.8, 3 x 120 26.3 / 27.3, 2 x 180 85 / 102 %. Stopping early is part of the regularisation: run long, CG
 * approaches a minimiser far from the truth (one run of 360 gave 455 % for every lambda from 5e-5 to 1e-3; on a
 * 32^3 head 360 and 1000 iterations gave the same field, so it is not round-off, and projecting out the constant
 * null space changed nothing). So 6 x 60, a third of the run length that failed, not the best 4 x 90 (at 64^3, 3 mm,
 * 4 x 90 already lost to 6 x 60: 37.2 against 20.9 %); the pipeline cross-checks against PDF (localFieldPipeline.ts).
 * lambda 2.5e-5 and 1e-4 lost 1.0-1.8 points to 5e-5 at 8 x 30 (whole field of view); 1e-4 tied it at 4 x 90, 2e-4
 * lost 2.1.
 */
export const TFI_DEFAULTS = { lambda: 5e-5, outsideWeight: 30, irls: 6, cgIterations: 60, epsilon: 2e-3, padFactor: 1.5 };

/** The prior's per-axis difference scale: mean voxel size / voxel size (1 on every axis for isotropic voxels). */
function gradientScale(voxelSize: Vec3): Vec3 {
  const mean = (voxelSize[0] + voxelSize[1] + voxelSize[2]) / 3;
  return [mean / voxelSize[0], mean / voxelSize[1], mean / voxelSize[2]];
}

/**
 * grad^T (w grad u) on a periodic grid, grad_a u[i] = s_a (u[i + e_a] - u[i]):
 * out[i] = sum_a s_a^2 (w[i - e_a] (u[i] - u[i - e_a]) - w[i] (u[i + e_a] - u[i])).
 */
export function weightedGradientNormal(u: Float32Array, w: Float32Array, dims: Vec3, scale: Vec3, out: Float32Array): Float32Array {
  const [nx, ny, nz] = dims;
  const sx = 1, sy = nx, sz = nx * ny;
  const cx = scale[0] * scale[0], cy = scale[1] * scale[1], cz = scale[2] * scale[2];
  for (let z = 0; z < nz; z++) {
    const zp = z === nz - 1 ? -(nz - 1) * sz : sz, zm = z === 0 ? (nz - 1) * sz : -sz;
    for (let y = 0; y < ny; y++) {
      const yp = y === ny - 1 ? -(ny - 1) * sy : sy, ym = y === 0 ? (ny - 1) * sy : -sy;
      const row = z * sz + y * sy;
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        const xp = x === nx - 1 ? -(nx - 1) * sx : sx, xm = x === 0 ? (nx - 1) * sx : -sx;
        const ui = u[i], wi = w[i];
        out[i] = cx * (w[i + xm] * (ui - u[i + xm]) - wi * (u[i + xp] - ui))
          + cy * (w[i + ym] * (ui - u[i + ym]) - wi * (u[i + yp] - ui))
          + cz * (w[i + zm] * (ui - u[i + zm]) - wi * (u[i + zp] - ui));
      }
    }
  }
  return out;
}

/** IRLS weights 1 / sqrt(|grad chi|^2 + eps^2), forward differences with periodic wrap, scaled per axis. */
function irlsWeights(chi: Float32Array, dims: Vec3, scale: Vec3, eps: number, out: Float32Array): void {
  const [nx, ny, nz] = dims;
  const sy = nx, sz = nx * ny;
  for (let z = 0; z < nz; z++) {
    const zp = z === nz - 1 ? -(nz - 1) * sz : sz;
    for (let y = 0; y < ny; y++) {
      const yp = y === ny - 1 ? -(ny - 1) * sy : sy;
      for (let x = 0; x < nx; x++) {
        const i = z * sz + y * sy + x, xp = x === nx - 1 ? -(nx - 1) : 1;
        const gx = (chi[i + xp] - chi[i]) * scale[0], gy = (chi[i + yp] - chi[i]) * scale[1], gz = (chi[i + zp] - chi[i]) * scale[2];
        out[i] = 1 / Math.sqrt(gx * gx + gy * gy + gz * gz + eps * eps);
      }
    }
  }
}

export function tfi(total: Float32Array, mask: Uint8Array, dims: Vec3, voxelSize: Vec3, b0Dir: Vec3, o: TfiOptions = {}): TfiResult {
  return runToEnd(tfiSteps(total, mask, dims, voxelSize, b0Dir, o));
}

/** tfi with a macrotask between CG iterations, so a worker sees a cancel while it runs (minutes at 160^3). */
export function tfiAsync(total: Float32Array, mask: Uint8Array, dims: Vec3, voxelSize: Vec3, b0Dir: Vec3, o: TfiOptions = {}): Promise<TfiResult> {
  return runYielding(tfiSteps(total, mask, dims, voxelSize, b0Dir, o));
}

/** TFI as a generator (iterate.ts): one yield per CG iteration. */
export function* tfiSteps(total: Float32Array, mask: Uint8Array, dims: Vec3, voxelSize: Vec3, b0Dir: Vec3, o: TfiOptions = {}): Steps<TfiResult> {
  const lambda = o.lambda ?? TFI_DEFAULTS.lambda, pb = o.outsideWeight ?? TFI_DEFAULTS.outsideWeight;
  const outer = o.irls ?? TFI_DEFAULTS.irls, inner = o.cgIterations ?? TFI_DEFAULTS.cgIterations, eps = o.epsilon ?? TFI_DEFAULTS.epsilon;
  const n = total.length;
  if (n !== dims[0] * dims[1] * dims[2] || mask.length !== n) throw new Error(`TFI: field has ${n} values, mask ${mask.length}, dims ${dims.join('x')}`);
  let inside = 0;
  for (let i = 0; i < n; i++) if (mask[i]) inside++;
  if (inside === 0) throw new Error('TFI needs a non-empty mask');
  const g = iterGrid(dims, o.cropToMask === false ? () => true : (i) => mask[i] > 0, o.padFactor ?? TFI_DEFAULTS.padFactor);
  const pd = g.pad, N = g.n;
  const h = halfDipole(g, voxelSize, b0Dir), spec = spectrumBuffer(g), scratch = scratchFor(g);
  /** out = D x on the padded grid (circular), x untouched */
  const convolve = (x: Float32Array, out: Float32Array): Float32Array => {
    rfft3Into(x, pd, spec, undefined, scratch);
    for (let i = 0; i < h.length; i++) { spec.re[i] *= h[i]; spec.im[i] *= h[i]; }
    return irfft3Into(spec, out, undefined, scratch);
  };
  const gs = gradientScale(voxelSize);
  const maskPad = toPadded(g, mask, new Uint8Array(N));
  const P = new Float32Array(N);
  for (let i = 0; i < N; i++) P[i] = maskPad[i] ? 1 : pb;

  const u = new Float32Array(N), du = new Float32Array(N), reg = new Float32Array(N), wg = new Float32Array(N);
  // A v = P D M D (P v) + lambda P grad^T (W_g grad (P v)); M is maskPad (0 outside the field of view too)
  const apply = (v: Float32Array, out: Float32Array) => {
    for (let i = 0; i < N; i++) u[i] = P[i] * v[i];
    convolve(u, du);
    for (let i = 0; i < N; i++) du[i] *= maskPad[i];
    convolve(du, out);
    weightedGradientNormal(u, wg, pd, gs, reg);
    for (let i = 0; i < N; i++) out[i] = P[i] * (out[i] + lambda * reg[i]);
  };

  const fPad = toPadded(g, total);
  for (let i = 0; i < N; i++) fPad[i] *= maskPad[i];
  const b = convolve(fPad, new Float32Array(N));
  for (let i = 0; i < N; i++) b[i] *= P[i];

  const y = new Float32Array(N), r = new Float32Array(N), q = new Float32Array(N);
  const totalIt = outer * inner;
  for (let k = 0; k < outer; k++) {
    for (let i = 0; i < N; i++) u[i] = P[i] * y[i];
    irlsWeights(u, pd, gs, eps, wg);
    apply(y, q);
    for (let i = 0; i < N; i++) r[i] = b[i] - q[i];
    yield* conjugateGradientSteps(apply, y, r, {
      maxIter: inner, tol: 0, scratch: q,
      beforeIteration: (it) => { checkAbort(o); o.onProgress?.(k * inner + it, totalIt, 'TFI conjugate gradients'); },
    });
  }
  const chiPad = new Float32Array(N);
  for (let i = 0; i < N; i++) chiPad[i] = P[i] * y[i];
  const chi = fromPadded(g, chiPad);
  // the field of the inside sources: D (M chi), seen in the brain
  for (let i = 0; i < N; i++) chiPad[i] *= maskPad[i];
  const lf = fromPadded(g, convolve(chiPad, du));
  const local = new Float32Array(n);
  for (let i = 0; i < n; i++) if (mask[i]) local[i] = lf[i];
  o.onProgress?.(totalIt, totalIt, 'TFI conjugate gradients');
  return { local, mask: Uint8Array.from(mask), chi };
}
