/**
 * The anatomy example's susceptibility phantom on an acquisition grid: the 1 mm class map sampled at the requested
 * voxel size and FOV tilt with sub-voxel supersampling (smooth partial-volume boundaries), class chi with the iron
 * gradients of deep grey matter, a fine tissue texture and a smoother white-matter modulation, veins and small
 * lesions as tubes with partial volume (anatomyVeins.ts), a GRE-like magnitude with skull and scalp shells.
 * The grid is the brain's extent in the tilted axes plus a margin; axes and B0 follow phantomGeometry.ts.
 */
import { anatomyStats, type Anatomy, type AnatomyStats } from './anatomy';
import { ANATOMY_CLASSES, AnatomyClass, CLASS_COUNT, ECHO_TIME_S, R2_PER_PPM, VEIN_MAGNITUDE } from './anatomyClasses';
import { anatomyTubes, type Tube } from './anatomyVeins';
import { chamferDistance } from './chamferDistance';
import type { ExampleGeometry } from './phantomGeometry';
import { seededRng } from './phantomRandom';
import { checkAbort, type ProgressOptions } from './progress';
import { smoothNoise } from './smoothNoise';
import { makeVolume, type Mat4, type Vec3, type Volume } from './volume';

export interface AnatomyGrid extends ExampleGeometry {
  /** rotation (rows) whose columns are the voxel axes in world space */
  rotation: number[][];
  /** anatomy mm of the world origin (the brain's centre) */
  origin: Vec3;
  /** world position (mm, in the tilted axes) of voxel (0, 0, 0) */
  corner: Vec3;
}

export interface AnatomyPhantomOptions {
  voxelSize: Vec3;
  /** FOV tilt from B0 about the voxel x axis, degrees */
  tiltDeg: number;
  seed: number;
  /** margin around the brain, mm (default 6: room for the skull in the magnitude) */
  marginMm?: number;
  /** an axial slab of this thickness (mm) through the deep grey matter instead of the whole brain */
  slabMm?: number;
  /** std of the fine tissue texture, ppm (default 0.005) */
  textureStd?: number;
  /** a calcification and a microbleed (default true) */
  lesions?: boolean;
}

export interface AnatomyPhantom {
  chi: Volume;
  mask: Volume;
  magnitude: Volume;
  grid: AnatomyGrid;
  tubes: Tube[];
}

function rotationX(deg: number): number[][] {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [[1, 0, 0], [0, c, -s], [0, s, c]];
}

/**
 * The acquisition grid that holds the brain at `voxelSize`, tilted by `tiltDeg` about x, with `marginMm` around it.
 * With `slabMm` it is an oblique-axial slab of that thickness (no margin along the slice axis) centred between the
 * substantia nigra and the top of the caudate: the deep grey matter and the midbrain, the classic QSM slab.
 */
