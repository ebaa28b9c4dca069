/**
 * In-page check and timing of the convolution paths on a browser backend (e2e/parity.html): every
 * implementation, stock op included, against tfjs's CPU backend on the same host data (the reference:
 * plain loops), and its speed.
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dImpls, conv3dFlops, type Conv3dImplName } from '../src/model/conv3d';
import { upConvImpls, type UpConvImplName } from '../src/model/upConv';
import { poolImpls, type PoolImplName } from '../src/model/pool';
import { startBackend, type BackendName } from '../src/model/startBackend';
import { relativeError } from '../src/model/relativeError';
import { wasmUrls } from '../src/worker/wasmUrls';

export interface ConvBenchRow {
  backend: string;
  op: string;
  impl: string;
  gflops: number;
  ms: number;
  /** relative error against the CPU backend's stock op */
  relErr: number;
}

function host(shape: number[], seed: number): { values: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) values[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  return { values, shape };
}

async function run(inputs: { values: Float32Array; shape: number[] }[], fn: (...t: tf.Tensor[]) => tf.Tensor, minMs: number) {
  const ts = inputs.map((i) => tf.tensor(i.values, i.shape));
  const first = fn(...ts);
  const out = (await first.data()) as Float32Array; // the first call compiles shaders: not timed
  first.dispose();
  let n = 0;
  const t0 = performance.now();
  while (n < 1 || performance.now() - t0 < minMs) {
    const y = fn(...ts);
    await y.data();
    y.dispose();
    n++;
  }
  tf.dispose(ts);
  return { ms: (performance.now() - t0) / n, out };
}

export async function benchConv(backend: BackendName, edge: number, minMs: number): Promise<ConvBenchRow[]> {
  const h = edge / 2;
  const convIn = [host([1, edge, edge, edge, 16], 1), host([3, 3, 3, 16, 16], 2), host([16], 3)];
  const upIn = [host([1, h, h, h, 32], 4), host([2, 2, 2, 16, 32], 5), host([16], 6)];
  const poolIn = [convIn[0]];
  const ops = [
    { op: `conv 3x3x3 ${edge}^3 16->16`, inputs: convIn, flops: conv3dFlops(convIn[0].shape, convIn[1].shape), ref: 'conv3d',
      impls: Object.fromEntries((Object.keys(conv3dImpls) as Conv3dImplName[]).map((k) => [k, (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => conv3dImpls[k](x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D)])) },
    { op: `up-conv ${h}^3 32->16`, inputs: upIn, flops: 2 * h ** 3 * 8 * 32 * 16, ref: 'conv3dTranspose',
      impls: Object.fromEntries((Object.keys(upConvImpls) as UpConvImplName[]).map((k) => [k, (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => upConvImpls[k](x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D)])) },
    { op: `max-pool ${edge}^3 x16`, inputs: poolIn, flops: 0, ref: 'maxPool3d',
      impls: Object.fromEntries((Object.keys(poolImpls) as PoolImplName[]).map((k) => [k, (x: tf.Tensor) => poolImpls[k](x as tf.Tensor5D)])) },
  ];
  const refs: Float32Array[] = [];
  await startBackend('cpu');
  for (const o of ops) refs.push((await run(o.inputs, o.impls[o.ref] as (...t: tf.Tensor[]) => tf.Tensor, 0)).out);
  await startBackend(backend, { wasmPaths: wasmUrls, wasmThreads: 1 });
  const rows: ConvBenchRow[] = [];
  for (const [i, o] of ops.entries())
    for (const [impl, fn] of Object.entries(o.impls)) {
      const r = await run(o.inputs, fn as (...t: tf.Tensor[]) => tf.Tensor, minMs);
      rows.push({ backend, op: o.op, impl, ms: r.ms, gflops: o.flops / r.ms / 1e6, relErr: relativeError(r.out, refs[i]) });
    }
  return rows;
}
