/** Wrapping of phase values into [-pi, pi), shared by the unwrapping and echo-combination steps. */
const TWO_PI = 2 * Math.PI;

/** x wrapped into [-pi, pi). */
export function wrapToPi(x: number): number {
  return x - TWO_PI * Math.floor((x + Math.PI) / TWO_PI);
}

/** A new array of every value wrapped into [-pi, pi). */
export function wrapArray(data: ArrayLike<number>): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = wrapToPi(data[i]);
  return out;
}
