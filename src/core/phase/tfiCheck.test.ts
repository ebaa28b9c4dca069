// The pipeline's PDF cross-check of TFI: a solve whose local field is far larger than PDF's gives way to PDF's.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { headPhantom } from './headPhantom';
import { backgroundStep, maskStep, TFI_PDF_RATIO_LIMIT, totalFieldStep } from './localFieldPipeline';

const dims: Vec3 = [32, 32, 32], vs: Vec3 = [6, 6, 6];
const h = headPhantom({ dims, voxelSize: vs });
const input = { phases: h.phases.map((p) => p.data), magnitudes: h.magnitudes.map((m) => m.data), echoTimes: h.echoTimes, dims, voxelSize: vs };
const { mask } = maskStep(h.magnitudes[0], input.magnitudes);
const { totalPpm } = totalFieldStep(input, h.b0Tesla, mask);

describe('TFI with its PDF cross-check (32^3 head, 6 mm)', () => {
  it('keeps TFI when its local field is comparable to PDF\'s (measured 1.79x here)', () => {
    const r = backgroundStep(totalPpm, mask, input, h.b0Dir, { background: 'tfi' });
    expect(r.tfiFellBack).toBeUndefined();
    expect(r.tfiToPdf).toBeGreaterThan(1);
    expect(r.tfiToPdf).toBeLessThan(TFI_PDF_RATIO_LIMIT);
    expect(r.chi).toBeDefined();
  });
  it('falls back to PDF\'s field when one long CG run gives a field 7.9x PDF\'s', () => {
    const r = backgroundStep(totalPpm, mask, input, h.b0Dir, { background: 'tfi', tfi: { irls: 1, cgIterations: 360 } });
    const p = backgroundStep(totalPpm, mask, input, h.b0Dir, { background: 'pdf' });
    expect(r.tfiFellBack).toBe(true);
    expect(r.tfiToPdf).toBeGreaterThan(5);
    expect(Array.from(r.local)).toEqual(Array.from(p.local));
    expect(r.chi).toBeUndefined();
  });
  it('tfiCheck false returns TFI as it came out', () => {
    const r = backgroundStep(totalPpm, mask, input, h.b0Dir, { background: 'tfi', tfi: { irls: 1, cgIterations: 360 }, tfiCheck: false });
    expect(r.tfiFellBack).toBeUndefined();
    expect(r.tfiToPdf).toBeUndefined();
  });
});
