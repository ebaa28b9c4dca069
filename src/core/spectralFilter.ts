/**
 * The shared machinery of every dipole-model operation here: pad real volumes, FFT, combine
 * their spectra with real k-space weights, inverse FFT, keep the real part, crop.
 */
import { complexFromReal, fft3, ifft3, type ComplexVolume } from './fft3';
import { cropData, padData, paddedDims } from './padding';
import type { ProgressOptions } from './progress';
import { checkAbort } from './progress';
import type { Vec3 } from './volume';

/** Steps reported per FFT pass by fft3 (its onProgress counts slices). */
function stageOpts(opts: ProgressOptions | undefined, stage: string): ProgressOptions | undefined {
  if (!opts) return undefined;
  return { signal: opts.signal, onProgress: opts.onProgress && ((d, t) => opts.onProgress?.(d, t, stage)) };
}

/** Padded spectrum of a real volume. */
export function paddedSpectrum(data: Float32Array, dims: Vec3, padDims: Vec3, opts?: ProgressOptions, stage = 'FFT'): ComplexVolume {
  const c = complexFromReal(padData(data, dims, padDims), padDims);
  fft3(c, stageOpts(opts, stage));
  return c;
}

/** real(IFFT(spectrum)) cropped to dims; consumes the spectrum. */
export function realCroppedInverse(spec: ComplexVolume, dims: Vec3, opts?: ProgressOptions, stage = 'inverse FFT'): Float32Array {
  ifft3(spec, stageOpts(opts, stage));
  checkAbort(opts);
  return cropData(spec.re, spec.dims, dims);
}

/**
 * real(IFFT(H * FFT(pad(data)))) cropped back, where H is computed on the padded grid by
 * `weights(padDims)`. H is real, so the multiply scales re and im alike.
 */
export function filterReal(
  data: Float32Array,
  dims: Vec3,
  weights: (padDims: Vec3) => Float32Array,
  opts?: ProgressOptions,
  padFactor?: number,
): Float32Array {
  const padDims = paddedDims(dims, padFactor);
  const spec = paddedSpectrum(data, dims, padDims, opts);
  const h = weights(padDims);
  for (let i = 0; i < h.length; i++) { spec.re[i] *= h[i]; spec.im[i] *= h[i]; }
  return realCroppedInverse(spec, dims, opts);
}
