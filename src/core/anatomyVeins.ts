/**
 * Veins, a calcification and a microbleed for the anatomy example, as tubes (segments with a radius; a sphere is a
 * segment of zero length) in anatomy mm, placed from the anatomy's classes with a seeded generator:
 *  - internal cerebral veins over the thalami, joining in the great vein of Galen behind them,
 *  - thalamostriate veins in the groove between caudate and thalamus,
 *  - medullary veins running out from the lateral ventricles through the white matter,
 *  - superficial cortical veins along the brain's convexity,
 *  - a diamagnetic calcification in the choroid plexus and a paramagnetic microbleed in frontal white matter.
 * Venous chi 0.3-0.45 ppm (deoxygenated blood; Wang & Liu MRM 2015).
 */
import { classAt, type Anatomy, type AnatomyStats } from './anatomy';
import { AnatomyClass, CALCIFICATION_CHI, MICROBLEED_CHI, VEIN_CHI } from './anatomyClasses';
import type { Rng } from './phantomRandom';
import type { Vec3 } from './volume';

export interface Tube {
  a: Vec3;
  b: Vec3;
  /** mm */
  radius: number;
  /** ppm */
  chi: number;
  kind: 'vein' | 'calcification' | 'microbleed';
}

const add = (p: Vec3, d: Vec3, s: number): Vec3 => [p[0] + s * d[0], p[1] + s * d[1], p[2] + s * d[2]];
const norm = (d: Vec3): Vec3 => {
  const n = Math.hypot(d[0], d[1], d[2]) || 1;
  return [d[0] / n, d[1] / n, d[2] / n];
};

function veinChi(rng: Rng): number {
  return VEIN_CHI[0] + (VEIN_CHI[1] - VEIN_CHI[0]) * rng.next();
}

/** Deep veins from the thalami's extent on each side. */
function deepVeins(st: AnatomyStats, rng: Rng): Tube[] {
  const t = st.extents[AnatomyClass.Thalamus];
  if (!t.count) return [];
  const mid = st.midline;
  const top = t.max[2];
  const out: Tube[] = [];
  const galenStart: Vec3 = [mid, t.min[1] - 3, top - 4];
  const galenEnd: Vec3 = [mid, t.min[1] - 12, top + 2];
  out.push({ a: galenStart, b: galenEnd, radius: 1.8, chi: veinChi(rng), kind: 'vein' });
  for (const s of [-1, 1]) {
    const monro: Vec3 = [mid + 2.5 * s, t.max[1] - 4, top - 3];
    const back: Vec3 = [mid + 2 * s, t.min[1] + 3, top - 3];
    out.push({ a: monro, b: back, radius: 1.1, chi: veinChi(rng), kind: 'vein' });
    out.push({ a: back, b: galenStart, radius: 1.2, chi: veinChi(rng), kind: 'vein' });
    const groove: Vec3 = [mid + s * (t.medial[1] - 3), (t.min[1] + t.max[1]) / 2 - 6, top];
    out.push({ a: groove, b: monro, radius: 0.8, chi: veinChi(rng), kind: 'vein' });
  }
  return out;
}

/** Medullary veins: from the walls of the lateral ventricles above the thalami, out through white matter. */
function medullaryVeins(an: Anatomy, st: AnatomyStats, rng: Rng, count: number): Tube[] {
  const t = st.extents[AnatomyClass.Thalamus];
  const zMin = t.count ? t.max[2] : (st.brainMin[2] + st.brainMax[2]) / 2;
  const [nx, ny, nz] = an.dims;
  const seeds: Vec3[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (an.labels[i + nx * (j + ny * k)] !== AnatomyClass.Csf) continue;
        const p: Vec3 = [i * an.voxelSize[0], j * an.voxelSize[1], k * an.voxelSize[2]];
        if (p[2] < zMin || Math.abs(p[0] - st.midline) < 4) continue;
        // a ventricle wall: white matter 2 mm further from the midline
        if (classAt(an, [p[0] + 2 * Math.sign(p[0] - st.midline), p[1], p[2]]) !== AnatomyClass.WhiteMatter) continue;
        // not sulcal CSF: the ventricles lie deep, far from the brain's lateral surface
        if (Math.abs(p[0] - st.midline) > 30) continue;
        seeds.push(p);
      }
  const out: Tube[] = [];
  for (let tries = 0; tries < 6 * count && out.length < count && seeds.length; tries++) {
    const p0 = seeds[Math.floor(rng.next() * seeds.length)];
    const dir = norm([Math.sign(p0[0] - st.midline) * (0.6 + 0.6 * rng.next()), 0.5 * (rng.next() - 0.5), 0.3 + 0.7 * rng.next()]);
    let start: Vec3 | undefined;
    let p = p0;
    let len = 0;
    for (let step = 0; step < 60; step++) {
      p = add(p, dir, 1);
      const c = classAt(an, p);
      if (!start) {
        if (c === AnatomyClass.WhiteMatter) start = p;
        else if (c !== AnatomyClass.Csf) break;
        continue;
      }
      if (c !== AnatomyClass.WhiteMatter) break;
      len += 1;
    }
    if (!start || len < 10) continue;
    out.push({ a: start, b: add(start, dir, len), radius: 0.55 + 0.25 * rng.next(), chi: veinChi(rng), kind: 'vein' });
  }
  return out;
}

