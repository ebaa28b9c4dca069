/**
 * The tissue classes of the bundled example anatomy (public/example/fs_anatomy_labels.nii.gz, made by
 * scripts/make_example_anatomy.py, which holds the same codes) and their susceptibility and GRE properties.
 *
 * chi (ppm, relative to CSF) in the ranges of in-vivo QSM at 3 T (Deistung et al. NeuroImage 2013; Lim et al.
 * NeuroImage 2013; Li et al. NeuroImage 2011; Wang & Liu MRM 2015), the same values as the procedural phantom
 * (phantomTissues.ts) where that has the class. `gradient` adds the known iron gradients of deep grey matter: the
 * posterior putamen, the caudate head, the medial (internal) pallidum and the pulvinar hold more iron.
 * Magnitude: proton density times exp(-TE R2*) at TE = 20 ms, with R2* rising with iron (R2* = r2 + 150 s^-1/ppm chi).
 * Illustrative, not a normative atlas.
 */
import { TISSUES, Tissue } from './phantomTissues';

export enum AnatomyClass {
  Outside = 0,
  WhiteMatter,
  Cortex,
  Csf,
  Caudate,
  Putamen,
  Pallidum,
  Thalamus,
  VentralDC,
  HippocampusAmygdala,
  BrainStem,
  CerebellarWM,
  CerebellarCortex,
  Accumbens,
  RedNucleus,
  SubstantiaNigra,
  Dentate,
  ChoroidPlexus,
}

export const CLASS_COUNT = 18;

/** A linear iron gradient across the class's extent: chi += amount * (t - 0.5), t in [0, 1] along `axis`. */
export interface IronGradient {
  /** 'y' posterior -> anterior, 'medial' lateral -> medial (|x - midline|, reversed), 'z' inferior -> superior */
  axis: 'y' | 'medial' | 'z';
  /** ppm across the whole extent, positive when chi rises along the axis */
  amount: number;
}

export interface ClassProps {
  name: string;
  chi: number;
  /** proton density (0..1) */
  pd: number;
  /** R2* without iron, s^-1 */
  r2: number;
  /** within-tissue texture (0 = none, 1 = full amplitude) */
  texture: number;
  gradient?: IronGradient;
}

export const ANATOMY_CLASSES: Record<AnatomyClass, ClassProps> = {
  [AnatomyClass.Outside]: { name: 'outside', chi: 0, pd: 0, r2: 0, texture: 0 },
  [AnatomyClass.WhiteMatter]: { name: 'white matter', chi: TISSUES[Tissue.WhiteMatter].chi, pd: 0.69, r2: 21, texture: 1 },
  [AnatomyClass.Cortex]: { name: 'cortex', chi: TISSUES[Tissue.Cortex].chi, pd: 0.82, r2: 15, texture: 1 },
  [AnatomyClass.Csf]: { name: 'CSF', chi: TISSUES[Tissue.Csf].chi, pd: 1, r2: 2, texture: 0 },
  [AnatomyClass.Caudate]: { name: 'caudate', chi: TISSUES[Tissue.Caudate].chi, pd: 0.8, r2: 14, texture: 1, gradient: { axis: 'y', amount: 0.03 } },
  [AnatomyClass.Putamen]: { name: 'putamen', chi: TISSUES[Tissue.Putamen].chi, pd: 0.8, r2: 14, texture: 1, gradient: { axis: 'y', amount: -0.05 } },
  [AnatomyClass.Pallidum]: { name: 'globus pallidus', chi: TISSUES[Tissue.Pallidum].chi + 0.02, pd: 0.76, r2: 14, texture: 1, gradient: { axis: 'medial', amount: 0.04 } },
  [AnatomyClass.Thalamus]: { name: 'thalamus', chi: TISSUES[Tissue.Thalamus].chi, pd: 0.78, r2: 16, texture: 1, gradient: { axis: 'y', amount: -0.03 } },
  [AnatomyClass.VentralDC]: { name: 'ventral diencephalon', chi: 0.03, pd: 0.74, r2: 18, texture: 1 },
  [AnatomyClass.HippocampusAmygdala]: { name: 'hippocampus and amygdala', chi: 0.01, pd: 0.83, r2: 14, texture: 1 },
  [AnatomyClass.BrainStem]: { name: 'brain stem', chi: -0.02, pd: 0.72, r2: 20, texture: 1 },
  [AnatomyClass.CerebellarWM]: { name: 'cerebellar white matter', chi: -0.02, pd: 0.7, r2: 20, texture: 1 },
  [AnatomyClass.CerebellarCortex]: { name: 'cerebellar cortex', chi: 0.01, pd: 0.84, r2: 14, texture: 1 },
  [AnatomyClass.Accumbens]: { name: 'accumbens', chi: 0.03, pd: 0.8, r2: 14, texture: 1 },
  [AnatomyClass.RedNucleus]: { name: 'red nucleus', chi: TISSUES[Tissue.RedNucleus].chi, pd: 0.75, r2: 16, texture: 1 },
  [AnatomyClass.SubstantiaNigra]: { name: 'substantia nigra', chi: TISSUES[Tissue.SubstantiaNigra].chi + 0.02, pd: 0.75, r2: 16, texture: 1 },
  [AnatomyClass.Dentate]: { name: 'dentate nucleus', chi: 0.12, pd: 0.76, r2: 16, texture: 1 },
  [AnatomyClass.ChoroidPlexus]: { name: 'choroid plexus', chi: 0.03, pd: 0.9, r2: 10, texture: 0 },
};

export const VEIN_CHI: [number, number] = [0.3, 0.45];
export const VEIN_MAGNITUDE = 0.12;
/** diamagnetic calcification and paramagnetic microbleed (hemosiderin), ppm */
export const CALCIFICATION_CHI = -0.2;
export const MICROBLEED_CHI = 0.6;
export const ECHO_TIME_S = 0.02;
export const R2_PER_PPM = 150;
