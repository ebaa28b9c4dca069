/**
 * Which derivatives one acquisition gets under a request (methods, data consistency), each with the
 * parameters its sidecar records: the values actually passed to the runner, so a sidecar reproduces the run.
 */
import { DEFAULT_CFL2_LAMBDA } from '../../core/closedFormL2';
import { DEFAULT_DC_LAMBDA } from '../../core/dataConsistency';
import { MASKED_DC_DEFAULTS } from '../../core/dataConsistencyMasked';
import { NDI_DEFAULTS, phaseScale } from '../../core/ndi';
import { DEFAULT_TKD_THRESHOLD } from '../../core/tkd';
import { TV_DEFAULTS } from '../../core/tv';
import { DEFAULT_OVERLAP } from '../../model/inferVolume';
import type { DcRequest } from '../dataConsistencyStep';
import type { MethodEntry, MethodParams } from '../methodTypes';
import { descLabel, outputPath, type PlannedOutput } from './derivatives';
import type { Acquisition } from './discover';
import { modelHash } from './provenance';

export interface MethodOutputs {
  method: MethodEntry;
  /** what the runner is given besides field, B0 and mask */
  params: MethodParams;
  /** the method's own output (for a network: before data consistency) */
  net: PlannedOutput;
  /** the network made consistent with the field, with --dc */
  dc?: PlannedOutput;
  dcRequest?: DcRequest;
}

/** What the input says about the acquisition, for methods that use it (ndi's phase scale). */
export interface AcquisitionFacts {
  /** Tesla */
  b0?: number;
  /** seconds, of a local field given in radians of one echo */
  echoTime?: number;
}

/** Parameters passed to, and recorded for, each method; methods not listed here run with their own defaults. */
function methodParams(m: MethodEntry, facts: AcquisitionFacts): { params: MethodParams; recorded: Record<string, unknown> } {
  if (m.id === 'tkd') return { params: { threshold: DEFAULT_TKD_THRESHOLD }, recorded: { Threshold: DEFAULT_TKD_THRESHOLD } };
  if (m.id === 'cfl2') return { params: { lambda: DEFAULT_CFL2_LAMBDA }, recorded: { Lambda: DEFAULT_CFL2_LAMBDA } };
  if (m.id === 'tv') {
    const { lambda, maxIter, tol } = TV_DEFAULTS;
    return { params: { tvLambda: lambda, iterations: maxIter, tol }, recorded: { Lambda: lambda, Iterations: maxIter, Tol: tol } };
  }
  if (m.id === 'ndi') {
    const { alpha, beta, tau, maxIter, tol } = NDI_DEFAULTS;
    // as qsm invert: the phase per ppm of the acquisition when B0 and TE are known, else the core's 3 T, 20 ms
    const scale = facts.b0 !== undefined && facts.echoTime !== undefined ? phaseScale(facts.b0, facts.echoTime) : NDI_DEFAULTS.phaseScale;
    return {
      params: { ndiAlpha: alpha, ndiBeta: beta, step: tau, iterations: maxIter, tol, phaseScale: scale },
      recorded: { Alpha: alpha, Beta: beta, Step: tau, Iterations: maxIter, Tol: tol, PhaseScale: scale },
    };
  }
  if (m.kind === 'learned') return { params: { overlap: DEFAULT_OVERLAP }, recorded: { Overlap: DEFAULT_OVERLAP, Patch: 'auto' } };
  return { params: {}, recorded: {} };
}

export function dcRecord(dc: DcRequest): Record<string, unknown> {
  if (dc.kind === 'hard') return { Kind: 'hard', Threshold: dc.threshold };
  if (dc.kind === 'masked') return { Kind: 'masked', Lambda: dc.lambda ?? MASKED_DC_DEFAULTS.lambda, MaxIterations: MASKED_DC_DEFAULTS.maxIter, Tolerance: MASKED_DC_DEFAULTS.tol };
  if (dc.rule) return { Kind: 'soft', LambdaRule: dc.rule };
  return { Kind: 'soft', Lambda: dc.lambda ?? DEFAULT_DC_LAMBDA };
}

/**
 * The outputs of one method; throws (an InputError) when a learned method's weights are missing. `fieldRequest`
 * is what made the local field (phase inputs), which every map depends on too.
 */
export function planMethod(
  outDir: string, acq: Acquisition, method: MethodEntry, dc: DcRequest | undefined,
  fieldRequest: Record<string, unknown> = {}, facts: AcquisitionFacts = {},
): MethodOutputs {
  const { params, recorded } = methodParams(method, facts);
  const request: Record<string, unknown> = { ...fieldRequest, Method: method.id, MethodParameters: recorded };
  if (method.kind === 'learned') {
    const h = modelHash(method.id);
    request.ModelId = h.id;
    request.ModelSha256 = h.sha256;
  }
  const net: PlannedOutput = { kind: 'chimap', path: outputPath(outDir, acq, 'chimap', descLabel(method.id, false)), request };
  if (method.kind !== 'learned' || !dc) return { method, params, net };
  const dcOut: PlannedOutput = {
    kind: 'chimap',
    path: outputPath(outDir, acq, 'chimap', descLabel(method.id, true)),
    request: { ...request, DataConsistency: dcRecord(dc) },
  };
  return { method, params, net, dc: dcOut, dcRequest: dc };
}
