/**
 * The ceiling under `bench:unet`'s ratio: one 3x3x3 convolution (the U-Net's cost) on tfjs WASM, as the engine runs
 * it (conv3d.ts's depthSlices: XNNPACK conv2d, 128-bit WASM SIMD), and the same-size matrix product, against
 * PyTorch's Conv3d and matmul (native, here AVX-512) at one thread each, measured in the same run. No engine code
 * can be faster than the backend's own convolution, so this ratio bounds the whole network's.
 *
 *   npx tsx bench/conv-ceiling.ts [D,C ...]   (default 64,16 32,32 16,64: the U-Net's first three levels at 64^3)
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { conv3dImpls, conv3dFlops } from '../src/model/conv3d';
import { useBackend } from '../src/model/testUtils';
import { meanMs } from './tensorTiming';

const seconds = async (fn: () => tf.Tensor) => (await meanMs(fn)) / 1000;

async function main() {
  const specs = process.argv.slice(2).length ? process.argv.slice(2) : ['64,16', '32,32', '16,64'];
  await useBackend('wasm');
  console.log(`tfjs ${tf.version.tfjs} on ${tf.getBackend()} (1 thread) against PyTorch (1 thread), load ${loadavg()[0].toFixed(1)}`);
  const ours = [];
  for (const spec of specs) {
    const [d, c] = spec.split(',').map(Number);
    const x = tf.randomNormal([1, d, d, d, c]) as tf.Tensor5D;
    const w = tf.randomNormal([3, 3, 3, c, c]) as tf.Tensor5D;
    const b = tf.zeros([c]) as tf.Tensor1D;
    const a = tf.randomNormal([d * d * d, 27 * c]) as tf.Tensor2D, m = tf.randomNormal([27 * c, c]) as tf.Tensor2D;
    const flops = conv3dFlops(x.shape, w.shape);
    ours.push({ d, c, conv: flops / (await seconds(() => conv3dImpls.depthSlices(x, w, b))) / 1e9, matmul: flops / (await seconds(() => tf.matMul(a, m))) / 1e9 });
    tf.dispose([x, w, b, a, m]);
  }
  const py = spawnSync('/usr/bin/python3', ['bench/conv_torch.py', ...specs], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`bench/conv_torch.py failed: ${py.stderr}`);
  const theirs = py.stdout.trim().split('\n').map((l) => JSON.parse(l) as { conv_gflops: number; matmul_gflops: number });
  ours.forEach((o, i) => {
    const t = theirs[i];
    console.log(`${o.d}^3 x ${o.c} -> ${o.c}: conv ${o.conv.toFixed(1)} GFLOP/s vs PyTorch ${t.conv_gflops.toFixed(1)} (ratio ${(t.conv_gflops / o.conv).toFixed(2)}); `
      + `matmul ${o.matmul.toFixed(1)} vs ${t.matmul_gflops.toFixed(1)} (ratio ${(t.matmul_gflops / o.matmul).toFixed(2)})`);
  });
  console.log(`load ${loadavg()[0].toFixed(1)} at the end`);
}

main();
