/** `qsm invert`: local field -> susceptibility with one registered method. */
import { withData } from '../../core/volume';
import { InputError } from '../../io/inputError';
import { parseFlags, UsageError, type FlagSpecs } from '../args';
import { withProgress, type CommandContext } from '../context';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import { chooseLambda, LAMBDA_HELP, lambdaDescription, parseLambdaFlag, type LambdaRule } from '../autoLambda';
import { checkOutputPath, writeVolumeFile } from '../files';
import { chooseFieldUnits, UNIT_FLAGS } from '../fieldUnits';
import { applyDc, DC_FLAGS, parseDcFlags } from '../dataConsistencyStep';
import { READ_FLAGS, readInput, readMask, readOnGrid } from '../inputs';
import { findMethod, METHODS, type Backend, type MethodParams } from '../methods';
import { METHOD_FLAGS } from '../methodTypes';
import { choosePhaseScale } from '../phaseScale';

export const INVERT_FLAGS: FlagSpecs = {
  field: { kind: 'value', required: true, help: 'F.nii[.gz]: local field map' },
  method: { kind: 'value', required: true, help: `ID: ${METHODS.map((m) => m.id).join(', ')}` },
  out: { kind: 'value', required: true, help: 'OUT.nii[.gz]: susceptibility map (ppm)' },
  mask: { kind: 'value', help: 'M.nii[.gz]: brain mask on the field grid' },
  ...UNIT_FLAGS,
  b0dir: { kind: 'value', help: 'x,y,z: B0 direction in voxel axes (default: from the header)' },
  volume: { kind: 'value', help: 'N: which volume of a 4-D field map (0-based)' },
  threshold: { kind: 'value', help: 'T: TKD threshold on |D|' },
  lambda: { kind: 'value', help: LAMBDA_HELP },
  patch: { kind: 'value', help: 'N: patch edge in voxels (learned methods)' },
  overlap: { kind: 'value', help: 'F: patch overlap fraction 0..0.75 (learned methods)' },
  backend: { kind: 'value', help: 'wasm|cpu: tfjs backend (learned methods)' },
  'no-mirror': { kind: 'boolean', help: 'one pass per patch, not averaged with a pass on its x-mirror image: half the time (learned methods)' },
  threads: { kind: 'value', help: 'N: worker threads sharing the patches, each with its own WASM (learned methods; default: every core)' },
  iterations: { kind: 'value', help: 'N: most iterations (tv, ndi)' },
  tol: { kind: 'value', help: 'T: stop when chi changes by less than this fraction in an iteration, 0 = never (tv, ndi)' },
  magnitude: { kind: 'value', help: 'M.nii[.gz]: magnitude on the field grid: noise weights (tv, ndi) and edge weights (tv)' },
  'tv-lambda': { kind: 'value', help: 'L: TV weight, ppm mm (tv)' },
  'edge-fraction': { kind: 'value', help: 'F: fraction of the mask charged by TV, the rest being the magnitude\'s edges; 1 = off (tv)' },
  nonlinear: { kind: 'boolean', help: 'FANSI\'s nonlinear data term, on the phase (tv; --phase-scale as ndi)' },
  'ndi-alpha': { kind: 'value', help: 'A: Tikhonov weight on chi (ndi)' },
  'ndi-beta': { kind: 'value', help: 'B: Tikhonov weight on grad chi, mm^2 (ndi)' },
  step: { kind: 'value', help: 'T: gradient-descent step (ndi; cut to the stability bound)' },
  'phase-scale': { kind: 'value', help: 'S: rad of phase per ppm of field (ndi, tv --nonlinear; default 2 pi 42.58 B0 TE from --b0/--te or the sidecar, else 3 T, 20 ms)' },
  ...DC_FLAGS,
  ...READ_FLAGS,
};

