// src/core/phase against numpy/scipy references written by __fixtures__/make_phase_fixture.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { fitLines } from './echoCombination';
import { laplacianUnwrap } from './laplacianUnwrap';
import { dilateMask, erodeMask, fillHoles, largestComponent } from './morphology';
import { pdf } from './pdf';
import { tfi } from './tfi';
import { vsharp } from './vsharp';

const fx = JSON.parse(readFileSync(join(__dirname, '..', '__fixtures__', 'phase_fixture.json'), 'utf8'));
const dims = fx.dims as Vec3, vs = fx.voxelSize as Vec3;
const u8 = (a: number[]) => Uint8Array.from(a);
const f32 = (a: number[]) => Float32Array.from(a);
const mask = u8(fx.mask), body = u8(fx.body);

function relErr(x: Float32Array, r: ArrayLike<number>, m?: Uint8Array): number {
  let a = 0, b = 0;
  for (let i = 0; i < x.length; i++) if (!m || m[i]) { a += (x[i] - r[i]) ** 2; b += r[i] ** 2; }
  return Math.sqrt(a / b);
}
const differing = (a: Uint8Array, b: number[]) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

describe('morphology against scipy.ndimage', () => {
  it('erosion by a ball in mm (anisotropic voxels, the edge outside) = distance_transform_edt', () => {
    expect(differing(erodeMask(mask, dims, vs, fx.erodeMm), fx.eroded)).toBe(0);
  });
  it('dilation by a ball in mm', () => {
    expect(differing(dilateMask(mask, dims, vs, fx.dilateMm), fx.dilated)).toBe(0);
  });
  it('largest 6-connected component = label', () => {
    expect(differing(largestComponent(mask, dims), fx.largest)).toBe(0);
  });
  it('hole filling = binary_fill_holes', () => {
    expect(differing(fillHoles(mask, dims), fx.filled)).toBe(0);
  });
});

describe('phase steps against numpy', () => {
  it('Laplacian unwrapping on the padded grid', () => {
    const u = laplacianUnwrap(f32(fx.phase), dims, vs, { mask: body });
    expect(relErr(u, fx.laplacianUnwrapped, body)).toBeLessThan(1e-4);
  });
  it('V-SHARP (two radii, threshold) and its eroded mask', () => {
    const r = vsharp(f32(fx.field), body, dims, vs, { radiiMm: fx.vsharpRadii, threshold: fx.vsharpThreshold });
    expect(differing(r.mask, fx.vsharpMask)).toBe(0);
    expect(relErr(r.local, fx.vsharpLocal, r.mask)).toBeLessThan(1e-4);
  });
  it('PDF, a fixed number of CG iterations on the padded grid with an oblique B0', () => {
    const r = pdf(f32(fx.field), body, dims, vs, fx.b0Dir as Vec3, { maxIterations: fx.pdfIterations, tolerance: 0 });
    expect(r.iterations).toBe(fx.pdfIterations);
    expect(relErr(r.local, fx.pdfLocal, body)).toBeLessThan(1e-3);
  });
  it('TFI (IRLS re-weightings of warm-started CG, preconditioned outside the mask): local field and chi over the field of view', () => {
    const r = tfi(f32(fx.field), body, dims, vs, fx.b0Dir as Vec3, fx.tfi);
    expect(relErr(r.local, fx.tfiLocal, body)).toBeLessThan(1e-3);
    expect(relErr(r.chi, fx.tfiChi)).toBeLessThan(1e-3);
    expect(differing(r.mask, fx.body)).toBe(0);
  });
  it('weighted echo fit = numpy.polyfit(w = magnitude)', () => {
    const all = new Uint8Array(dims[0] * dims[1] * dims[2]).fill(1);
    const { slope } = fitLines((fx.unwrappedEchoes as number[][]).map(f32), (fx.magnitudes as number[][]).map(f32), fx.echoTimes, all);
    const hz = slope.map((s) => s / (2 * Math.PI));
    expect(relErr(hz, fx.fitHz)).toBeLessThan(1e-4);
  });
});
