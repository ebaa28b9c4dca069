/**
 * One acquisition of `qsm bids`: skip what is done, read the local field (and mask), write them as derivatives,
 * then each method's susceptibility map. A failing method does not stop the others; every problem is returned.
 */
import { relative } from 'node:path';
import { withData, type Volume } from '../../core/volume';
import { InputError } from '../../io/inputError';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import type { Flags } from '../args';
import { withProgress, type CommandContext } from '../context';
import { applyDc, type DcRequest } from '../dataConsistencyStep';
import { chooseFieldUnits } from '../fieldUnits';
import { readSidecarFor, readVolumeFile } from '../files';
import { readInput, readMask } from '../inputs';
import { defaultThreads } from '../parallelInference';
import type { MethodEntry } from '../methodTypes';
import { baseSidecar, doneState, outputPath, writeDerivative, type PlannedOutput } from './derivatives';
import type { Acquisition } from './discover';
import { planMethod, type AcquisitionFacts, type MethodOutputs } from './plan';
import { fieldPipelineRecord, localFieldFromEchoes, type FieldPipeline } from './rawPhase';

export interface AcquisitionRequest {
  bidsDir: string;
  outDir: string;
  methods: MethodEntry[];
  dc?: DcRequest;
  /** how phase inputs become a local field */
  pipeline: FieldPipeline;
  /** --threads for the methods that take it (the learned ones) */
  threads?: number;
  /** the command's flags (--nonfinite) */
  flags: Flags;
}

