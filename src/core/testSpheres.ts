/**
 * Test helper: voxelised spheres defined in mm, and the analytic field of a uniformly
 * magnetised sphere (Lorentz-corrected): 0 inside; outside, chi/3 (R/r)^3 (3 cos^2 theta - 1)
 * with theta the angle between r and B0. Not used by production code.
 *
 * Spheres get a smooth radial edge (sin^2 taper over `edgeMm` either side of the radius). Any
 * spherically symmetric chi(r) has exactly the exterior field of a point dipole of the same
 * moment and zero (Lorentz-corrected) field inside its plateau, so the analytic solution still
 * holds; the taper removes the Nyquist-frequency content that a hard voxelised edge has. That
 * matters for oblique B0: the continuous D(k) is not periodic across the Nyquist faces of the
 * FFT cube, and a hard-edged sphere then shows (-1)^n checkerboard errors of up to ~25% of the
 * local field along lines near the grid axes (numpy gives the same numbers; it is the kernel,
 * not the FFT).
 */
import { makeVolume, type Vec3, type Volume } from './volume';
import { unitVector } from './dipoleKernel';

export interface Sphere { centreMm: Vec3; radiusMm: number; chi: number; edgeMm?: number }

export function sphereVolume(dims: Vec3, voxelSize: Vec3, spheres: Sphere[]): Volume {
  const v = makeVolume(dims, voxelSize);
  const [nx, ny, nz] = dims;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    for (const s of spheres) {
      const dx = x * voxelSize[0] - s.centreMm[0], dy = y * voxelSize[1] - s.centreMm[1], dz = z * voxelSize[2] - s.centreMm[2];
      v.data[x + nx * (y + ny * z)] += s.chi * radialProfile(Math.hypot(dx, dy, dz), s.radiusMm, s.edgeMm ?? 0);
    }
  }
  return v;
}

/** 1 inside, 0 outside, sin^2 taper over [r0 - w, r0 + w] (a hard edge for w = 0). */
export function radialProfile(r: number, r0: number, w: number): number {
  if (w <= 0) return r <= r0 ? 1 : 0;
  const t = Math.min(1, Math.max(0, (r0 + w - r) / (2 * w)));
  return Math.sin((t * Math.PI) / 2) ** 2;
}

/** Radius of the uniform ball of susceptibility chi with the same moment as the whole volume. */
export function effectiveRadiusMm(vol: Volume, chi: number): number {
  let sum = 0;
  for (const v of vol.data) sum += v;
  const voxelMm3 = vol.voxelSize[0] * vol.voxelSize[1] * vol.voxelSize[2];
  return Math.cbrt((3 * sum * voxelMm3) / (4 * Math.PI * chi));
}

export function analyticSphereField(rMm: Vec3, radiusMm: number, chi: number, b0Dir: Vec3): number {
  const r = Math.hypot(...rMm);
  if (r <= radiusMm) return 0;
  const b = unitVector(b0Dir);
  const cos = (rMm[0] * b[0] + rMm[1] * b[1] + rMm[2] * b[2]) / r;
  return (chi / 3) * (radiusMm / r) ** 3 * (3 * cos * cos - 1);
}
