"""Writes iterative_fixture.json: a small anisotropic phantom with oblique B0, a mask that does not fill the grid,
a magnitude, and, computed independently with numpy (float64), a few iterations of
  - TV-ADMM (FANSI's linear weighted TV) with the magnitude's noise and edge weights, and without a magnitude;
    with FANSI's nonlinear data term (phase scale NDI["scale"]) on 4x the field;
  - NDI (gradient descent on ||W (exp(i D x) - exp(i phi))||^2 + Tikhonov, x set to 0 outside the mask after each
    step) with the magnitude's noise weights, and without the support constraint or a magnitude,
for src/core/iterative.fixture.test.ts.

Run: /usr/bin/python3 src/core/__fixtures__/make_iterative_fixture.py
Written from the formulas in src/core/tv.ts and src/core/ndi.ts's headers and DESIGN.md, not from their code:
  - grid: the mask's bounding box, zero-padded at the high end as dipole_numpy.pad_shape (>= 1.5x, 2^a 3^b 5^c,
    x even); the solvers see the box at the padded grid's origin;
  - kernel: D's even part (D(k) + D(-k)) / 2, the operator real(IFFT(D FFT(x))) applies to a real x;
  - gradient: periodic forward differences per mm on the padded grid (symbol |E|^2 of dipole_numpy.gradient_penalty);
  - noise weights W = clip(|m| / m99, 0, 1) in the mask (m99: the floor(0.99 (n - 1))-th of the sorted |m| in the
    mask), 0 outside; edge weights 0 where |grad m| (forward differences per mm, 0 across the last face) exceeds its
    floor(0.9 (n - 1))-th sorted value in the mask, 1 elsewhere (and everywhere outside the box).
Arrays are [z, y, x] here and flattened x fastest.
"""
import json
import math
import os

import numpy as np

import dipole_numpy as dn

DIMS = (14, 12, 10)  # nx, ny, nz
VOXEL = (0.9, 1.1, 1.6)
B0 = np.array([0.3, -0.2, 0.93])
TV = dict(lam=3e-4, mu_ratio=100.0, mu2=1.0, iters=6, edge_fraction=0.9)
# tau = 8 is above the stability bound here, so the solver must cut it to 1.9 / L
NDI = dict(tau=8.0, alpha=1e-3, beta=0.005, scale=2 * math.pi * 42.5775 * 3 * 0.02, iters=6)


def phantom():
    rng = np.random.default_rng(5)
    z, y, x = np.meshgrid(*(np.arange(n) * d for n, d in zip(reversed(DIMS), reversed(VOXEL))), indexing="ij")
    chi = np.zeros(x.shape)
    for _ in range(5):
        c = rng.uniform([3, 3, 3], [DIMS[0] * VOXEL[0] - 3, DIMS[1] * VOXEL[1] - 3, DIMS[2] * VOXEL[2] - 3])
        s = rng.uniform(1.5, 3.0)
        chi += rng.uniform(-0.1, 0.2) * np.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) / (2 * s * s))
    # an off-centre ellipsoid mask, one voxel or more from every face, so the box is smaller than the grid
    cx, cy, cz = 6.5 * VOXEL[0], 5.0 * VOXEL[1], 4.5 * VOXEL[2]
    mask = ((x - cx) / 5.0) ** 2 + ((y - cy) / 4.8) ** 2 + ((z - cz) / 5.6) ** 2 <= 1
    mag = (1.0 + 3.0 * (chi > 0.05) + 0.3 * np.sin(x) * np.cos(y)).astype(np.float32)
    return chi.astype(np.float32), mask, mag


def f32(a):
    return [float(f"{v:.9g}") for v in np.asarray(a, dtype=np.float32).ravel()]


def box_of(mask):
    idx = np.argwhere(mask)
    lo, hi = idx.min(0), idx.max(0) + 1  # [z, y, x]
    return lo, hi


