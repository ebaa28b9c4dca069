/** Node file access for the CLI: volumes and sidecars in, volumes out without ever leaving a half-written file. */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Volume } from '../core/volume';
import { InputError } from '../io/inputError';
import { readNifti, readNiftiVolumes, type NiftiRead, type ReadNiftiOptions } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';
import { parseBidsSidecar, type BidsSidecar } from '../io/bidsSidecar';

function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new InputError(`${path}: is a directory, not a NIfTI file`);
  return readFileSync(path);
}

export function readVolumeFile(path: string, opts?: ReadNiftiOptions): NiftiRead {
  return readNifti(readBytes(path), path, opts);
}

/** Every volume of a 3-D or 4-D file, in order (read and decompressed once). */
export function readAllVolumes(path: string, opts?: Omit<ReadNiftiOptions, 'volumeIndex'>): NiftiRead[] {
  return readNiftiVolumes(readBytes(path), path, opts);
}

const NIFTI_EXT = /\.nii(\.gz)?$/i;

/** The BIDS sidecar of an image: same name with .json instead of .nii / .nii.gz. */
export function sidecarPath(imagePath: string): string {
  return imagePath.replace(NIFTI_EXT, '') + '.json';
}

/** The sidecar next to `imagePath`, if there is one. */
export function readSidecarFor(imagePath: string): { path: string; sidecar: BidsSidecar } | undefined {
  const path = sidecarPath(imagePath);
  if (path === imagePath || !existsSync(path)) return undefined;
  return { path, sidecar: parseBidsSidecar(readFileSync(path, 'utf8'), path) };
}

/** Checks an output path before any work is done: right extension, existing folder. */
export function checkOutputPath(path: string, flag = '--out'): void {
  if (!NIFTI_EXT.test(path)) throw new InputError(`${flag} ${path}: must end in .nii or .nii.gz`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${flag} ${path}: folder ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${flag} ${path}: is a directory`);
}

export interface WriteVolumeOptions {
  description: string;
  /** sform code of the input, so a scanner-space result stays marked as such */
  sformCode?: number;
  /** 'uint8' for masks; default float32 */
  datatype?: 'float32' | 'uint8';
}

/** Writes OUT.tmp, then renames it to OUT: readers see the old file or the whole new one, never a part. */
export function writeVolumeFile(path: string, vol: Volume, opts: WriteVolumeOptions): void {
  const bytes = writeNifti(vol, { gzip: /\.gz$/i.test(path), description: opts.description, sformCode: opts.sformCode, datatype: opts.datatype });
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`${path}: cannot write (${(e as Error).message})`);
  }
}
