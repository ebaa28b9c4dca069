/**
 * 3-D FFT benchmark: our forward + inverse against numpy's pocketfft on the same grid, measured in
 * the same run, printed as ratios (ours / numpy; < 2 is the target): complex fft3/ifft3 vs
 * fftn/ifftn on complex64, and real-input rfft3/irfft3 (what the dipole operations use) vs rfftn/irfftn.
 *
 *   npm run bench:fft                 # 64^3, 128^3, 256^3, 240x300x240
 *   npm run bench:fft -- 96 128x128x64
 *   npm run bench:fft -- --dipole     # acceptance: forward + TKD on brain-sized volumes (seconds)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fft3, ifft3 } from '../src/core/fft3';
import { irfft3, rfft3 } from '../src/core/rfft3';
import { forwardField } from '../src/core/forwardModel';
import { paddedDims } from '../src/core/padding';
import { tkd } from '../src/core/tkd';
import { makeVolume, type Vec3 } from '../src/core/volume';

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

function timeOursReal(dims: Vec3, reps: number): { seconds: number; maxErr: number } {
  const n = dims[0] * dims[1] * dims[2];
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() - 0.5;
  let best = Infinity, maxErr = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const y = irfft3(rfft3(x, dims));
    best = Math.min(best, (performance.now() - t0) / 1000);
    maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - x[i]));
  }
  return { seconds: best, maxErr };
}

function timeNumpy(dims: Vec3, reps: number, real: boolean): number {
  const args = [NUMPY_SCRIPT, ...dims.map(String), '--reps', String(reps), ...(real ? ['--real'] : [])];
  const out = execFileSync(PYTHON, args, { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string).seconds;
}

/** Forward model then TKD on a brain-sized grid; a smooth blob phantom (timing does not depend on content). */
function timeDipole(dims: Vec3, voxelSize: Vec3, tiltDeg: number): void {
  const chi = makeVolume(dims, voxelSize);
  const [nx, ny, nz] = dims;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const r2 = ((x - nx / 2) / (nx / 3)) ** 2 + ((y - ny / 2) / (ny / 3)) ** 2 + ((z - nz / 2) / (nz / 3)) ** 2;
    chi.data[x + nx * (y + ny * z)] = r2 < 1 ? 0.05 * Math.cos(x / 5) * Math.sin(y / 7) : 0;
  }
  const t = (tiltDeg * Math.PI) / 180;
  const b0: Vec3 = [0, Math.sin(t), Math.cos(t)];
  // CPU time next to wall time: the machine is shared, and CPU time is what contention hides least.
  const cpu = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6).toFixed(2);
  const c0 = process.cpuUsage(), t0 = performance.now();
  const field = forwardField(chi, b0);
  const c1 = process.cpuUsage(), t1 = performance.now();
  tkd(field, b0);
  const c2 = process.cpuUsage(), t2 = performance.now();
  const s = (a: number, b: number) => ((b - a) / 1000).toFixed(2);
  console.log(`${dims.join('x')} @ ${voxelSize.join('x')} mm, tilt ${tiltDeg} deg (padded ${paddedDims(dims).join('x')}): ` +
    `forward ${s(t0, t1)} s wall / ${cpu({ user: c1.user - c0.user, system: c1.system - c0.system })} s cpu, ` +
    `TKD ${s(t1, t2)} s wall / ${cpu({ user: c2.user - c1.user, system: c2.system - c1.system })} s cpu`);
}

const args = process.argv.slice(2).filter((a) => a !== '--' && a !== 'fft');
if (args.includes('--dipole')) {
  timeDipole([160, 200, 160], [1, 1, 1], 0);
  timeDipole([160, 200, 100], [1, 1, 1.6], 25);
} else {
  const sizes = (args.length ? args : ['64', '128', '256', '240x300x240']).map(parseDims);
  console.log('forward+inverse, best of N   complex: ours[s] numpy[s] ratio   real: ours[s] numpy[s] ratio   max round-trip err');
  for (const dims of sizes) {
    const big = dims[0] * dims[1] * dims[2] > 4e6;
    const reps = big ? 2 : 4;
    const c = timeOurs(dims, reps), cn = timeNumpy(dims, reps, false);
    const r = timeOursReal(dims, reps), rn = timeNumpy(dims, reps, true);
    const f = (v: number) => v.toFixed(3).padStart(8);
    console.log(`${dims.join('x').padEnd(28)} ${f(c.seconds)} ${f(cn)} ${(c.seconds / cn).toFixed(2).padStart(6)}   ${f(r.seconds)} ${f(rn)} ${(r.seconds / rn).toFixed(2).padStart(6)}   ${Math.max(c.maxErr, r.maxErr).toExponential(1)}`);
  }
}
