/**
 * NIfTI-1/-2, .nii or .nii.gz bytes -> one 3-D Volume (float32, scaled, mm) plus what the header said.
 * Every problem is one InputError naming the file.
 */
import type { Vec3, Volume } from '../core/volume';
import { InputError } from './inputError';
import { decodeScalars, describeDatatype, scalarType, type ScalarType } from './niftiDatatypes';
import { NIFTI2_HEADER_BYTES, parseNiftiHeader, type NiftiHeader } from './niftiHeader';
import { headerGeometry, type AffineSource, type SpaceUnits } from './niftiGeometry';
import { columnNorms } from './niftiAffine';
import { gunzipCapped, isGzip } from './gunzipCapped';

export const MAX_DIM = 2048;
export const MAX_VOXELS = 512 * 1024 ** 2;

export type NonFinitePolicy = 'error' | 'zero';

export interface ReadNiftiOptions {
  /** for 4-D files: which volume (0-based) to read; required when dim[4] > 1 */
  volumeIndex?: number;
  /** NaN/Inf voxels: refuse the file (default) or set them to 0 with a warning */
  nonFinite?: NonFinitePolicy;
}

/** What the header said, for display and for writing results with the same geometry. */
export interface NiftiFacts {
  version: 1 | 2;
  datatype: string;
  littleEndian: boolean;
  /** dim[1..dim[0]] */
  dims: number[];
  volumeCount: number;
  volumeIndex: number;
  spaceUnits: SpaceUnits;
  affineSource: AffineSource;
  sformCode: number;
  qformCode: number;
  description: string;
  /** slope and intercept actually applied */
  scale: { slope: number; inter: number };
}

export interface NiftiRead {
  volume: Volume;
  facts: NiftiFacts;
  /** assumptions and repairs the user should see */
  warnings: string[];
}

interface Layout {
  nx: number; ny: number; nz: number; nt: number;
  type: ScalarType;
  voxOffset: number;
  /** vox_offset + all volumes' bytes */
  totalBytes: number;
}

function validate(h: NiftiHeader, file: string): Layout {
  if (h.magic === 'ni1' || h.magic === 'ni2') {
    throw new InputError(`${file}: a header/image pair (.hdr/.img) is not supported: convert it to a single .nii file`);
  }
  const type = scalarType(h.datatype);
  if (!type) throw new InputError(`${file}: unsupported datatype ${describeDatatype(h.datatype)}: need one real number per voxel`);
  if (h.bitpix !== 8 * type.bytes) throw new InputError(`${file}: bitpix ${h.bitpix} does not match datatype ${type.name}`);
  const ndim = h.dim[0];
  if (!(ndim >= 1 && ndim <= 7)) throw new InputError(`${file}: dim[0] = ${ndim}, must be 1..7`);
  const d = [1, 2, 3, 4, 5, 6, 7].map((i) => (i <= ndim ? h.dim[i] : 1));
  for (let i = 0; i < ndim; i++) {
    if (!(d[i] >= 1)) throw new InputError(`${file}: dim[${i + 1}] = ${d[i]}, must be positive`);
  }
  for (let i = 0; i < 3; i++) {
    if (d[i] > MAX_DIM) throw new InputError(`${file}: dim[${i + 1}] = ${d[i]} exceeds ${MAX_DIM} voxels`);
  }
  const extra = d.slice(4).findIndex((n) => n > 1);
  if (extra >= 0) throw new InputError(`${file}: ${ndim}-D image (dim = ${d.slice(0, ndim).join('x')}): only 3-D or 4-D files can be read`);
  const [nx, ny, nz, nt] = d;
  if (nx * ny * nz > MAX_VOXELS) throw new InputError(`${file}: ${nx}x${ny}x${nz} is more than ${MAX_VOXELS} voxels`);
  const minOffset = h.version === 1 ? 352 : NIFTI2_HEADER_BYTES + 4;
  if (!Number.isInteger(h.voxOffset) || h.voxOffset < minOffset) {
    throw new InputError(`${file}: vox_offset ${h.voxOffset} is invalid (must be an integer >= ${minOffset})`);
  }
  for (let i = 1; i <= 3; i++) {
    const p = h.pixdim[i];
    if (!(p > 0) || !Number.isFinite(p)) throw new InputError(`${file}: voxel size pixdim[${i}] = ${p}, must be a positive number`);
  }
  return { nx, ny, nz, nt, type, voxOffset: h.voxOffset, totalBytes: h.voxOffset + nx * ny * nz * nt * type.bytes };
}

/** Header + layout from the first bytes of a (decompressed) file; used to size the gunzip cap. */
function headerAndLayout(bytes: Uint8Array, file: string): { header: NiftiHeader; layout: Layout } {
  const header = parseNiftiHeader(bytes, file);
  return { header, layout: validate(header, file) };
}

