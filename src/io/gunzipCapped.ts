/**
 * Streaming gunzip with a hard output cap, so a small hostile .nii.gz cannot make us allocate gigabytes.
 * The cap is set from the NIfTI header as soon as enough bytes are inflated to read it; until then
 * (and always) an absolute cap applies. The cap is checked on every inflated chunk, never after the fact.
 */
import { Gunzip } from 'fflate';
import { InputError } from './inputError';

export const ABSOLUTE_CAP_BYTES = 2 * 1024 ** 3;
/** Slack allowed beyond the size the header announces (trailing bytes some writers leave). */
export const MARGIN_BYTES = 1024 ** 2;
/** Compressed bytes pushed per step: deflate expands at most ~1032x, so each step yields at most ~16 MiB. */
const PUSH_BYTES = 16 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface GunzipCappedOptions {
  /** bytes to inflate before asking `expectedSize` (the header length) */
  headBytes: number;
  /** from the first `headBytes` inflated bytes (fewer if the stream is shorter), the total size expected; may throw */
  expectedSize: (head: Uint8Array) => number;
  absoluteCap?: number;
  margin?: number;
}

/**
 * Inflates `gz`. Returns at most `expectedSize` bytes (fewer if the stream is shorter: the caller reports truncation).
 * Throws InputError naming `file` if the output would pass the cap or the gzip data is corrupt.
 */
export function gunzipCapped(gz: Uint8Array, file: string, opts: GunzipCappedOptions): Uint8Array {
  const absoluteCap = opts.absoluteCap ?? ABSOLUTE_CAP_BYTES;
  const margin = opts.margin ?? MARGIN_BYTES;
  let cap = absoluteCap;
  let expected = -1;
  let out: Uint8Array | undefined;
  let pending: Uint8Array[] = [];
  let total = 0;
  let ended = false;

  const plan = () => {
    const head = concat(pending, Math.min(total, opts.headBytes));
    expected = opts.expectedSize(head);
    if (expected > absoluteCap) {
      throw new InputError(`${file}: header describes ${expected} bytes, more than the ${absoluteCap}-byte limit`);
    }
    cap = Math.min(expected + margin, absoluteCap);
    if (total > cap) throw bomb(file, expected);
    out = new Uint8Array(expected);
    let at = 0;
    for (const p of pending) {
      const n = Math.min(p.length, expected - at);
      out.set(p.subarray(0, n), at);
      at += n;
    }
    pending = [];
  };

  const gunzip = new Gunzip((chunk, final) => {
    if (chunk.length) {
      const at = total;
      total += chunk.length;
      if (total > cap) throw bomb(file, expected);
      if (out) {
        if (at < out.length) out.set(chunk.subarray(0, Math.min(chunk.length, out.length - at)), at);
      } else {
        pending.push(chunk);
        if (total >= opts.headBytes) plan();
      }
    }
    if (final) ended = true;
  });

  try {
    for (let o = 0; o < gz.length; o += PUSH_BYTES) {
      gunzip.push(gz.subarray(o, o + PUSH_BYTES), o + PUSH_BYTES >= gz.length);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
  if (!ended) throw new InputError(`${file}: truncated gzip data (stream ends early)`);
  if (!out) plan();
  return out!.subarray(0, Math.min(total, expected));
}

function bomb(file: string, expected: number): InputError {
  const what = expected >= 0 ? `the ${expected} bytes its header describes` : 'the size limit';
  return new InputError(`${file}: gzip data inflates beyond ${what}: refusing (corrupt file or gzip bomb)`);
}

function concat(chunks: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    if (at >= n) break;
    const k = Math.min(c.length, n - at);
    out.set(c.subarray(0, k), at);
    at += k;
  }
  return out;
}
