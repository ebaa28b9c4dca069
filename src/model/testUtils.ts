/** Helpers the model tests and benchmarks share. */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { startBackend, type BackendName } from './startBackend';

export const nodeWasmPaths = path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/';

export function useBackend(name: BackendName): Promise<void> {
  return startBackend(name, { wasmPaths: nodeWasmPaths });
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
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
