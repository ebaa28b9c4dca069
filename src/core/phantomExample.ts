/**
 * The built-in example dataset: a brain phantom, its local field at the chosen acquisition (with noise), and a
 * COSMOS reference from several simulated head orientations, as a real multi-orientation study would give it.
 * Two phantoms: the procedural one of ellipsoids here (any matrix, no data needed, fast: tests use it), and the
 * brain built from the bundled anatomy (anatomyExample.ts), which a first visit sees.
 */
import { cosmos, orientationsOf } from './cosmos';
import { forwardField } from './forwardModel';
import { brainPhantom } from './phantom';
import { exampleGeometry, rotateDir } from './phantomGeometry';
import { seededRng } from './phantomRandom';
import { checkAbort, type ProgressOptions } from './progress';
import type { Vec3, Volume } from './volume';

export interface ExampleOptions {
  kind?: 'phantom';
  /** in-plane matrix edge (voxels); the slice count follows the voxel size so the FOV stays roughly cubic */
  edge: number;
  voxelSize: Vec3;
  /** FOV tilt from B0 about the voxel x axis, degrees */
  tiltDeg: number;
  /** standard deviation of Gaussian noise added to the simulated fields, ppm */
  noiseStd: number;
  seed: number;
  /** head orientations simulated for the COSMOS reference (>= 3) */
  cosmosOrientations: number;
}

export interface ExampleDataset {
  field: Volume;
  mask: Volume;
  magnitude: Volume;
  groundTruth: Volume;
  cosmos: Volume;
  b0Dir: Vec3;
  /** B0 directions (voxel axes) used for the COSMOS simulation */
  cosmosDirs: Vec3[];
}

/** The brain example: the bundled anatomy (public/example/) sampled at `voxelSize`; the FOV follows the brain. */
export interface AnatomyExampleOptions {
  kind: 'anatomy';
  voxelSize: Vec3;
  /** FOV tilt from B0 about the voxel x axis, degrees */
  tiltDeg: number;
  /** standard deviation of Gaussian noise added to the simulated fields, ppm */
  noiseStd: number;
  seed: number;
  /** head orientations simulated for the COSMOS reference (>= 3) */
  cosmosOrientations: number;
  /** a calcification and a microbleed (default true) */
  lesions?: boolean;
  /** an oblique-axial slab of this thickness (mm) through the deep grey matter and midbrain; whole brain if absent */
  slabMm?: number;
}

/** What the worker's 'example' job builds. */
export type ExampleRequest = ExampleOptions | AnatomyExampleOptions;

export function isAnatomyRequest(o: ExampleRequest): o is AnatomyExampleOptions {
  return o.kind === 'anatomy';
}

/** The procedural phantom as the example panel offers it by default (48^3, 1 mm): what tests of the plumbing load. */
export const PHANTOM_EXAMPLE: ExampleOptions = {
  kind: 'phantom', edge: 48, voxelSize: [1, 1, 1], tiltDeg: 0, noiseStd: 0.002, seed: 1, cosmosOrientations: 3,
};

/**
 * The first visit's example (the example panel's default too): the brain at 1.5 mm in an axial slab of 48 slices
 * (72 mm) from the midbrain to the top of the caudate, 90x120x48 voxels. The first visit's three networks with data
 * consistency, TKD and L2 on WASM took 119 s for it on a 2-core machine at load 20 (the 48^3 ellipsoids: 28 s), the
 * whole brain (90x120x94) 265 s: the networks' cost follows the padded volume (96x128x48 in one pass, two 96^3
 * patches for the whole brain).
 */
export const DEFAULT_EXAMPLE: ExampleRequest = {
  kind: 'anatomy', voxelSize: [1.5, 1.5, 1.5], tiltDeg: 0, noiseStd: 0.002, seed: 1, cosmosOrientations: 3, slabMm: 72,
};

/** COSMOS orientations: the acquisition's own, then head rotations of 25 degrees about x and y, alternating sign. */
export function cosmosDirections(b0Dir: Vec3, count: number): Vec3[] {
  const dirs: Vec3[] = [b0Dir];
  for (let o = 1; o < count; o++) {
    const axis = (o % 2 === 1 ? 0 : 1) as 0 | 1;
    const sign = Math.floor((o - 1) / 2) % 2 === 0 ? 1 : -1;
    dirs.push(rotateDir(b0Dir, axis, sign * 25));
  }
  return dirs;
}

/** Adds seeded Gaussian noise of `std` inside the mask and zeroes the field outside it (a local field map). */
export function addNoise(field: Volume, mask: Volume, std: number, seed: number): void {
  if (!(std > 0)) return;
  const rng = seededRng(seed);
  for (let i = 0; i < field.data.length; i++) field.data[i] = mask.data[i] > 0 ? field.data[i] + std * rng.normal() : 0;
}

export function buildExample(o: ExampleOptions, opts: ProgressOptions = {}): ExampleDataset {
  const geo = exampleGeometry(o.edge, o.voxelSize, o.tiltDeg);
  const orientations = Math.max(3, o.cosmosOrientations);
  const total = 2 + orientations;
  opts.onProgress?.(0, total, 'phantom');
  const p = brainPhantom({ dims: geo.dims, voxelSize: geo.voxelSize, affine: geo.affine, seed: o.seed });
  checkAbort(opts);
  opts.onProgress?.(1, total, 'field');
  const field = forwardField(p.chi, geo.b0Dir, { signal: opts.signal });
  addNoise(field, p.mask, o.noiseStd, o.seed + 1);
  const dirs = cosmosDirections(geo.b0Dir, orientations);
  const fields: Volume[] = [];
  for (let d = 0; d < dirs.length; d++) {
    opts.onProgress?.(2 + d, total, `COSMOS orientation ${d + 1}/${dirs.length}`);
    const f = forwardField(p.chi, dirs[d], { signal: opts.signal });
    addNoise(f, p.mask, o.noiseStd, o.seed + 2 + d);
    fields.push(f);
  }
  const chiCosmos = cosmos(orientationsOf(fields, dirs), p.mask, { signal: opts.signal });
  opts.onProgress?.(total, total, 'done');
  return { field, mask: p.mask, magnitude: p.magnitude, groundTruth: p.chi, cosmos: chiCosmos, b0Dir: geo.b0Dir, cosmosDirs: dirs };
}
