/**
 * 3-D FFT benchmark: our forward + inverse (src/core/fft3.ts) against numpy's pocketfft on
 * the same grid, measured in the same run, printed as a ratio (ours / numpy; < 2 is the target).
 *
 *   npm run bench:fft                 # 64^3, 128^3, 256^3, 240x300x240
 *   npm run bench:fft -- 96 128x128x64
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fft3, ifft3 } from '../src/core/fft3';
import type { Vec3 } from '../src/core/volume';

const PYTHON = '/usr/bin/python3';
const NUMPY_SCRIPT = fileURLToPath(new URL('./fft_numpy.py', import.meta.url));

function parseDims(arg: string): Vec3 {
  const parts = arg.split('x').map(Number);
  const d = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
  if (d.length !== 3 || d.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`bad size "${arg}" (use N or NXxNYxNZ)`);
  return d as Vec3;
}

function timeOurs(dims: Vec3, reps: number): { seconds: number; maxErr: number } {
  const n = dims[0] * dims[1] * dims[2];
  const re0 = new Float32Array(n), im0 = new Float32Array(n);
  for (let i = 0; i < n; i++) { re0[i] = Math.random() - 0.5; im0[i] = Math.random() - 0.5; }
  let best = Infinity, maxErr = 0;
  for (let r = 0; r < reps; r++) {
    const c = { re: re0.slice(), im: im0.slice(), dims };
    const t0 = performance.now();
    fft3(c);
    ifft3(c);
    best = Math.min(best, (performance.now() - t0) / 1000);
    maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(c.re[i] - re0[i]), Math.abs(c.im[i] - im0[i]));
  }
  return { seconds: best, maxErr };
}

function timeNumpy(dims: Vec3, reps: number): number {
  const out = execFileSync(PYTHON, [NUMPY_SCRIPT, ...dims.map(String), '--reps', String(reps)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string).seconds;
}

const args = process.argv.slice(2).filter((a) => a !== '--' && a !== 'fft');
const sizes = (args.length ? args : ['64', '128', '256', '240x300x240']).map(parseDims);
console.log('dims            ours[s]  numpy[s]  ratio  roundtrip-err');
for (const dims of sizes) {
  const big = dims[0] * dims[1] * dims[2] > 4e6;
  const reps = big ? 2 : 4;
  const ours = timeOurs(dims, reps);
  const np = timeNumpy(dims, reps);
  console.log(`${dims.join('x').padEnd(14)} ${ours.seconds.toFixed(3).padStart(8)} ${np.toFixed(3).padStart(9)} ${(ours.seconds / np).toFixed(2).padStart(6)}  ${ours.maxErr.toExponential(1)}`);
}
