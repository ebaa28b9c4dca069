/**
 * Tissue classes of the example brain phantom with susceptibility values (ppm, relative to CSF) in the range
 * reported in the QSM literature at 3 T (e.g. Deistung et al., NeuroImage 2013; Lim et al., NeuroImage 2013;
 * the 2016 QSM reconstruction challenge phantom). They are illustrative, not a normative atlas.
 */
export enum Tissue {
  Background = 0,
  WhiteMatter,
  Cortex,
  Csf,
  Caudate,
  Putamen,
  Pallidum,
  Thalamus,
  RedNucleus,
  SubstantiaNigra,
  Vein,
}

export interface TissueProps {
  name: string;
  /** ppm */
  chi: number;
  /** GRE magnitude (arbitrary units, 0..1) at a typical echo time: iron-rich nuclei and veins are darker */
  magnitude: number;
}

export const TISSUES: Record<Tissue, TissueProps> = {
  [Tissue.Background]: { name: 'background', chi: 0, magnitude: 0 },
  [Tissue.WhiteMatter]: { name: 'white matter', chi: -0.025, magnitude: 0.85 },
  [Tissue.Cortex]: { name: 'cortical grey matter', chi: 0.015, magnitude: 0.7 },
  [Tissue.Csf]: { name: 'CSF', chi: 0, magnitude: 0.95 },
  [Tissue.Caudate]: { name: 'caudate nucleus', chi: 0.06, magnitude: 0.62 },
  [Tissue.Putamen]: { name: 'putamen', chi: 0.05, magnitude: 0.6 },
  [Tissue.Pallidum]: { name: 'globus pallidus', chi: 0.15, magnitude: 0.42 },
  [Tissue.Thalamus]: { name: 'thalamus', chi: 0.02, magnitude: 0.68 },
  [Tissue.RedNucleus]: { name: 'red nucleus', chi: 0.12, magnitude: 0.45 },
  [Tissue.SubstantiaNigra]: { name: 'substantia nigra', chi: 0.14, magnitude: 0.4 },
  [Tissue.Vein]: { name: 'vein', chi: 0.4, magnitude: 0.25 },
};

/** Scalp and skull outside the brain: magnitude only (they are outside the mask and carry no chi). */
export const SCALP_MAGNITUDE = 0.55;
export const SKULL_MAGNITUDE = 0.06;
