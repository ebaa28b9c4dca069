// Gathering the phase pipeline's input from loaded files: echo order, echo times from sidecars or typed, field
// strength, scaling, and a clear reason for everything that stops it.
import { describe, expect, it } from 'vitest';
import { makeVolume, type Volume } from '../core/volume';
import type { BidsSidecar } from '../io/bidsSidecar';
import type { LoadedItem } from './items';
import { DEFAULT_PIPELINE, derivativeBase, gatherPhaseInput, pipelineKey } from './phaseInputs';
import { echoOf } from './roles';

const vol = (v: number, dims: [number, number, number] = [4, 4, 4]) => makeVolume(dims, [1, 1, 1], undefined, new Float32Array(dims[0] * dims[1] * dims[2]).fill(v));
let n = 0;
const image = (name: string, role: LoadedItem['role'], volume: Volume, extra: Partial<LoadedItem> = {}): LoadedItem =>
  ({ id: `i${++n}`, name, role, origin: 'file', volume, warnings: [], echo: echoOf(name), ...extra });
const car = (name: string, sidecar: Partial<BidsSidecar>): LoadedItem => ({ id: `i${++n}`, name, role: 'sidecar', origin: 'file', warnings: [], sidecar: { warnings: [], ...sidecar } });

function bids(echoes: number, withSidecars = true): LoadedItem[] {
  const out: LoadedItem[] = [];
  // loaded in reverse: the gatherer orders by _echo-N
  for (let e = echoes; e >= 1; e--) {
    out.push(image(`sub-01_echo-${e}_part-phase_MEGRE.nii.gz`, 'phase', vol(0.1 * e)));
    out.push(image(`sub-01_echo-${e}_part-mag_MEGRE.nii.gz`, 'magnitude', vol(1 / e)));
    if (withSidecars) out.push(car(`sub-01_echo-${e}_part-phase_MEGRE.json`, { echoTime: 0.004 * e, fieldStrength: 3 }));
  }
  return out;
}

