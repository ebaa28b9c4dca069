/** Field-map units and their conversion to ppm of B0 (DESIGN.md). */
import { InputError } from './inputError';

export type FieldUnits = 'ppm' | 'hz' | 'rad';
export const FIELD_UNITS: readonly FieldUnits[] = ['ppm', 'hz', 'rad'];

/** proton gyromagnetic ratio / 2pi, MHz/T (CODATA 2018: 42.577 478 518) */
export const GAMMA_MHZ_PER_T = 42.5775;

export function parseFieldUnits(s: string, where: string): FieldUnits {
  const u = s.trim().toLowerCase();
  if ((FIELD_UNITS as readonly string[]).includes(u)) return u as FieldUnits;
  throw new InputError(`${where}: unknown field units "${s}" (expected ${FIELD_UNITS.join(', ')})`);
}

export interface ConversionParams {
  /** Tesla */
  fieldStrength?: number;
  /** seconds */
  echoTime?: number;
}

/** ppm per one unit of `units` (1 for ppm). Throws if B0 or TE is needed and missing or not positive. */
export function ppmPerUnit(units: FieldUnits, p: ConversionParams = {}): number {
  if (units === 'ppm') return 1;
  const b0 = p.fieldStrength;
  if (b0 === undefined) throw new InputError(`converting a field map in ${units} to ppm needs the field strength B0 (Tesla)`);
  if (!(b0 > 0) || !Number.isFinite(b0)) throw new InputError(`field strength ${b0} T is not a positive number`);
  // Hz -> ppm: f / (gamma_bar[MHz/T] * B0[T]) since 1 ppm of B0 is gamma_bar*B0 Hz
  if (units === 'hz') return 1 / (GAMMA_MHZ_PER_T * b0);
  const te = p.echoTime;
  if (te === undefined) throw new InputError('converting a field map in radians to ppm needs the echo time TE (seconds)');
  if (!(te > 0) || !Number.isFinite(te)) throw new InputError(`echo time ${te} s is not a positive number`);
  return 1 / (2 * Math.PI * GAMMA_MHZ_PER_T * b0 * te);
}

/** New array in ppm; `data` is untouched. */
export function toPpm(data: Float32Array, units: FieldUnits, p: ConversionParams = {}): Float32Array {
  const k = ppmPerUnit(units, p);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * k;
  return out;
}
