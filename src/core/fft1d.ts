/**
 * 1-D complex FFT engine: Stockham autosort, mixed radix (4, 2, 3, 5, and a generic
 * O(p^2) butterfly for any other prime so every length is exact, if slow).
 *
 * Each call transforms a batch of L interleaved "vectors": element t of vector v sits at
 * index v + L*t. L = 1 is a plain line; L > 1 lets the 3-D driver transform many
 * neighbouring lines at once with unit-stride inner loops (cache friendly for the y and z axes).
 * Arrays are split real/imaginary Float64Array; the forward sign is e^{-2 pi i k t / n}.
 * The inverse is obtained by the caller by swapping re and im (no separate code path).
 */

interface Stage {
  /** radix of this pass */
  p: number;
  /** butterflies per pass: (current sub-length) / p */
  m: number;
  /** twiddles w_{p m}^{j t}, index j*(p-1) + t-1 */
  twRe: Float64Array;
  twIm: Float64Array;
}

export interface FftPlan {
  n: number;
  stages: Stage[];
}

function factorize(n: number): number[] {
  const f: number[] = [];
  let r = n;
  // Radix 4 first (fewest passes and cheapest butterfly), then 2, 3, 5, then anything left.
  while (r % 4 === 0) { f.push(4); r /= 4; }
  for (const p of [2, 3, 5]) while (r % p === 0) { f.push(p); r /= p; }
  for (let p = 7; r > 1; p += 2) while (r % p === 0) { f.push(p); r /= p; }
  return f;
}

const planCache = new Map<number, FftPlan>();

/** A plan for length n (cached; plans are immutable). */
export function planFft(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new Error(`FFT length must be a positive integer, got ${n}`);
  const cached = planCache.get(n);
  if (cached) return cached;
  const stages: Stage[] = [];
  let len = n;
  for (const p of factorize(n)) {
    const m = len / p;
    const twRe = new Float64Array(m * (p - 1));
    const twIm = new Float64Array(m * (p - 1));
    for (let j = 0; j < m; j++) {
      for (let t = 1; t < p; t++) {
        const a = (-2 * Math.PI * j * t) / len;
        twRe[j * (p - 1) + t - 1] = Math.cos(a);
        twIm[j * (p - 1) + t - 1] = Math.sin(a);
      }
    }
    stages.push({ p, m, twRe, twIm });
    len = m;
  }
  const plan = { n, stages };
  planCache.set(n, plan);
  return plan;
}

/**
 * In-place forward FFT of L interleaved vectors of length plan.n held in (re, im)[0 .. n*L).
 * wre/wim are scratch of at least n*L.
 */
export function fftBatch(plan: FftPlan, L: number, re: Float64Array, im: Float64Array, wre: Float64Array, wim: Float64Array): void {
  let xr = re, xi = im, yr = wre, yi = wim;
  let s = L;
  for (const st of plan.stages) {
    switch (st.p) {
      case 4: pass4(st, s, xr, xi, yr, yi); break;
      case 2: pass2(st, s, xr, xi, yr, yi); break;
      case 3: pass3(st, s, xr, xi, yr, yi); break;
      case 5: pass5(st, s, xr, xi, yr, yi); break;
      default: passGeneric(st, s, xr, xi, yr, yi);
    }
    s *= st.p;
    const tr = xr; xr = yr; yr = tr;
    const ti = xi; xi = yi; yi = ti;
  }
  if (xr !== re) {
    const len = plan.n * L;
    for (let i = 0; i < len; i++) { re[i] = xr[i]; im[i] = xi[i]; }
  }
}

// Each pass: for butterfly j and lane q, inputs a_r = x[q + s*(j + r*m)], outputs
// y[q + s*(p*j + t)] = (DFT_p a)_t * w^{j t}. After all passes the data is in natural order.

function pass2(st: Stage, s: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const wr = twRe[j], wi = twIm[j];
    const i0 = s * j, o0 = 2 * s * j;
    for (let q = 0; q < s; q++) {
      const a = i0 + q, b = a + sm, o = o0 + q;
      const ar = xr[a], ai = xi[a], br = xr[b], bi = xi[b];
      yr[o] = ar + br; yi[o] = ai + bi;
      const dr = ar - br, di = ai - bi;
      yr[o + s] = dr * wr - di * wi; yi[o + s] = dr * wi + di * wr;
    }
  }
}

