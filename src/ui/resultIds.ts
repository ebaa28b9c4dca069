/**
 * What the workbench shows a result for: each method, and each network again with data consistency (dcSettings.ts)
 * as a result of its own ("Adaptive U-Net (TL) + DC"), so the raw network output stays beside it in every view.
 */
import type { MethodId } from '../worker/protocol';
import { METHODS, methodLabel } from './methods';

export type ModelId = Exclude<MethodId, 'tkd' | 'cfl2' | 'tv' | 'ndi'>;
export type DcResultId = `${ModelId}-dc`;
export type ResultId = MethodId | DcResultId;

const DC_SUFFIX = '-dc';

export const isModel = (m: MethodId): m is ModelId => METHODS.find((x) => x.id === m)?.kind === 'model';
export const dcResultId = (m: ModelId): DcResultId => `${m}${DC_SUFFIX}`;
export const isDcResult = (id: ResultId): id is DcResultId => id.endsWith(DC_SUFFIX);
/** The method whose run produced the result: the network itself for its data-consistency variant. */
export const methodOf = (id: ResultId): MethodId => (isDcResult(id) ? (id.slice(0, -DC_SUFFIX.length) as ModelId) : id);

/** Display order: each network followed by its data-consistency variant, then the classical methods. */
export const RESULT_ORDER: ResultId[] = METHODS.flatMap((m) => (isModel(m.id) ? [m.id, dcResultId(m.id)] : [m.id]));

export const resultLabel = (id: string): string => (isDcResult(id as ResultId) ? `${methodLabel(methodOf(id as ResultId))} + DC` : methodLabel(id));
