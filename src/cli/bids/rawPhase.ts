/**
 * Multi-echo phase + magnitude of one acquisition -> local field, with `qsm field`'s pipeline
 * (core/phase/localFieldPipeline.ts: brain mask from the magnitude unless the acquisition has one, unwrapping and
 * echo fit, ppm, background removal; defaults romeo + tfi as in `qsm field`). Every echo needs both images and a
 * sidecar (the phase image's, else the magnitude's) with EchoTime; MagneticFieldStrength must be in one of them.
 */
import { relative } from 'node:path';
import { OFFSET_METHODS, UNWRAP_METHODS, type OffsetMethod, type UnwrapMethod } from '../../core/phase/echoCombination';
import { BACKGROUND_METHODS, localFieldFromPhase, type BackgroundMethod, type PipelineStep } from '../../core/phase/localFieldPipeline';
import { countInside } from '../../core/phase/morphology';
import { detectPhaseScaling, phaseToRadians } from '../../core/phase/phaseScaling';
import { withData, type Vec3, type Volume } from '../../core/volume';
import { checkSameGrid } from '../../io/checkSameGrid';
import { InputError } from '../../io/inputError';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import type { Flags, FlagSpecs } from '../args';
import type { CommandContext } from '../context';
import { readSidecarFor } from '../files';
import { readInput, readMask } from '../inputs';
import { phaseOffsetNote } from '../phaseOffsetNote';
import { tfiCheckNote } from '../tfiCheckNote';
import type { ProgressBar } from '../progress';
import type { Acquisition } from './discover';

export const PHASE_FLAGS: FlagSpecs = {
  unwrap: { kind: 'value', help: `${UNWRAP_METHODS.join('|')}: phase unwrapping for phase inputs (default romeo)` },
  bg: { kind: 'value', help: `${BACKGROUND_METHODS.join('|')}: background-field removal for phase inputs (default tfi)` },
  'phase-offset': { kind: 'value', help: `${OFFSET_METHODS.join('|')}: multi-echo phase offset for phase inputs, smoothed in space (default) or fitted per voxel` },
};

export interface FieldPipeline {
  unwrap: UnwrapMethod;
  offset: OffsetMethod;
  background: BackgroundMethod;
}

export function parsePhaseFlags(flags: Flags): FieldPipeline {
  const pick = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const s = flags.string(name);
    if (s === undefined) return fallback;
    if (!(options as readonly string[]).includes(s)) throw new InputError(`--${name}: expected ${options.join(' or ')}, got "${s}"`);
    return s as T;
  };
  return { unwrap: pick('unwrap', UNWRAP_METHODS, 'romeo'), offset: pick('phase-offset', OFFSET_METHODS, 'smooth'), background: pick('bg', BACKGROUND_METHODS, 'tfi') };
}

/** What the sidecars record (and a resumed run compares) about the phase -> field step. */
export const fieldPipelineRecord = (p: FieldPipeline) => ({ Unwrap: p.unwrap, PhaseOffset: p.offset, BackgroundRemoval: p.background });

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

export interface PhaseField {
  /** ppm, 0 outside mask */
  field: Volume;
  /** where the local field is valid (0/1) */
  mask: Volume;
  b0Dir: Vec3;
  sformCode: number;
  b0Tesla: number;
  echoTimes: number[];
  /** what the phase values were taken to be */
  phaseScaling: string;
  /** the background removal whose field this is: PDF's when TFI failed its cross-check */
  backgroundUsed: BackgroundMethod;
  /** TFI's local field's norm over PDF's (the cross-check) */
  tfiToPdf?: number;
}

/** Reads and checks every echo, then runs the pipeline with one progress bar per step. */
export function localFieldFromEchoes(acq: Acquisition, bidsDir: string, flags: Flags, pipeline: FieldPipeline, ctx: CommandContext): PhaseField {
  const raw = checkRawPhase(acq, bidsDir);
  for (const w of raw.warnings) ctx.err(`note: ${w}`);
  const rel = (p: string) => relative(bidsDir, p);
  const first = readInput(raw.echoes[0].phase, flags, ctx);
  const ref = first.volume;
  const phases: Volume[] = [];
  const magnitudes: Volume[] = [];
  for (const [i, e] of raw.echoes.entries()) {
    const p = i === 0 ? ref : readInput(e.phase, flags, ctx).volume;
    const m = readInput(e.magnitude, flags, ctx).volume;
    checkSameGrid(ref, p, rel(raw.echoes[0].phase), rel(e.phase));
    checkSameGrid(ref, m, rel(raw.echoes[0].phase), rel(e.magnitude));
    phases.push(p);
    magnitudes.push(m);
  }
  const guess = detectPhaseScaling(phases.map((v) => v.data));
  if (!guess.scaling) throw new InputError(`${rel(raw.echoes[0].phase)}: phase ${guess.description} (qsm field --phase-range converts it)`);
  const scaling = guess.scaling;
  ctx.err(`note: ${raw.echoes.length} echoes, TE ${raw.echoes.map((e) => (e.echoTime * 1000).toFixed(2)).join(', ')} ms, B0 ${raw.b0Tesla} T; phase ${guess.description}`);
  const b0 = chooseB0Dir(ref, undefined);
  ctx.err(describeAcquisition(rel(raw.echoes[0].phase), ref, b0));
  const given = acq.mask ? readMask(acq.mask, ref, rel(raw.echoes[0].phase), flags, ctx) : undefined;

  let bar: ProgressBar | undefined;
  let result;
  try {
    result = localFieldFromPhase(
      {
        phases: phases.map((v) => withData(v, phaseToRadians(v.data, scaling))),
        magnitudes,
        echoTimes: raw.echoes.map((e) => e.echoTime),
        b0Tesla: raw.b0Tesla,
        b0Dir: b0.b0Dir,
      },
      {
        mask: given ? Uint8Array.from(given.data, (v) => (v > 0 ? 1 : 0)) : undefined,
        unwrap: pipeline.unwrap,
        offset: pipeline.offset,
        background: pipeline.background,
        onStep: (step: PipelineStep) => {
          bar?.finish();
          bar = ctx.progress(step === 'total field' ? `total field (${pipeline.unwrap})` : step === 'background removal' ? `background removal (${pipeline.background})` : step);
          return bar.update;
        },
      },
    );
    bar?.finish();
  } catch (e) {
    bar?.abandon();
    throw e;
  }
  const offsetNote = phaseOffsetNote(result.offsetDeparture);
  if (offsetNote) ctx.err(offsetNote);
  const tfiNote = tfiCheckNote(result);
  if (tfiNote) ctx.err(tfiNote);
  const inside = countInside(result.localMask);
  if (inside === 0) throw new InputError(`background removal left no voxel of the brain mask (${countInside(result.mask)} voxels before)`);
  ctx.err(`note: local field in ${inside} voxels (brain mask ${given ? `from ${rel(acq.mask!)}` : `from the magnitude, threshold ${result.maskThreshold?.toPrecision(3)}`})`);
  return {
    field: withData(ref, result.localPpm),
    mask: withData(ref, Float32Array.from(result.localMask)),
    b0Dir: b0.b0Dir,
    sformCode: first.facts.sformCode,
    b0Tesla: raw.b0Tesla,
    echoTimes: raw.echoes.map((e) => e.echoTime),
    phaseScaling: guess.description,
    backgroundUsed: result.tfiFellBack ? 'pdf' : pipeline.background,
    tfiToPdf: result.tfiToPdf,
  };
}
