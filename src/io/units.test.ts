import { describe, expect, it } from 'vitest';
import { parseFieldUnits, ppmPerUnit, toPpm } from './units';

describe('toPpm', () => {
  it('ppm is unchanged', () => {
    expect(Array.from(toPpm(new Float32Array([0.1, -0.2]), 'ppm'))).toEqual([Math.fround(0.1), Math.fround(-0.2)]);
  });
  it('Hz: at 3 T, 127.7325 Hz is 1 ppm (42.5775 MHz/T x 3 T = 127.7325 MHz)', () => {
    const out = toPpm(new Float32Array([127.7325, -63.86625]), 'hz', { fieldStrength: 3 });
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(-0.5, 6);
  });
  it('rad: at 7 T and TE 20 ms, 1 ppm accrues 2pi x 298.0425 x 0.02 = 37.4531 rad', () => {
    const phiPerPpm = 2 * Math.PI * 42.5775 * 7 * 0.02;
    expect(phiPerPpm).toBeCloseTo(37.45309, 4);
    expect(toPpm(new Float32Array([phiPerPpm]), 'rad', { fieldStrength: 7, echoTime: 0.02 })[0]).toBeCloseTo(1, 6);
  });
  it('needs B0 for Hz and B0 and TE for radians', () => {
    expect(() => ppmPerUnit('hz')).toThrow(/needs the field strength B0/);
    expect(() => ppmPerUnit('rad', { fieldStrength: 3 })).toThrow(/needs the echo time TE/);
    expect(() => ppmPerUnit('rad', { fieldStrength: 3, echoTime: -1 })).toThrow(/echo time -1 s is not a positive number/);
    expect(() => ppmPerUnit('hz', { fieldStrength: 0 })).toThrow(/field strength 0 T/);
  });
  it('parses unit names case-insensitively and rejects others', () => {
    expect(parseFieldUnits('Hz', '--units')).toBe('hz');
    expect(() => parseFieldUnits('tesla', '--units')).toThrow('--units: unknown field units "tesla" (expected ppm, hz, rad)');
  });
});
