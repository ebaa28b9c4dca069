/** Least-squares line x = slope * r + intercept over the masked voxels, with R^2 (coefficient of determination). */
export interface LinearFit { slope: number; intercept: number; r2: number }

export function linearRegression(x: ArrayLike<number>, r: ArrayLike<number>, inside: Uint8Array): LinearFit {
  // Two passes (means, then centred sums) to avoid cancellation on large volumes.
  let n = 0, sx = 0, sr = 0;
  for (let i = 0; i < inside.length; i++) if (inside[i]) { n++; sx += x[i]; sr += r[i]; }
  if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN };
  const mx = sx / n, mr = sr / n;
  let srr = 0, srx = 0, sxx = 0;
  for (let i = 0; i < inside.length; i++) {
    if (!inside[i]) continue;
    const dr = r[i] - mr, dx = x[i] - mx;
    srr += dr * dr; srx += dr * dx; sxx += dx * dx;
  }
  const slope = srx / srr;
  const intercept = mx - slope * mr;
  // For a least-squares line, 1 - SS_res/SS_tot = (S_rx)^2 / (S_rr S_xx).
  const r2 = sxx > 0 ? (srx * srx) / (srr * sxx) : NaN;
  return { slope, intercept, r2 };
}
