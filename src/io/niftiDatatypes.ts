/** NIfTI datatype codes: which ones we can read as real scalars, and how many bytes each voxel takes. */

export interface ScalarType {
  code: number;
  name: string;
  bytes: number;
}

const SCALAR: ScalarType[] = [
  { code: 2, name: 'uint8', bytes: 1 },
  { code: 4, name: 'int16', bytes: 2 },
  { code: 8, name: 'int32', bytes: 4 },
  { code: 16, name: 'float32', bytes: 4 },
  { code: 64, name: 'float64', bytes: 8 },
  { code: 256, name: 'int8', bytes: 1 },
  { code: 512, name: 'uint16', bytes: 2 },
  { code: 768, name: 'uint32', bytes: 4 },
  { code: 1024, name: 'int64', bytes: 8 },
  { code: 1280, name: 'uint64', bytes: 8 },
];

/** Types that exist in the standard but are not one real number per voxel (or not representable here). */
const UNSUPPORTED: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

/** 2^53: every integer up to this magnitude converts to a double exactly */
const EXACT = BigInt(2) ** BigInt(53);

export function scalarType(code: number): ScalarType | undefined {
  return SCALAR.find((t) => t.code === code);
}

export function describeDatatype(code: number): string {
  return scalarType(code)?.name ?? UNSUPPORTED[code] ?? `unknown datatype code ${code}`;
}

/**
 * Decode n voxels of one scalar type starting at byte `offset` into float64 values
 * (float64 so that scaling happens before the single rounding to float32).
 * int64/uint64 values beyond 2^53 cannot be represented exactly: the caller is told by the return value.
 */
export function decodeScalars(
  bytes: Uint8Array,
  offset: number,
  n: number,
  type: ScalarType,
  littleEndian: boolean,
  out: Float64Array,
): { unsafeIntegers: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * type.bytes);
  let unsafeIntegers = 0;
  switch (type.code) {
    case 2:
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      break;
    case 256:
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 4:
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, littleEndian);
      break;
    case 512:
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, littleEndian);
      break;
    case 8:
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, littleEndian);
      break;
    case 768:
      for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, littleEndian);
      break;
    case 16:
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, littleEndian);
      break;
    case 64:
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, littleEndian);
      break;
    case 1024:
    case 1280: {
      const signed = type.code === 1024;
      for (let i = 0; i < n; i++) {
        const v = signed ? view.getBigInt64(8 * i, littleEndian) : view.getBigUint64(8 * i, littleEndian);
        if (v > EXACT || v < -EXACT) unsafeIntegers++;
        out[i] = Number(v);
      }
      break;
    }
    default:
      throw new Error(`decodeScalars: no decoder for datatype ${type.code}`);
  }
  return { unsafeIntegers };
}
