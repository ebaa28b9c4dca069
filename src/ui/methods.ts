/** The reconstruction methods the workbench offers, and whether a model's weights are on the server. */
import type { MethodId } from '../worker/protocol';

export interface MethodInfo {
  id: MethodId;
  label: string;
  kind: 'model' | 'classical';
  description: string;
}

export const METHODS: MethodInfo[] = [
  { id: 'adaptive-unet', label: 'Adaptive U-Net', kind: 'model', description: 'adaptive 3-D U-Net, synthetic pre-training' },
  { id: 'adaptive-unet-tl', label: 'Adaptive U-Net (TL)', kind: 'model', description: 'adaptive 3-D U-Net fine-tuned on brain data' },
  { id: 'unet-tl', label: 'U-Net (TL)', kind: 'model', description: 'conventional 3-D U-Net fine-tuned on brain data' },
  { id: 'tkd', label: 'TKD', kind: 'classical', description: 'truncated k-space division' },
  { id: 'cfl2', label: 'Closed-form L2', kind: 'classical', description: 'Tikhonov with gradient penalty, closed form' },
  { id: 'tv', label: 'TV (ADMM)', kind: 'classical', description: 'total variation, iterative (ADMM); weighted by the magnitude when one is loaded' },
  { id: 'ndi', label: 'NDI', kind: 'classical', description: 'nonlinear dipole inversion, iterative; weighted by the magnitude when one is loaded' },
];

export const methodLabel = (id: string) => METHODS.find((m) => m.id === id)?.label ?? id;

export type ModelAvailability = { state: 'checking' } | { state: 'available'; summary?: string } | { state: 'unavailable'; reason: string };

/**
 * Looks for `models/<id>/model.json` next to the app. A 404, or the HTML page a static server returns for an
 * unknown path, means the model is not available in this build.
 */
export async function checkModel(id: MethodId): Promise<ModelAvailability> {
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}models/${id}/model.json`);
    if (!res.ok) return { state: 'unavailable', reason: `model not available (HTTP ${res.status})` };
    const text = await res.text();
    let json: { format?: string; qsm?: { summary?: string } };
    try {
      json = JSON.parse(text);
    } catch {
      return { state: 'unavailable', reason: 'model not available (no model.json in this build)' };
    }
    if (!json.qsm) return { state: 'unavailable', reason: 'model not available (model.json has no qsm metadata)' };
    return { state: 'available', summary: json.qsm.summary };
  } catch (e) {
    return { state: 'unavailable', reason: `model not available (${(e as Error).message})` };
  }
}