export function anatomyGrid(an: Anatomy, st: AnatomyStats, voxelSize: Vec3, tiltDeg: number, marginMm = 6, slabMm?: number): AnatomyGrid {
  const r = rotationX(tiltDeg);
  const origin: Vec3 = [0, 1, 2].map((a) => (st.brainMin[a] + st.brainMax[a]) / 2) as Vec3;
  const toQ = (p: Vec3, a: number) => r[0][a] * (p[0] - origin[0]) + r[1][a] * (p[1] - origin[1]) + r[2][a] * (p[2] - origin[2]);
  let slab: [number, number] | undefined;
  if (slabMm !== undefined) {
    const sn = st.extents[AnatomyClass.SubstantiaNigra];
    const cd = st.extents[AnatomyClass.Caudate];
    const z = sn.count && cd.count ? (sn.min[2] + cd.max[2]) / 2 : origin[2];
    const c = toQ([st.midline, origin[1], z], 2);
    slab = [c - slabMm / 2, c + slabMm / 2];
  }
  // the brain's extent in the tilted axes (q = R^T p), over the brain voxels (in the slab, when there is one)
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  const [nx, ny, nz] = an.dims;
  const p: Vec3 = [0, 0, 0];
  for (let k = 0, idx = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, idx++) {
        if (an.labels[idx] === AnatomyClass.Outside) continue;
        p[0] = i * an.voxelSize[0];
        p[1] = j * an.voxelSize[1];
        p[2] = k * an.voxelSize[2];
        const q2 = toQ(p, 2);
        if (slab && (q2 < slab[0] || q2 > slab[1])) continue;
        for (let a = 0; a < 3; a++) {
          const q = a === 2 ? q2 : toQ(p, a);
          if (q < lo[a]) lo[a] = q;
          if (q > hi[a]) hi[a] = q;
        }
      }
  // an even count per axis, centred on the brain (on the slab along z)
  const dims = [0, 1, 2].map((a) =>
    slab && a === 2 ? 2 * Math.max(1, Math.round(slabMm! / voxelSize[2] / 2)) : 2 * Math.ceil((hi[a] - lo[a] + 2 * marginMm) / voxelSize[a] / 2)) as Vec3;
  const mid = [0, 1, 2].map((a) => (slab && a === 2 ? (slab[0] + slab[1]) / 2 : (lo[a] + hi[a]) / 2));
  const corner = [0, 1, 2].map((a) => mid[a] - (voxelSize[a] * (dims[a] - 1)) / 2) as Vec3;
  const affine: Mat4 = new Array(16).fill(0);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) affine[4 * row + col] = r[row][col] * voxelSize[col];
    affine[4 * row + 3] = r[row][0] * corner[0] + r[row][1] * corner[1] + r[row][2] * corner[2];
  }
  affine[15] = 1;
  const b0Dir: Vec3 = [r[2][0], r[2][1], r[2][2]];
  return { dims, voxelSize: [...voxelSize] as Vec3, affine, b0Dir, tiltDeg: Math.abs(tiltDeg), rotation: r, origin, corner };
}

/** Anatomy mm of the point at continuous voxel index (x, y, z) of the grid. */
function toAnatomy(g: AnatomyGrid, x: number, y: number, z: number, out: Vec3): Vec3 {
  const q0 = g.corner[0] + x * g.voxelSize[0];
  const q1 = g.corner[1] + y * g.voxelSize[1];
  const q2 = g.corner[2] + z * g.voxelSize[2];
  const r = g.rotation;
  for (let a = 0; a < 3; a++) out[a] = r[a][0] * q0 + r[a][1] * q1 + r[a][2] * q2 + g.origin[a];
  return out;
}

/** Continuous voxel index of anatomy point p (mm) on the grid. */
function toGrid(g: AnatomyGrid, p: Vec3): Vec3 {
  const d = [p[0] - g.origin[0], p[1] - g.origin[1], p[2] - g.origin[2]];
  const r = g.rotation;
  return [0, 1, 2].map((a) => (r[0][a] * d[0] + r[1][a] * d[1] + r[2][a] * d[2] - g.corner[a]) / g.voxelSize[a]) as Vec3;
}

/** Per-class chi at anatomy point p: the class value plus its iron gradient across the class's extent. */
function classChi(st: AnatomyStats): (c: number, p: Vec3) => number {
  return (c, p) => {
    const props = ANATOMY_CLASSES[c as AnatomyClass];
    const g = props.gradient;
    if (!g) return props.chi;
    const e = st.extents[c];
    let t: number;
    if (g.axis === 'medial') t = 1 - (Math.abs(p[0] - st.midline) - e.medial[0]) / (e.medial[1] - e.medial[0] || 1);
    else {
      const a = g.axis === 'y' ? 1 : 2;
      t = (p[a] - e.min[a]) / (e.max[a] - e.min[a] || 1);
    }
    return props.chi + g.amount * (Math.min(1, Math.max(0, t)) - 0.5);
  };
}

function distanceToSegment(p: Vec3, t: Tube): number {
  const ab = [t.b[0] - t.a[0], t.b[1] - t.a[1], t.b[2] - t.a[2]];
  const ap = [p[0] - t.a[0], p[1] - t.a[1], p[2] - t.a[2]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
  const s = len2 > 0 ? Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2)) : 0;
  return Math.hypot(ap[0] - s * ab[0], ap[1] - s * ab[1], ap[2] - s * ab[2]);
}

