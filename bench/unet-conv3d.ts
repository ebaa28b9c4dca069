/**
 * GFLOP/s of each 3x3x3 convolution implementation on each Node backend (wasm, cpu), on U-Net-like
 * layer shapes. Run: npx tsx bench/unet-conv3d.ts [wasm,cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dImpls, conv3dFlops, type Conv3dImplName } from '../src/model/conv3d';
import { useBackend } from '../src/model/testUtils';
import type { BackendName } from '../src/model/startBackend';
import { meanMs } from './tensorTiming';

type Shape5 = [number, number, number, number, number];
const layers: { name: string; x: Shape5; w: Shape5 }[] = [
  { name: 'enc0.conv2 32^3 16->16', x: [1, 32, 32, 32, 16], w: [3, 3, 3, 16, 16] },
  { name: 'enc1.conv2 16^3 32->32', x: [1, 16, 16, 16, 32], w: [3, 3, 3, 32, 32] },
  { name: 'enc2.conv2  8^3 64->64', x: [1, 8, 8, 8, 64], w: [3, 3, 3, 64, 64] },
];

async function main() {
  const backends = (process.argv[2] ?? 'wasm,cpu').split(',') as BackendName[];
  for (const backend of backends) {
    await useBackend(backend);
    for (const layer of layers) {
      const x = tf.randomNormal(layer.x) as tf.Tensor5D;
      const w = tf.randomNormal(layer.w) as tf.Tensor5D;
      const b = tf.randomNormal([layer.w[4]]) as tf.Tensor1D;
      const flops = conv3dFlops(layer.x, layer.w);
      for (const impl of Object.keys(conv3dImpls) as Conv3dImplName[]) {
        // the stock cpu conv3d takes many seconds per call on the bigger layers: time it once
        const ms = await meanMs(() => conv3dImpls[impl](x, w, b), backend === 'cpu' ? 0 : 1500);
        console.log(`${backend.padEnd(5)} ${layer.name.padEnd(24)} ${impl.padEnd(13)} ${(flops / ms / 1e6).toFixed(2).padStart(7)} GFLOP/s  (${ms.toFixed(1)} ms)`);
      }
      tf.dispose([x, w, b]);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