function pass4(st: Stage, s: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twRe[3 * j], w1i = twIm[3 * j];
    const w2r = twRe[3 * j + 1], w2i = twIm[3 * j + 1];
    const w3r = twRe[3 * j + 2], w3i = twIm[3 * j + 2];
    const i0 = s * j, o0 = 4 * s * j;
    for (let q = 0; q < s; q++) {
      const a0 = i0 + q, a1 = a0 + sm, a2 = a1 + sm, a3 = a2 + sm;
      const t0r = xr[a0] + xr[a2], t0i = xi[a0] + xi[a2];
      const t1r = xr[a0] - xr[a2], t1i = xi[a0] - xi[a2];
      const t2r = xr[a1] + xr[a3], t2i = xi[a1] + xi[a3];
      const t3r = xr[a1] - xr[a3], t3i = xi[a1] - xi[a3];
      const o = o0 + q;
      yr[o] = t0r + t2r; yi[o] = t0i + t2i;
      // b1 = t1 - i t3, b2 = t0 - t2, b3 = t1 + i t3
      const b1r = t1r + t3i, b1i = t1i - t3r;
      const b2r = t0r - t2r, b2i = t0i - t2i;
      const b3r = t1r - t3i, b3i = t1i + t3r;
      yr[o + s] = b1r * w1r - b1i * w1i; yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i; yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i; yi[o + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

const SIN60 = Math.sqrt(3) / 2;

function pass3(st: Stage, s: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = twRe[2 * j], w1i = twIm[2 * j];
    const w2r = twRe[2 * j + 1], w2i = twIm[2 * j + 1];
    const i0 = s * j, o0 = 3 * s * j;
    for (let q = 0; q < s; q++) {
      const a0 = i0 + q, a1 = a0 + sm, a2 = a1 + sm;
      const t1r = xr[a1] + xr[a2], t1i = xi[a1] + xi[a2];
      const t2r = xr[a1] - xr[a2], t2i = xi[a1] - xi[a2];
      const cr = xr[a0] - 0.5 * t1r, ci = xi[a0] - 0.5 * t1i;
      // -i sin60 t2
      const dr = SIN60 * t2i, di = -SIN60 * t2r;
      const o = o0 + q;
      yr[o] = xr[a0] + t1r; yi[o] = xi[a0] + t1i;
      const b1r = cr + dr, b1i = ci + di, b2r = cr - dr, b2i = ci - di;
      yr[o + s] = b1r * w1r - b1i * w1i; yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i; yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5), C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5), S2 = Math.sin((4 * Math.PI) / 5);

function pass5(st: Stage, s: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, twRe, twIm } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const k = 4 * j;
    const w1r = twRe[k], w1i = twIm[k], w2r = twRe[k + 1], w2i = twIm[k + 1];
    const w3r = twRe[k + 2], w3i = twIm[k + 2], w4r = twRe[k + 3], w4i = twIm[k + 3];
    const i0 = s * j, o0 = 5 * s * j;
    for (let q = 0; q < s; q++) {
      const a0 = i0 + q, a1 = a0 + sm, a2 = a1 + sm, a3 = a2 + sm, a4 = a3 + sm;
      const x0r = xr[a0], x0i = xi[a0];
      const t1r = xr[a1] + xr[a4], t1i = xi[a1] + xi[a4];
      const t2r = xr[a2] + xr[a3], t2i = xi[a2] + xi[a3];
      const t3r = xr[a1] - xr[a4], t3i = xi[a1] - xi[a4];
      const t4r = xr[a2] - xr[a3], t4i = xi[a2] - xi[a3];
      const c1r = x0r + C1 * t1r + C2 * t2r, c1i = x0i + C1 * t1i + C2 * t2i;
      const c2r = x0r + C2 * t1r + C1 * t2r, c2i = x0i + C2 * t1i + C1 * t2i;
      // -i * (S1 t3 + S2 t4) and -i * (S2 t3 - S1 t4)
      const e1r = S1 * t3i + S2 * t4i, e1i = -(S1 * t3r + S2 * t4r);
      const e2r = S2 * t3i - S1 * t4i, e2i = -(S2 * t3r - S1 * t4r);
      const o = o0 + q;
      yr[o] = x0r + t1r + t2r; yi[o] = x0i + t1i + t2i;
      const b1r = c1r + e1r, b1i = c1i + e1i, b4r = c1r - e1r, b4i = c1i - e1i;
      const b2r = c2r + e2r, b2i = c2i + e2i, b3r = c2r - e2r, b3i = c2i - e2i;
      yr[o + s] = b1r * w1r - b1i * w1i; yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i; yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i; yi[o + 3 * s] = b3r * w3i + b3i * w3r;
      yr[o + 4 * s] = b4r * w4r - b4i * w4i; yi[o + 4 * s] = b4r * w4i + b4i * w4r;
    }
  }
}

function passGeneric(st: Stage, s: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { p, m, twRe, twIm } = st;
  const sm = s * m;
  const cr = new Float64Array(p), ci = new Float64Array(p);
  for (let r = 0; r < p; r++) { cr[r] = Math.cos((-2 * Math.PI * r) / p); ci[r] = Math.sin((-2 * Math.PI * r) / p); }
  for (let j = 0; j < m; j++) {
    for (let q = 0; q < s; q++) {
      const base = s * j + q, o = p * s * j + q;
      for (let t = 0; t < p; t++) {
        let br = 0, bi = 0;
        for (let r = 0; r < p; r++) {
          const w = (r * t) % p, a = base + r * sm;
          br += xr[a] * cr[w] - xi[a] * ci[w];
          bi += xr[a] * ci[w] + xi[a] * cr[w];
        }
        if (t === 0) { yr[o] = br; yi[o] = bi; continue; }
        const wr = twRe[j * (p - 1) + t - 1], wi = twIm[j * (p - 1) + t - 1];
        yr[o + t * s] = br * wr - bi * wi; yi[o + t * s] = br * wi + bi * wr;
      }
    }
  }
}