/** Each voxel's largest tube coverage (0..1, a linear partial-volume ramp one voxel wide) and that tube's index. */
function rasterTubes(g: AnatomyGrid, tubes: Tube[]): { cover: Float32Array; which: Int32Array } {
  const [nx, ny, nz] = g.dims;
  const cover = new Float32Array(nx * ny * nz);
  const which = new Int32Array(nx * ny * nz).fill(-1);
  const vox = (g.voxelSize[0] + g.voxelSize[1] + g.voxelSize[2]) / 3;
  const p: Vec3 = [0, 0, 0];
  tubes.forEach((t, ti) => {
    const ga = toGrid(g, t.a);
    const gb = toGrid(g, t.b);
    const lo = [0, 1, 2].map((a) => Math.max(0, Math.floor(Math.min(ga[a], gb[a]) - (t.radius + vox) / g.voxelSize[a])));
    const hi = [0, 1, 2].map((a) => Math.min(g.dims[a] - 1, Math.ceil(Math.max(ga[a], gb[a]) + (t.radius + vox) / g.voxelSize[a])));
    for (let k = lo[2]; k <= hi[2]; k++)
      for (let j = lo[1]; j <= hi[1]; j++)
        for (let i = lo[0]; i <= hi[0]; i++) {
          const f = Math.min(1, Math.max(0, (t.radius + 0.5 * vox - distanceToSegment(toAnatomy(g, i, j, k, p), t)) / vox));
          const idx = i + nx * (j + ny * k);
          if (f > cover[idx]) {
            cover[idx] = f;
            which[idx] = ti;
          }
        }
  });
  return { cover, which };
}