export async function invertCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, INVERT_FLAGS);
  const method = findMethod(flags.string('method')!);
  if (!method) throw new UsageError(`unknown method "${flags.string('method')}" (known: ${METHODS.map((m) => m.id).join(', ')})`);
  for (const f of METHOD_FLAGS) {
    if (flags.has(f) && !method.flags.includes(f)) throw new UsageError(`--${f} does not apply to method ${method.id}`);
  }
  const backend = flags.string('backend');
  if (backend !== undefined && backend !== 'wasm' && backend !== 'cpu') throw new InputError(`--backend: expected wasm or cpu, got "${backend}"`);
  const lambdaFlag = parseLambdaFlag(flags.string('lambda'));
  const params: MethodParams = {
    threshold: flags.number('threshold', { min: Number.MIN_VALUE, max: 2 / 3 }),
    lambda: lambdaFlag.lambda,
    patch: flags.number('patch', { min: 8, max: 512, integer: true }),
    overlap: flags.number('overlap', { min: 0, max: 0.75 }),
    backend: backend as Backend | undefined,
    mirror: flags.has('no-mirror') ? false : undefined,
    threads: flags.number('threads', { min: 1, max: 256, integer: true }),
    iterations: flags.number('iterations', { min: 1, max: 100_000, integer: true }),
    tol: flags.number('tol', { min: 0, max: 1 }),
    tvLambda: flags.number('tv-lambda', { min: Number.MIN_VALUE }),
    edgeFraction: flags.number('edge-fraction', { min: Number.MIN_VALUE, max: 1 }),
    ndiAlpha: flags.number('ndi-alpha', { min: 0 }),
    ndiBeta: flags.number('ndi-beta', { min: 0 }),
    step: flags.number('step', { min: Number.MIN_VALUE }),
    phaseScale: flags.number('phase-scale', { min: Number.MIN_VALUE }),
    nonlinear: flags.has('nonlinear') || undefined,
    report: (line) => ctx.err(line),
  };
  const dc = parseDcFlags(flags, method.kind === 'learned', method.id);
  const out = flags.string('out')!;
  checkOutputPath(out);
  const outNet = flags.string('out-net');
  if (outNet !== undefined) checkOutputPath(outNet, '--out-net');

  const fieldPath = flags.string('field')!;
  const read = readInput(fieldPath, flags, ctx, flags.number('volume', { min: 0, integer: true }));
  const { ppmPerUnit } = chooseFieldUnits(fieldPath, flags, ctx);
  let field = read.volume;
  if (ppmPerUnit !== 1) field = withData(field, field.data.map((x) => x * ppmPerUnit));
  const maskPath = flags.string('mask');
  if (maskPath) params.mask = readMask(maskPath, field, fieldPath, flags, ctx);
  const magnitudePath = flags.string('magnitude');
  if (magnitudePath) params.magnitude = readOnGrid(magnitudePath, field, fieldPath, flags, ctx);
  // the phase scale matters to ndi, and to tv only with its nonlinear data term
  const usesPhase = method.id === 'ndi' || (method.id === 'tv' && params.nonlinear);
  if (flags.has('phase-scale') && !usesPhase) throw new UsageError(`--phase-scale applies to ndi and to tv with --nonlinear`);
  if (usesPhase && params.phaseScale === undefined) params.phaseScale = choosePhaseScale(fieldPath, flags, ctx);
  const b0 = chooseB0Dir(field, flags.vec3s('b0dir')[0]);
  ctx.err(describeAcquisition(fieldPath, field, b0));

  let lambdaRule: LambdaRule | undefined;
  const requestedRule = lambdaFlag.rule;
  if (requestedRule) {
    const chosen = await withProgress(ctx, 'L-curve', (onProgress) => chooseLambda(field, b0.b0Dir, params.mask, requestedRule, onProgress));
    ctx.err(chosen.report);
    params.lambda = chosen.lambda;
    lambdaRule = chosen.rule;
  }

  const net = await withProgress(ctx, `invert ${method.id}`, (onProgress) => method.run(field, b0.b0Dir, params, onProgress));
  const recorded = method.flags.includes('lambda') ? ` ${lambdaDescription(params.lambda, lambdaRule)}` : '';
  const description = `qsm invert ${method.id}${recorded}`;
  if (!dc) {
    writeVolumeFile(out, net, { description, sformCode: read.facts.sformCode });
    ctx.err(`wrote ${out}`);
    return;
  }
  // the raw network output is written first: a failure in the data-consistency step loses nothing computed
  if (outNet !== undefined) {
    writeVolumeFile(outNet, net, { description, sformCode: read.facts.sformCode });
    ctx.err(`wrote ${outNet} (network output)`);
  }
  const done = await withProgress(ctx, 'data consistency', (onProgress) => applyDc(dc, field, net, b0.b0Dir, params.mask, onProgress));
  for (const line of done.report) ctx.err(line);
  writeVolumeFile(out, done.chi, { description: `${description} + ${done.description}`, sformCode: read.facts.sformCode });
  ctx.err(`wrote ${out}`);
}
