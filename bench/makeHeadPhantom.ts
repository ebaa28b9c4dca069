/**
 * Writes the simulated multi-echo head (src/core/phase/headPhantom.ts) as scanner-like files, for timing and
 * checking `qsm field`: OUT_DIR/phase.nii.gz (4-D, integers 0..4095), magnitude.nii.gz (4-D), phase.json
 * (EchoTime list, MagneticFieldStrength), and the truth: local_true.nii.gz, total_true.nii.gz (ppm),
 * mask_true.nii.gz, chi_true.nii.gz.
 *
 *   npx tsx bench/makeHeadPhantom.ts OUT_DIR [N=160] [VOXEL_MM=1.2] [NOISE=0.01] [SEED=1]
 *   npm run qsm -- field --phase OUT_DIR/phase.nii.gz --magnitude OUT_DIR/magnitude.nii.gz --out OUT_DIR/local.nii.gz
 *   npm run qsm -- metrics --pred OUT_DIR/local.nii.gz --ref OUT_DIR/local_true.nii.gz --mask OUT_DIR/local_mask.nii.gz
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headPhantom } from '../src/core/phase/headPhantom';
import { erodeMask } from '../src/core/phase/morphology';
import { withData, type Vec3, type Volume } from '../src/core/volume';
import { writeNifti, writeNiftiSeries } from '../src/io/writeNifti';

const [outDir, nArg, vArg, noiseArg, seedArg] = process.argv.slice(2);
if (!outDir) throw new Error('usage: npx tsx bench/makeHeadPhantom.ts OUT_DIR [N] [VOXEL_MM]');
const N = Number(nArg ?? 160), v = Number(vArg ?? 1.2);
const dims: Vec3 = [N, N, N], vs: Vec3 = [v, v, v];
mkdirSync(outDir, { recursive: true });
const t0 = performance.now();
const h = headPhantom({ dims, voxelSize: vs, noise: noiseArg === undefined ? undefined : Number(noiseArg), seed: seedArg === undefined ? undefined : Number(seedArg) });
console.error(`simulated ${N}^3 x ${h.echoTimes.length} echoes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function write4d(path: string, vols: Volume[]): void {
  writeFileSync(path, writeNiftiSeries(vols, { gzip: true }));
}
const int12 = (p: Volume) => withData(p, Float32Array.from(p.data, (x) => Math.min(4095, Math.round(((x + Math.PI) / (2 * Math.PI)) * 4096))));
write4d(join(outDir, 'phase.nii.gz'), h.phases.map(int12));
write4d(join(outDir, 'magnitude.nii.gz'), h.magnitudes);
writeFileSync(join(outDir, 'phase.json'), JSON.stringify({ EchoTime: h.echoTimes, MagneticFieldStrength: h.b0Tesla }, null, 1));
const w = (name: string, vol: Volume) => writeFileSync(join(outDir, name), writeNifti(vol, { gzip: true }));
w('local_true.nii.gz', h.localField);
w('total_true.nii.gz', h.totalField);
w('chi_true.nii.gz', h.brain.chi);
w('mask_true.nii.gz', h.brain.mask);
// where the README's NRMSE is measured: the true brain eroded by 10 % of the head's voxels across, at least 3 voxels
const erodeMm = Math.max(3 * v, 0.075 * N * v);
w('local_mask.nii.gz', withData(h.brain.mask, Float32Array.from(erodeMask(Uint8Array.from(h.brain.mask.data), dims, vs, erodeMm))));
console.error(`wrote ${outDir} (evaluation mask: true brain eroded by ${erodeMm.toFixed(1)} mm)`);
