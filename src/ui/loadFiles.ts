/** Reading dropped or picked files into items; each failure names its file and leaves everything else alone. */
import { b0DirFromAffine } from '../io/acquisitionFromHeader';
import { parseBidsSidecar } from '../io/bidsSidecar';
import type { Volume } from '../core/volume';
import type { NiftiRead } from '../io/readNifti';
import { newItemId, type LoadedItem } from './items';
import { echoOf, type Role } from './roles';

export interface LoadOutcome {
  items: LoadedItem[];
  errors: string[];
}

function describe(e: unknown, file: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.includes(file) ? msg : `${file}: ${msg}`;
}

/** Reads the first volume and, with `allVolumes`, the rest of a 4-D file. */
export type NiftiReader = (name: string, bytes: ArrayBuffer, allVolumes: boolean) => Promise<{ read: NiftiRead; more: Volume[] }>;

/** Phase and magnitude may be echo series: a 4-D file holds one echo per volume, and all of them are kept. */
const isEchoSeries = (role: Role) => role === 'phase' || role === 'magnitude';

async function readOne(file: File, role: Role, read: NiftiReader): Promise<LoadedItem> {
  const buffer = await file.arrayBuffer();
  if (role === 'sidecar' || /\.json$/i.test(file.name)) {
    const sidecar = parseBidsSidecar(new TextDecoder().decode(buffer), file.name);
    return { id: newItemId(), name: file.name, role: 'sidecar', origin: 'file', sidecar, warnings: sidecar.warnings };
  }
  if (!/\.nii(\.gz)?$/i.test(file.name)) {
    throw new Error(`${file.name}: not a NIfTI (.nii / .nii.gz) or BIDS sidecar (.json) file`);
  }
  const { read: nifti, more } = await read(file.name, buffer, isEchoSeries(role));
  let headerB0Dir;
  try {
    headerB0Dir = b0DirFromAffine(nifti.volume.affine, nifti.volume.voxelSize);
  } catch {
    headerB0Dir = undefined;
  }
  const warnings = [...nifti.warnings];
  const series = more.length > 0;
  if (nifti.facts.volumeCount > 1 && !series) warnings.push(`${file.name}: has ${nifti.facts.volumeCount} volumes; the first is used`);
  return {
    id: newItemId(), name: file.name, role, origin: 'file', volume: nifti.volume, facts: nifti.facts, headerB0Dir, warnings,
    echo: echoOf(file.name), echoes: series ? [nifti.volume, ...more] : undefined,
  };
}

export async function loadFiles(files: File[], roles: Role[], read: NiftiReader): Promise<LoadOutcome> {
  const items: LoadedItem[] = [];
  const errors: string[] = [];
  for (let i = 0; i < files.length; i++) {
    try {
      items.push(await readOne(files[i], roles[i], read));
    } catch (e) {
      errors.push(describe(e, files[i].name));
    }
  }
  return { items, errors };
}
