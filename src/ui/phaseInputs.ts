/**
 * The workbench's phase pipeline input (core/phase/localFieldPipeline.ts, run in the compute worker), gathered from
 * the loaded files and the pipeline panel's settings: the echoes in order, their echo times and where each came from,
 * the field strength, the phase scaling (detected, or chosen), and every reason the pipeline cannot run yet, each a
 * message the panel shows. Pure: the panel and the hook call it on every change.
 */
import type { OffsetMethod, UnwrapMethod } from '../core/phase/echoCombination';
import type { BackgroundMethod } from '../core/phase/localFieldPipeline';
import { describeScaling, detectPhaseScaling, type PhaseScaling } from '../core/phase/phaseScaling';
import type { Vec3, Volume } from '../core/volume';
import { checkSameGrid } from '../io/checkSameGrid';
import type { LoadedItem } from './items';
import { baseName } from './roles';

export type ScalingChoice = 'auto' | 'radians' | '0..4095' | '-4096..4095';

export interface PipelineSettings {
  unwrap: UnwrapMethod;
  /** multi-echo phase offset: smoothed in space (default) or fitted per voxel */
  offset: OffsetMethod;
  background: BackgroundMethod;
  /** erosion of the automatic brain mask, mm */
  erodeMm: number;
  /** use the loaded brain mask instead of one from the magnitude */
  useLoadedMask: boolean;
  /** echo times typed by the user, ms, comma-separated; empty: from the sidecars */
  echoTimesMs: string;
  scaling: ScalingChoice;
}

/** The CLI's defaults (`qsm field`): ROMEO-style unwrapping keeps exact phase values, PDF keeps the brain's edge. */
export const DEFAULT_PIPELINE: PipelineSettings = { unwrap: 'romeo', offset: 'smooth', background: 'tfi', erodeMm: 0, useLoadedMask: true, echoTimesMs: '', scaling: 'auto' };

const CHOSEN: Record<Exclude<ScalingChoice, 'auto'>, PhaseScaling> = {
  radians: { kind: 'radians' },
  '0..4095': { kind: 'range', min: 0, max: 4095 },
  '-4096..4095': { kind: 'range', min: -4096, max: 4095 },
};

export interface EchoRow {
  echo: number;
  phase: string;
  magnitude?: string;
  /** seconds */
  te?: number;
  teFrom: string;
}

export interface PhaseGathered {
  phases: Volume[];
  magnitudes: Volume[];
  echoTimes: number[];
  b0Tesla: number;
  b0Dir: Vec3;
  scaling: PhaseScaling;
  /** the first phase file: the outputs take its grid, affine and header B0 direction */
  source: LoadedItem;
  mask?: Volume;
}

export interface PhaseGathering {
  rows: EchoRow[];
  /** what the phase values look like and what is assumed, for display */
  scalingText: string;
  b0Text: string;
  /** everything that stops the pipeline; empty when `input` is there */
  problems: string[];
  input?: PhaseGathered;
}

interface Series {
  items: LoadedItem[];
  volumes: Volume[];
  /** the file each volume came from, and its index in a 4-D file */
  from: { item: LoadedItem; index: number }[];
}

/** One 4-D file (its volumes are the echoes) or several 3-D files ordered by their `_echo-N`, then by load order. */
function series(items: LoadedItem[], what: string, problems: string[]): Series {
  const multi = items.filter((i) => (i.echoes?.length ?? 1) > 1);
  if (multi.length && items.length > 1) problems.push(`${what}: ${multi[0].name} holds ${multi[0].echoes!.length} echoes and ${items.length - 1} other ${what} file(s) are loaded: use one 4-D file or one 3-D file per echo`);
  if (multi.length === 1 && items.length === 1) {
    const it = multi[0];
    return { items, volumes: it.echoes!, from: it.echoes!.map((_, index) => ({ item: it, index })) };
  }
  const sorted = items.map((it, k) => ({ it, k })).sort((a, b) => (a.it.echo ?? Infinity) - (b.it.echo ?? Infinity) || a.k - b.k).map((x) => x.it);
  return { items: sorted, volumes: sorted.map((i) => i.volume!), from: sorted.map((item) => ({ item, index: 0 })) };
}

const sidecarOf = (items: LoadedItem[], image: LoadedItem) => items.find((i) => i.role === 'sidecar' && i.sidecar && baseName(i.name) === baseName(image.name))?.sidecar;

function typedEchoTimes(text: string, problems: string[]): number[] | undefined {
  if (!text.trim()) return undefined;
  const ms = text.split(',').map((t) => Number(t.trim()));
  if (ms.some((t) => !(t > 0) || !Number.isFinite(t))) {
    problems.push(`echo times: expected positive numbers of milliseconds separated by commas, got "${text}"`);
    return undefined;
  }
  return ms.map((t) => t / 1000);
}

