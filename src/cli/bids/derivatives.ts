/**
 * The BIDS derivatives `qsm bids` writes: names, JSON sidecars, dataset_description.json, and the rule for
 * "already done" that lets a run resume. Every file is written to a temporary name unique to this process and
 * renamed into place, so a reader (or a parallel job) sees no file or the whole file, never a part of one.
 *
 *   OUT_DIR/dataset_description.json
 *   OUT_DIR/sub-01/[ses-1/]anat/sub-01_[ses-1_]..._localfield.nii.gz   local field, ppm      (+ .json)
 *   OUT_DIR/sub-01/[ses-1/]anat/sub-01_..._desc-brain_mask.nii.gz       brain mask, uint8     (+ .json)
 *   OUT_DIR/sub-01/[ses-1/]anat/sub-01_..._desc-<method>_Chimap.nii.gz  susceptibility, ppm   (+ .json)
 *
 * <method> is the method id without its dashes (BIDS labels are alphanumeric), with `dc` appended for a network
 * made consistent with the field: desc-tkd, desc-cfl2, desc-adaptiveunettl, desc-adaptiveunettldc.
 * An output is done when its NIfTI and its sidecar exist (the sidecar is written last) and the sidecar records
 * the same method, parameters and weights as this run asks for; a sidecar that records others is a conflict.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Volume } from '../../core/volume';
import { InputError } from '../../io/inputError';
import { writeNifti } from '../../io/writeNifti';
import type { Acquisition } from './discover';
import { SOFTWARE_NAME, softwareVersion } from './provenance';

export const BIDS_VERSION = '1.9.0';

/** Writes a temporary file next to `path` (named for this process) and renames it onto `path`. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`${path}: cannot write (${(e as Error).message})`);
  }
}

export const writeJsonAtomic = (path: string, value: unknown) => writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

/** A BIDS label from a method id: `adaptive-unet-tl` -> `adaptiveunettl`, + `dc` with data consistency. */
export function descLabel(methodId: string, dc: boolean): string {
  return methodId.replace(/[^a-zA-Z0-9]/g, '') + (dc ? 'dc' : '');
}

export type OutputKind = 'localfield' | 'mask' | 'chimap';

export interface PlannedOutput {
  kind: OutputKind;
  /** path of the NIfTI */
  path: string;
  /** what must match in an existing sidecar for the output to count as done (see requestOf) */
  request: Record<string, unknown>;
}

export const sidecarOf = (niftiPath: string) => niftiPath.replace(/\.nii(\.gz)?$/, '.json');

export function outputFolder(outDir: string, acq: Acquisition): string {
  return join(outDir, acq.folder);
}

export function outputPath(outDir: string, acq: Acquisition, kind: OutputKind, desc?: string): string {
  const stem = join(outputFolder(outDir, acq), acq.key);
  if (kind === 'localfield') return `${stem}_localfield.nii.gz`;
  if (kind === 'mask') return `${stem}_desc-brain_mask.nii.gz`;
  return `${stem}_desc-${desc}_Chimap.nii.gz`;
}

/** The keys of a sidecar that say what was computed (FieldPipeline: for phase inputs); a resumed run compares exactly these. */
const REQUEST_KEYS = ['Method', 'MethodParameters', 'DataConsistency', 'ModelId', 'ModelSha256', 'FieldPipeline'] as const;

/** The part of a sidecar that a run asks for (values the run found out itself, like an L-curve's lambda, are left out). */
export function requestOf(sidecar: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of REQUEST_KEYS) {
    if (sidecar[k] === undefined) continue;
    if (k === 'DataConsistency' && typeof sidecar[k] === 'object' && sidecar[k] !== null) {
      const { LambdaUsed: _used, ...asked } = sidecar[k] as Record<string, unknown>;
      out[k] = asked;
    } else {
      out[k] = sidecar[k];
    }
  }
  return out;
}

const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
};