def to_padded(a, lo, hi, shape_zyx, fill=0.0):
    out = np.full(shape_zyx, fill)
    sub = a[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    out[: sub.shape[0], : sub.shape[1], : sub.shape[2]] = sub
    return out


def from_padded(p, lo, hi, mask):
    out = np.zeros(mask.shape)
    out[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = p[: hi[0] - lo[0], : hi[1] - lo[1], : hi[2] - lo[2]]
    return np.where(mask, out, 0.0)


def even(d):
    mirror = d
    for ax in range(3):
        mirror = np.roll(np.flip(mirror, ax), 1, ax)
    return 0.5 * (d + mirror)


def sorted_pick(values, q):
    s = np.sort(values.astype(np.float32))
    return s[int(math.floor(q * (len(s) - 1)))]


def noise_weights(mag, mask):
    a = np.abs(mag).astype(np.float32)
    m99 = sorted_pick(a[mask], 0.99)
    return np.where(mask, np.minimum(1.0, a.astype(np.float64) / m99), 0.0)


def edge_weights(mag, mask, fraction):
    m = np.abs(mag).astype(np.float64)
    g = np.zeros(m.shape + (3,))
    for k, (ax, d) in enumerate([(2, VOXEL[0]), (1, VOXEL[1]), (0, VOXEL[2])]):
        diff = (np.roll(m, -1, ax) - m) / d
        sl = [slice(None)] * 3
        sl[ax] = -1
        diff[tuple(sl)] = 0
        g[..., k] = diff
    gm = np.sqrt((g ** 2).sum(-1)).astype(np.float32)
    thr = sorted_pick(gm[mask], fraction)
    return np.where(mask & (gm > thr), 0.0, 1.0)


def grad(u):
    return [(np.roll(u, -1, ax) - u) / d for ax, d in [(2, VOXEL[0]), (1, VOXEL[1]), (0, VOXEL[2])]]


def grad_adj(v):
    return sum((np.roll(vi, 1, ax) - vi) / d for vi, (ax, d) in zip(v, [(2, VOXEL[0]), (1, VOXEL[1]), (0, VOXEL[2])]))


def tv(field, mask, w, edge, shape_xyz, lo, hi, nonlinear=False):
    shape = tuple(reversed(shape_xyz))
    de = even(dn.dipole(shape_xyz, VOXEL, B0).T)
    e2 = dn.gradient_penalty(shape_xyz, VOXEL).T
    lam, mu2 = TV["lam"], TV["mu2"]
    mu1 = TV["mu_ratio"] * lam
    den = mu1 * e2 + mu2 * de ** 2
    inv = np.where(den > 0, 1 / np.where(den > 0, den, 1), 0)
    f = to_padded(np.where(mask, field, 0.0), lo, hi, shape)
    w2 = to_padded(w, lo, hi, shape) ** 2
    m = to_padded(edge, lo, hi, shape, 1.0) if edge is not None else np.ones(shape)
    q = f.copy()
    v = np.zeros(shape)
    u = [np.zeros(shape) for _ in range(3)]
    dz = [np.zeros(shape) for _ in range(3)]  # z - u
    chi = np.zeros(shape)
    for _ in range(TV["iters"]):
        spec = (mu1 * np.fft.fftn(grad_adj(dz)) + mu2 * de * np.fft.fftn(q)) * inv
        chi = np.real(np.fft.ifftn(spec))
        dchi = np.real(np.fft.ifftn(de * spec))
        a = [gi + ui for gi, ui in zip(grad(chi), u)]
        mag = np.sqrt(sum(ai ** 2 for ai in a))
        t = lam / mu1 * m
        s = np.where(mag > t, 1 - t / np.where(mag > 0, mag, 1), 0.0)
        z = [s * ai for ai in a]
        u = [ai - zi for ai, zi in zip(a, z)]
        dz = [zi - ui for zi, ui in zip(z, u)]
        tt = dchi + v
        y = (w2 * f + mu2 * tt) / (w2 + mu2)
        if nonlinear:
            # FANSI's nonlinear data term: W^2 sin(s (y - f)) / s + mu2 (y - t) = 0 by 4 Newton steps from the linear y
            sc = NDI["scale"]
            for _ in range(4):
                r = sc * (y - f)
                g = w2 * np.sin(r) / sc + mu2 * (y - tt)
                y = np.where(w2 > 0, y - g / np.maximum(w2 * np.cos(r) + mu2, 0.5 * mu2), y)
        v = tt - y
        q = y - v
    return from_padded(chi, lo, hi, mask)


def ndi(field, mask, w, shape_xyz, lo, hi, iters=NDI["iters"], use_support=True):
    shape = tuple(reversed(shape_xyz))
    de = even(dn.dipole(shape_xyz, VOXEL, B0).T)
    e2 = dn.gradient_penalty(shape_xyz, VOXEL).T
    s = NDI["scale"]
    reg = NDI["alpha"] + NDI["beta"] * e2
    tau = min(NDI["tau"], 1.9 / np.max(de ** 2 + reg))
    phi = s * to_padded(np.where(mask, field, 0.0), lo, hi, shape)
    w2 = to_padded(w, lo, hi, shape) ** 2
    support = to_padded(mask.astype(np.float64), lo, hi, shape) > 0
    x = np.zeros(shape)
    for _ in range(iters):
        xh = np.fft.fftn(x)
        dx = np.real(np.fft.ifftn(de * xh))
        g = w2 * np.sin(dx - phi)
        x = np.real(np.fft.ifftn(xh - tau * de * np.fft.fftn(g) - tau * reg * xh))
        if use_support:
            x = np.where(support, x, 0.0)
    return from_padded(x / s, lo, hi, mask)


def main():
    chi32, mask, mag = phantom()
    chi = chi32.astype(np.float64)
    ps_full = dn.pad_shape(DIMS)
    field32 = dn.filtered(chi, dn.dipole(ps_full, VOXEL, B0).T).astype(np.float32)
    field = field32.astype(np.float64)
    lo, hi = box_of(mask)
    box_xyz = tuple(int(v) for v in reversed(hi - lo))
    ps = dn.pad_shape(box_xyz)
    w_mag = noise_weights(mag, mask)
    edge = edge_weights(mag, mask, TV["edge_fraction"])
    out = {
        "dims": list(DIMS), "voxelSize": list(VOXEL), "b0Dir": B0.tolist(),
        "boxLo": [int(v) for v in reversed(lo)], "box": list(box_xyz), "padDims": list(ps),
        "field": f32(field32), "mask": [int(v) for v in mask.ravel()], "magnitude": f32(mag),
        "tv": {"lambda": TV["lam"], "muRatio": TV["mu_ratio"], "mu2": TV["mu2"], "iterations": TV["iters"], "edgeFraction": TV["edge_fraction"]},
        "ndi": {"tau": NDI["tau"], "alpha": NDI["alpha"], "beta": NDI["beta"], "phaseScale": NDI["scale"], "iterations": NDI["iters"]},
        "noiseWeights": f32(w_mag), "edgeWeights": f32(edge),
        "tvMagnitude": f32(tv(field, mask, w_mag, edge, ps, lo, hi)),
        "tvPlain": f32(tv(field, mask, mask.astype(np.float64), None, ps, lo, hi)),
        # 4x the field, so that phases reach ~2.5 rad and the nonlinearity shows
        "tvNonlinear": f32(tv(4 * field, mask, w_mag, None, ps, lo, hi, nonlinear=True)),
        "tvNonlinearAsLinear": f32(tv(4 * field, mask, w_mag, None, ps, lo, hi)),
        "ndiMagnitude": f32(ndi(field, mask, w_mag, ps, lo, hi)),
        "ndiNoSupport": f32(ndi(field, mask, mask.astype(np.float64), ps, lo, hi, use_support=False)),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "iterative_fixture.json")
    with open(path, "w") as fh:
        json.dump(out, fh)
    print(path, "box", box_xyz, "pad", ps, {k: float(np.abs(np.asarray(out[k])).max()) for k in ("field", "tvMagnitude", "tvPlain", "ndiMagnitude")},
          "edges", int((edge == 0).sum()), "of", int(mask.sum()))


if __name__ == "__main__":
    main()
