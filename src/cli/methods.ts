/**
 * The inversion methods `qsm invert --method ID` can run, by id. A method is an async runner from a
 * local field (ppm) to susceptibility (ppm) on the same grid (methodTypes.ts). Learned methods plug in by
 * adding their entries to METHODS; the command line needs nothing else.
 */
import { classicalMethods } from './classicalMethods';
import { learnedMethods } from './learnedMethods';
import type { MethodEntry } from './methodTypes';

export type { MethodEntry, MethodParams, MethodRunner, MethodFlag, Backend } from './methodTypes';

export const METHODS: readonly MethodEntry[] = [...learnedMethods, ...classicalMethods];

export function findMethod(id: string): MethodEntry | undefined {
  return METHODS.find((m) => m.id === id);
}
