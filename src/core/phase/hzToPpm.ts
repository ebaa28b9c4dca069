/** Total or local field in Hz -> ppm of B0 (DESIGN.md): ppm = Hz / (42.5775 B0[T]). */
export const GAMMA_BAR_MHZ_PER_T = 42.5775;

export function hzToPpm(fieldHz: Float32Array, b0Tesla: number): Float32Array {
  if (!(b0Tesla > 0) || !Number.isFinite(b0Tesla)) throw new Error(`field strength ${b0Tesla} T is not a positive number`);
  const k = 1 / (GAMMA_BAR_MHZ_PER_T * b0Tesla);
  const out = new Float32Array(fieldHz.length);
  for (let i = 0; i < out.length; i++) out[i] = fieldHz[i] * k;
  return out;
}
