/**
 * A brain-like susceptibility phantom, generated in a few hundred milliseconds so the workbench can show a
 * reconstruction on a first visit without any data. Geometry is defined in normalised coordinates of the field
 * of view (u in [-1, 1] along each voxel axis: x left->right, y posterior->anterior, z inferior->superior), so the
 * same brain appears at any matrix or voxel size; anisotropic voxels keep the FOV roughly cubic (phantomGeometry).
 */
import { seededRng, type Rng } from './phantomRandom';
import { SCALP_MAGNITUDE, SKULL_MAGNITUDE, TISSUES, Tissue } from './phantomTissues';
import { makeVolume, voxelCount, type Mat4, type Vec3, type Volume } from './volume';

export interface PhantomOptions {
  dims: Vec3;
  voxelSize: Vec3;
  affine?: Mat4;
  seed?: number;
  /** standard deviation (ppm) of the smooth within-tissue texture; default 0.004 */
  textureStd?: number;
}

export interface BrainPhantom {
  /** ppm, zero outside the brain */
  chi: Volume;
  /** 1 inside the brain, 0 elsewhere */
  mask: Volume;
  /** GRE-like magnitude with scalp and skull, for display */
  magnitude: Volume;
  /** Tissue class per voxel */
  labels: Uint8Array;
}

interface Ellipsoid { centre: Vec3; radii: Vec3; tissue: Tissue }
interface Segment { a: Vec3; b: Vec3; radius: number }

const BRAIN: Omit<Ellipsoid, 'tissue'> = { centre: [0, 0, 0.02], radii: [0.7, 0.86, 0.66] };
const HEAD_RADII: Vec3 = [0.84, 0.97, 0.8];
const SKULL_THICKNESS = 0.06;
const CORTEX_THICKNESS = 0.13;

/** Paired deep structures, mirrored in x; painted in this order, so later ones win where they touch. */
const DEEP: Ellipsoid[] = [
  { centre: [0.1, -0.16, 0.06], radii: [0.08, 0.13, 0.08], tissue: Tissue.Thalamus },
  { centre: [0.29, 0.06, 0.0], radii: [0.055, 0.17, 0.1], tissue: Tissue.Putamen },
  { centre: [0.205, 0.03, -0.01], radii: [0.04, 0.09, 0.06], tissue: Tissue.Pallidum },
  { centre: [0.16, 0.17, 0.13], radii: [0.05, 0.11, 0.08], tissue: Tissue.Caudate },
  { centre: [0.055, -0.2, -0.17], radii: [0.04, 0.04, 0.04], tissue: Tissue.RedNucleus },
  { centre: [0.11, -0.15, -0.24], radii: [0.035, 0.07, 0.03], tissue: Tissue.SubstantiaNigra },
];
const VENTRICLES: Ellipsoid[] = [
  { centre: [0.08, 0.0, 0.2], radii: [0.055, 0.3, 0.075], tissue: Tissue.Csf },
  { centre: [0.0, -0.1, 0.02], radii: [0.015, 0.12, 0.08], tissue: Tissue.Csf },
];

function mirrored(list: Ellipsoid[]): Ellipsoid[] {
  return list.flatMap((e) => (e.centre[0] === 0 ? [e] : [e, { ...e, centre: [-e.centre[0], e.centre[1], e.centre[2]] as Vec3 }]));
}

function inside(u: Vec3, e: Pick<Ellipsoid, 'centre' | 'radii'>, scale = 1): boolean {
  const x = (u[0] - e.centre[0]) / (e.radii[0] * scale);
  const y = (u[1] - e.centre[1]) / (e.radii[1] * scale);
  const z = (u[2] - e.centre[2]) / (e.radii[2] * scale);
  return x * x + y * y + z * z <= 1;
}

