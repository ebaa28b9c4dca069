/** `qsm forward`: susceptibility -> local field through the dipole model. */
import { forwardField } from '../../core/forwardModel';
import { parseFlags, type FlagSpecs } from '../args';
import { withProgress, type CommandContext } from '../context';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import { checkOutputPath, writeVolumeFile } from '../files';
import { READ_FLAGS, readInput } from '../inputs';

export const FORWARD_FLAGS: FlagSpecs = {
  chi: { kind: 'value', required: true, help: 'CHI.nii[.gz]: susceptibility map (ppm)' },
  out: { kind: 'value', required: true, help: 'FIELD.nii[.gz]: local field (ppm)' },
  b0dir: { kind: 'value', help: 'x,y,z: B0 direction in voxel axes (default: from the header)' },
  ...READ_FLAGS,
};

export async function forwardCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, FORWARD_FLAGS);
  const out = flags.string('out')!;
  checkOutputPath(out);
  const chiPath = flags.string('chi')!;
  const read = readInput(chiPath, flags, ctx);
  const b0 = chooseB0Dir(read.volume, flags.vec3s('b0dir')[0]);
  ctx.err(describeAcquisition(chiPath, read.volume, b0));
  const field = await withProgress(ctx, 'forward', (onProgress) => forwardField(read.volume, b0.b0Dir, { onProgress }));
  writeVolumeFile(out, field, { description: 'qsm forward (local field, ppm)', sformCode: read.facts.sformCode });
  ctx.err(`wrote ${out}`);
}
