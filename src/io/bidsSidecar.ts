/**
 * The parts of a BIDS JSON sidecar that field-map conversion needs: MagneticFieldStrength (T),
 * EchoTime (s) and Units. Wrong types are errors; suspicious values are kept but reported as warnings.
 */
import { InputError } from './inputError';
import type { FieldUnits } from './units';

export interface BidsSidecar {
  /** Tesla */
  fieldStrength?: number;
  /** seconds (after any ms -> s correction, which is reported in warnings) */
  echoTime?: number;
  /** seconds, when EchoTime is a list (one per echo of a 4-D file); same ms -> s correction */
  echoTimes?: number[];
  /** field units, when the sidecar's "Units" is one we know */
  units?: FieldUnits;
  /** "Units" as written, when it is not one we can convert from */
  unrecognizedUnits?: string;
  warnings: string[];
}

const UNIT_NAMES: Record<string, FieldUnits> = { ppm: 'ppm', hz: 'hz', rad: 'rad', radian: 'rad', radians: 'rad' };

export function parseBidsSidecar(text: string, file: string): BidsSidecar {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(`${file}: a BIDS sidecar must be a JSON object`);
  }
  const obj = json as Record<string, unknown>;
  const out: BidsSidecar = { warnings: [] };

  if (obj.MagneticFieldStrength !== undefined) {
    const b0 = obj.MagneticFieldStrength;
    if (typeof b0 !== 'number' || !(b0 > 0) || !Number.isFinite(b0)) {
      throw new InputError(`${file}: MagneticFieldStrength must be a positive number of Tesla, got ${JSON.stringify(b0)}`);
    }
    if (b0 > 25) out.warnings.push(`${file}: MagneticFieldStrength ${b0} T is unusually high; check it is in Tesla`);
    out.fieldStrength = b0;
  }

  if (obj.EchoTime !== undefined) {
    const raw = obj.EchoTime;
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0 || !list.every((t) => typeof t === 'number' && t > 0 && Number.isFinite(t))) {
      throw new InputError(`${file}: EchoTime must be a positive number of seconds (or a list of them), got ${JSON.stringify(raw)}`);
    }
    if (list.length > 1) {
      out.warnings.push(`${file}: EchoTime lists ${list.length} echoes; give the echo time of this field map explicitly if it is in radians`);
      const ms = (list as number[]).some((t) => t > 1);
      if (ms) out.warnings.push(`${file}: EchoTime values over 1 s are taken to be in milliseconds`);
      out.echoTimes = (list as number[]).map((t) => (ms ? t / 1000 : t));
    } else {
      let te = list[0] as number;
      if (te > 1) {
        // BIDS says seconds, but milliseconds are a common mistake; an echo time over 1 s is not plausible.
        out.warnings.push(`${file}: EchoTime ${te} is over 1 s, so it is taken to be in milliseconds: ${te / 1000} s`);
        te /= 1000;
      }
      out.echoTime = te;
    }
  }

  if (obj.Units !== undefined) {
    if (typeof obj.Units !== 'string') throw new InputError(`${file}: Units must be a string, got ${JSON.stringify(obj.Units)}`);
    const u = UNIT_NAMES[obj.Units.trim().toLowerCase()];
    if (u) out.units = u;
    else out.unrecognizedUnits = obj.Units;
  }
  return out;
}