export interface AcquisitionResult {
  written: number;
  done: number;
  errors: string[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();

interface Inputs {
  field: Volume;
  mask?: Volume;
  b0Dir: [number, number, number];
  sformCode: number;
  /** input files, relative to BIDS_DIR */
  sources: string[];
  fieldStrength?: number;
  /** sidecar fields of the local field (how it was made, for phase inputs) */
  fieldSidecar: Record<string, unknown>;
}

function readLocalField(acq: Acquisition, req: AcquisitionRequest, ctx: CommandContext): Inputs {
  const fieldPath = acq.localField!;
  const read = readInput(fieldPath, req.flags, ctx);
  const { ppmPerUnit } = chooseFieldUnits(fieldPath, req.flags, ctx);
  let field = read.volume;
  if (ppmPerUnit !== 1) field = withData(field, field.data.map((x) => x * ppmPerUnit));
  const mask = acq.mask ? readMask(acq.mask, field, fieldPath, req.flags, ctx) : undefined;
  if (!acq.mask) ctx.err('note: no mask beside the local field: the methods run on the whole grid and no mask is written');
  const b0 = chooseB0Dir(field, undefined);
  ctx.err(describeAcquisition(relative(req.bidsDir, fieldPath), field, b0));
  const sources = [fieldPath, ...(acq.mask ? [acq.mask] : [])].map((p) => relative(req.bidsDir, p));
  return { field, mask, b0Dir: b0.b0Dir, sformCode: read.facts.sformCode, sources, fieldStrength: readSidecarFor(fieldPath)?.sidecar.fieldStrength, fieldSidecar: {} };
}

/** Phase inputs: the local field (and mask) are computed, by the pipeline the request names. */
const fromPhase = (acq: Acquisition) => !acq.localField && acq.echoes.length > 0;

function readInputs(acq: Acquisition, req: AcquisitionRequest, ctx: CommandContext): Inputs {
  if (acq.problems.length) throw new InputError(acq.problems.join('; '));
  if (acq.localField) {
    if (acq.echoes.length) ctx.err('note: both a local field and phase images: using the local field');
    return readLocalField(acq, req, ctx);
  }
  const r = localFieldFromEchoes(acq, req.bidsDir, req.flags, req.pipeline, ctx);
  const sources = [...acq.echoes.flatMap((e) => [e.phase!, e.magnitude!]), ...(acq.mask ? [acq.mask] : [])].map((p) => relative(req.bidsDir, p));
  return {
    field: r.field, mask: r.mask, b0Dir: r.b0Dir, sformCode: r.sformCode, sources, fieldStrength: r.b0Tesla,
    fieldSidecar: {
      EchoTime: r.echoTimes, PhaseScaling: r.phaseScaling, BrainMask: acq.mask ? 'given' : 'from the magnitude',
      BackgroundRemovalUsed: r.backgroundUsed, ...(r.tfiToPdf !== undefined ? { TfiToPdfRatio: r.tfiToPdf } : {}),
    },
  };
}

export async function runAcquisition(acq: Acquisition, req: AcquisitionRequest, ctx: CommandContext): Promise<AcquisitionResult> {
  const result: AcquisitionResult = { written: 0, done: 0, errors: [] };
  const fail = (what: string, e: unknown) => result.errors.push(`${what}${message(e)}`);

  const fieldRequest = fromPhase(acq) ? { FieldPipeline: fieldPipelineRecord(req.pipeline) } : {};
  let facts: AcquisitionFacts;
  try {
    const side = acq.localField ? readSidecarFor(acq.localField)?.sidecar : undefined;
    facts = { b0: side?.fieldStrength, echoTime: side?.echoTime };
  } catch (e) {
    fail('', e);
    return result;
  }
  const plans: MethodOutputs[] = [];
  for (const m of req.methods) {
    try {
      plans.push(planMethod(req.outDir, acq, m, req.dc, fieldRequest, facts));
    } catch (e) {
      fail(`${m.id}: `, e);
    }
  }
  const localField: PlannedOutput = { kind: 'localfield', path: outputPath(req.outDir, acq, 'localfield'), request: fieldRequest };
  const maskOut: PlannedOutput | undefined = acq.mask || fromPhase(acq) ? { kind: 'mask', path: outputPath(req.outDir, acq, 'mask'), request: fieldRequest } : undefined;
  const all = [localField, ...(maskOut ? [maskOut] : []), ...plans.flatMap((p) => (p.dc ? [p.net, p.dc] : [p.net]))];
  const todo = new Set<PlannedOutput>();
  for (const o of all) {
    const s = doneState(o);
    if (s.state === 'todo') todo.add(o);
    else if (s.state === 'done') result.done++;
    else result.errors.push(s.message);
  }
  if (todo.size === 0) {
    if (result.done) ctx.err(`all ${result.done} outputs already done`);
    return result;
  }

  let inputs: Inputs;
  try {
    inputs = readInputs(acq, req, ctx);
  } catch (e) {
    fail('', e);
    return result;
  }
  const { field, mask, b0Dir, sformCode, sources } = inputs;
  const extra = { Units: 'ppm', ...(inputs.fieldStrength !== undefined ? { MagneticFieldStrength: inputs.fieldStrength } : {}) };
  const write = (o: PlannedOutput, vol: Volume, description: string, sidecar: Record<string, unknown>) => {
    writeDerivative(o, vol, sidecar, { description, sformCode });
    result.written++;
    ctx.err(`wrote ${relative(req.outDir, o.path)}`);
  };
  try {
    const fieldDescription = fromPhase(acq) ? 'qsm bids local field (ppm) from phase' : 'qsm bids local field (ppm)';
    if (todo.has(localField)) write(localField, field, fieldDescription, baseSidecar('local field (ppm of B0)', sources, { ...extra, ...fieldRequest, ...inputs.fieldSidecar }));
    if (maskOut && mask && todo.has(maskOut)) {
      write(maskOut, mask, 'qsm bids brain mask', baseSidecar('brain mask the methods ran in', sources, { Type: 'Brain', ...fieldRequest }));
    }
  } catch (e) {
    fail('', e);
    return result;
  }

  // how many threads shared a network's patches (this sets the slabs, so it is recorded, but not compared on resume)
  const threadsFor = (m: MethodEntry) => (m.flags.includes('threads') ? { threads: req.threads ?? defaultThreads() } : {});
  const chiSidecar = (o: PlannedOutput, description: string, more: Record<string, unknown> = {}) => {
    const t = threadsFor(plans.find((p) => p.net === o || p.dc === o)!.method).threads;
    return baseSidecar(description, sources, { ...extra, ...o.request, ...more, ...(t !== undefined ? { Threads: t } : {}), B0Direction: b0Dir });
  };
  for (const p of plans) {
    if (!todo.has(p.net) && !(p.dc && todo.has(p.dc))) continue;
    try {
      let net: Volume;
      if (todo.has(p.net)) {
        net = await withProgress(ctx, p.method.id, (onProgress) => p.method.run(field, b0Dir, { ...p.params, mask, report: (line) => ctx.err(line), ...threadsFor(p.method) }, onProgress));
        write(p.net, net, `qsm bids ${p.method.id}`, chiSidecar(p.net, `susceptibility (ppm) by ${p.method.id}`));
      } else {
        net = readVolumeFile(p.net.path).volume; // done before; data consistency starts from it
      }
      if (p.dc && p.dcRequest && todo.has(p.dc)) {
        const dcReq = p.dcRequest;
        const done = await withProgress(ctx, `${p.method.id} + dc`, (onProgress) => applyDc(dcReq, field, net, b0Dir, mask, onProgress));
        for (const line of done.report) ctx.err(line);
        const used = /lambda=(\S+)/.exec(done.description)?.[1];
        const more = dcReq.kind === 'soft' && dcReq.rule && used !== undefined ? { DataConsistency: { ...(p.dc.request.DataConsistency as object), LambdaUsed: Number(used) } } : {};
        write(p.dc, done.chi, `qsm bids ${p.method.id} + ${done.description}`, chiSidecar(p.dc, `susceptibility (ppm) by ${p.method.id} with data consistency`, more));
      }
    } catch (e) {
      fail(`${p.method.id}: `, e);
    }
  }
  return result;
}
