/**
 * The grid the iterative inversions (tv.ts, ndi.ts) work on, and the buffers they reuse every iteration.
 *
 * The field is only trusted inside the mask (the data term is weighted by it), so everything outside the mask's
 * bounding box is zeros in the field and free susceptibility in the solution. The box is cut out and zero-padded
 * at the high end to DESIGN.md's padded size (padding.ts, at least 1.5x each box edge, a fast FFT size): the same
 * zero-padded convolution as TKD or closed-form L2, on a grid that does not pay for empty field of view (a 160^3
 * brain volume's box pads to ~180x216x160 instead of 240^3, 2.2x fewer voxels per FFT).
 * Kernels are the even half-spectrum weights of spectralFilter.ts, so every filtering is real(IFFT(H FFT(x))).
 */
import { dipoleKernel } from './dipoleKernel';
import { gradientPenaltyKernel } from './closedFormL2';
import { makeScratch, type Scratch } from './fft3';
import { paddedDims } from './padding';
import { checkSameGrid } from './masking';
import { halfDims, type HalfSpectrum } from './rfft3';
import { evenHalfWeights } from './spectralFilter';
import { noiseWeights } from './magnitudeWeights';
import { withData, type Vec3, type Volume } from './volume';

export interface IterGrid {
  /** the input's dims */
  dims: Vec3;
  /** the box: first voxel and size, in the input's voxels */
  lo: Vec3;
  box: Vec3;
  /** the padded grid the solver runs on (box at its origin) */
  pad: Vec3;
  /** voxels of the padded grid */
  n: number;
}

/** The bounding box of the voxels where inside(i) holds; the whole grid when none does. */
export function supportBox(dims: Vec3, inside: (i: number) => boolean): { lo: Vec3; box: Vec3 } {
  const [nx, ny] = dims;
  const lo: Vec3 = [...dims], hi: Vec3 = [-1, -1, -1];
  let i = 0;
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (!inside(i)) continue;
    if (x < lo[0]) lo[0] = x;
    if (x > hi[0]) hi[0] = x;
    if (y < lo[1]) lo[1] = y;
    if (y > hi[1]) hi[1] = y;
    if (z < lo[2]) lo[2] = z;
    if (z > hi[2]) hi[2] = z;
  }
  if (hi[0] < 0) return { lo: [0, 0, 0], box: [...dims] };
  return { lo, box: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1] };
}

export function iterGrid(dims: Vec3, inside: (i: number) => boolean, padFactor?: number): IterGrid {
  const { lo, box } = supportBox(dims, inside);
  const pad = paddedDims(box, padFactor);
  return { dims: [...dims], lo, box, pad, n: pad[0] * pad[1] * pad[2] };
}

/** The box of src (input grid) into the origin corner of out (padded grid); out is `fill` elsewhere. */
export function toPadded(g: IterGrid, src: ArrayLike<number>, out?: Float32Array, fill?: number): Float32Array;
export function toPadded(g: IterGrid, src: ArrayLike<number>, out: Uint8Array, fill?: number): Uint8Array;
export function toPadded(g: IterGrid, src: ArrayLike<number>, out: Float32Array | Uint8Array = new Float32Array(g.n), fill = 0): Float32Array | Uint8Array {
  out.fill(fill);
  const [nx, ny] = g.dims, [px, py] = g.pad, [bx, by, bz] = g.box, [x0, y0, z0] = g.lo;
  for (let z = 0; z < bz; z++) for (let y = 0; y < by; y++) {
    const s = x0 + nx * (y0 + y + ny * (z0 + z)), d = px * (y + py * z);
    for (let x = 0; x < bx; x++) out[d + x] = src[s + x];
  }
  return out;
}

/** The padded grid's box back on the input grid (a new array, zero outside the box). */
export function fromPadded(g: IterGrid, src: Float32Array): Float32Array {
  const [nx, ny, nz] = g.dims, [px, py] = g.pad, [bx, by, bz] = g.box, [x0, y0, z0] = g.lo;
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0; z < bz; z++) for (let y = 0; y < by; y++) {
    const d = x0 + nx * (y0 + y + ny * (z0 + z)), s = px * (y + py * z);
    for (let x = 0; x < bx; x++) out[d + x] = src[s + x];
  }
  return out;
}

