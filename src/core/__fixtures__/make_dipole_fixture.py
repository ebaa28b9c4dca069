"""Writes dipole_fixture.json: a small anisotropic phantom with oblique B0 and, computed
independently with numpy, its padded forward field, TKD, closed-form L2, 3-orientation COSMOS and
data consistency (soft and hard) of a stand-in network output,
for src/core/dipole.fixture.test.ts.

Run: /usr/bin/python3 src/core/__fixtures__/make_dipole_fixture.py
Conventions follow DESIGN.md: arrays flattened x fastest (numpy shape (nz, ny, nx)); the kernel,
padding and filtering are dipole_numpy.py's (shared with bench/brain_roundtrip.py);
field = real(ifftn(D fftn(chi))) cropped.
"""
import json
import os

import numpy as np

import dipole_numpy as dn  # the numpy dipole reference shared with bench/brain_roundtrip.py (this folder)

DIMS = (16, 14, 10)  # nx, ny, nz
VOXEL = (0.9, 1.1, 1.6)  # mm
B0 = np.array([0.3, -0.2, 0.93])
TKD_T = 0.19
CFL2_LAMBDA = 0.05
DC_LAMBDA = 0.02
DC_THRESHOLD = 0.19
DC_MASKED_LAMBDA = 0.01
COSMOS_DIRS = [B0, np.array([0.0, 0.0, 1.0]), np.array([0.6, 0.5, 0.62])]


def dipole(shape_xyz, b):
    """D indexed [z, y, x], as this script's arrays are."""
    return dn.dipole(shape_xyz, VOXEL, b).T


def phantom():
    rng = np.random.default_rng(3)
    z, y, x = np.meshgrid(*(np.arange(n) * d for n, d in zip(reversed(DIMS), reversed(VOXEL))), indexing="ij")
    chi = np.zeros(x.shape)
    for _ in range(6):
        c = rng.uniform([0, 0, 0], [DIMS[0] * VOXEL[0], DIMS[1] * VOXEL[1], DIMS[2] * VOXEL[2]])
        s = rng.uniform(1.5, 3.5)
        chi += rng.uniform(-0.1, 0.2) * np.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) / (2 * s * s))
    cx, cy, cz = (DIMS[0] - 1) * VOXEL[0] / 2, (DIMS[1] - 1) * VOXEL[1] / 2, (DIMS[2] - 1) * VOXEL[2] / 2
    mask = ((x - cx) / (cx + 0.5)) ** 2 + ((y - cy) / (cy + 0.5)) ** 2 + ((z - cz) / (cz + 0.5)) ** 2 <= 1
    return chi.astype(np.float32), mask


def masked_dc_dense(fm, chi_net, mask, b, lam):
    """Masked data consistency (src/core/dataConsistencyMasked.ts) by a dense solve, not by iterations:
    G = M D M restricted to the mask's voxels, on the mask's bounding box zero-padded to pad_shape(box), built column by
    column from unit impulses; then (G^T G + lam I) chi = G^T f + lam chi_net. D is its even part, as everywhere."""
    idx = np.nonzero(mask)
    lo = [int(i.min()) for i in idx]
    hi = [int(i.max()) + 1 for i in idx]
    box = tuple(slice(a, c) for a, c in zip(lo, hi))  # [z, y, x]
    m = mask[box]
    bshape_zyx = m.shape
    ps_box = dn.pad_shape(tuple(reversed(bshape_zyx)))
    d = dipole(ps_box, b)
    mirror = d
    for ax in range(3):
        mirror = np.roll(np.flip(mirror, ax), 1, ax)
    de = 0.5 * (d + mirror)
    inside = np.flatnonzero(m)
    cols = []
    for j in inside:
        e = np.zeros(bshape_zyx)
        e.flat[j] = 1.0
        cols.append(dn.filtered(e, de).ravel()[inside])
    G = np.array(cols).T
    f = fm[box].ravel()[inside]
    n = chi_net[box].ravel()[inside]
    x = np.linalg.solve(G.T @ G + lam * np.eye(len(inside)), G.T @ f + lam * n)
    out = np.zeros(fm.shape)
    sub = np.zeros(bshape_zyx)
    sub.flat[inside] = x
    out[box] = sub
    return out


def f32(a):
    return [float(f"{v:.9g}") for v in np.asarray(a, dtype=np.float32).ravel()]