function decompressed(input: Uint8Array, file: string): Uint8Array {
  return isGzip(input)
    ? gunzipCapped(input, file, { headBytes: NIFTI2_HEADER_BYTES, expectedSize: (head) => headerAndLayout(head, file).layout.totalBytes })
    : input;
}

export function readNifti(input: Uint8Array, file: string, opts: ReadNiftiOptions = {}): NiftiRead {
  return readDecompressed(decompressed(input, file), file, opts);
}

/** Every volume of a 3-D or 4-D file in order (a .gz is decompressed once); opts.volumeIndex is ignored. */
export function readNiftiVolumes(input: Uint8Array, file: string, opts: ReadNiftiOptions = {}): NiftiRead[] {
  const bytes = decompressed(input, file);
  const first = readDecompressed(bytes, file, { ...opts, volumeIndex: 0 });
  const out = [first];
  for (let v = 1; v < first.facts.volumeCount; v++) out.push(readDecompressed(bytes, file, { ...opts, volumeIndex: v }));
  return out;
}

function readDecompressed(bytes: Uint8Array, file: string, opts: ReadNiftiOptions): NiftiRead {
  const { header: h, layout } = headerAndLayout(bytes, file);
  const warnings: string[] = [];
  const { nx, ny, nz, nt, type } = layout;

  const volumeIndex = opts.volumeIndex ?? 0;
  if (nt > 1 && opts.volumeIndex === undefined) {
    throw new InputError(`${file}: 4-D image with ${nt} volumes (dim[4] = ${nt}): choose one volume (0..${nt - 1})`);
  }
  if (!Number.isInteger(volumeIndex) || volumeIndex < 0 || volumeIndex >= nt) {
    throw new InputError(`${file}: volume index ${opts.volumeIndex} is out of range 0..${nt - 1}`);
  }
  if (bytes.length < layout.totalBytes) {
    throw new InputError(`${file}: truncated file: ${bytes.length} bytes of data, header needs ${layout.totalBytes} (${nx}x${ny}x${nz}${nt > 1 ? `x${nt}` : ''} ${type.name})`);
  }

  const geometry = headerGeometry(h, file);
  if (geometry.units === 'unknown') warnings.push(`${file}: spatial units not set in the header; assuming mm`);
  if (geometry.source === 'pixdim') warnings.push(`${file}: no sform or qform; orientation assumed to be the scanner axes`);
  // The affine's column lengths are the voxel spacing that the affine really implies (== pixdim in consistent files).
  const voxelSize = columnNorms(geometry.affine) as Vec3;

  const slope = h.sclSlope === 0 || !Number.isFinite(h.sclSlope) ? 1 : h.sclSlope;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  const n = nx * ny * nz;
  const data = new Float32Array(n);
  const start = layout.voxOffset + volumeIndex * n * type.bytes;
  const chunk = 1 << 20;
  const buf = new Float64Array(Math.min(n, chunk));
  let unsafe = 0;
  let nonFinite = 0;
  for (let at = 0; at < n; at += chunk) {
    const m = Math.min(chunk, n - at);
    unsafe += decodeScalars(bytes, start + at * type.bytes, m, type, h.littleEndian, buf).unsafeIntegers;
    for (let i = 0; i < m; i++) {
      const v = Math.fround(buf[i] * slope + inter);
      if (!Number.isFinite(v)) nonFinite++;
      data[at + i] = v;
    }
  }
  if (unsafe > 0) throw new InputError(`${file}: ${unsafe} ${type.name} values are beyond 2^53 and cannot be read exactly`);
  if (nonFinite > 0) {
    if ((opts.nonFinite ?? 'error') === 'error') {
      throw new InputError(`${file}: ${nonFinite} of ${n} voxels are NaN or Inf; fix the file or choose to replace them by 0`);
    }
    for (let i = 0; i < n; i++) if (!Number.isFinite(data[i])) data[i] = 0;
    warnings.push(`${file}: replaced ${nonFinite} NaN/Inf voxels by 0`);
  }

  return {
    volume: { data, dims: [nx, ny, nz], voxelSize, affine: geometry.affine },
    facts: {
      version: h.version,
      datatype: type.name,
      littleEndian: h.littleEndian,
      dims: h.dim.slice(1, h.dim[0] + 1),
      volumeCount: nt,
      volumeIndex,
      spaceUnits: geometry.units,
      affineSource: geometry.source,
      sformCode: h.sformCode,
      qformCode: h.qformCode,
      description: h.description,
      scale: { slope, inter },
    },
    warnings,
  };
}
