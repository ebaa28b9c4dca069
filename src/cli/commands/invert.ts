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
import { READ_FLAGS, readInput, readMask } from '../inputs';
import { findMethod, METHODS, type Backend, type MethodFlag, type MethodParams } from '../methods';

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
  ...DC_FLAGS,
  ...READ_FLAGS,
};

export async function invertCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, INVERT_FLAGS);
  const method = findMethod(flags.string('method')!);
  if (!method) throw new UsageError(`unknown method "${flags.string('method')}" (known: ${METHODS.map((m) => m.id).join(', ')})`);
  for (const f of ['threshold', 'lambda', 'patch', 'overlap', 'backend'] as MethodFlag[]) {
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