/** Even half-spectrum dipole kernel and gradient penalty |E|^2 on the padded grid. */
export function halfDipole(g: IterGrid, voxelSize: Vec3, b0Dir: Vec3): Float32Array {
  return evenHalfWeights(dipoleKernel(g.pad, voxelSize, b0Dir), g.pad);
}

export function halfGradientPenalty(g: IterGrid, voxelSize: Vec3): Float32Array {
  return evenHalfWeights(gradientPenaltyKernel(g.pad, voxelSize), g.pad);
}

/** A half spectrum and an FFT scratch for the padded grid, allocated once per solve. */
export function spectrumBuffer(g: IterGrid): HalfSpectrum {
  const hd = halfDims(g.pad);
  const m = hd[0] * hd[1] * hd[2];
  return { re: new Float32Array(m), im: new Float32Array(m), dims: [...g.pad] };
}

export function scratchFor(g: IterGrid): Scratch {
  return makeScratch(g.pad);
}

/**
 * sum |X|^2 over the full spectrum from its half (Parseval: N times the real volume's sum of squares): every
 * kx column but 0 and nx/2 stands for itself and its mirror.
 */
export function halfEnergy(re: Float32Array, im: Float32Array, pad: Vec3): number {
  const hx = pad[0] / 2 + 1;
  let s = 0;
  for (let r = 0; r < re.length; r += hx) {
    let row = 0;
    for (let i = r + 1; i < r + hx - 1; i++) row += re[i] * re[i] + im[i] * im[i];
    const e = r + hx - 1;
    s += 2 * row + re[r] * re[r] + im[r] * im[r] + re[e] * re[e] + im[e] * im[e];
  }
  return s;
}

/** What both solvers start from: the grid, the masked field and the data weights W, on the padded grid. */
export interface IterativeInput {
  grid: IterGrid;
  /** the field in ppm, zero outside the mask */
  f: Float32Array;
  /** W: the mask, or the magnitude's noise weights (magnitudeWeights.ts) */
  w: Float32Array;
  /** 1 on the support (the mask, or the non-zero field), 0 elsewhere (bytes: a quarter of a float volume) */
  support: Uint8Array;
}

/**
 * The support is the mask (the non-zero field without one); a magnitude, when given, must be on the field's grid.
 */
export function iterativeInput(field: Volume, mask?: Volume, magnitude?: Volume, padFactor?: number): IterativeInput {
  if (mask) checkSameGrid(field, mask, 'mask');
  if (magnitude) checkSameGrid(field, magnitude, 'magnitude');
  const fd = field.data, md = mask?.data;
  for (let i = 0; i < fd.length; i++) if (!Number.isFinite(fd[i]) && (!md || md[i] > 0)) throw new Error('the field has a non-finite value inside the mask');
  const grid = iterGrid(field.dims, md ? (i) => md[i] > 0 : (i) => fd[i] !== 0, padFactor);
  const fm = md ? Float32Array.from(fd, (v, i) => (md[i] > 0 ? v : 0)) : fd;
  const support = toPadded(grid, md ? Uint8Array.from(md, (v) => (v > 0 ? 1 : 0)) : Uint8Array.from(fd, (v) => (v !== 0 ? 1 : 0)), new Uint8Array(grid.n));
  return { grid, f: toPadded(grid, fm), w: toPadded(grid, noiseWeights(fd.length, md, magnitude?.data)), support };
}

/** The solution on the padded grid as a volume like the field, masked like the other methods. */
export function iterativeOutput(g: IterGrid, chi: Float32Array, field: Volume, mask?: Volume): Volume {
  const out = fromPadded(g, chi);
  if (mask) for (let i = 0; i < out.length; i++) if (!(mask.data[i] > 0)) out[i] = 0;
  return withData(field, out);
}
