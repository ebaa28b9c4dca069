/** The metadata block of models/<id>/model.json (models/FORMAT.md), parsed with errors that name the field. */
export type Architecture = 'adaptive-unet' | 'unet';

export interface QsmModelMeta {
  id: string;
  architecture: Architecture;
  levels: number;
  baseChannels: number;
  activation: 'elu';
  /** spatial dims fed to the net must be multiples of this (2^(levels-1)) */
  multiple: number;
  /** net input = field_ppm * inputScale */
  inputScale: number;
  /** chi_ppm = net output * outputScale */
  outputScale: number;
  /** patch edge the model was trained on; null for untrained test models */
  trainedPatch: number | null;
  sideInfo: string[];
  summary: string;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface ModelJson {
  format: string;
  qsm: QsmModelMeta;
  weightsManifest: WeightGroup[];
}

export const SIDE_INFO_ORDER = ['dx', 'dy', 'dz', 'bx', 'by', 'bz'];

function need(cond: boolean, where: string, what: string): asserts cond {
  if (!cond) throw new Error(`${where}: ${what}`);
}

/** Checks the parts of model.json the engine relies on; `where` names the file in messages. */
export function parseModelJson(raw: unknown, where: string): ModelJson {
  need(typeof raw === 'object' && raw !== null, where, 'not a JSON object');
  const j = raw as Partial<ModelJson>;
  need(j.format === 'qsm-unet/1', where, `format is ${JSON.stringify(j.format)}, expected "qsm-unet/1"`);
  const m = j.qsm as Partial<QsmModelMeta> | undefined;
  need(typeof m === 'object' && m !== null, where, 'missing the "qsm" metadata block');
  need(m.architecture === 'adaptive-unet' || m.architecture === 'unet', where, `qsm.architecture ${JSON.stringify(m.architecture)} is not "adaptive-unet" or "unet"`);
  need(m.activation === 'elu', where, `qsm.activation ${JSON.stringify(m.activation)} is not "elu"`);
  for (const key of ['levels', 'baseChannels', 'multiple', 'inputScale', 'outputScale'] as const)
    need(typeof m[key] === 'number' && Number.isFinite(m[key]) && (m[key] as number) > 0, where, `qsm.${key} must be a positive number`);
  need(m.trainedPatch == null || (typeof m.trainedPatch === 'number' && m.trainedPatch > 0), where, 'qsm.trainedPatch must be a positive number or null');
  need(m.multiple === 2 ** ((m.levels as number) - 1), where, `qsm.multiple ${m.multiple} is not 2^(levels-1) = ${2 ** ((m.levels as number) - 1)}`);
  if (m.architecture === 'adaptive-unet')
    need(JSON.stringify(m.sideInfo) === JSON.stringify(SIDE_INFO_ORDER), where, `qsm.sideInfo ${JSON.stringify(m.sideInfo)} is not ${JSON.stringify(SIDE_INFO_ORDER)}`);
  need(Array.isArray(j.weightsManifest) && j.weightsManifest.length > 0, where, 'missing weightsManifest');
  return {
    format: j.format,
    qsm: { ...m, id: String(m.id ?? ''), summary: String(m.summary ?? ''), sideInfo: m.sideInfo ?? [], trainedPatch: m.trainedPatch ?? null } as QsmModelMeta,
    weightsManifest: j.weightsManifest as WeightGroup[],
  };
}
