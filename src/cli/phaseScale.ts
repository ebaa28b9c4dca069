/**
 * The phase per ppm of field that `ndi` (and `tv --nonlinear`) works in (core/ndi.ts): 2 pi 42.5775 B0[T] TE[s] rad/ppm from --b0 and
 * --te, else the field's BIDS sidecar, else the core's default (3 T, 20 ms). The choice is announced on stderr.
 */
import { DEFAULT_PHASE_SCALE, phaseScale } from '../core/phaseScale';
import type { Flags } from './args';
import type { CommandContext } from './context';
import { readSidecarFor } from './files';

export function choosePhaseScale(fieldPath: string, flags: Flags, ctx: CommandContext): number {
  const side = readSidecarFor(fieldPath)?.sidecar;
  const b0 = flags.number('b0', { min: Number.MIN_VALUE, max: 30 }) ?? side?.fieldStrength;
  const te = flags.number('te', { min: Number.MIN_VALUE, max: 1 }) ?? side?.echoTime;
  if (b0 !== undefined && te !== undefined) {
    const s = phaseScale(b0, te);
    ctx.err(`note: phase scale ${s.toFixed(2)} rad/ppm (B0 ${b0} T, TE ${te} s)`);
    return s;
  }
  ctx.err(`note: phase scale ${DEFAULT_PHASE_SCALE.toFixed(2)} rad/ppm (B0 and TE not both known: assuming 3 T, 20 ms; --phase-scale sets it)`);
  return DEFAULT_PHASE_SCALE;
}
