/**
 * `qsm field`: scanner phase and magnitude (single- or multi-echo) -> local field in ppm: brain mask, unwrapping,
 * echo fit (total field), background-field removal. Inputs are checked before any work; the mask and total field
 * are written as soon as they exist, so a failing later step loses nothing already computed.
 */
import { phaseOffsetNote } from '../phaseOffsetNote';
import { tfiCheckNote } from '../tfiCheckNote';
import { OFFSET_METHODS, UNWRAP_METHODS, type OffsetMethod, type UnwrapMethod } from '../../core/phase/echoCombination';
import { BACKGROUND_METHODS, backgroundStep, maskStep, totalFieldStep, type BackgroundMethod } from '../../core/phase/localFieldPipeline';
import { countInside } from '../../core/phase/morphology';
import { detectPhaseScaling, describeScaling, phaseToRadians, type PhaseScaling } from '../../core/phase/phaseScaling';
import { TFI_DEFAULTS } from '../../core/phase/tfi';
import { withData, type Volume } from '../../core/volume';
import { checkSameGrid } from '../../io/checkSameGrid';
import { InputError } from '../../io/inputError';
import type { NiftiRead } from '../../io/readNifti';
import { parseFlags, parseNumber, type Flags, type FlagSpecs } from '../args';
import { chooseB0Dir, describeAcquisition } from '../acquisitionReport';
import { withProgress, type CommandContext } from '../context';
import { checkOutputPath, readAllVolumes, readSidecarFor, writeVolumeFile } from '../files';
import { nonFinitePolicy, READ_FLAGS, readMask } from '../inputs';

export const FIELD_FLAGS: FlagSpecs = {
  phase: { kind: 'value', required: true, repeat: true, help: 'P.nii[.gz]: phase, a 4-D file (echoes along dim 4) or one 3-D file per echo in echo order' },
  magnitude: { kind: 'value', required: true, repeat: true, help: 'M.nii[.gz]: magnitude, laid out like --phase' },
  te: { kind: 'value', help: 's,s,...: echo times in seconds (default: EchoTime of the sidecars beside the files)' },
  b0: { kind: 'value', help: 'T: field strength (default: MagneticFieldStrength of a sidecar)' },
  mask: { kind: 'value', help: 'M.nii[.gz]: brain mask to use instead of one from the magnitude' },
  erode: { kind: 'value', help: 'MM: erode the automatic mask by this many mm (default 0)' },
  unwrap: { kind: 'value', help: `${UNWRAP_METHODS.join('|')}: phase unwrapping (default romeo)` },
  bg: { kind: 'value', help: `${BACKGROUND_METHODS.join('|')}: background-field removal (default tfi: total-field inversion; pdf is 7-10x faster and loses more of the brain's own field)` },
  'phase-offset': { kind: 'value', help: `${OFFSET_METHODS.join('|')}: multi-echo phase offset smoothed in space before the fit through it (MCPC-3D-S-like, default), or fitted per voxel as an intercept` },
  'phase-range': { kind: 'value', help: 'rad|MIN,MAX: phase units: radians, or integers MIN..MAX spanning one turn (default: detected)' },
  'tfi-lambda': { kind: 'value', help: `L: --bg tfi's gradient-prior weight on the field in ppm (default ${TFI_DEFAULTS.lambda})` },
  b0dir: { kind: 'value', help: 'x,y,z: B0 direction in voxel axes, for PDF and TFI (default: from the header)' },
  out: { kind: 'value', required: true, help: 'LOCAL.nii[.gz]: local field (ppm) inside the final mask' },
  'out-mask': { kind: 'value', help: 'MASK.nii[.gz]: the brain mask used (uint8)' },
  'out-total': { kind: 'value', help: 'TOTAL.nii[.gz]: total field (ppm) inside the brain mask' },
  'out-chi': { kind: 'value', help: 'CHI.nii[.gz]: with --bg tfi, its susceptibility (ppm) in and around the brain (the mask\'s bounding box; 0 beyond)' },
  ...READ_FLAGS,
};

