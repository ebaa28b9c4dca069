/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header parsing, either byte order.
 * We parse ourselves rather than through nifti-reader-js so that every malformed field
 * becomes one InputError naming the file, and so NIfTI-2's 64-bit fields are range-checked.
 */
import { InputError } from './inputError';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] as in the file (dim[0] = number of dimensions) */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]; pixdim[0] is qfac */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  /** xyzt_units byte */
  xyztUnits: number;
  description: string;
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d */
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z, 12 numbers, row-major */
  srow: number[];
  /** 'n+1' / 'n+2' (single file) or 'ni1' / 'ni2' (header/image pair) */
  magic: string;
}

function cString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && bytes[end] !== 0) end++;
  let s = '';
  for (let i = offset; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Which version and byte order the first 4 bytes (sizeof_hdr) announce, or undefined if neither. */
function detectVersion(view: DataView): { version: 1 | 2; littleEndian: boolean } | undefined {
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_BYTES) return { version: 2, littleEndian };
  }
  return undefined;
}

/** A 64-bit header integer as a Number, refusing values that a Number cannot hold exactly. */
function int64(view: DataView, offset: number, le: boolean, file: string, field: string): number {
  const v = view.getBigInt64(offset, le);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InputError(`${file}: NIfTI-2 header field ${field} = ${v} is out of range`);
  return n;
}

/** Parses the header at the start of `bytes` (which must hold at least the header). */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  if (bytes.length < 4) throw new InputError(`${file}: truncated file (${bytes.length} bytes), not a NIfTI header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const detected = detectVersion(view);
  if (!detected) {
    throw new InputError(`${file}: not a NIfTI file (first 4 bytes should say the header is 348 or 540 bytes long)`);
  }
  const { version, littleEndian: le } = detected;
  const need = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (bytes.length < need) {
    throw new InputError(`${file}: truncated file: ${bytes.length} bytes, shorter than the ${need}-byte NIfTI-${version} header`);
  }
  return version === 1 ? parseV1(bytes, view, le, file) : parseV2(bytes, view, le, file);
}

function parseV1(bytes: Uint8Array, v: DataView, le: boolean, file: string): NiftiHeader {
  const magic = cString(bytes, 344, 4);
  if (magic !== 'n+1' && magic !== 'ni1') {
    throw new InputError(`${file}: wrong NIfTI-1 magic ${JSON.stringify(magic)} (expected "n+1"); Analyze 7.5 files are not supported`);
  }
  const f32 = (o: number) => v.getFloat32(o, le);
  const i16 = (o: number) => v.getInt16(o, le);
  return {
    version: 1,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    datatype: i16(70),
    bitpix: i16(72),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123],
    description: cString(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
    magic,
  };
}

function parseV2(bytes: Uint8Array, v: DataView, le: boolean, file: string): NiftiHeader {
  const magic = cString(bytes, 4, 8);
  const tail = [bytes[8], bytes[9], bytes[10], bytes[11]];
  if ((magic !== 'n+2' && magic !== 'ni2') || tail.join() !== [13, 10, 26, 10].join()) {
    throw new InputError(`${file}: wrong NIfTI-2 magic (expected "n+2\\0\\r\\n\\x1a\\n")`);
  }
  const f64 = (o: number) => v.getFloat64(o, le);
  const i32 = (o: number) => v.getInt32(o, le);
  return {
    version: 2,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => int64(v, 16 + 8 * i, le, file, `dim[${i}]`)),
    datatype: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: int64(v, 168, le, file, 'vox_offset'),
    sclSlope: f64(176),
    sclInter: f64(184),
    xyztUnits: i32(500),
    description: cString(bytes, 240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    magic,
  };
}
