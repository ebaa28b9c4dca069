/**
 * 3-D SSIM for susceptibility maps (DESIGN.md): values clipped to [-0.1, 0.2] ppm and shifted
 * by +0.1 to [0, 0.3], L = 0.3, K1 = 0.01, K2 = 0.001, Gaussian window sigma 1.5 voxels
 * truncated at 4 sigma (radius 6, scipy.ndimage.gaussian_filter's default truncate = 4.0) with
 * scipy's 'reflect' boundary; local statistics use the biased (window-weighted) variance.
 * Both volumes are zeroed outside the mask before filtering; the SSIM map is averaged over the mask.
 */
import { gaussianFilter3 } from './separableFilter';
import type { Vec3 } from './volume';

export const SSIM_SIGMA = 1.5;
export const SSIM_RADIUS = 6;
const LO = -0.1, HI = 0.2, L = 0.3, K1 = 0.01, K2 = 0.001;

export function ssim3(x: ArrayLike<number>, r: ArrayLike<number>, dims: Vec3, inside: Uint8Array): number {
  const n = inside.length;
  const prep = (v: ArrayLike<number>) => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) o[i] = (inside[i] ? Math.min(HI, Math.max(LO, v[i])) : 0) - LO;
    return o;
  };
  // Outside the mask the value is 0 ppm, i.e. 0.1 after the shift: the same for both maps.
  const a = prep(x), b = prep(r);
  const aa = new Float64Array(n), bb = new Float64Array(n), ab = new Float64Array(n);
  for (let i = 0; i < n; i++) { aa[i] = a[i] * a[i]; bb[i] = b[i] * b[i]; ab[i] = a[i] * b[i]; }
  const f = (v: Float64Array) => gaussianFilter3(v, dims, SSIM_SIGMA, SSIM_RADIUS, 'reflect');
  const ma = f(a), mb = f(b), saa = f(aa), sbb = f(bb), sab = f(ab);
  const c1 = (K1 * L) ** 2, c2 = (K2 * L) ** 2;
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    if (!inside[i]) continue;
    const va = saa[i] - ma[i] * ma[i], vb = sbb[i] - mb[i] * mb[i], cov = sab[i] - ma[i] * mb[i];
    sum += ((2 * ma[i] * mb[i] + c1) * (2 * cov + c2)) / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
    count++;
  }
  return count ? sum / count : NaN;
}
