/**
 * What the numbers in a scanner phase image mean. Radians within +-pi (or 0..2pi) are used as they are; integer
 * images with the ranges scanners write (0..4095 and -4096..4095, Siemens / dcm2niix) are mapped linearly onto
 * one turn. Anything else must be stated by the caller (an explicit range), never guessed.
 */
export type PhaseScaling =
  | { kind: 'radians' }
  /** the integer range [min, max + 1) spans one full turn: rad = (v - min) / (max + 1 - min) * 2 pi - pi */
  | { kind: 'range'; min: number; max: number };

export interface PhaseScalingGuess {
  scaling?: PhaseScaling;
  /** for display: what was seen and what was assumed, or why nothing could be assumed */
  description: string;
  min: number;
  max: number;
  integers: boolean;
}

const SLACK = 1e-3;

export const KNOWN_INTEGER_RANGES: readonly [number, number][] = [[0, 4095], [-4096, 4095]];

/** Looks at every value of every echo and says which scaling applies, if any. */
export function detectPhaseScaling(echoes: ArrayLike<number>[]): PhaseScalingGuess {
  let min = Infinity, max = -Infinity, integers = true;
  for (const e of echoes) {
    for (let i = 0; i < e.length; i++) {
      const v = e[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (integers && v !== Math.round(v)) integers = false;
    }
  }
  const span = `values ${fmt(min)} .. ${fmt(max)}`;
  if (min >= -Math.PI - SLACK && max <= Math.PI + SLACK && !(integers && max - min > 2 * Math.PI)) {
    if (integers && max - min >= 2) {
      return { min, max, integers, description: `${span} are all integers in a few steps: not a recognisable phase scaling; give the range explicitly` };
    }
    return { min, max, integers, scaling: { kind: 'radians' }, description: `${span}: radians (within +-pi)` };
  }
  if (min >= -SLACK && max <= 2 * Math.PI + SLACK && !integers) {
    return { min, max, integers, scaling: { kind: 'radians' }, description: `${span}: radians (within 0..2pi)` };
  }
  if (integers) {
    for (const [lo, hi] of KNOWN_INTEGER_RANGES) {
      // the narrowest known range that holds the values, and which they fill at least half of
      if (min >= lo && max <= hi && max - min >= 0.5 * (hi - lo)) {
        return { min, max, integers, scaling: { kind: 'range', min: lo, max: hi }, description: `${span}: integers, taken as ${lo}..${hi} = one turn (-pi..pi)` };
      }
    }
  }
  return {
    min, max, integers,
    description: `${span}${integers ? ' (integers)' : ''} are neither radians within +-pi nor integers in 0..4095 or -4096..4095; give the phase range explicitly`,
  };
}

/** Phase in radians (a new array). */
export function phaseToRadians(data: ArrayLike<number>, s: PhaseScaling): Float32Array {
  const out = new Float32Array(data.length);
  if (s.kind === 'radians') {
    for (let i = 0; i < out.length; i++) out[i] = data[i];
    return out;
  }
  if (!(s.max > s.min)) throw new Error(`phase range ${s.min}..${s.max} is empty`);
  const k = (2 * Math.PI) / (s.max + 1 - s.min);
  for (let i = 0; i < out.length; i++) out[i] = (data[i] - s.min) * k - Math.PI;
  return out;
}

export function describeScaling(s: PhaseScaling): string {
  return s.kind === 'radians' ? 'radians' : `${s.min}..${s.max} = -pi..pi`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