const MAX_TE_S = 1;

interface Echoes {
  volumes: Volume[];
  reads: NiftiRead[];
  /** the file each echo came from */
  files: string[];
}

function readEchoes(paths: string[], flags: Flags, ctx: CommandContext, what: string): Echoes {
  const volumes: Volume[] = [], reads: NiftiRead[] = [], files: string[] = [];
  for (const path of paths) {
    const all = readAllVolumes(path, { nonFinite: nonFinitePolicy(flags) });
    if (all.length > 1 && paths.length > 1) throw new InputError(`${path}: a 4-D ${what} file (${all.length} volumes) among several --${what}; give one 4-D file or one 3-D file per echo`);
    for (const w of all[0].warnings) ctx.err(`note: ${w}`);
    for (const r of all) { volumes.push(r.volume); reads.push(r); files.push(path); }
  }
  return { volumes, reads, files };
}

function parseEchoTimes(s: string): number[] {
  const list = s.split(',').map((t) => parseNumber(t, '--te', { min: Number.MIN_VALUE }));
  for (const t of list) if (t > MAX_TE_S) throw new InputError(`--te is in seconds; ${t} s is not plausible (did you mean ${t / 1000}?)`);
  return list;
}

/** Echo times from the sidecars of the phase files, else of the magnitude files. */
function echoTimesFromSidecars(phase: Echoes, mag: Echoes, ctx: CommandContext): { tes?: number[]; from: string; b0?: number; b0From?: string } {
  let b0: number | undefined, b0From: string | undefined;
  for (const e of [phase, mag]) {
    const unique = [...new Set(e.files)];
    const cars = unique.map((f) => readSidecarFor(f));
    for (const c of cars) if (c && c.sidecar.fieldStrength !== undefined && b0 === undefined) { b0 = c.sidecar.fieldStrength; b0From = c.path; }
    if (cars.some((c) => !c)) continue;
    for (const c of cars) for (const w of c!.sidecar.warnings) if (!/lists \d+ echoes/.test(w)) ctx.err(`note: ${w}`);
    let tes: number[] | undefined;
    if (unique.length === 1 && e.volumes.length > 1) tes = cars[0]!.sidecar.echoTimes;
    else if (cars.every((c) => c!.sidecar.echoTime !== undefined)) tes = cars.map((c) => c!.sidecar.echoTime!);
    if (tes) return { tes, from: cars.map((c) => c!.path).join(', '), b0, b0From };
  }
  return { from: '', b0, b0From };
}

function parsePhaseRange(s: string): PhaseScaling {
  if (s.trim().toLowerCase() === 'rad') return { kind: 'radians' };
  const parts = s.split(',');
  if (parts.length !== 2) throw new InputError(`--phase-range: expected rad or MIN,MAX (e.g. 0,4095), got "${s}"`);
  const [min, max] = parts.map((p) => parseNumber(p, '--phase-range'));
  if (!(max > min)) throw new InputError(`--phase-range: MAX must exceed MIN, got ${s}`);
  return { kind: 'range', min, max };
}

function choice<T extends string>(flags: Flags, name: string, options: readonly T[], fallback: T): T {
  const s = flags.string(name);
  if (s === undefined) return fallback;
  if (!(options as readonly string[]).includes(s)) throw new InputError(`--${name}: expected ${options.join(' or ')}, got "${s}"`);
  return s as T;
}

