/**
 * Iterative baselines benchmark: tv and ndi (defaults) against TKD on the brain phantom (src/core/phantom.ts,
 * a training-side seed), measured in the same run: wall and CPU seconds, the ratio to TKD's, and NRMSE.
 * CPU seconds are the process's own (user + system), which on a machine shared with other jobs says what the wall
 * time would be on a free core. Also writes the field and mask as NIfTI for timing `qsm invert` on them.
 *
 *   npx tsx bench/iterative.ts            # 160^3 at 1 mm, axial B0, 0.002 ppm noise, seed 31
 *   npx tsx bench/iterative.ts 64 --write /tmp/bench160   # N, and where to write field.nii.gz / mask.nii.gz
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forwardField } from '../src/core/forwardModel';
import { iterGrid } from '../src/core/iterativeGrid';
import { computeMetrics } from '../src/core/metrics';
import { ndiSolve } from '../src/core/ndi';
import { brainPhantom } from '../src/core/phantom';
import { seededRng } from '../src/core/phantomRandom';
import { tkd } from '../src/core/tkd';
import { tvSolve } from '../src/core/tv';
import type { Vec3, Volume } from '../src/core/volume';
import { writeNifti } from '../src/io/writeNifti';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 160);
const wi = args.indexOf('--write');
const writeDir = wi >= 0 ? args[wi + 1] : undefined;

const ph = brainPhantom({ dims: [N, N, N], voxelSize: [1, 1, 1], seed: 31 });
const b0: Vec3 = [0, 0, 1];
const field = forwardField(ph.chi, b0);
const rng = seededRng(1031);
for (let i = 0; i < field.data.length; i++) field.data[i] = ph.mask.data[i] > 0 ? field.data[i] + 0.002 * rng.normal() : 0;
if (writeDir) {
  mkdirSync(writeDir, { recursive: true });
  writeFileSync(join(writeDir, 'field.nii.gz'), writeNifti(field, { gzip: true }));
  writeFileSync(join(writeDir, 'mask.nii.gz'), writeNifti(ph.mask, { gzip: true }));
  writeFileSync(join(writeDir, 'magnitude.nii.gz'), writeNifti(ph.magnitude, { gzip: true }));
  writeFileSync(join(writeDir, 'chi.nii.gz'), writeNifti(ph.chi, { gzip: true }));
}
const g = iterGrid(field.dims, (i) => ph.mask.data[i] > 0);
console.log(`brain phantom ${N}^3, 1 mm, seed 31, axial B0, noise 0.002 ppm; iterative grid: box ${g.box.join('x')} padded to ${g.pad.join('x')}`);

function timed(name: string, f: () => { chi: Volume; iterations?: number }) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const m = computeMetrics(r.chi, ph.chi, ph.mask);
  return { name, wall, cpu, iterations: r.iterations, nrmse: m.nrmse, ssim: m.ssim };
}

const rows = [
  timed('tkd', () => ({ chi: tkd(field, b0, 0.19, ph.mask) })),
  timed('tv', () => tvSolve(field, b0, ph.mask)),
  timed('ndi', () => ndiSolve(field, b0, ph.mask)),
];
const ref = rows[0];
for (const r of rows) {
  console.log(`${r.name.padEnd(4)} wall ${r.wall.toFixed(1).padStart(6)} s  cpu ${r.cpu.toFixed(1).padStart(6)} s  x${(r.cpu / ref.cpu).toFixed(1).padStart(5)} TKD (cpu)`
    + `  ${r.iterations !== undefined ? `${r.iterations} it` : '    '}  NRMSE ${r.nrmse.toFixed(1)} %  SSIM ${r.ssim.toFixed(3)}`);
}