/** The outermost brain point on the ray from the brain centre through p, moved `depth` mm back inside. */
function onSurface(an: Anatomy, centre: Vec3, p: Vec3, depth: number): Vec3 | undefined {
  const d = norm([p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]]);
  let last: number | undefined;
  for (let r = 20; r < 120; r += 0.5) if (classAt(an, add(centre, d, r)) !== AnatomyClass.Outside) last = r;
  return last === undefined ? undefined : add(centre, d, last - depth);
}

/** Superficial veins: short random walks that hug the upper convexity, in the CSF and cortex under its surface. */
function corticalVeins(an: Anatomy, st: AnatomyStats, rng: Rng, count: number): Tube[] {
  const centre: Vec3 = [st.midline, (st.brainMin[1] + st.brainMax[1]) / 2, (st.brainMin[2] + st.brainMax[2]) / 2];
  const half: Vec3 = [(st.brainMax[0] - st.brainMin[0]) / 2, (st.brainMax[1] - st.brainMin[1]) / 2, (st.brainMax[2] - st.brainMin[2]) / 2];
  const out: Tube[] = [];
  for (let v = 0; v < count; v++) {
    // a start on the upper two thirds of the convexity
    const az = 2 * Math.PI * rng.next();
    const el = 0.15 + 1.2 * rng.next();
    let p = onSurface(an, centre, [centre[0] + half[0] * Math.cos(az) * Math.cos(el), centre[1] + half[1] * Math.sin(az) * Math.cos(el), centre[2] + half[2] * Math.sin(el)], 1.5);
    if (!p) continue;
    const radius = 0.8 + 0.5 * rng.next();
    const chi = veinChi(rng);
    let heading = norm([rng.normal(), rng.normal(), 0.3 * rng.normal()]);
    for (let s = 0; s < 5; s++) {
      const q = onSurface(an, centre, add(p, heading, 9), 1.5);
      if (!q) break;
      out.push({ a: p, b: q, radius, chi, kind: 'vein' });
      heading = norm(add(heading, [rng.normal(), rng.normal(), 0.3 * rng.normal()], 0.5));
      p = q;
    }
  }
  return out;
}

/** A calcification in the left choroid plexus and a microbleed in right frontal white matter. */
function lesions(an: Anatomy, st: AnatomyStats, rng: Rng): Tube[] {
  const out: Tube[] = [];
  const [nx, ny, nz] = an.dims;
  const cp: Vec3 = [0, 0, 0];
  let n = 0;
  const wm: Vec3[] = [];
  const yFront = st.brainMin[1] + 0.7 * (st.brainMax[1] - st.brainMin[1]);
  const zLo = st.brainMin[2] + 0.45 * (st.brainMax[2] - st.brainMin[2]);
  const zHi = st.brainMin[2] + 0.75 * (st.brainMax[2] - st.brainMin[2]);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = an.labels[i + nx * (j + ny * k)];
        const p: Vec3 = [i * an.voxelSize[0], j * an.voxelSize[1], k * an.voxelSize[2]];
        if (c === AnatomyClass.ChoroidPlexus && p[0] < st.midline) {
          for (let a = 0; a < 3; a++) cp[a] += p[a];
          n++;
        }
        if (c === AnatomyClass.WhiteMatter && p[0] > st.midline + 15 && p[1] > yFront && p[2] > zLo && p[2] < zHi && (i + j + k) % 7 === 0) wm.push(p);
      }
  if (n) {
    const c: Vec3 = [cp[0] / n, cp[1] / n, cp[2] / n];
    out.push({ a: c, b: c, radius: 2, chi: CALCIFICATION_CHI, kind: 'calcification' });
  }
  // a white-matter point with white matter all around it (3 mm), so the bleed sits inside the tissue
  for (let tries = 0; tries < 200 && wm.length; tries++) {
    const p = wm[Math.floor(rng.next() * wm.length)];
    const around = [[3, 0, 0], [-3, 0, 0], [0, 3, 0], [0, -3, 0], [0, 0, 3], [0, 0, -3]] as Vec3[];
    if (around.every((d) => classAt(an, add(p, d, 1)) === AnatomyClass.WhiteMatter)) {
      out.push({ a: p, b: p, radius: 1.5, chi: MICROBLEED_CHI, kind: 'microbleed' });
      break;
    }
  }
  return out;
}

export interface TubeOptions {
  medullary?: number;
  cortical?: number;
  lesions?: boolean;
}

export function anatomyTubes(an: Anatomy, st: AnatomyStats, rng: Rng, o: TubeOptions = {}): Tube[] {
  return [
    ...deepVeins(st, rng),
    ...medullaryVeins(an, st, rng, o.medullary ?? 40),
    ...corticalVeins(an, st, rng, o.cortical ?? 16),
    ...(o.lesions === false ? [] : lesions(an, st, rng)),
  ];
}
