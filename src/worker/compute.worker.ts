/// <reference lib="webworker" />
/**
 * The compute worker: reading NIfTI files, example dataset, COSMOS, the closed-form L2 L-curve, data consistency,
 * metrics, difference maps and scatter densities, off the UI thread.
 * Thin: the numerics live in src/core. One job at a time; a cancel aborts the running job at its next check.
 */
import { cosmos, orientationsOf } from '../core/cosmos';
import { softDataConsistency } from '../core/dataConsistencyLCurve';
import { maskedDataConsistencyAsync } from '../core/dataConsistencyMasked';
import { lCurve } from '../core/lCurve';
import { localFieldFromPhaseAsync } from '../core/phase/localFieldPipeline';
import { phaseToRadians } from '../core/phase/phaseScaling';
import { computeMetrics } from '../core/metrics';
import { buildAnatomyExample } from '../core/anatomyExample';
import { buildExample, isAnatomyRequest } from '../core/phantomExample';
import { seededRng } from '../core/phantomRandom';
import { withData, type Volume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { loadAnatomy } from './exampleAnatomy';
import { computeTransferables, type FieldOutputs, type FieldRequest, type FromCompute, type QualityMetrics, type ScatterDensity, type ToCompute } from './computeProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const controllers = new Map<string, AbortController>();

function send(msg: FromCompute) {
  scope.postMessage(msg, computeTransferables(msg));
}

/** estimate - reference inside the mask, zero outside (so the map shows only what the metrics see). */
function difference(estimate: Volume, reference: Volume, mask: Volume): Volume {
  const d = new Float32Array(estimate.data.length);
  for (let i = 0; i < d.length; i++) d[i] = mask.data[i] > 0 ? estimate.data[i] - reference.data[i] : 0;
  return withData(estimate, d);
}

/** A fixed-seed random sample of masked voxels, binned on a range covering the 0.5-99.5 % span of both maps. */
function scatterDensity(estimate: Volume, reference: Volume, mask: Volume, maxSamples: number, bins: number): ScatterDensity {
  const idx: number[] = [];
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] > 0) idx.push(i);
  const rng = seededRng(12345);
  // partial Fisher-Yates: the first `n` entries become a uniform sample without replacement
  const n = Math.min(maxSamples, idx.length);
  for (let s = 0; s < n && n < idx.length; s++) {
    const j = s + Math.floor(rng.next() * (idx.length - s));
    [idx[s], idx[j]] = [idx[j], idx[s]];
  }
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    xs[s] = reference.data[idx[s]];
    ys[s] = estimate.data[idx[s]];
  }
  const sorted = Float32Array.from([...xs, ...ys]).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  let lo = q(0.005);
  let hi = q(0.995);
  const pad = 0.08 * (hi - lo || 0.1);
  lo -= pad;
  hi += pad;
  const counts = new Uint32Array(bins * bins);
  const scale = bins / (hi - lo);
  for (let s = 0; s < n; s++) {
    const ix = Math.floor((xs[s] - lo) * scale);
    const iy = Math.floor((ys[s] - lo) * scale);
    if (ix >= 0 && ix < bins && iy >= 0 && iy < bins) counts[iy * bins + ix]++;
  }
  return { bins, range: [lo, hi], counts, samples: n };
}

function metricsOf(estimate: Volume, reference: Volume, mask: Volume): QualityMetrics {
  const m = computeMetrics(estimate, reference, mask);
  return { nrmse: m.nrmse, psnr: m.psnr, ssim: m.ssim, hfen: m.hfen, slope: m.slope, intercept: m.intercept, r2: m.r2 };
}

/** Scanner phase -> local field with every intermediate, as `qsm field` computes it. */
async function fieldJob(r: FieldRequest, opts: { onProgress: (d: number, t: number, s: string) => void; signal: AbortSignal }): Promise<FieldOutputs> {
  const like = r.phases[0];
  const phases = r.phases.map((v) => withData(v, phaseToRadians(v.data, r.scaling)));
  // async: TFI yields between its iterations, so the Cancel button's message gets through while it runs
  const res = await localFieldFromPhaseAsync(
    { phases, magnitudes: r.magnitudes, echoTimes: r.echoTimes, b0Tesla: r.b0Tesla, b0Dir: r.b0Dir },
    {
      mask: r.mask && Uint8Array.from(r.mask.data, (v) => (v > 0 ? 1 : 0)),
      maskOptions: { erodeMm: r.erodeMm },
      unwrap: r.unwrap, offset: r.offset, background: r.background, ...opts,
    },
  );
  const vol = (a: ArrayLike<number>) => withData(like, Float32Array.from(a));
  return { brainMask: vol(res.mask), unwrapped: vol(res.unwrapped[0]), totalPpm: vol(res.totalPpm), localPpm: vol(res.localPpm), localMask: vol(res.localMask), offsetDeparture: res.offsetDeparture, tfiChi: res.tfiChi && vol(res.tfiChi), tfiToPdf: res.tfiToPdf, tfiFellBack: res.tfiFellBack };
}

