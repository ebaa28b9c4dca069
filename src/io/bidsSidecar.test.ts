import { describe, expect, it } from 'vitest';
import { parseBidsSidecar } from './bidsSidecar';

const F = 'sub-01_field.json';

describe('parseBidsSidecar', () => {
  it('reads field strength, echo time and units', () => {
    const s = parseBidsSidecar('{"MagneticFieldStrength": 3, "EchoTime": 0.025, "Units": "Hz", "Manufacturer": "X"}', F);
    expect(s).toEqual({ fieldStrength: 3, echoTime: 0.025, units: 'hz', warnings: [] });
  });
  it('takes an echo time over 1 as milliseconds, and says so', () => {
    const s = parseBidsSidecar('{"EchoTime": 20}', F);
    expect(s.echoTime).toBeCloseTo(0.02, 12);
    expect(s.warnings).toEqual([`${F}: EchoTime 20 is over 1 s, so it is taken to be in milliseconds: 0.02 s`]);
  });
  it('accepts a one-element echo list and warns on several', () => {
    expect(parseBidsSidecar('{"EchoTime": [0.01]}', F).echoTime).toBe(0.01);
    const many = parseBidsSidecar('{"EchoTime": [0.01, 0.02]}', F);
    expect(many.echoTime).toBeUndefined();
    expect(many.warnings[0]).toMatch(/lists 2 echoes/);
    expect(many.echoTimes).toEqual([0.01, 0.02]);
    expect(parseBidsSidecar('{"EchoTime": [5, 10]}', F).echoTimes).toEqual([0.005, 0.01]);
  });
  it('keeps units it cannot convert from as unrecognized', () => {
    expect(parseBidsSidecar('{"Units": "rad/s"}', F)).toEqual({ unrecognizedUnits: 'rad/s', warnings: [] });
  });
  it('refuses wrong types with one clear message', () => {
    expect(() => parseBidsSidecar('{"MagneticFieldStrength": "3T"}', F)).toThrow(`${F}: MagneticFieldStrength must be a positive number of Tesla, got "3T"`);
    expect(() => parseBidsSidecar('{"EchoTime": -0.01}', F)).toThrow(/EchoTime must be a positive number of seconds/);
    expect(() => parseBidsSidecar('{"Units": 3}', F)).toThrow(`${F}: Units must be a string, got 3`);
    expect(() => parseBidsSidecar('[1, 2]', F)).toThrow(`${F}: a BIDS sidecar must be a JSON object`);
    expect(() => parseBidsSidecar('{"EchoTime": 0.01,}', F)).toThrow(/not valid JSON/);
  });
  it('warns on an implausible field strength', () => {
    expect(parseBidsSidecar('{"MagneticFieldStrength": 3000}', F).warnings[0]).toMatch(/unusually high/);
  });
});
