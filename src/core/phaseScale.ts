/** Radians of phase per ppm of field: 2 pi 42.5775 MHz/T B0[T] TE[s] (DESIGN.md's rad -> ppm conversion, inverted). */
export const GAMMA_MHZ_PER_T = 42.5775;

export function phaseScale(b0Tesla: number, teSeconds: number): number {
  return 2 * Math.PI * GAMMA_MHZ_PER_T * b0Tesla * teSeconds;
}

/** A typical GRE's (3 T, TE 20 ms: 16.05 rad/ppm), for field maps in ppm that come without B0 and TE. */
export const DEFAULT_PHASE_SCALE = phaseScale(3, 0.02);