export async function fieldCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, FIELD_FLAGS);
  const unwrap = choice<UnwrapMethod>(flags, 'unwrap', UNWRAP_METHODS, 'romeo');
  const bg = choice<BackgroundMethod>(flags, 'bg', BACKGROUND_METHODS, 'tfi');
  const offset = choice<OffsetMethod>(flags, 'phase-offset', OFFSET_METHODS, 'smooth');
  const erodeMm = flags.number('erode', { min: 0, max: 100 }) ?? 0;
  const b0Flag = flags.number('b0', { min: Number.MIN_VALUE, max: 30 });
  const teFlag = flags.string('te') !== undefined ? parseEchoTimes(flags.string('te')!) : undefined;
  const rangeFlag = flags.string('phase-range') !== undefined ? parsePhaseRange(flags.string('phase-range')!) : undefined;
  const tfiLambda = flags.number('tfi-lambda', { min: Number.MIN_VALUE, max: 1 });
  if (tfiLambda !== undefined && bg !== 'tfi') throw new InputError(`--tfi-lambda needs --bg tfi (background removal is ${bg})`);
  if (flags.string('out-chi') !== undefined && bg !== 'tfi') throw new InputError(`--out-chi needs --bg tfi: only total-field inversion fits a susceptibility map (background removal is ${bg})`);
  const outputs = [['out', flags.string('out')!], ['out-mask', flags.string('out-mask')], ['out-total', flags.string('out-total')], ['out-chi', flags.string('out-chi')]] as const;
  const inputs = [...flags.strings('phase'), ...flags.strings('magnitude'), ...flags.strings('mask')];
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    checkOutputPath(path, `--${flag}`);
    if (inputs.includes(path)) throw new InputError(`--${flag} ${path} is also an input; choose another output name`);
    if (outputs.some(([f, p]) => f !== flag && p === path)) throw new InputError(`--${flag} ${path} is given for two outputs`);
  }

  // --- inputs, all checked before any computation
  const { phase, mag } = await withProgress(ctx, 'read', () => ({
    phase: readEchoes(flags.strings('phase'), flags, ctx, 'phase'),
    mag: readEchoes(flags.strings('magnitude'), flags, ctx, 'magnitude'),
  }));
  const E = phase.volumes.length;
  if (mag.volumes.length !== E) throw new InputError(`${E} phase echoes but ${mag.volumes.length} magnitude echoes: give the same echoes of both`);
  const ref = phase.volumes[0], refName = phase.files[0];
  for (const [e, v] of phase.volumes.entries()) checkSameGrid(ref, v, refName, `${phase.files[e]}${phase.files.length > 1 ? '' : ` (echo ${e + 1})`}`);
  for (const [e, v] of mag.volumes.entries()) checkSameGrid(ref, v, refName, `${mag.files[e]}${mag.files.length > 1 ? '' : ` (echo ${e + 1})`}`);

  const cars = echoTimesFromSidecars(phase, mag, ctx);
  const tes = teFlag ?? cars.tes;
  if (!tes) throw new InputError(`no echo times: give --te s,s,... (${E} value${E > 1 ? 's' : ''}, seconds) or EchoTime in the sidecars beside the files`);
  if (tes.length !== E) throw new InputError(`${E} echoes but ${tes.length} echo time${tes.length > 1 ? 's' : ''} (${tes.join(', ')} s${teFlag ? ' from --te' : ` from ${cars.from}`})`);
  for (let e = 1; e < E; e++) if (!(tes[e] > tes[e - 1])) throw new InputError(`echo times must increase in echo order, got ${tes.join(', ')} s`);
  const b0 = b0Flag ?? cars.b0;
  if (b0 === undefined) throw new InputError('no field strength: give --b0 T or MagneticFieldStrength in a sidecar beside the files');
  ctx.err(`note: ${E} echo${E > 1 ? 'es' : ''}, TE ${tes.map((t) => (t * 1000).toFixed(2)).join(', ')} ms (${teFlag ? '--te' : cars.from}), B0 ${b0} T (${b0Flag !== undefined ? '--b0' : cars.b0From})`);

  const guess = detectPhaseScaling(phase.volumes.map((v) => v.data));
  const scaling = rangeFlag ?? guess.scaling;
  if (!scaling) throw new InputError(`${refName}: phase ${guess.description} (--phase-range rad or --phase-range MIN,MAX)`);
  ctx.err(rangeFlag ? `note: phase ${guess.description.split(':')[0]}; --phase-range says ${describeScaling(scaling)}` : `note: phase ${guess.description}`);
  const b0dir = chooseB0Dir(ref, flags.vec3s('b0dir')[0]);
  ctx.err(describeAcquisition(refName, ref, b0dir));
  const givenMask = flags.string('mask') ? readMask(flags.string('mask')!, ref, refName, flags, ctx) : undefined;
  const sformCode = phase.reads[0].facts.sformCode;
  const { dims, voxelSize } = ref;
  const phases = phase.volumes.map((v) => phaseToRadians(v.data, scaling));
  const mags = mag.volumes.map((v) => v.data);

  // --- steps
  let mask: Uint8Array;
  if (givenMask) {
    mask = Uint8Array.from(givenMask.data, (v) => (v > 0 ? 1 : 0));
    ctx.err(`note: mask from ${flags.string('mask')} (${countInside(mask)} voxels)`);
  } else {
    const r = await withProgress(ctx, 'mask', (onProgress) => maskStep(ref, mags, { erodeMm }, { onProgress }));
    if (r.voxels === 0) throw new InputError(`the magnitude gives an empty brain mask (threshold ${r.threshold.toPrecision(3)}); give --mask`);
    mask = r.mask;
    ctx.err(`note: brain mask from the magnitude: threshold ${r.threshold.toPrecision(3)}, ${r.voxels} voxels${erodeMm > 0 ? `, eroded ${erodeMm} mm` : ''}`);
  }
  const maskOut = flags.string('out-mask');
  if (maskOut) writeVolumeFile(maskOut, withData(ref, Float32Array.from(mask)), { description: 'qsm field: brain mask', sformCode, datatype: 'uint8' });

  const steps = { phases, magnitudes: mags, echoTimes: tes, dims, voxelSize };
  const total = await withProgress(ctx, `total field (${unwrap}, ${E} echo${E > 1 ? `es, offset ${offset}` : ''})`, (onProgress) =>
    totalFieldStep(steps, b0, mask, { unwrap, offset, onProgress }));
  const offsetNote = phaseOffsetNote(total.offsetDeparture);
  if (offsetNote) ctx.err(offsetNote);
  const { totalPpm } = total;
  const totalOut = flags.string('out-total');
  if (totalOut) writeVolumeFile(totalOut, withData(ref, totalPpm), { description: `qsm field: total field (ppm), ${unwrap}`, sformCode });
  if (E === 1) ctx.err('note: one echo: the phase offset cannot be fitted and is taken as 0');

  const local = await withProgress(ctx, `background removal (${bg})`, (onProgress) => backgroundStep(totalPpm, mask, steps, b0dir.b0Dir, { background: bg, onProgress, tfi: { lambda: tfiLambda } }));
  if (local.iterations !== undefined) ctx.err(`note: PDF stopped after ${local.iterations} conjugate-gradient iterations (residual ${local.relativeResidual?.toExponential(1)} of its start)`);
  const inside = countInside(local.mask);
  if (inside === 0) throw new InputError(`background removal left no voxel of the mask (${countInside(mask)} voxels before); give a larger --mask`);
  const out = flags.string('out')!;
  writeVolumeFile(out, withData(ref, local.local), { description: `qsm field: local field (ppm), ${unwrap}+${bg}`, sformCode });
  const tfiNote = tfiCheckNote(local);
  if (tfiNote) ctx.err(`${tfiNote}${local.tfiFellBack && flags.string('out-chi') ? ', and --out-chi is not written' : ''}`);
  const chiOut = flags.string('out-chi');
  if (chiOut && local.chi) writeVolumeFile(chiOut, withData(ref, local.chi), { description: `qsm field: TFI susceptibility (ppm), ${unwrap}+tfi`, sformCode });
  if (maskOut && local.mask !== mask && bg === 'vsharp') ctx.err(`note: V-SHARP's valid region (${inside} voxels) is smaller than ${maskOut}; the local field is 0 outside it`);
  for (const [flag, path] of outputs) if (path && !(flag === 'out-chi' && !local.chi)) ctx.err(`wrote ${path}${flag === 'out' ? ` (local field, ppm, ${inside} voxels)` : flag === 'out-chi' ? ' (TFI susceptibility, ppm, in and around the brain)' : ''}`);
}
