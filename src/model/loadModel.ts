/**
 * Reads models/<id>/model.json and its shards, decodes them with tf.io.decodeWeights (which also undoes
 * float16 quantisation) and checks every name and shape against the architecture.
 *
 * The weights are kept as host Float32Arrays, not tensors: a backend fallback mid-run (backend.ts) builds
 * them again on the next backend, and a lost GPU device cannot take them with it.
 */
import * as tf from '@tensorflow/tfjs';
import { parseModelJson, type QsmModelMeta, type WeightSpec } from './modelFormat';
import { weightProblems } from './architecture';

/** Where the files of one model come from: fetch in the browser, fs in Node (passed in, so no 'fs' reaches the bundle). */
export interface ModelFiles {
  readText(name: string): Promise<string>;
  readBytes(name: string): Promise<ArrayBuffer>;
  /** how to name a file in error messages */
  describe(name: string): string;
}

export interface HostWeight {
  shape: number[];
  values: Float32Array;
}

export interface QsmModel {
  meta: QsmModelMeta;
  weights: Map<string, HostWeight>;
  /** float16 when any weight was stored quantised */
  storage: 'float32' | 'float16' | 'mixed';
}

export function fetchModelFiles(baseUrl: string, fetchFn: typeof fetch = fetch): ModelFiles {
  const url = (name: string) => `${baseUrl.replace(/\/$/, '')}/${name}`;
  const get = async (name: string) => {
    const res = await fetchFn(url(name));
    if (!res.ok) throw new Error(`${url(name)}: HTTP ${res.status} ${res.statusText}`.trim());
    return res;
  };
  return {
    readText: async (name) => (await get(name)).text(),
    readBytes: async (name) => (await get(name)).arrayBuffer(),
    describe: url,
  };
}

/** Node: pass fs.promises.readFile (or any reader of whole files). */
export function readerModelFiles(dir: string, readFile: (path: string) => Promise<Uint8Array>): ModelFiles {
  const path = (name: string) => `${dir.replace(/\/$/, '')}/${name}`;
  return {
    readText: async (name) => new TextDecoder().decode(await readFile(path(name))),
    readBytes: async (name) => {
      const b = await readFile(path(name));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    describe: path,
  };
}

const BYTES_PER_VALUE: Record<string, number> = { float16: 2, uint16: 2, uint8: 1 };

function storedBytes(spec: WeightSpec): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return n * (spec.quantization ? (BYTES_PER_VALUE[spec.quantization.dtype] ?? NaN) : 4);
}

export async function loadModel(files: ModelFiles): Promise<QsmModel> {
  const where = files.describe('model.json');
  const text = await files.readText('model.json'); // its errors name the file already
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
  const json = parseModelJson(raw, where);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  for (const s of specs)
    if (s.dtype !== 'float32') throw new Error(`${where}: weight ${s.name} has dtype ${s.dtype}, expected float32 (optionally quantised)`);

  const problems = weightProblems(json.qsm, new Map(specs.map((s) => [s.name, s.shape])));
  if (problems.length) throw new Error(`${where} does not match a ${json.qsm.architecture} with ${json.qsm.levels} levels and ${json.qsm.baseChannels} base channels:\n  ${problems.join('\n  ')}`);

  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => files.readBytes(p)));
  const got = shards.reduce((a, b) => a + b.byteLength, 0);
  const want = specs.reduce((a, s) => a + storedBytes(s), 0);
  if (got !== want) throw new Error(`${where}: the shards hold ${got} bytes, the manifest needs ${want}`);

  const tensors = tf.io.decodeWeights(shards, specs);
  const weights = new Map<string, HostWeight>();
  for (const s of specs) {
    const t = tensors[s.name];
    weights.set(s.name, { shape: [...t.shape], values: t.dataSync() as Float32Array });
  }
  tf.dispose(Object.values(tensors));
  const quantised = specs.filter((s) => s.quantization?.dtype === 'float16').length;
  return { meta: json.qsm, weights, storage: quantised === 0 ? 'float32' : quantised === specs.length ? 'float16' : 'mixed' };
}
