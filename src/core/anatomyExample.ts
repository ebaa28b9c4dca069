/**
 * The brain example: the phantom of the bundled anatomy (anatomyPhantom.ts) at the requested voxel size and tilt,
 * its local field with noise, and a COSMOS reference from several head orientations (the acquisition's own and
 * rotations of 25 degrees, cosmosDirections), in the same ExampleDataset shape as the procedural example.
 */
import type { Anatomy } from './anatomy';
import { anatomyPhantom } from './anatomyPhantom';
import { cosmos, orientationsOf } from './cosmos';
import { forwardField } from './forwardModel';
import { addNoise, cosmosDirections, type AnatomyExampleOptions, type ExampleDataset } from './phantomExample';
import { checkAbort, type ProgressOptions } from './progress';
import { withData, type Volume } from './volume';

export function buildAnatomyExample(anatomy: Anatomy, o: AnatomyExampleOptions, opts: ProgressOptions = {}): ExampleDataset {
  const orientations = Math.max(3, o.cosmosOrientations);
  const total = 3 + orientations;
  opts.onProgress?.(0, total, 'brain phantom');
  const p = anatomyPhantom(anatomy, { voxelSize: o.voxelSize, tiltDeg: o.tiltDeg, seed: o.seed, lesions: o.lesions, slabMm: o.slabMm }, { signal: opts.signal });
  checkAbort(opts);
  const b0Dir = p.grid.b0Dir;
  opts.onProgress?.(1, total, 'field');
  // the acquisition is COSMOS's first orientation: one clean field, two noise draws (as two scans would give)
  const clean = forwardField(p.chi, b0Dir, { signal: opts.signal });
  const field = withData(clean, Float32Array.from(clean.data));
  addNoise(field, p.mask, o.noiseStd, o.seed + 1);
  const dirs = cosmosDirections(b0Dir, orientations);
  const fields: Volume[] = [];
  for (let d = 0; d < dirs.length; d++) {
    opts.onProgress?.(2 + d, total, `COSMOS orientation ${d + 1}/${dirs.length}`);
    const f = d === 0 ? clean : forwardField(p.chi, dirs[d], { signal: opts.signal });
    addNoise(f, p.mask, o.noiseStd, o.seed + 2 + d);
    fields.push(f);
  }
  opts.onProgress?.(2 + dirs.length, total, 'COSMOS inversion');
  const chiCosmos = cosmos(orientationsOf(fields, dirs), p.mask, { signal: opts.signal });
  opts.onProgress?.(total, total, 'done');
  return { field, mask: p.mask, magnitude: p.magnitude, groundTruth: p.chi, cosmos: chiCosmos, b0Dir, cosmosDirs: dirs };
}
