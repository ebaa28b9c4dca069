/**
 * The shared machinery of every dipole-model operation here: zero-pad real volumes, FFT them
 * (real-input, half spectrum), weight their spectra with real k-space kernels, inverse FFT, crop.
 *
 * Semantics are those of the full complex computation real(IFFT(H . FFT(x))) (DESIGN.md). For a
 * real x that equals IFFT(H_e . FFT(x)) with H_e(k) = (H(k) + H(-k)) / 2, the even part of H,
 * whose product with a Hermitian spectrum is Hermitian, so the half spectrum carries it exactly.
 * H is already even except on the Nyquist planes of a tilted kernel (the FFT index N/2 stands
 * for -N/2 on both sides), where this averages the two.
 */
import { cropData, padData, paddedDims } from './padding';
import type { ProgressOptions } from './progress';
import { checkAbort } from './progress';
import { halfDims, irfft3, rfft3, type HalfSpectrum } from './rfft3';
import type { Vec3 } from './volume';

/** Even part of a full-grid real kernel, on the half grid kx = 0 .. nx/2. */
export function evenHalfWeights(h: Float32Array, padDims: Vec3): Float32Array {
  const [px, py, pz] = padDims;
  const hx = halfDims(padDims)[0];
  const out = new Float32Array(hx * py * pz);
  let o = 0;
  for (let z = 0; z < pz; z++) {
    const mz = (pz - z) % pz;
    for (let y = 0; y < py; y++) {
      const my = (py - y) % py;
      const row = px * (y + py * z), mrow = px * (my + py * mz);
      for (let x = 0; x < hx; x++, o++) out[o] = 0.5 * (h[row + x] + h[mrow + ((px - x) % px)]);
    }
  }
  return out;
}

/** Half spectrum of a real volume zero-padded to padDims. */
export function paddedSpectrum(data: Float32Array, dims: Vec3, padDims: Vec3, opts?: ProgressOptions): HalfSpectrum {
  return rfft3(padData(data, dims, padDims), padDims, opts);
}

/** The real volume of a half spectrum, cropped to dims; consumes the spectrum. */
export function croppedInverse(spec: HalfSpectrum, dims: Vec3, opts?: ProgressOptions): Float32Array {
  const full = irfft3(spec, opts);
  checkAbort(opts);
  return cropData(full, spec.dims, dims);
}

/** real(IFFT(H . FFT(pad(data)))) cropped back; H = weights(padDims) on the full padded grid. */
export function filterReal(
  data: Float32Array,
  dims: Vec3,
  weights: (padDims: Vec3) => Float32Array,
  opts?: ProgressOptions,
  padFactor?: number,
): Float32Array {
  const padDims = paddedDims(dims, padFactor);
  const spec = paddedSpectrum(data, dims, padDims, opts);
  const h = evenHalfWeights(weights(padDims), padDims);
  for (let i = 0; i < h.length; i++) { spec.re[i] *= h[i]; spec.im[i] *= h[i]; }
  return croppedInverse(spec, dims, opts);
}
