import { gzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { gunzipCapped } from './gunzipCapped';
import { readNifti } from './readNifti';
import { writeNifti } from './writeNifti';
import { diagonalAffine } from '../core/volume';
import { testVolume } from './testVolumes';

// Count every byte fflate hands back, to prove the cap stops inflation early instead of checking afterwards.
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const real = await importOriginal<typeof import('fflate')>();
  class CountingGunzip extends real.Gunzip {
    constructor(cb: (chunk: Uint8Array, final: boolean) => void) {
      super((chunk, final) => {
        inflated.bytes += chunk.length;
        cb(chunk, final);
      });
    }
  }
  return { ...real, Gunzip: CountingGunzip };
});

const MiB = 1024 ** 2;

describe('gunzipCapped', () => {
  it('stops a NIfTI gzip bomb at the size its header describes, while inflating', () => {
    // header + data for 4x3x2 float32 (448 bytes), then 256 MiB of zeros: ~250 KiB compressed
    const payload = new Uint8Array(256 * MiB);
    payload.set(writeNifti(testVolume([4, 3, 2], diagonalAffine([1, 1, 1]))));
    const bomb = gzipSync(payload, { level: 9 });
    inflated.bytes = 0;
    expect(() => readNifti(bomb, 'bomb.nii.gz')).toThrow(/bomb\.nii\.gz: gzip data inflates beyond the 448 bytes its header describes/);
    // the cap is 448 B + 1 MiB margin; one 16 KiB push can inflate at most ~16.1 MiB past it
    expect(inflated.bytes).toBeLessThan(18 * MiB);
  });

  it('applies the absolute cap when the header asks for more', () => {
    // incompressible bytes, so the header is read after the first small chunk
    const raw = testVolume([MiB, 1, 1], diagonalAffine([1, 1, 1])).data;
    inflated.bytes = 0;
    expect(() => gunzipCapped(gzipSync(new Uint8Array(raw.buffer)), 'x.gz', { headBytes: 16, expectedSize: () => 3 * MiB, absoluteCap: 2 * MiB })).toThrow(
      /x\.gz: header describes 3145728 bytes, more than the 2097152-byte limit/,
    );
    expect(inflated.bytes).toBeLessThan(MiB);
  });

  it('applies the absolute cap before the header is complete', () => {
    inflated.bytes = 0;
    const zeros = gzipSync(new Uint8Array(64 * MiB));
    expect(() => gunzipCapped(zeros, 'z.gz', { headBytes: 100 * MiB, expectedSize: () => 0, absoluteCap: 2 * MiB })).toThrow(
      /z\.gz: gzip data inflates beyond the size limit/,
    );
    expect(inflated.bytes).toBeLessThan(20 * MiB);
  });

  it('returns exactly the expected bytes of a well-formed stream', () => {
    const raw = new Uint8Array(3 * MiB + 5).map((_, i) => (i * 31) & 255);
    const out = gunzipCapped(gzipSync(raw), 'ok.gz', { headBytes: 16, expectedSize: () => raw.length });
    expect(out).toEqual(raw);
  });

  it('tolerates trailing bytes within the margin', () => {
    const raw = new Uint8Array(1000).map((_, i) => i & 255);
    const out = gunzipCapped(gzipSync(raw), 't.gz', { headBytes: 16, expectedSize: () => 900 });
    expect(out).toEqual(raw.subarray(0, 900));
  });
});
