/** Helpers the model tests and benchmarks share. */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { startBackend, type BackendName } from './startBackend';
export { relativeError } from './relativeError';

export const nodeWasmPaths = path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/';

export function useBackend(name: BackendName): Promise<void> {
  return startBackend(name, { wasmPaths: nodeWasmPaths });
}


/** Deterministic standard-normal-ish values (sum of uniforms from a fixed LCG), independent of any backend. */
export function seededValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) out[i] = next() + next() + next() + next() - 2;
  return out;
}

/** Runs fn on the named backend with fresh tensors from host arrays; returns the host result. */
export async function onBackend(name: BackendName, inputs: { values: Float32Array; shape: number[] }[], fn: (...t: tf.Tensor[]) => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await useBackend(name);
  const ts = inputs.map((i) => tf.tensor(i.values, i.shape));
  const y = fn(...ts);
  const out = { values: (await y.data()) as Float32Array, shape: [...y.shape] };
  tf.dispose([...ts, y]);
  return out;
}
