import { describe, expect, it } from 'vitest';
import { detectPhaseScaling, phaseToRadians } from './phaseScaling';

describe('phase scaling', () => {
  it('radians within +-pi are used as they are', () => {
    const g = detectPhaseScaling([Float32Array.from([-3.1, 0.2, 3.14159])]);
    expect(g.scaling).toEqual({ kind: 'radians' });
    expect(g.description).toMatch(/radians/);
  });
  it('0..4095 integers (Siemens) map onto -pi..pi', () => {
    const g = detectPhaseScaling([Float32Array.from([0, 17, 2048, 4095])]);
    expect(g.scaling).toEqual({ kind: 'range', min: 0, max: 4095 });
    const r = phaseToRadians(Float32Array.from([0, 2048, 4095]), g.scaling!);
    expect(r[0]).toBeCloseTo(-Math.PI, 5);
    expect(r[1]).toBeCloseTo(0, 5);
    expect(r[2]).toBeCloseTo(Math.PI - (2 * Math.PI) / 4096, 5);
  });
  it('-4096..4095 integers (dcm2niix with its intercept)', () => {
    const g = detectPhaseScaling([Float32Array.from([-4096, -3, 4094]), Float32Array.from([12, 4095])]);
    expect(g.scaling).toEqual({ kind: 'range', min: -4096, max: 4095 });
    expect(phaseToRadians(Float32Array.from([0]), g.scaling!)[0]).toBeCloseTo(0, 5);
  });
  it('other integer ranges are not guessed', () => {
    for (const v of [[0, 65535], [0, 1000], [-2048, 2047], [0, 1, 2, 3]]) {
      const g = detectPhaseScaling([Float32Array.from(v)]);
      expect(g.scaling).toBeUndefined();
      expect(g.description).toMatch(/give (the phase range|the range) explicitly/);
    }
  });
  it('non-integer values beyond one turn are not radians', () => {
    expect(detectPhaseScaling([Float32Array.from([-10.5, 12.25])]).scaling).toBeUndefined();
  });
});
