/**
 * Everything a run needs, derived from the loaded items and the user's acquisition edits: the input field in ppm
 * on the (possibly edited) voxel size, the mask, and the key that tells whether a result is still current.
 */
import { sameGrid, type Volume } from '../core/volume';
import { checkSameGrid } from '../io/checkSameGrid';
import { toPpm } from '../io/units';
import { deriveAcquisition, effectiveAcquisition, inputKey, normalizeDir, type AcqSettings, type DerivedAcquisition } from './acquisitionState';
import { allWithRole, firstWithRole, type LoadedItem } from './items';

export interface WorkbenchContext {
  field?: LoadedItem;
  mask?: LoadedItem;
  /** shown as a viewer beside the field for anatomy; tv and ndi weight by it (PreparedInput.magnitude) */
  magnitude?: LoadedItem;
  sidecar?: LoadedItem;
  references: LoadedItem[];
  derived: DerivedAcquisition;
  settings: AcqSettings;
  key: string;
}

export function buildContext(items: LoadedItem[], edits: Partial<AcqSettings>): WorkbenchContext {
  const field = firstWithRole(items, 'field');
  const mask = firstWithRole(items, 'mask');
  const magnitude = firstWithRole(items, 'magnitude');
  const sidecar = firstWithRole(items, 'sidecar');
  const derived = deriveAcquisition(field, sidecar);
  const settings = effectiveAcquisition(derived.settings, edits);
  return { field, mask, magnitude, sidecar, references: allWithRole(items, 'reference'), derived, settings, key: inputKey(settings, field?.id, mask?.id) };
}

export interface PreparedInput {
  /** ppm, with the effective voxel size and the header's affine */
  field: Volume;
  /** binary, when a mask is loaded and on the field's grid */
  mask?: Volume;
  /** the mask metrics are computed in: the loaded mask, or the non-zero voxels of the field */
  metricsMask: Volume;
  b0Dir: [number, number, number];
  /** the loaded magnitude when it is on the field's grid (tv and ndi weight by it); off the grid it is left out */
  magnitude?: Volume;
}

function binary(v: Volume): Volume {
  const data = new Float32Array(v.data.length);
  for (let i = 0; i < data.length; i++) data[i] = v.data[i] > 0 ? 1 : 0;
  return { ...v, data };
}

/** The field as the methods see it: ppm, the effective voxel size, the header's affine. Throws if units cannot convert. */
export function fieldInPpm(fieldVol: Volume, s: AcqSettings): Volume {
  const data = toPpm(fieldVol.data, s.units, { fieldStrength: s.fieldStrength, echoTime: s.echoTime });
  return { data, dims: [...fieldVol.dims], voxelSize: [...s.voxelSize], affine: [...fieldVol.affine] };
}

/** Throws an Error with a user-facing message when the input cannot be used as it is. */
export function prepareInput(ctx: WorkbenchContext): PreparedInput {
  const fieldVol = ctx.field?.volume;
  if (!fieldVol) throw new Error('Load a field map (or the example) first');
  const s = ctx.settings;
  const field = fieldInPpm(fieldVol, s);
  let mask: Volume | undefined;
  if (ctx.mask?.volume) {
    checkSameGrid(fieldVol, ctx.mask.volume, ctx.field!.name, ctx.mask.name);
    mask = binary(ctx.mask.volume);
  }
  const b0Dir = normalizeDir(s.b0Dir);
  if (!b0Dir) throw new Error('The B0 direction must not be zero');
  const metricsMask = mask ?? { ...field, data: Float32Array.from(field.data, (v) => (v !== 0 ? 1 : 0)) };
  const mag = ctx.magnitude?.volume;
  const magnitude = mag && sameGrid(mag, fieldVol) ? mag : undefined;
  return { field, mask, metricsMask, b0Dir, magnitude };
}

/** The 99th percentile of |v| over a sample of its non-zero voxels (at most ~200k); undefined if all are zero. */
function percentile99Abs(v: Volume): number | undefined {
  const step = Math.max(1, Math.floor(v.data.length / 200_000));
  const vals: number[] = [];
  for (let i = 0; i < v.data.length; i += step) if (v.data[i] !== 0) vals.push(Math.abs(v.data[i]));
  if (!vals.length) return undefined;
  vals.sort((a, b) => a - b);
  return vals[Math.floor(0.99 * (vals.length - 1))] || undefined;
}

/** A symmetric display window from the 99th percentile of |v| over a sample of non-zero voxels. */
export function symmetricWindow(v: Volume, fallback = 0.05): [number, number] {
  const w = percentile99Abs(v) ?? fallback;
  return [-w, w];
}

/**
 * A magnitude image's display window: 0 to its 99th percentile, since magnitudes come on any scanner scale
 * (0..1, 0..4095, ...) and a few bright vessels or fat voxels would otherwise leave the brain dark.
 */
export function magnitudeWindow(v: Volume): [number, number] {
  return [0, percentile99Abs(v) ?? 1];
}
