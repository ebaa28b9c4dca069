/** What a finished result and its comparison against a reference hold: the state keeps them, the views show them. */
import type { Volume } from '../../core/volume';
import type { QualityMetrics, ScatterDensity } from '../../worker/computeProtocol';
import type { UsedLambda } from '../cfl2Lambda';

export interface MethodResult {
  /** ppm, on the input's grid and affine */
  chi: Volume;
  seconds: number;
  backend: string;
  /** input and method settings at run time: differs from the current one when the result is stale */
  key: string;
  /** the mask the metrics use */
  mask: Volume;
  /** closed-form L2 and data-consistency results: the lambda used and, when chosen on the L-curve, the curve */
  lambda?: UsedLambda;
}

export interface MethodComparison {
  referenceId: string;
  /** the result compared (identity tells whether the comparison is current) */
  chi: Volume;
  metrics: QualityMetrics;
  difference: Volume;
  scatter: ScatterDensity;
}
