/** TKD and closed-form L2 (src/core) as `qsm invert` methods. */
import { closedFormL2, DEFAULT_CFL2_LAMBDA } from '../core/closedFormL2';
import { DEFAULT_TKD_THRESHOLD, tkd } from '../core/tkd';
import type { MethodEntry } from './methodTypes';

export const classicalMethods: MethodEntry[] = [
  {
    id: 'tkd',
    kind: 'classical',
    summary: `truncated k-space division (--threshold on |D|, default ${DEFAULT_TKD_THRESHOLD})`,
    flags: ['threshold'],
    run: async (field, b0Dir, p, onProgress) => tkd(field, b0Dir, p.threshold ?? DEFAULT_TKD_THRESHOLD, p.mask, { onProgress, signal: p.signal }),
  },
  {
    id: 'cfl2',
    kind: 'classical',
    summary: `closed-form L2 with a gradient penalty (--lambda L|auto|auto-inflection, default ${DEFAULT_CFL2_LAMBDA})`,
    flags: ['lambda'],
    run: async (field, b0Dir, p, onProgress) => closedFormL2(field, b0Dir, p.lambda ?? DEFAULT_CFL2_LAMBDA, p.mask, { onProgress, signal: p.signal }),
  },
];
