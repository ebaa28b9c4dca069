/** Saving results: NIfTI with the input's geometry (src/io writer) and the metrics as CSV, via a blob link. */
import type { Volume } from '../core/volume';
import { writeNifti } from '../io/writeNifti';

export function saveBlob(bytes: Uint8Array | string, name: string, type: string) {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `data` written on `geometry`'s grid and affine, so it overlays the input in any viewer. */
export function saveNifti(data: Float32Array, geometry: Volume, name: string, description: string, sformCode?: number, datatype?: 'float32' | 'uint8') {
  const bytes = writeNifti({ ...geometry, data }, { gzip: true, description: description.slice(0, 79), sformCode, datatype });
  saveBlob(bytes, name, 'application/gzip');
}

/** Names that say what the file holds: `<input>_<method>_Chimap.nii.gz` (BIDS-like suffix). */
export function resultFileName(inputBase: string, method: string): string {
  return `${safe(inputBase)}_desc-${safe(method)}_Chimap.nii.gz`;
}

export function differenceFileName(inputBase: string, method: string, referenceBase: string): string {
  return `${safe(inputBase)}_desc-${safe(method)}-minus-${safe(referenceBase)}_diff.nii.gz`;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}
