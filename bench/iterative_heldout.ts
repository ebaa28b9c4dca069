/**
 * TKD, tv and ndi at their committed defaults on training/evaluate.py's held-out brain cases (the MNI152 phantom;
 * never used to choose a parameter: the defaults come from src/core/phantom.ts's brain at training seeds, see
 * README "Iterative baselines"). Reads what bench/heldout_cases.py writes; prints NRMSE / SSIM and wall / CPU seconds.
 *
 *   /usr/bin/python3 bench/heldout_cases.py /tmp/heldout && npx tsx bench/iterative_heldout.ts /tmp/heldout
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics } from '../src/core/metrics';
import { ndiSolve } from '../src/core/ndi';
import { tkd } from '../src/core/tkd';
import { tvSolve } from '../src/core/tv';
import { makeVolume, type Vec3, type Volume } from '../src/core/volume';

const dir = process.argv[2] ?? '/tmp/heldout';
for (const name of ['axial', 'tilted']) {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { dims: Vec3; voxelSize: Vec3; b0Dir: Vec3; label: string };
  const vol = (key: string): Volume => {
    const buf = readFileSync(join(dir, `${name}_${key}.f32`));
    return makeVolume(meta.dims, meta.voxelSize, undefined, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice());
  };
  const chi = vol('chi'), field = vol('field'), mask = vol('mask');
  console.log(`held-out brain, ${meta.label} (${meta.dims.join('x')})`);
  const run = (id: string, f: () => { chi: Volume; iterations?: number }) => {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const r = f();
    const wall = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
    const m = computeMetrics(r.chi, chi, mask);
    console.log(`  ${id.padEnd(4)} NRMSE ${m.nrmse.toFixed(1)} %  SSIM ${m.ssim.toFixed(3)}  ${r.iterations ?? '-'} it  wall ${wall.toFixed(0)} s  cpu ${((c.user + c.system) / 1e6).toFixed(0)} s`);
  };
  run('tkd', () => ({ chi: tkd(field, meta.b0Dir, 0.19, mask) }));
  run('tv', () => tvSolve(field, meta.b0Dir, mask));
  run('ndi', () => ndiSolve(field, meta.b0Dir, mask));
}