/**
 * The corrected map and the lambda: the masked form by conjugate gradients (yielding between iterations, so a cancel
 * is seen), or the closed form at a fixed lambda or one picked on its L-curve.
 */
async function dcJob(msg: Extract<ToCompute, { type: 'dc' }>, opts: { onProgress: (d: number, t: number, s: string) => void; signal: AbortSignal }): Promise<FromCompute> {
  if ((msg.form ?? 'masked') === 'masked') {
    if (msg.rule) throw new Error('the L-curve rules choose lambda for the closed form of data consistency only');
    const r = await maskedDataConsistencyAsync(msg.field, msg.chiNet, msg.b0Dir, msg.mask, { lambda: msg.lambda, ...opts });
    return { type: 'dc', jobId: msg.jobId, chi: r.chi, form: 'masked', lambda: r.lambda, iterations: r.iterations };
  }
  const how = msg.rule ? { rule: msg.rule } : msg.lambda !== undefined ? { lambda: msg.lambda } : undefined;
  if (!how) throw new Error('data consistency needs a lambda or an L-curve rule');
  return { type: 'dc', jobId: msg.jobId, form: 'closed', ...softDataConsistency(msg.field, msg.chiNet, msg.b0Dir, how, { mask: msg.mask, ...opts }) };
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'AbortError' : (e as Error)?.name === 'AbortError';
}

scope.onmessage = (e: MessageEvent<ToCompute>) => {
  const msg = e.data;
  if (msg.type === 'cancel') {
    controllers.get(msg.jobId)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(msg.jobId, controller);
  const onProgress = (done: number, total: number, stage: string) => send({ type: 'progress', jobId: msg.jobId, done, total, stage });
  // yield once so a cancel posted right after the job can still be seen before the work starts
  setTimeout(async () => {
    try {
      if (controller.signal.aborted) throw new DOMException('aborted', 'AbortError');
      if (msg.type === 'read') {
        // the file's first volume (all of them for an echo series); NIfTI parsing, gunzip and scaling stay off the UI thread
        const bytes = new Uint8Array(msg.bytes);
        const read = readNifti(bytes, msg.name, { volumeIndex: 0 });
        const more: Volume[] = [];
        if (msg.allVolumes) for (let v = 1; v < read.facts.volumeCount; v++) more.push(readNifti(bytes, msg.name, { volumeIndex: v }).volume);
        send({ type: 'read', jobId: msg.jobId, read, more });
      } else if (msg.type === 'example') {
        const o = msg.options;
        const opts = { onProgress, signal: controller.signal };
        if (isAnatomyRequest(o)) {
          // the brain: its anatomy comes from the app's own origin (fetched once per worker)
          onProgress(0, 1, 'loading the anatomy');
          const anatomy = await loadAnatomy(import.meta.env.BASE_URL, controller.signal);
          send({ type: 'example', jobId: msg.jobId, dataset: buildAnatomyExample(anatomy, o, opts) });
        } else send({ type: 'example', jobId: msg.jobId, dataset: buildExample(o, opts) });
      } else if (msg.type === 'cosmos') {
        const chi = cosmos(orientationsOf(msg.fields, msg.b0Dirs), msg.mask, { onProgress, signal: controller.signal });
        send({ type: 'cosmos', jobId: msg.jobId, chi });
      } else if (msg.type === 'lcurve') {
        send({ type: 'lcurve', jobId: msg.jobId, curve: lCurve(msg.field, msg.b0Dir, { mask: msg.mask, onProgress, signal: controller.signal }) });
      } else if (msg.type === 'field') {
        send({ type: 'field', jobId: msg.jobId, outputs: await fieldJob(msg.request, { onProgress, signal: controller.signal }) });
      } else if (msg.type === 'dc') {
        send(await dcJob(msg, { onProgress, signal: controller.signal }));
      } else if (msg.type === 'compare') {
        const { estimate, reference, mask } = msg;
        send({
          type: 'compare', jobId: msg.jobId,
          metrics: metricsOf(estimate, reference, mask),
          scatter: scatterDensity(estimate, reference, mask, msg.maxSamples, msg.bins),
          difference: difference(estimate, reference, mask),
        });
      }
    } catch (err) {
      if (isAbort(err)) send({ type: 'cancelled', jobId: msg.jobId });
      else send({ type: 'error', jobId: msg.jobId, message: err instanceof Error ? err.message : String(err) });
    } finally {
      controllers.delete(msg.jobId);
    }
  }, 0);
};
