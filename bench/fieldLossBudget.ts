/**
 * Where the local field's error comes from, on the simulated head (src/core/phase/headPhantom.ts): the whole
 * pipeline (`qsm field`'s default, ROMEO + PDF) against PDF alone on the noise-free true total field (same mask and
 * weights), and against PDF on the true local field alone. The last one has no background at all: what it removes
 * is the part of the brain's own field that fields of sources outside the mask explain, which no background removal
 * that takes the background for harmonic inside the mask can keep (README, issue 11). Also TKD of each field against
 * TKD of the true local field and against the true chi, and every NRMSE again after the error's best quadratic
 * polynomial over the evaluation region is taken out (the lowest orders of a harmonic residue). The last row puts
 * the pipeline's total-field error (noise, unwrapping, echo fit) on the true local field: what the noise alone costs.
 *
 *   npx tsx bench/fieldLossBudget.ts [N=128] [VOXEL_MM=1.5]
 *
 * The evaluation region is the true brain eroded as bench/makeHeadPhantom.ts erodes it.
 */
import { headPhantom } from '../src/core/phase/headPhantom';
import { combineMagnitudes } from '../src/core/phase/brainMask';
import { localFieldFromPhase } from '../src/core/phase/localFieldPipeline';
import { erodeMask } from '../src/core/phase/morphology';
import { pdf, pdfWeightsFromMagnitude } from '../src/core/phase/pdf';
import { fitPolynomial } from '../src/core/polynomialFit';
import { tkd } from '../src/core/tkd';
import { withData, type Vec3 } from '../src/core/volume';

const N = Number(process.argv[2] ?? 128), v = Number(process.argv[3] ?? 1.5);
const dims: Vec3 = [N, N, N], vs: Vec3 = [v, v, v];
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(0);
const h = headPhantom({ dims, voxelSize: vs });
const b0Dir = h.b0Dir;
const evalMask = erodeMask(Uint8Array.from(h.brain.mask.data, (x) => (x > 0 ? 1 : 0)), dims, vs, Math.max(3 * v, 0.075 * N * v));

const run = localFieldFromPhase({ phases: h.phases, magnitudes: h.magnitudes, echoTimes: h.echoTimes, b0Tesla: h.b0Tesla, b0Dir });
console.error(`pipeline done (${secs()} s)`);
const weights = pdfWeightsFromMagnitude(combineMagnitudes(h.magnitudes.map((m) => m.data)), run.mask);
const pdfOf = (f: Float32Array) => pdf(f, run.mask, dims, vs, b0Dir, { weights }).local;
const removalAlone = pdfOf(h.totalField.data as Float32Array);
const inherent = pdfOf(h.localField.data as Float32Array);
console.error(`PDF on the true fields done (${secs()} s)`);

/** 100 ||x - r|| / ||r|| over the evaluation region, as given and after the error's best quadratic is removed */
function nrmse(x: ArrayLike<number>, r: ArrayLike<number>): [number, number] {
  const err = Float32Array.from(x, (v, i) => v - r[i]);
  const quad = fitPolynomial(err, evalMask, dims, vs, 2);
  let den = 0, num = 0, res = 0;
  for (let i = 0; i < evalMask.length; i++) if (evalMask[i]) { den += r[i] ** 2; num += err[i] ** 2; res += (err[i] - quad[i]) ** 2; }
  return [100 * Math.sqrt(num / den), 100 * Math.sqrt(res / den)];
}

const truth = h.localField.data;
const maskVol = withData(h.localField, Float32Array.from(run.mask));
const tkdOf = (f: ArrayLike<number>) => tkd(withData(h.localField, Float32Array.from(f)), b0Dir, undefined, maskVol).data;
const tkdTrue = tkdOf(truth), chi = h.brain.chi.data;
const fmt = ([a, b]: [number, number]) => `${a.toFixed(1).padStart(6)} % (${b.toFixed(1).padStart(5)} % after a quadratic)`;
console.log(`head ${N}^3, ${v} mm, ${h.echoTimes.length} echoes; evaluation region ${evalMask.reduce((s, x) => s + x, 0)} voxels`);
console.log('local field                              vs true local field                       TKD vs TKD of true local                  TKD vs true chi');
const rows: [string, ArrayLike<number>][] = [
  ['pipeline (romeo + pdf)', run.localPpm],
  ['PDF of the noise-free true total field', removalAlone],
  ['PDF of the true local field alone', inherent],
  ['the true local field', truth],
  // the noise and unwrapping error the pipeline's total field carries, on the truth: TKD's cost of the noise alone
  ['true local + the total field\'s error', Float32Array.from(truth, (t, i) => (run.mask[i] ? t + run.totalPpm[i] - h.totalField.data[i] : 0))],
];
for (const [name, f] of rows) {
  const t = tkdOf(f);
  console.log(`${name.padEnd(40)} ${fmt(nrmse(f, truth))}   ${fmt(nrmse(t, tkdTrue))}   ${fmt(nrmse(t, chi))}`);
}
console.log(`${'pipeline vs PDF of the true local field'.padEnd(40)} ${fmt(nrmse(run.localPpm, inherent))}`);
console.error(`done in ${secs()} s`);
