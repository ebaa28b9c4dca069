/** TKD, closed-form L2 and the iterative TV and NDI (src/core) as `qsm invert` methods. */
import { closedFormL2, DEFAULT_CFL2_LAMBDA } from '../core/closedFormL2';
import { DEFAULT_EDGE_FRACTION } from '../core/magnitudeWeights';
import { NDI_DEFAULTS, ndiSolve } from '../core/ndi';
import { DEFAULT_TKD_THRESHOLD, tkd } from '../core/tkd';
import { TV_DEFAULTS, tvSolve, type IterativeResult } from '../core/tv';
import type { MethodParams } from './methodTypes';
import type { MethodEntry } from './methodTypes';

/** Says how an iterative solve ended (a log line shows whether the tolerance or the iteration count stopped it). */
function reported(id: string, p: MethodParams, defaultTol: number, r: IterativeResult) {
  const tol = p.tol ?? defaultTol;
  const why = r.update < tol ? `change ${(100 * r.update).toFixed(2)} % < --tol ${tol}` : `the iteration limit; last change ${(100 * r.update).toFixed(2)} %`;
  p.report?.(`${id}: ${r.iterations} iterations (stopped by ${why})${p.nonlinear ? ', nonlinear data term' : ''}${p.magnitude ? ', magnitude-weighted' : ''}`);
  return r.chi;
}

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
  {
    id: 'tv',
    kind: 'classical',
    summary: `total variation by ADMM (--tv-lambda, default ${TV_DEFAULTS.lambda}; --iterations ${TV_DEFAULTS.maxIter}; --tol ${TV_DEFAULTS.tol}; `
      + `--magnitude for noise and edge weights, --edge-fraction ${DEFAULT_EDGE_FRACTION}; --nonlinear data term with --phase-scale as ndi)`,
    flags: ['tv-lambda', 'iterations', 'tol', 'magnitude', 'edge-fraction', 'nonlinear', 'phase-scale'],
    run: async (field, b0Dir, p, onProgress) => reported('tv', p, TV_DEFAULTS.tol, tvSolve(field, b0Dir, p.mask, {
      lambda: p.tvLambda, maxIter: p.iterations, tol: p.tol, magnitude: p.magnitude, edgeFraction: p.edgeFraction,
      nonlinear: p.nonlinear, phaseScale: p.phaseScale, onProgress, signal: p.signal,
    })),
  },
  {
    id: 'ndi',
    kind: 'classical',
    summary: `nonlinear dipole inversion (--iterations ${NDI_DEFAULTS.maxIter}; --tol ${NDI_DEFAULTS.tol}; --ndi-beta ${NDI_DEFAULTS.beta}; `
      + `--ndi-alpha ${NDI_DEFAULTS.alpha}; --step ${NDI_DEFAULTS.tau}; --phase-scale rad/ppm, default from --b0/--te; --magnitude for noise weights)`,
    flags: ['iterations', 'tol', 'ndi-alpha', 'ndi-beta', 'step', 'phase-scale', 'magnitude'],
    run: async (field, b0Dir, p, onProgress) => reported('ndi', p, NDI_DEFAULTS.tol, ndiSolve(field, b0Dir, p.mask, {
      maxIter: p.iterations, tol: p.tol, alpha: p.ndiAlpha, beta: p.ndiBeta, tau: p.step, phaseScale: p.phaseScale, magnitude: p.magnitude, onProgress, signal: p.signal,
    })),
  },
];
