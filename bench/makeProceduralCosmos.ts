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
const edge = Number(edgeArg ?? 64), tiltDeg = Number(tiltArg ?? 0), seed = Number(seedArg ?? 7);
// a mistyped argument would otherwise become NaN geometry and an all-NaN phantom written without complaint
if (voxelSize.length !== 3 || !voxelSize.every((v) => v > 0)) throw new Error(`VOXEL must be three positive mm values, e.g. 1,1,2 (got ${voxArg})`);
if (!Number.isInteger(edge) || edge < 16 || edge > 256) throw new Error(`EDGE must be an integer from 16 to 256 (got ${edgeArg})`);
if (!Number.isFinite(tiltDeg) || !Number.isInteger(seed)) throw new Error(`TILT_DEG must be a number and SEED an integer (got ${tiltArg}, ${seedArg})`);
const ex = buildExample({ kind: 'phantom', edge, voxelSize, tiltDeg, noiseStd: 0.002, seed, cosmosOrientations: 3 });
mkdirSync(outDir, { recursive: true });
const w = (name: string, vol: Volume) => writeFileSync(join(outDir, name), writeNifti(vol, { gzip: true }));
w('field.nii.gz', ex.field);
w('mask.nii.gz', ex.mask);
w('cosmos.nii.gz', ex.cosmos);
w('chi_true.nii.gz', ex.groundTruth);
console.error(`wrote ${outDir}: ${ex.field.dims.join('x')} voxels, B0 in voxel axes ${ex.b0Dir.map((x) => x.toFixed(3)).join(', ')}`);
