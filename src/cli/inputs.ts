/** Reading the volumes a command is given, with the shared flags (--nonfinite, --volume) and warnings to stderr. */
import { maskFromVolume } from '../core/masking';
import { withData, type Volume } from '../core/volume';
import { checkSameGrid } from '../io/checkSameGrid';
import { InputError } from '../io/inputError';
import type { NiftiRead, NonFinitePolicy } from '../io/readNifti';
import type { Flags, FlagSpecs } from './args';
import type { CommandContext } from './context';
import { readVolumeFile } from './files';

export const READ_FLAGS: FlagSpecs = {
  nonfinite: { kind: 'value', help: 'error|zero: refuse NaN/Inf voxels (default) or set them to 0' },
};

export function nonFinitePolicy(flags: Flags): NonFinitePolicy {
  const s = flags.string('nonfinite') ?? 'error';
  if (s !== 'error' && s !== 'zero') throw new InputError(`--nonfinite: expected error or zero, got "${s}"`);
  return s;
}

export function readInput(path: string, flags: Flags, ctx: CommandContext, volumeIndex?: number): NiftiRead {
  const r = readVolumeFile(path, { nonFinite: nonFinitePolicy(flags), volumeIndex });
  for (const w of r.warnings) ctx.err(`note: ${w}`);
  return r;
}

/** A 0/1 mask volume on `like`'s grid. */
export function readMask(path: string, like: Volume, likeName: string, flags: Flags, ctx: CommandContext): Volume {
  const m = readInput(path, flags, ctx).volume;
  checkSameGrid(like, m, likeName, path);
  const bits = maskFromVolume(m);
  let inside = 0;
  for (let i = 0; i < bits.length; i++) inside += bits[i];
  if (inside === 0) throw new InputError(`${path}: the mask is empty (no voxel > 0)`);
  return withData(like, Float32Array.from(bits));
}

/** A volume (e.g. a magnitude) that must lie on `like`'s grid. */
export function readOnGrid(path: string, like: Volume, likeName: string, flags: Flags, ctx: CommandContext): Volume {
  const v = readInput(path, flags, ctx).volume;
  checkSameGrid(like, v, likeName, path);
  return withData(like, v.data);
}
