/**
 * Writes the procedural ellipsoid phantom (src/core/phantomExample.ts, the example panel's "procedural phantom")
 * as files, for scoring any method against its COSMOS reference from the command line, as a user with a
 * multi-orientation study would: OUT_DIR/field.nii.gz (ppm, the header's affine carries the tilt, so B0 comes from
 * it), mask.nii.gz, cosmos.nii.gz, chi_true.nii.gz. No network was trained or tuned on this phantom.
 *
 *   npx tsx bench/makeProceduralCosmos.ts OUT_DIR [EDGE=64] [VOXEL=1,1,1] [TILT_DEG=0] [SEED=7]
 *   npm run qsm -- invert --field OUT_DIR/field.nii.gz --mask OUT_DIR/mask.nii.gz --method adaptive-unet-tl --out chi.nii.gz
 *   npm run qsm -- metrics --pred chi.nii.gz --ref OUT_DIR/cosmos.nii.gz --mask OUT_DIR/mask.nii.gz
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExample } from '../src/core/phantomExample';
import type { Vec3, Volume } from '../src/core/volume';
import { writeNifti } from '../src/io/writeNifti';

const [outDir, edgeArg, voxArg, tiltArg, seedArg] = process.argv.slice(2);
if (!outDir) throw new Error('usage: npx tsx bench/makeProceduralCosmos.ts OUT_DIR [EDGE] [VOXEL=x,y,z] [TILT_DEG] [SEED]');
const voxelSize = (voxArg ?? '1,1,1').split(',').map(Number) as Vec3;
const ex = buildExample({
  kind: 'phantom', edge: Number(edgeArg ?? 64), voxelSize, tiltDeg: Number(tiltArg ?? 0),
  noiseStd: 0.002, seed: Number(seedArg ?? 7), cosmosOrientations: 3,
});
mkdirSync(outDir, { recursive: true });
const w = (name: string, vol: Volume) => writeFileSync(join(outDir, name), writeNifti(vol, { gzip: true }));
w('field.nii.gz', ex.field);
w('mask.nii.gz', ex.mask);
w('cosmos.nii.gz', ex.cosmos);
w('chi_true.nii.gz', ex.groundTruth);
console.error(`wrote ${outDir}: ${ex.field.dims.join('x')} voxels, B0 in voxel axes ${ex.b0Dir.map((x) => x.toFixed(3)).join(', ')}`);