function distanceToSegment(u: Vec3, s: Segment): number {
  const ab = [s.b[0] - s.a[0], s.b[1] - s.a[1], s.b[2] - s.a[2]];
  const au = [u[0] - s.a[0], u[1] - s.a[1], u[2] - s.a[2]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
  const t = Math.max(0, Math.min(1, (au[0] * ab[0] + au[1] * ab[1] + au[2] * ab[2]) / len2));
  return Math.hypot(au[0] - t * ab[0], au[1] - t * ab[1], au[2] - t * ab[2]);
}

/** Superior sagittal sinus along the brain's midline vault, a straight sinus, and a few medullary veins. */
function veins(rng: Rng, minRadius: number): Segment[] {
  const out: Segment[] = [];
  const sss: Vec3[] = [];
  for (let a = 0.15; a <= Math.PI - 0.35; a += 0.25) {
    sss.push([0, BRAIN.radii[1] * 0.97 * Math.cos(a), BRAIN.centre[2] + BRAIN.radii[2] * 0.95 * Math.sin(a)]);
  }
  for (let i = 1; i < sss.length; i++) out.push({ a: sss[i - 1], b: sss[i], radius: Math.max(0.035, minRadius) });
  out.push({ a: [0, -0.35, 0.08], b: [0, -0.78, 0.3], radius: Math.max(0.025, minRadius) });
  for (let v = 0; v < 6; v++) {
    const side = v % 2 === 0 ? 1 : -1;
    const a: Vec3 = [side * (0.2 + 0.2 * rng.next()), -0.5 + rng.next(), 0.15 + 0.25 * rng.next()];
    const dir = [side * (0.5 + rng.next()), rng.next() - 0.5, 0.6 + rng.next()];
    const n = Math.hypot(dir[0], dir[1], dir[2]);
    const len = 0.12 + 0.1 * rng.next();
    const b: Vec3 = [a[0] + (len * dir[0]) / n, a[1] + (len * dir[1]) / n, a[2] + (len * dir[2]) / n];
    out.push({ a, b, radius: Math.max(0.018, minRadius) });
  }
  return out;
}

/** Smooth texture: a sum of random plane waves of 2-6 cycles per FOV, scaled to the requested std. */
function textureField(rng: Rng, std: number): (u: Vec3) => number {
  const waves = Array.from({ length: 8 }, () => {
    const k = [rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(k[0], k[1], k[2]);
    const cycles = 2 + 4 * rng.next();
    return { k: k.map((x) => (Math.PI * cycles * x) / n), phase: 2 * Math.PI * rng.next() };
  });
  // a sum of m unit cosines with random phases has variance m/2
  const amp = std / Math.sqrt(waves.length / 2);
  return (u) => {
    let s = 0;
    for (const w of waves) s += Math.cos(w.k[0] * u[0] + w.k[1] * u[1] + w.k[2] * u[2] + w.phase);
    return amp * s;
  };
}

/** Cortical folding: the grey/white boundary moves in and out with direction, like gyri and sulci. */
function gyralDepth(u: Vec3): number {
  const x = (u[0] - BRAIN.centre[0]) / BRAIN.radii[0];
  const y = (u[1] - BRAIN.centre[1]) / BRAIN.radii[1];
  const z = (u[2] - BRAIN.centre[2]) / BRAIN.radii[2];
  const theta = Math.atan2(y, x);
  const phi = Math.atan2(z, Math.hypot(x, y));
  return 0.06 * Math.sin(7 * theta) * Math.sin(5 * phi);
}

function classify(u: Vec3, deep: Ellipsoid[], ventricles: Ellipsoid[], vessels: Segment[]): Tissue {
  const bx = (u[0] - BRAIN.centre[0]) / BRAIN.radii[0];
  const by = (u[1] - BRAIN.centre[1]) / BRAIN.radii[1];
  const bz = (u[2] - BRAIN.centre[2]) / BRAIN.radii[2];
  const r = Math.sqrt(bx * bx + by * by + bz * bz);
  if (r > 1) return Tissue.Background;
  for (const s of vessels) if (distanceToSegment(u, s) <= s.radius) return Tissue.Vein;
  // interhemispheric fissure: a thin CSF sheet in the upper half
  if (Math.abs(u[0]) < 0.018 && bz > 0.35 && r > 0.6) return Tissue.Csf;
  if (r > 1 - CORTEX_THICKNESS + gyralDepth(u)) return Tissue.Cortex;
  let tissue = Tissue.WhiteMatter;
  for (const e of deep) if (inside(u, e)) tissue = e.tissue;
  for (const e of ventricles) if (inside(u, e)) tissue = Tissue.Csf;
  return tissue;
}

export function brainPhantom(opts: PhantomOptions): BrainPhantom {
  const { dims, voxelSize } = opts;
  const rng = seededRng(opts.seed ?? 1);
  const deep = mirrored(DEEP);
  const ventricles = mirrored(VENTRICLES);
  // a vein should be at least ~0.7 voxel thick in every direction to survive the sampling
  const voxelNorm = Math.max(2 / dims[0], 2 / dims[1], 2 / dims[2]);
  const vessels = veins(rng, 0.7 * voxelNorm);
  const texture = textureField(rng, opts.textureStd ?? 0.004);

  const n = voxelCount(dims);
  const chi = new Float32Array(n);
  const mask = new Float32Array(n);
  const magnitude = new Float32Array(n);
  const labels = new Uint8Array(n);
  const u: Vec3 = [0, 0, 0];
  for (let k = 0; k < dims[2]; k++) {
    u[2] = (2 * k + 1) / dims[2] - 1;
    for (let j = 0; j < dims[1]; j++) {
      u[1] = (2 * j + 1) / dims[1] - 1;
      for (let i = 0; i < dims[0]; i++) {
        u[0] = (2 * i + 1) / dims[0] - 1;
        const idx = i + dims[0] * (j + dims[1] * k);
        const tissue = classify(u, deep, ventricles, vessels);
        labels[idx] = tissue;
        if (tissue === Tissue.Background) {
          if (inside(u, { centre: BRAIN.centre, radii: HEAD_RADII })) {
            const scalp = !inside(u, { centre: BRAIN.centre, radii: HEAD_RADII }, 1 - SKULL_THICKNESS);
            magnitude[idx] = scalp ? SCALP_MAGNITUDE : SKULL_MAGNITUDE;
          }
          continue;
        }
        mask[idx] = 1;
        const t = TISSUES[tissue];
        const tex = tissue === Tissue.Csf ? 0 : texture(u);
        chi[idx] = t.chi + tex;
        magnitude[idx] = t.magnitude * (1 + 2 * tex);
      }
    }
  }
  const vol = (data: Float32Array) => makeVolume(dims, voxelSize, opts.affine, data);
  return { chi: vol(chi), mask: vol(mask), magnitude: vol(magnitude), labels };
}