def main():
    ps = dn.pad_shape(DIMS)
    chi32, mask = phantom()
    chi = chi32.astype(np.float64)
    fields32 = [dn.filtered(chi, dipole(ps, b)).astype(np.float32) for b in COSMOS_DIRS]
    field = fields32[0].astype(np.float64)
    fm = np.where(mask, field, 0.0)

    d = dipole(ps, B0)
    d_trunc = np.where(np.abs(d) >= TKD_T, d, np.sign(d) * TKD_T)  # sign(0) = 0: D = 0 stays 0
    h_tkd = np.zeros_like(d)
    h_tkd[d_trunc != 0] = 1.0 / d_trunc[d_trunc != 0]
    tkd = np.where(mask, dn.filtered(fm, h_tkd), 0.0)

    e2 = dn.gradient_penalty(ps, VOXEL).T
    den = d ** 2 + CFL2_LAMBDA * e2
    h_l2 = np.where(den > 0, d / np.where(den > 0, den, 1), 0.0)
    cfl2 = np.where(mask, dn.filtered(fm, h_l2), 0.0)

    num = np.zeros(tuple(reversed(ps)), complex)
    dsum = np.zeros(tuple(reversed(ps)))
    for f, b in zip(fields32, COSMOS_DIRS):
        db = dipole(ps, b)
        num += db * np.fft.fftn(dn.pad(np.where(mask, f.astype(np.float64), 0.0), db.shape))
        dsum += db ** 2
    spec = np.where(dsum > 1e-6, num / np.where(dsum > 1e-6, dsum, 1), 0)
    cosmos = np.where(mask, np.real(np.fft.ifftn(spec))[: DIMS[2], : DIMS[1], : DIMS[0]], 0.0)

    # a stand-in for a network output: chi shrunk, smoothed and offset (data consistency must pull it to the field)
    from scipy.ndimage import gaussian_filter
    chi_net = (0.6 * gaussian_filter(chi, 1.0) + 0.01).astype(np.float32)
    net_spec = np.fft.fftn(dn.pad(chi_net.astype(np.float64), d.shape))
    f_spec = np.fft.fftn(dn.pad(fm, d.shape))
    # D's even part (D(k) + D(-k)) / 2: the operator real(IFFT(D FFT(chi))) applies to a real chi, so the step is the
    # exact minimiser of ||D chi - f||^2 + lambda ||chi - chi_net||^2 (they differ on the Nyquist planes of a tilted D)
    mirror = d
    for ax in range(3):
        mirror = np.roll(np.flip(mirror, ax), 1, ax)
    de = 0.5 * (d + mirror)
    dc_soft_spec = (de * f_spec + DC_LAMBDA * net_spec) / (de ** 2 + DC_LAMBDA)
    dc_soft = np.where(mask, np.real(np.fft.ifftn(dc_soft_spec))[: DIMS[2], : DIMS[1], : DIMS[0]], 0.0)
    big = np.abs(de) > DC_THRESHOLD
    dc_hard_spec = np.where(big, f_spec / np.where(big, de, 1), net_spec)
    dc_hard = np.where(mask, np.real(np.fft.ifftn(dc_hard_spec))[: DIMS[2], : DIMS[1], : DIMS[0]], 0.0)

    dc_masked = masked_dc_dense(fm, chi_net.astype(np.float64), mask, B0, DC_MASKED_LAMBDA)

    out = {
        "dims": list(DIMS), "voxelSize": list(VOXEL), "padDims": list(ps), "b0Dir": B0.tolist(),
        "tkdThreshold": TKD_T, "cfl2Lambda": CFL2_LAMBDA, "cosmosDirs": [b.tolist() for b in COSMOS_DIRS],
        "chi": f32(chi32), "mask": [int(v) for v in mask.ravel()],
        "fields": [f32(f) for f in fields32], "tkd": f32(tkd), "cfl2": f32(cfl2), "cosmos": f32(cosmos),
        "dcLambda": DC_LAMBDA, "dcThreshold": DC_THRESHOLD, "chiNet": f32(chi_net), "dcSoft": f32(dc_soft), "dcHard": f32(dc_hard),
        "dcMaskedLambda": DC_MASKED_LAMBDA, "dcMasked": f32(dc_masked),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dipole_fixture.json")
    with open(path, "w") as fh:
        json.dump(out, fh)
    print(path, ps, {k: float(np.abs(v).max()) for k, v in [("field", field), ("tkd", tkd), ("cfl2", cfl2), ("cosmos", cosmos)]})


if __name__ == "__main__":
    main()