export type DoneState = { state: 'todo' } | { state: 'done' } | { state: 'conflict'; message: string };

export function doneState(out: PlannedOutput): DoneState {
  const side = sidecarOf(out.path);
  if (!existsSync(out.path) || !existsSync(side)) return { state: 'todo' };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(side, 'utf8')) as Record<string, unknown>;
  } catch {
    return { state: 'todo' }; // not ours to keep: an unreadable sidecar is rewritten with the output
  }
  const had = requestOf(json);
  const keys = [...new Set([...Object.keys(had), ...Object.keys(out.request)])];
  const differ = keys.filter((k) => canonical(had[k]) !== canonical(out.request[k]));
  if (differ.length === 0) return { state: 'done' };
  const show = (v: unknown) => (v === undefined ? 'none' : canonical(v));
  const what = differ.map((k) => `${k} ${show(had[k])} (asked: ${show(out.request[k])})`).join(', ');
  return { state: 'conflict', message: `${out.path} exists with other parameters: ${what}; remove it and its .json, or write to another OUT_DIR` };
}

/**
 * Writes one derivative: the NIfTI, then its sidecar (so a sidecar means the image is whole). The sidecar must
 * hold `out.request`'s keys, which a later run compares.
 */
export function writeDerivative(out: PlannedOutput, vol: Volume, sidecar: Record<string, unknown>, o: { description: string; sformCode?: number }): void {
  const bytes = writeNifti(vol, { gzip: true, description: o.description, sformCode: o.sformCode, datatype: out.kind === 'mask' ? 'uint8' : 'float32' });
  writeFileAtomic(out.path, bytes);
  writeJsonAtomic(sidecarOf(out.path), sidecar);
}

/** Common sidecar fields: what the image is, its sources in the input dataset, and the software. */
export function baseSidecar(description: string, sources: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Description: description,
    Sources: sources.map((s) => `bids:raw:${s}`),
    ...extra,
    SoftwareName: SOFTWARE_NAME,
    SoftwareVersion: softwareVersion(),
  };
}

export function datasetDescription(bidsDir: string): Record<string, unknown> {
  return {
    Name: 'QSM Workbench: susceptibility maps',
    BIDSVersion: BIDS_VERSION,
    DatasetType: 'derivative',
    GeneratedBy: [
      {
        Name: SOFTWARE_NAME,
        Version: softwareVersion(),
        Description: 'qsm bids: local field (given, or from multi-echo phase) -> susceptibility (ppm) by dipole inversion',
      },
    ],
    DatasetLinks: { raw: pathToFileURL(resolve(bidsDir)).href },
  };
}

/**
 * Writes OUT_DIR/dataset_description.json unless ours is already there (parallel jobs write the same bytes);
 * refuses a folder that holds another pipeline's derivatives. Returns a note for stderr, if any.
 */
export function ensureDatasetDescription(outDir: string, bidsDir: string): string | undefined {
  const path = join(outDir, 'dataset_description.json');
  const want = datasetDescription(bidsDir);
  if (existsSync(path)) {
    let had: { GeneratedBy?: { Name?: string; Version?: string }[] };
    try {
      had = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new InputError(`${path}: not valid JSON (${(e as Error).message}); remove it or choose another OUT_DIR`);
    }
    const by = Array.isArray(had.GeneratedBy) ? had.GeneratedBy[0] : undefined;
    if (by?.Name !== SOFTWARE_NAME) {
      throw new InputError(`${path}: OUT_DIR holds another pipeline's derivatives (GeneratedBy ${JSON.stringify(by?.Name ?? null)}); choose another OUT_DIR`);
    }
    if (canonical(had) === canonical(want)) return undefined;
    writeJsonAtomic(path, want);
    return `updated ${path} (it recorded ${SOFTWARE_NAME} ${by.Version ?? '?'}; outputs already there keep their own SoftwareVersion)`;
  }
  writeJsonAtomic(path, want);
  return undefined;
}