describe('gatherPhaseInput', () => {
  it('orders 3-D echoes by _echo-N and takes each echo time and B0 from its sidecar', () => {
    const g = gatherPhaseInput(bids(3), DEFAULT_PIPELINE, {});
    expect(g.problems).toEqual([]);
    expect(g.rows.map((r) => [r.echo, r.phase, r.te, r.teFrom])).toEqual([
      [1, 'sub-01_echo-1_part-phase_MEGRE.nii.gz', 0.004, 'sidecar'],
      [2, 'sub-01_echo-2_part-phase_MEGRE.nii.gz', 0.008, 'sidecar'],
      [3, 'sub-01_echo-3_part-phase_MEGRE.nii.gz', 0.012, 'sidecar'],
    ]);
    expect(g.input!.phases.map((v) => v.data[0])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(g.input!.magnitudes.map((v) => v.data[0])).toEqual([1, 1 / 2, 1 / 3].map(Math.fround));
    expect(g.input!.b0Tesla).toBe(3);
    expect(g.input!.scaling).toEqual({ kind: 'radians' });
  });

  it('a 4-D file: its volumes are the echoes and its sidecar lists their echo times', () => {
    const phase = image('gre_phase.nii.gz', 'phase', vol(0.1), { echoes: [vol(0.1), vol(0.2)] });
    const mag = image('gre_mag.nii.gz', 'magnitude', vol(1), { echoes: [vol(1), vol(0.5)] });
    const g = gatherPhaseInput([phase, mag, car('gre_phase.json', { echoTimes: [0.005, 0.01] })], DEFAULT_PIPELINE, { fieldStrength: 7 });
    expect(g.problems).toEqual([]);
    expect(g.rows.map((r) => [r.phase, r.te])).toEqual([['gre_phase.nii.gz (volume 1)', 0.005], ['gre_phase.nii.gz (volume 2)', 0.01]]);
    expect(g.input!.b0Tesla).toBe(7);
  });

  it('typed echo times (ms) override the sidecars; missing ones are named', () => {
    const noCars = bids(2, false);
    expect(gatherPhaseInput(noCars, DEFAULT_PIPELINE, { fieldStrength: 3 }).problems).toEqual(['no echo time for echo 1, 2: add the sidecars (EchoTime) or type the echo times']);
    const typed = gatherPhaseInput(noCars, { ...DEFAULT_PIPELINE, echoTimesMs: '5, 10' }, { fieldStrength: 3 });
    expect(typed.input!.echoTimes).toEqual([0.005, 0.01]);
    expect(gatherPhaseInput(noCars, { ...DEFAULT_PIPELINE, echoTimesMs: '5' }, { fieldStrength: 3 }).problems).toEqual(['2 echoes but 1 echo time typed']);
    expect(gatherPhaseInput(noCars, { ...DEFAULT_PIPELINE, echoTimesMs: '10, 5' }, { fieldStrength: 3 }).problems[0]).toMatch(/must increase/);
  });

  it('says what is missing or mismatched, and never runs on it', () => {
    const problems = (items: LoadedItem[], acq = {}) => gatherPhaseInput(items, DEFAULT_PIPELINE, acq).problems;
    expect(problems([])).toEqual(['Load the phase images (one 4-D file or one file per echo)']);
    const phaseOnly = bids(2).filter((i) => i.role !== 'magnitude');
    expect(problems(phaseOnly)[0]).toMatch(/Load the magnitude images too/);
    const threeMags = [...bids(2), image('sub-01_echo-3_part-mag_MEGRE.nii.gz', 'magnitude', vol(1))];
    expect(problems(threeMags)[0]).toMatch(/2 phase echoes but 3 magnitude echoes/);
    const offGrid = [...bids(1).filter((i) => i.role !== 'magnitude'), image('sub-01_echo-1_part-mag_MEGRE.nii.gz', 'magnitude', vol(1, [4, 4, 5]))];
    expect(problems(offGrid)[0]).toMatch(/same voxel grid/);
    const noB0 = bids(1).map((i) => (i.sidecar ? { ...i, sidecar: { ...i.sidecar, fieldStrength: undefined } } : i));
    expect(problems(noB0)).toEqual(['no field strength: add a sidecar with MagneticFieldStrength or type it under Acquisition']);
    const integers = bids(1).map((i) => (i.role === 'phase' ? { ...i, volume: vol(17), echoes: undefined } : i));
    expect(problems(integers)[0]).toMatch(/phase scaling: .*give the phase range explicitly/);
    expect(gatherPhaseInput(integers, { ...DEFAULT_PIPELINE, scaling: '0..4095' }, {}).problems).toEqual([]);
  });

  it("uses the user's mask file when asked, never a mask an earlier run made", () => {
    const mine = image('sub-01_mask.nii.gz', 'mask', vol(1));
    const made = { ...image('x_desc-local_mask.nii.gz', 'mask', vol(1)), origin: 'computed' as const, fromPipeline: true };
    expect(gatherPhaseInput([...bids(1), made], DEFAULT_PIPELINE, {}).input!.mask).toBeUndefined();
    expect(gatherPhaseInput([...bids(1), made, mine], DEFAULT_PIPELINE, {}).input!.mask).toBe(mine.volume);
    expect(gatherPhaseInput([...bids(1), mine], { ...DEFAULT_PIPELINE, useLoadedMask: false }, {}).input!.mask).toBeUndefined();
  });

  it("the key changes with the inputs and settings, not with the pipeline's own outputs", () => {
    const items = bids(2);
    const k = pipelineKey(items, DEFAULT_PIPELINE, 3);
    expect(pipelineKey([...items, { ...image('l.nii', 'field', vol(0)), fromPipeline: true }], DEFAULT_PIPELINE, 3)).toBe(k);
    expect(pipelineKey(items, { ...DEFAULT_PIPELINE, unwrap: 'laplacian' }, 3)).not.toBe(k);
    expect(pipelineKey(items.slice(1), DEFAULT_PIPELINE, 3)).not.toBe(k);
  });
});

describe('derivativeBase', () => {
  it.each([
    ['sub-01_ses-2_echo-3_part-phase_MEGRE.nii.gz', 'sub-01_ses-2'],
    ['sub-01_part-phase_T2starw.nii', 'sub-01'],
    ['gre_ph_e1.nii.gz', 'gre'],
    ['phase.nii', 'phase'],
  ])('%s -> %s', (name, base) => expect(derivativeBase(name)).toBe(base));
});
