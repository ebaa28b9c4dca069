/**
 * Binary morphology on 0/1 masks (Uint8Array, x fastest): erosion and dilation by a ball of radius in mm
 * (anisotropic voxels allowed, through the exact distance transform), the largest 6-connected component,
 * and 3-D hole filling.
 */
import type { Vec3 } from '../volume';
import { squaredDistanceTo } from './distanceTransform';

/** Voxels of `mask` whose ball of radius rMm lies inside the mask; the grid's edge counts as outside. */
export function erodeMask(mask: Uint8Array, dims: Vec3, voxelSize: Vec3, rMm: number): Uint8Array {
  if (!(rMm > 0)) return Uint8Array.from(mask);
  const outside = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) outside[i] = mask[i] ? 0 : 1;
  const d2 = squaredDistanceTo(outside, dims, voxelSize, true);
  const r2 = rMm * rMm;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] && d2[i] > r2 ? 1 : 0;
  return out;
}

/** Voxels within rMm of the mask. */
export function dilateMask(mask: Uint8Array, dims: Vec3, voxelSize: Vec3, rMm: number): Uint8Array {
  if (!(rMm > 0)) return Uint8Array.from(mask);
  const d2 = squaredDistanceTo(mask, dims, voxelSize, false);
  const r2 = rMm * rMm;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = d2[i] <= r2 ? 1 : 0;
  return out;
}

/** Component labels (1..count, 0 outside) of the 6-connected components of `mask`, and their sizes (index = label). */
export function connectedComponents(mask: Uint8Array, dims: Vec3): { labels: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(mask.length);
  const queue = new Int32Array(mask.length);
  const sizes = [0];
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || labels[seed]) continue;
    const label = sizes.length;
    let head = 0, tail = 0;
    queue[tail++] = seed;
    labels[seed] = label;
    while (head < tail) {
      const i = queue[head++];
      const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
      if (x > 0 && mask[i - 1] && !labels[i - 1]) { labels[i - 1] = label; queue[tail++] = i - 1; }
      if (x < nx - 1 && mask[i + 1] && !labels[i + 1]) { labels[i + 1] = label; queue[tail++] = i + 1; }
      if (y > 0 && mask[i - nx] && !labels[i - nx]) { labels[i - nx] = label; queue[tail++] = i - nx; }
      if (y < ny - 1 && mask[i + nx] && !labels[i + nx]) { labels[i + nx] = label; queue[tail++] = i + nx; }
      const s = nx * ny;
      if (z > 0 && mask[i - s] && !labels[i - s]) { labels[i - s] = label; queue[tail++] = i - s; }
      if (z < nz - 1 && mask[i + s] && !labels[i + s]) { labels[i + s] = label; queue[tail++] = i + s; }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}

/** The largest 6-connected component (an empty mask stays empty). */
export function largestComponent(mask: Uint8Array, dims: Vec3): Uint8Array {
  const { labels, sizes } = connectedComponents(mask, dims);
  let best = 0;
  for (let l = 1; l < sizes.length; l++) if (sizes[l] > sizes[best]) best = l;
  const out = new Uint8Array(mask.length);
  if (best === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = labels[i] === best ? 1 : 0;
  return out;
}

/** The mask with every cavity filled: outside voxels not 6-connected to the grid's border become inside. */
export function fillHoles(mask: Uint8Array, dims: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const outside = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) outside[i] = mask[i] ? 0 : 1;
  const { labels } = connectedComponents(outside, dims);
  const touching = new Set<number>();
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    if (x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1) {
      const l = labels[x + nx * (y + ny * z)];
      if (l) touching.add(l);
    }
  }
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] || !touching.has(labels[i]) ? 1 : 0;
  return out;
}

export function countInside(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}
