/** Which B0 direction a command uses (header or --b0dir) and the one stderr line that says so. */
import { tiltDegrees } from '../core/acquisition';
import type { Vec3, Volume } from '../core/volume';
import { acquisitionFromHeader } from '../io/acquisitionFromHeader';
import { InputError } from '../io/inputError';

export interface ChosenB0 {
  b0Dir: Vec3;
  source: 'header' | '--b0dir';
}

/** --b0dir (normalised) when given, else from the volume's affine. */
export function chooseB0Dir(vol: Volume, override: Vec3 | undefined): ChosenB0 {
  if (override) {
    const n = Math.hypot(...override);
    if (!(n > 0)) throw new InputError(`--b0dir ${override.join(',')}: the direction must not be zero`);
    return { b0Dir: override.map((x) => x / n) as Vec3, source: '--b0dir' };
  }
  return { b0Dir: acquisitionFromHeader(vol).b0Dir, source: 'header' };
}

const f3 = (v: number[], digits: number) => v.map((x) => x.toFixed(digits)).join(digits > 2 ? ', ' : ' x ');

export function describeAcquisition(name: string, vol: Volume, b0: ChosenB0): string {
  return `${name}: ${vol.dims.join('x')} voxels of ${f3(vol.voxelSize, 2)} mm, B0 direction (${f3(b0.b0Dir, 3)}) from ${b0.source}, tilt ${tiltDegrees(b0.b0Dir).toFixed(1)} deg`;
}
