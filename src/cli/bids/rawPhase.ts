/**
 * Multi-echo phase + magnitude of one acquisition, checked from the names and sidecars: every echo has both
 * images and a sidecar (the phase image's, else the magnitude's) with EchoTime; MagneticFieldStrength is in at
 * least one of them. The phase -> local field step itself is `qsm field`'s pipeline (src/core/phase), which this
 * build does not have yet: such acquisitions fail with a message that says so, after their inputs were checked.
 */
import { relative } from 'node:path';
import { InputError } from '../../io/inputError';
import { readSidecarFor } from '../files';
import type { Acquisition } from './discover';

export interface EchoInput {
  echo: number;
  phase: string;
  magnitude: string;
  /** seconds */
  echoTime: number;
}

export interface RawPhaseInput {
  echoes: EchoInput[];
  /** Tesla */
  b0Tesla: number;
  warnings: string[];
}

/** The echoes with their echo times and the field strength; an InputError naming the first problem. */
export function checkRawPhase(acq: Acquisition, bidsDir: string): RawPhaseInput {
  const rel = (p: string) => relative(bidsDir, p);
  const warnings: string[] = [];
  const echoes: EchoInput[] = [];
  let b0: number | undefined;
  for (const e of acq.echoes) {
    if (!e.phase) throw new InputError(`echo ${e.echo} has a magnitude (${rel(e.magnitude!)}) but no part-phase image`);
    if (!e.magnitude) throw new InputError(`echo ${e.echo} has a phase (${rel(e.phase)}) but no part-mag image`);
    const side = readSidecarFor(e.phase) ?? readSidecarFor(e.magnitude);
    if (!side) throw new InputError(`echo ${e.echo}: no JSON sidecar beside ${rel(e.phase)} or ${rel(e.magnitude)} (EchoTime is needed)`);
    warnings.push(...side.sidecar.warnings);
    if (side.sidecar.echoTime === undefined) throw new InputError(`${rel(side.path)}: no EchoTime (one number of seconds per echo)`);
    const fs = side.sidecar.fieldStrength;
    if (fs !== undefined) {
      if (b0 !== undefined && Math.abs(b0 - fs) > 1e-6) throw new InputError(`${rel(side.path)}: MagneticFieldStrength ${fs} T differs from the other echoes' ${b0} T`);
      b0 = fs;
    }
    echoes.push({ echo: e.echo, phase: e.phase, magnitude: e.magnitude, echoTime: side.sidecar.echoTime });
  }
  if (b0 === undefined) throw new InputError(`no MagneticFieldStrength in the sidecars of ${acq.key}'s echoes`);
  for (let i = 1; i < echoes.length; i++) {
    if (!(echoes[i].echoTime > echoes[i - 1].echoTime)) {
      throw new InputError(`echo times must increase with the echo number: echo ${echoes[i].echo} has ${echoes[i].echoTime} s after ${echoes[i - 1].echoTime} s`);
    }
  }
  return { echoes, b0Tesla: b0, warnings };
}

export const NEEDS_FIELD_MESSAGE =
  'multi-echo phase needs qsm field (phase -> local field), which is not available in this build; ' +
  'give the acquisition a *_localfield.nii.gz (ppm, or Units in its sidecar) instead';
