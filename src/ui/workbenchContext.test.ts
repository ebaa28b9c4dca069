import { describe, expect, it } from 'vitest';
import { makeVolume } from '../core/volume';
import { GAMMA_MHZ_PER_T } from '../io/units';
import { differenceFileName, resultFileName } from './download';
import type { LoadedItem } from './items';
import { metricsCsv } from './metricsCsv';
import { buildContext, magnitudeWindow, prepareInput, symmetricWindow } from './workbenchContext';

const field = (data: number[], affine?: number[]): LoadedItem => ({
  id: 'f', name: 'sub-01_phase.nii.gz', role: 'field', origin: 'file', warnings: [],
  volume: makeVolume([2, 2, 1], [1, 1, 2], affine, Float32Array.from(data)), headerB0Dir: [0, 0, 1],
});
const sidecar = (obj: object): LoadedItem => ({ id: 's', name: 'sub-01_phase.json', role: 'sidecar', origin: 'file', warnings: [], sidecar: { warnings: [], ...obj } });

describe('buildContext / prepareInput', () => {
  it('uses the sidecar units and converts Hz to ppm with B0 (DESIGN.md: f / (42.5775 B0))', () => {
    const ctx = buildContext([field([42.5775 * 3, 0, 1, 2]), sidecar({ units: 'hz', fieldStrength: 3 })], {});
    expect(ctx.derived.notes.units).toContain('sub-01_phase.json');
    const input = prepareInput(ctx);
    expect(input.field.data[0]).toBeCloseTo(1, 6);
    expect(input.field.data[2]).toBeCloseTo(1 / (GAMMA_MHZ_PER_T * 3), 9);
    // no mask loaded: metrics use the non-zero voxels of the field
    expect([...input.metricsMask.data]).toEqual([1, 0, 1, 1]);
  });

  it('says ppm is assumed when nothing states the units, and refuses radians without an echo time', () => {
    const ctx = buildContext([field([1, 2, 3, 4])], {});
    expect(ctx.settings.units).toBe('ppm');
    expect(ctx.derived.notes.units).toMatch(/assumed ppm/);
    expect(() => prepareInput(buildContext([field([1, 2, 3, 4])], { units: 'rad', fieldStrength: 3 }))).toThrow(/echo time/);
  });

  it('changes the staleness key when an acquisition setting is edited, and normalises the B0 direction', () => {
    const items = [field([1, 2, 3, 4])];
    const a = buildContext(items, {});
    const b = buildContext(items, { b0Dir: [0, 1, 1] });
    expect(a.key).not.toBe(b.key);
    const dir = prepareInput(b).b0Dir;
    expect(dir[1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(prepareInput(b).field.voxelSize).toEqual([1, 1, 2]);
  });

  it('rejects a mask on another grid, naming both files', () => {
    const mask: LoadedItem = { id: 'm', name: 'mask.nii', role: 'mask', origin: 'file', warnings: [], volume: makeVolume([2, 2, 2]) };
    expect(() => prepareInput(buildContext([field([1, 2, 3, 4]), mask], {}))).toThrow(/mask\.nii.*sub-01_phase\.nii\.gz/);
  });
});

describe('symmetricWindow', () => {
  it('is +-|v| at the 99th percentile of the non-zero voxels', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1) / 1000);
    const [lo, hi] = symmetricWindow(makeVolume([10, 10, 10], [1, 1, 1], undefined, data));
    expect(hi).toBeCloseTo(0.99, 2);
    expect(lo).toBe(-hi);
  });
});

describe('magnitude', () => {
  it('is the first loaded magnitude in the context, and stays out of the run input', () => {
    const mag = (id: string): LoadedItem => ({ id, name: `${id}_magnitude.nii`, role: 'magnitude', origin: 'file', warnings: [], volume: makeVolume([2, 2, 1], [1, 1, 2]) });
    const ctx = buildContext([field([1, 2, 3, 4]), mag('a'), mag('b')], {});
    expect(ctx.magnitude?.id).toBe('a');
    expect(prepareInput(ctx).field.data).toEqual(Float32Array.from([1, 2, 3, 4]));
    expect(buildContext([field([1, 2, 3, 4])], {}).magnitude).toBeUndefined();
  });

  it('is windowed from 0 to its 99th percentile on any scanner scale, ignoring the background', () => {
    // 1000 voxels of 1..1000 a.u. plus 1000 of background: the window ends at the 99th percentile of the signal
    const data = Float32Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 0 : i - 999));
    const [lo, hi] = magnitudeWindow(makeVolume([20, 10, 10], [1, 1, 1], undefined, data));
    expect(lo).toBe(0);
    expect(hi).toBe(990);
    expect(magnitudeWindow(makeVolume([2, 2, 2]))).toEqual([0, 1]);
  });
});

describe('export names and CSV', () => {
  it('names files after input, method and reference', () => {
    expect(resultFileName('sub-01_phase', 'adaptive-unet-tl')).toBe('sub-01_phase_desc-adaptive-unet-tl_Chimap.nii.gz');
    expect(differenceFileName('sub 01', 'tkd', 'cosmos')).toBe('sub-01_desc-tkd-minus-cosmos_diff.nii.gz');
  });

  it('writes one quoted-where-needed row per method with the measured numbers', () => {
    const csv = metricsCsv(
      [{ method: 'tkd', metrics: { nrmse: 50.5, psnr: 30, ssim: 0.8, hfen: 40, slope: 0.9, intercept: 0.001, r2: 0.7 }, seconds: 1.5, backend: 'cpu' }],
      'a,b.nii', 'ref.nii',
    );
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe('input,reference,method,nrmse_percent,ssim,psnr_db,hfen_percent,slope,intercept_ppm,r2,seconds,backend');
    expect(row).toBe('"a,b.nii",ref.nii,tkd,50.5,0.8,30,40,0.9,0.001,0.7,1.5,cpu');
  });
});