export function gatherPhaseInput(items: LoadedItem[], s: PipelineSettings, acquisition: { fieldStrength?: number }): PhaseGathering {
  const problems: string[] = [];
  const phaseItems = items.filter((i) => i.role === 'phase' && i.volume);
  const magItems = items.filter((i) => i.role === 'magnitude' && i.volume);
  if (!phaseItems.length) return { rows: [], scalingText: '', b0Text: '', problems: ['Load the phase images (one 4-D file or one file per echo)'] };
  const ph = series(phaseItems, 'phase', problems);
  const mg = series(magItems, 'magnitude', problems);
  const E = ph.volumes.length;
  if (!magItems.length) problems.push('Load the magnitude images too: they weight the echo fit and the unwrapping, and give the brain mask');
  // one magnitude for every echo is a fair stand-in for the weights; any other count is a mismatch
  const magnitudes = mg.volumes.length === E ? mg.volumes : mg.volumes.length === 1 ? Array(E).fill(mg.volumes[0]) : [];
  if (magItems.length && !magnitudes.length) problems.push(`${E} phase echoes but ${mg.volumes.length} magnitude echoes: load the same echoes of both`);

  const first = ph.from[0].item;
  const ref = ph.volumes[0];
  const named = (f: { item: LoadedItem; index: number }) => (f.item.echoes ? `${f.item.name} (volume ${f.index + 1})` : f.item.name);
  try {
    ph.volumes.forEach((v, e) => checkSameGrid(ref, v, first.name, named(ph.from[e])));
    mg.volumes.forEach((v, e) => checkSameGrid(ref, v, first.name, named(mg.from[e])));
  } catch (e) {
    problems.push((e as Error).message);
  }

  // echo times: typed, else each echo's sidecar (a 4-D file's sidecar lists them all)
  const typed = typedEchoTimes(s.echoTimesMs, problems);
  const rows: EchoRow[] = ph.from.map((f, e) => {
    const car = sidecarOf(items, f.item) ?? (mg.from[e] ? sidecarOf(items, mg.from[e].item) : undefined);
    const te = typed ? typed[e] : f.item.echoes ? car?.echoTimes?.[f.index] : car?.echoTime;
    const teFrom = typed ? 'typed' : te !== undefined ? 'sidecar' : 'missing';
    return { echo: e + 1, phase: named(f), magnitude: mg.from[e] ? named(mg.from[e]) : undefined, te, teFrom };
  });
  if (typed && typed.length !== E) problems.push(`${E} echoes but ${typed.length} echo time${typed.length === 1 ? '' : 's'} typed`);
  else if (rows.some((r) => r.te === undefined)) problems.push(`no echo time for echo ${rows.filter((r) => r.te === undefined).map((r) => r.echo).join(', ')}: add the sidecars (EchoTime) or type the echo times`);
  const tes = rows.map((r) => r.te!);
  if (!problems.length && tes.some((t, e) => e > 0 && !(t > tes[e - 1]))) problems.push(`echo times must increase in echo order, got ${tes.map((t) => (t * 1000).toFixed(2)).join(', ')} ms`);

  const carB0 = phaseItems.map((i) => sidecarOf(items, i)?.fieldStrength).find((b) => b !== undefined);
  const b0Tesla = acquisition.fieldStrength ?? carB0;
  const b0Text = b0Tesla === undefined ? 'missing' : `${b0Tesla} T`;
  if (b0Tesla === undefined) problems.push('no field strength: add a sidecar with MagneticFieldStrength or type it under Acquisition');

  const guess = detectPhaseScaling(ph.volumes.map((v) => v.data));
  const scaling = s.scaling === 'auto' ? guess.scaling : CHOSEN[s.scaling];
  const scalingText = s.scaling === 'auto' ? guess.description : `${guess.description.split(':')[0]}; chosen: ${describeScaling(CHOSEN[s.scaling])}`;
  if (!scaling) problems.push(`phase scaling: ${guess.description} (choose it below)`);

  // the user's own mask: not one this pipeline made on an earlier run
  const loadedMask = items.find((i) => i.role === 'mask' && i.volume && i.origin === 'file');
  let mask: Volume | undefined;
  if (s.useLoadedMask && loadedMask?.volume) {
    try {
      checkSameGrid(ref, loadedMask.volume, first.name, loadedMask.name);
      mask = loadedMask.volume;
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) return { rows, scalingText, b0Text, problems };
  return {
    rows, scalingText, b0Text, problems,
    input: { phases: ph.volumes, magnitudes, echoTimes: tes, b0Tesla: b0Tesla!, b0Dir: first.headerB0Dir ?? [0, 0, 1], scaling: scaling!, source: first, mask },
  };
}

/**
 * The name the pipeline's outputs start with: a BIDS name keeps its entities but echo and part, and drops its suffix
 * (sub-01_ses-1_echo-2_part-phase_MEGRE -> sub-01_ses-1); another name drops its phase and echo words.
 */
export function derivativeBase(file: string): string {
  const tokens = baseName(file).split('_');
  const kept = tokens.some((t) => /^[A-Za-z]+-/.test(t))
    ? tokens.filter((t) => /^[A-Za-z]+-/.test(t) && !/^(echo|part)-/i.test(t))
    : tokens.filter((t) => !/^(ph|pha|phs|phase|e\d+|echo-?\d+)$/i.test(t));
  return kept.join('_') || 'phase';
}

/** A result is current while the inputs and settings it was computed from are unchanged. */
export function pipelineKey(items: LoadedItem[], s: PipelineSettings, fieldStrength?: number): string {
  const ids = items.filter((i) => !i.fromPipeline && (i.role === 'phase' || i.role === 'magnitude' || i.role === 'sidecar' || (s.useLoadedMask && i.role === 'mask'))).map((i) => `${i.id}:${i.role}`);
  return JSON.stringify([ids, s, fieldStrength]);
}
