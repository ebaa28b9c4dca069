/**
 * The acquisition the inversion will use: what the files said, what was assumed where they were silent, and
 * what the user changed. Every value carries a short note of where it came from, shown next to it.
 */
import type { Vec3 } from '../core/volume';
import type { FieldUnits } from '../io/units';
import type { LoadedItem } from './items';

export interface AcqSettings {
  voxelSize: Vec3;
  b0Dir: Vec3;
  /** Tesla */
  fieldStrength?: number;
  /** seconds */
  echoTime?: number;
  units: FieldUnits;
}

export type AcqNotes = Record<keyof AcqSettings, string>;

export interface DerivedAcquisition {
  settings: AcqSettings;
  notes: AcqNotes;
}

export function deriveAcquisition(field: LoadedItem | undefined, sidecar: LoadedItem | undefined): DerivedAcquisition {
  const sc = sidecar?.sidecar;
  const scName = sidecar?.name ?? '';
  const vol = field?.volume;
  const settings: AcqSettings = {
    voxelSize: vol ? [...vol.voxelSize] : [1, 1, 1],
    b0Dir: field?.headerB0Dir ?? [0, 0, 1],
    fieldStrength: sc?.fieldStrength,
    echoTime: sc?.echoTime,
    units: sc?.units ?? 'ppm',
  };
  const fromHeader = field?.origin === 'example' ? 'example header' : field ? `header of ${field.name}` : 'no field map yet';
  const notes: AcqNotes = {
    voxelSize: vol ? `from ${fromHeader}` : 'no field map yet',
    b0Dir: field?.headerB0Dir
      ? `from the ${fromHeader} affine, assuming the data are in scanner space (B0 = world +z)`
      : 'assumed along voxel z',
    fieldStrength: sc?.fieldStrength !== undefined ? `from ${scName}` : 'not given; only needed for Hz or rad',
    echoTime: sc?.echoTime !== undefined ? `from ${scName}` : 'not given; only needed for rad',
    units: sc?.units ? `from ${scName} "Units"` : sc?.unrecognizedUnits ? `${scName} says "${sc.unrecognizedUnits}", not understood: assumed ppm` : 'assumed ppm (no sidecar says otherwise)',
  };
  return { settings, notes };
}

/** The derived values with the user's edits on top. */
export function effectiveAcquisition(derived: AcqSettings, edits: Partial<AcqSettings>): AcqSettings {
  return { ...derived, ...edits };
}

export function normalizeDir(b: Vec3): Vec3 | undefined {
  const n = Math.hypot(...b);
  if (!(n > 0) || !Number.isFinite(n)) return undefined;
  return [b[0] / n, b[1] / n, b[2] / n];
}

/** A key that changes whenever anything a result depends on changes: results with another key are stale. */
export function inputKey(s: AcqSettings, fieldId?: string, maskId?: string): string {
  return JSON.stringify([fieldId, maskId, s.voxelSize, s.b0Dir, s.fieldStrength, s.echoTime, s.units]);
}