export function anatomyPhantom(an: Anatomy, o: AnatomyPhantomOptions, opts: ProgressOptions = {}): AnatomyPhantom {
  const st = anatomyStats(an);
  const g = anatomyGrid(an, st, o.voxelSize, o.tiltDeg, o.marginMm ?? 6, o.slabMm);
  const [nx, ny, nz] = g.dims;
  const n = nx * ny * nz;
  const rng = seededRng(o.seed);
  const chiOf = classChi(st);
  // sub-samples per axis: spacing at most ~0.8 mm, so the 1 mm classes give smooth partial volumes
  const sub = g.voxelSize.map((v) => Math.max(2, Math.ceil(v / 0.8)));
  const samples = sub[0] * sub[1] * sub[2];
  const chi = new Float32Array(n);
  const brain = new Float32Array(n);
  const textured = new Float32Array(n);
  const white = new Float32Array(n);
  const mag = new Float32Array(n);
  const [ax, ay, az] = an.dims;
  const [dx, dy, dz] = an.voxelSize;
  // per-class constants, flat for the inner loop
  const cls = Array.from({ length: CLASS_COUNT }, (_, c) => {
    const props = ANATOMY_CLASSES[c as AnatomyClass];
    const e = st.extents[c];
    const gr = props.gradient;
    const white = c === AnatomyClass.WhiteMatter || c === AnatomyClass.CerebellarWM || c === AnatomyClass.BrainStem;
    return { props, e, gr, white, mag: props.pd * Math.exp(-ECHO_TIME_S * (props.r2 + R2_PER_PPM * Math.max(0, props.chi))) };
  });
  // anatomy voxel index of a grid point: base + i*ex + j*ey + k*ez (the rotation and both voxel sizes folded in)
  const r = g.rotation;
  const axisStep = (a: number): Vec3 => [(r[0][a] * g.voxelSize[a]) / dx, (r[1][a] * g.voxelSize[a]) / dy, (r[2][a] * g.voxelSize[a]) / dz];
  const [ex, ey, ez] = [axisStep(0), axisStep(1), axisStep(2)];
  const base = toAnatomy(g, 0, 0, 0, [0, 0, 0]);
  base[0] /= dx;
  base[1] /= dy;
  base[2] /= dz;
  const offsets: Vec3[] = [];
  for (let c = 0; c < sub[2]; c++)
    for (let b = 0; b < sub[1]; b++)
      for (let a = 0; a < sub[0]; a++) {
        const u = (a + 0.5) / sub[0] - 0.5;
        const v = (b + 0.5) / sub[1] - 0.5;
        const w = (c + 0.5) / sub[2] - 0.5;
        offsets.push([u * ex[0] + v * ey[0] + w * ez[0], u * ex[1] + v * ey[1] + w * ez[1], u * ex[2] + v * ey[2] + w * ez[2]]);
      }
  const p: Vec3 = [0, 0, 0];
  for (let k = 0; k < nz; k++) {
    if (k % 8 === 0) checkAbort(opts);
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        const cx = base[0] + i * ex[0] + j * ey[0] + k * ez[0];
        const cy = base[1] + i * ex[1] + j * ey[1] + k * ez[1];
        const cz = base[2] + i * ex[2] + j * ey[2] + k * ez[2];
        let sChi = 0;
        let sBrain = 0;
        let sTex = 0;
        let sWhite = 0;
        let sMag = 0;
        for (const o of offsets) {
          const fx = cx + o[0];
          const fy = cy + o[1];
          const fz = cz + o[2];
          const ii = Math.round(fx);
          const jj = Math.round(fy);
          const kk = Math.round(fz);
          if (ii < 0 || jj < 0 || kk < 0 || ii >= ax || jj >= ay || kk >= az) continue;
          const code = an.labels[ii + ax * (jj + ay * kk)];
          if (code === AnatomyClass.Outside || code >= CLASS_COUNT) continue;
          const c = cls[code];
          sBrain += 1;
          sTex += c.props.texture;
          if (c.white) sWhite += 1;
          if (!c.gr) {
            sChi += c.props.chi;
            sMag += c.mag;
            continue;
          }
          p[0] = fx * dx;
          p[1] = fy * dy;
          p[2] = fz * dz;
          const x = chiOf(code, p);
          sChi += x;
          sMag += c.props.pd * Math.exp(-ECHO_TIME_S * (c.props.r2 + R2_PER_PPM * Math.max(0, x)));
        }
        chi[idx] = sChi / samples;
        brain[idx] = sBrain / samples;
        textured[idx] = sTex / samples;
        white[idx] = sWhite / samples;
        mag[idx] = sMag / samples;
      }
  }
  opts.onProgress?.(0.4, 1, 'phantom: texture');
  // fine texture in every tissue but CSF, a smoother modulation of white matter (tract-like variations)
  const fine = smoothNoise(g.dims, g.voxelSize, 1.2, rng);
  checkAbort(opts);
  const coarse = smoothNoise(g.dims, g.voxelSize, 5, rng);
  checkAbort(opts);
  const texStd = o.textureStd ?? 0.005;
  for (let i = 0; i < n; i++) {
    chi[i] += texStd * textured[i] * fine[i] + 0.008 * white[i] * coarse[i];
    mag[i] *= 1 + 0.05 * textured[i] * fine[i];
  }
  opts.onProgress?.(0.6, 1, 'phantom: veins');
  const tubes = anatomyTubes(an, st, rng, { lesions: o.lesions });
  const { cover, which } = rasterTubes(g, tubes);
  const mask = new Float32Array(n);
  const inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (brain[i] < 0.5) {
      chi[i] = 0;
      continue;
    }
    mask[i] = 1;
    inside[i] = 1;
    const f = cover[i];
    if (f > 0) {
      const t = tubes[which[i]];
      chi[i] = (1 - f) * chi[i] + f * t.chi;
      // veins and bleeds are dark in GRE magnitude; a calcification too
      mag[i] = (1 - f) * mag[i] + f * VEIN_MAGNITUDE;
    }
  }
  opts.onProgress?.(0.8, 1, 'phantom: magnitude');
  // outside the brain: a thin CSF/dura rim, the skull (dark) and the scalp (bright), by distance from the brain
  const dist = chamferDistance(inside, g.dims, g.voxelSize);
  const centre = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const mrng = seededRng(o.seed + 1000);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        let m = mag[idx];
        if (!inside[idx]) {
          const d = dist[idx];
          const shell = d <= 1.5 ? 0.45 : d <= 6 ? 0.05 : d <= 12 ? 0.6 : 0;
          m = brain[idx] * m + (1 - brain[idx]) * shell;
        }
        // receive-coil shading: brighter towards the head's surface
        const r2 = ((i - centre[0]) / nx) ** 2 + ((j - centre[1]) / ny) ** 2 + ((k - centre[2]) / nz) ** 2;
        mag[idx] = Math.abs(m * (0.85 + 1.2 * r2) + 0.008 * mrng.normal());
      }
  opts.onProgress?.(1, 1, 'phantom: done');
  const vol = (data: Float32Array) => makeVolume(g.dims, g.voxelSize, g.affine, data);
  return { chi: vol(chi), mask: vol(mask), magnitude: vol(mag), grid: g, tubes };
}
