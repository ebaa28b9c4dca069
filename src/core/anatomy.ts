/**
 * A tissue-class anatomy (public/example/fs_anatomy_labels.nii.gz: uint8 codes of anatomyClasses.ts on a 1 mm RAS
 * grid) and what the example builder needs to know of it: the midline and each class's extent, in anatomy mm
 * (voxel index times voxel size; x left->right, y posterior->anterior, z inferior->superior).
 */
import { AnatomyClass, CLASS_COUNT } from './anatomyClasses';
import type { Vec3, Volume } from './volume';

export interface Anatomy {
  labels: Uint8Array;
  dims: Vec3;
  voxelSize: Vec3;
}

export interface ClassExtent {
  min: Vec3;
  max: Vec3;
  /** |x - midline| range, mm */
  medial: [number, number];
  count: number;
}

export interface AnatomyStats {
  /** x of the midline, mm: the centroid of the midline structures (thalami, ventral DC, brain stem) */
  midline: number;
  /** bounding box of the brain (every non-zero class), mm */
  brainMin: Vec3;
  brainMax: Vec3;
  /** per class code; count 0 where the class is absent */
  extents: ClassExtent[];
}

/**
 * The anatomy held by a NIfTI volume as readNifti returns it (float codes). The file must be on an axis-aligned
 * RAS grid (as scripts/make_example_anatomy.py writes it) and hold only known codes.
 */
export function anatomyFromVolume(v: Volume): Anatomy {
  const a = v.affine;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      const x = a[4 * r + c];
      if (r === c ? !(x > 0) : Math.abs(x) > 1e-3 * v.voxelSize[c]) throw new Error('the example anatomy must be on an axis-aligned RAS grid');
    }
  const labels = new Uint8Array(v.data.length);
  for (let i = 0; i < labels.length; i++) {
    const c = Math.round(v.data[i]);
    if (!(c >= 0 && c < CLASS_COUNT)) throw new Error(`the example anatomy holds an unknown class code ${v.data[i]} at voxel ${i}`);
    labels[i] = c;
  }
  return { labels, dims: [...v.dims] as Vec3, voxelSize: [...v.voxelSize] as Vec3 };
}

export function anatomyStats(an: Anatomy): AnatomyStats {
  const [nx, ny, nz] = an.dims;
  const [dx, dy, dz] = an.voxelSize;
  const extents: ClassExtent[] = Array.from({ length: CLASS_COUNT }, () => ({
    min: [Infinity, Infinity, Infinity] as Vec3, max: [-Infinity, -Infinity, -Infinity] as Vec3, medial: [Infinity, -Infinity] as [number, number], count: 0,
  }));
  const brainMin: Vec3 = [Infinity, Infinity, Infinity];
  const brainMax: Vec3 = [-Infinity, -Infinity, -Infinity];
  let midSum = 0;
  let midCount = 0;
  for (let k = 0, idx = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, idx++) {
        const c = an.labels[idx];
        if (c === AnatomyClass.Outside) continue;
        const p: Vec3 = [i * dx, j * dy, k * dz];
        const e = extents[c];
        e.count++;
        for (let a = 0; a < 3; a++) {
          if (p[a] < e.min[a]) e.min[a] = p[a];
          if (p[a] > e.max[a]) e.max[a] = p[a];
          if (p[a] < brainMin[a]) brainMin[a] = p[a];
          if (p[a] > brainMax[a]) brainMax[a] = p[a];
        }
        if (c === AnatomyClass.Thalamus || c === AnatomyClass.VentralDC || c === AnatomyClass.BrainStem) {
          midSum += p[0];
          midCount++;
        }
      }
  if (!(brainMax[0] >= brainMin[0])) throw new Error('the example anatomy holds no brain');
  const midline = midCount ? midSum / midCount : (brainMin[0] + brainMax[0]) / 2;
  // the medial ranges need the midline: a second pass over the classes that use them is cheap
  for (let k = 0, idx = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, idx++) {
        const c = an.labels[idx];
        if (c === AnatomyClass.Outside) continue;
        const m = Math.abs(i * dx - midline);
        const e = extents[c];
        if (m < e.medial[0]) e.medial[0] = m;
        if (m > e.medial[1]) e.medial[1] = m;
      }
  return { midline, brainMin, brainMax, extents };
}

/** The class at anatomy position p (mm), nearest voxel; Outside beyond the grid. */
export function classAt(an: Anatomy, p: Vec3): number {
  const i = Math.round(p[0] / an.voxelSize[0]);
  const j = Math.round(p[1] / an.voxelSize[1]);
  const k = Math.round(p[2] / an.voxelSize[2]);
  const [nx, ny, nz] = an.dims;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return AnatomyClass.Outside;
  return an.labels[i + nx * (j + ny * k)];
}
