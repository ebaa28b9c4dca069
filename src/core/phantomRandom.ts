/**
 * A small seeded random number generator (mulberry32) for the example phantom and its noise:
 * the same seed gives the same dataset in the browser, in Node tests and in screenshots.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** standard normal (Box-Muller) */
  normal(): number;
}

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | undefined;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - next() is in (0, 1], so the log is finite
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const a = 2 * Math.PI * next();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  return { next, normal };
}
