/**
 * Which units a field map is in and the B0/TE to convert it with: flags first, then the BIDS sidecar
 * next to the file, else ppm. Every choice not given on the command line is announced on stderr.
 */
import { InputError } from '../io/inputError';
import { parseFieldUnits, ppmPerUnit, type FieldUnits } from '../io/units';
import type { Flags, FlagSpecs } from './args';
import type { CommandContext } from './context';
import { readSidecarFor } from './files';

export const UNIT_FLAGS: FlagSpecs = {
  units: { kind: 'value', help: 'ppm|hz|rad: units of the field map (default: the sidecar\'s, else ppm)' },
  b0: { kind: 'value', help: 'T: field strength, for hz and rad (default: sidecar MagneticFieldStrength)' },
  te: { kind: 'value', help: 's: echo time, for rad (default: sidecar EchoTime)' },
};

export interface UnitsChoice {
  units: FieldUnits;
  /** multiply the data by this to get ppm */
  ppmPerUnit: number;
}

export function chooseFieldUnits(fieldPath: string, flags: Flags, ctx: CommandContext): UnitsChoice {
  const found = readSidecarFor(fieldPath);
  for (const w of found?.sidecar.warnings ?? []) ctx.err(`note: ${w}`);

  let units: FieldUnits;
  const flag = flags.string('units');
  if (flag !== undefined) {
    units = parseFieldUnits(flag, '--units');
  } else if (found?.sidecar.units) {
    units = found.sidecar.units;
    ctx.err(`note: field units ${units} from ${found.path}`);
  } else if (found?.sidecar.unrecognizedUnits !== undefined) {
    throw new InputError(`${found.path}: Units "${found.sidecar.unrecognizedUnits}" is not ppm, Hz or rad; convert the map or pass --units`);
  } else {
    units = 'ppm';
    ctx.err(`note: field units not given (no --units${found ? `, no Units in ${found.path}` : ', no sidecar'}): assuming ppm`);
  }
  if (units === 'ppm') return { units, ppmPerUnit: 1 };

  const b0Flag = flags.number('b0', { min: Number.MIN_VALUE, max: 30 });
  const teFlag = flags.number('te', { min: Number.MIN_VALUE });
  if (teFlag !== undefined && teFlag > 1) throw new InputError(`--te is in seconds; ${teFlag} s is not plausible (did you mean ${teFlag / 1000}?)`);
  const fieldStrength = b0Flag ?? found?.sidecar.fieldStrength;
  const echoTime = teFlag ?? found?.sidecar.echoTime;
  const from = (flagValue: number | undefined) => (flagValue !== undefined ? 'flag' : found?.path);
  const k = ppmPerUnit(units, { fieldStrength, echoTime });
  const te = units === 'rad' ? `, TE ${echoTime} s (${from(teFlag)})` : '';
  ctx.err(`note: converting ${units} to ppm with B0 ${fieldStrength} T (${from(b0Flag)})${te}`);
  return { units, ppmPerUnit: k };
}
