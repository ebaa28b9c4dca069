/** `qsm cosmos`: susceptibility from field maps at several B0 orientations, registered to one grid. */
import { cosmos, type Orientation } from '../../core/cosmos';
import type { Vec3 } from '../../core/volume';
import { checkSameGrid } from '../../io/checkSameGrid';
import { InputError } from '../../io/inputError';
import { parseFlags, type FlagSpecs } from '../args';
import { withProgress, type CommandContext } from '../context';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import { checkOutputPath, writeVolumeFile } from '../files';
import { READ_FLAGS, readInput, readMask } from '../inputs';

export const COSMOS_FLAGS: FlagSpecs = {
  field: { kind: 'value', required: true, repeat: true, help: 'F.nii[.gz]: local field (ppm) at one orientation; give two or more' },
  out: { kind: 'value', required: true, help: 'OUT.nii[.gz]: susceptibility map (ppm)' },
  b0dir: { kind: 'value', repeat: true, help: 'x,y,z: B0 direction in voxel axes, once per --field in the same order (default: each header)' },
  mask: { kind: 'value', help: 'M.nii[.gz]: brain mask on the common grid' },
  ...READ_FLAGS,
};

/** Directions closer than this are "the same" for the sanity check below. */
const SAME_DIRECTION_DEG = 1;

export async function cosmosCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, COSMOS_FLAGS);
  const paths = flags.strings('field');
  const dirs = flags.vec3s('b0dir');
  if (paths.length < 2) throw new InputError('needs at least two --field (one per orientation)');
  if (dirs.length > 0 && dirs.length !== paths.length) {
    throw new InputError(`${paths.length} --field but ${dirs.length} --b0dir; give one --b0dir per --field, or none to read them from the headers`);
  }
  const out = flags.string('out')!;
  checkOutputPath(out);

  const orientations: Orientation[] = [];
  let sformCode = 0;
  for (const [o, path] of paths.entries()) {
    const read = readInput(path, flags, ctx);
    const field = read.volume;
    if (o === 0) sformCode = read.facts.sformCode;
    if (o > 0) {
      const first = orientations[0].field;
      // With explicit directions the fields are registered copies: same grid, same affine.
      // From headers, each affine carries its own orientation, so only the voxel grid can be compared.
      if (dirs.length > 0) checkSameGrid(first, field, paths[0], path);
      else checkSameGrid({ dims: first.dims, affine: scaleOnly(first.voxelSize) }, { dims: field.dims, affine: scaleOnly(field.voxelSize) }, paths[0], path);
    }
    const b0 = chooseB0Dir(field, dirs[o]);
    ctx.err(describeAcquisition(path, field, b0));
    orientations.push({ field, b0Dir: b0.b0Dir });
  }
  if (dirs.length === 0) checkDirectionsDiffer(orientations.map((o) => o.b0Dir));
  ctx.err('note: cosmos takes every field map to be in ppm');
  const mask = flags.string('mask') ? readMask(flags.string('mask')!, orientations[0].field, paths[0], flags, ctx) : undefined;

  const chi = await withProgress(ctx, 'cosmos', (onProgress) => cosmos(orientations, mask, { onProgress }));
  writeVolumeFile(out, chi, { description: `qsm cosmos (${paths.length} orientations)`, sformCode });
  ctx.err(`wrote ${out}`);
}

function scaleOnly(v: Vec3): number[] {
  return [v[0], 0, 0, 0, 0, v[1], 0, 0, 0, 0, v[2], 0, 0, 0, 0, 1];
}

/** Registered fields usually keep the reference header, so header directions all agree and COSMOS would be ill-posed. */
function checkDirectionsDiffer(dirs: Vec3[]): void {
  const cosLimit = Math.cos((SAME_DIRECTION_DEG * Math.PI) / 180);
  const allSame = dirs.every((d) => Math.abs(d[0] * dirs[0][0] + d[1] * dirs[0][1] + d[2] * dirs[0][2]) > cosLimit);
  if (allSame) {
    throw new InputError('every header gives the same B0 direction (registered fields keep the reference header); give one --b0dir per --field');
  }
}
