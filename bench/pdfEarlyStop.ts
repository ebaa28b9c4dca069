/**
 * Does stopping PDF early keep more of the brain's own field? (issue 11: the harmonic-ambiguity floor.) On the
 * simulated head, PDF of the noise-free true total field and of the true local field alone, at fixed CG iteration
 * counts (tolerance off), NRMSE against the true local field inside the eroded true brain. Session 12 at 96^3, 2 mm:
 * 3 iterations already lose 51 % of the local field alone, 40 iterations 50.5 %, so early stopping is no way past the floor.
 *
 *   npx tsx bench/pdfEarlyStop.ts [N=96] [VOXEL_MM=2]
 */
import { headPhantom } from '../src/core/phase/headPhantom';
import { nrmse } from '../src/core/metrics';
import { erodeMask } from '../src/core/phase/morphology';
import { pdf } from '../src/core/phase/pdf';
import type { Vec3 } from '../src/core/volume';
const N = Number(process.argv[2] ?? 96), v = Number(process.argv[3] ?? 2);
const dims: Vec3 = [N, N, N], vs: Vec3 = [v, v, v];
const h = headPhantom({ dims, voxelSize: vs });
const m = Uint8Array.from(h.brain.mask.data, (x) => (x > 0 ? 1 : 0));
const ev = erodeMask(m, dims, vs, Math.max(3 * v, 0.075 * N * v));
const nr = (x: ArrayLike<number>, r: ArrayLike<number>) => nrmse(x, r, ev).toFixed(1);
const tot = h.totalField.data as Float32Array, loc = h.localField.data as Float32Array;
for (const it of [3, 5, 8, 12, 20, 40]) {
  const a = pdf(tot, m, dims, vs, h.b0Dir, { maxIterations: it, tolerance: 1e-9 });
  const b = pdf(loc, m, dims, vs, h.b0Dir, { maxIterations: it, tolerance: 1e-9 });
  console.log(`it ${it}: PDF(total) vs local ${nr(a.local, loc)}  PDF(local) vs local ${nr(b.local, loc)}`);
}
