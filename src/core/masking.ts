/** Masks: a voxel is inside when the mask value is > 0 (NIfTI masks are 0/1, sometimes 0/255). */
import { sameGrid, withData, type Volume } from './volume';

export function maskFromVolume(v: Volume, threshold = 0): Uint8Array {
  const m = new Uint8Array(v.data.length);
  for (let i = 0; i < m.length; i++) m[i] = v.data[i] > threshold ? 1 : 0;
  return m;
}

export function checkSameGrid(a: Volume, b: Volume, what: string): void {
  if (!sameGrid(a, b)) throw new Error(`${what}: grids differ (${a.dims.join('x')} vs ${b.dims.join('x')})`);
}

/** v with every voxel outside the mask set to 0 (a new volume; v is untouched). */
export function applyMask(v: Volume, mask?: Volume): Volume {
  if (!mask) return v;
  checkSameGrid(v, mask, 'mask');
  const out = new Float32Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i] > 0 ? v.data[i] : 0;
  return withData(v, out);
}
