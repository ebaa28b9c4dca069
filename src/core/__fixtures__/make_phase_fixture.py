"""Writes phase_fixture.json: numpy/scipy references for src/core/phase (phase.fixture.test.ts).

Run: /usr/bin/python3 src/core/__fixtures__/make_phase_fixture.py
Written from the method descriptions in src/core/phase/*.ts and DESIGN.md, not from the TypeScript:
  - morphology: scipy.ndimage (distance_transform_edt with sampling = voxel size for erosion/dilation by a ball in
    mm, the grid's edge outside for erosion; label and binary_fill_holes, 6-connectivity);
  - Laplacian unwrapping: 7-point Laplacian of wrapped neighbour differences inside the mask (Neumann at its edge),
    inverted with the discrete Laplacian's eigenvalues on the zero-padded grid (dipole_numpy.pad_shape), shifted by
    the circular mean of (phase - result) over the mask;
  - V-SHARP: normalised discrete spheres, largest radius first per voxel, deconvolution by 1 - S_rmax with
    |1 - S_rmax| < threshold set to 0, on a grid padded by the largest radius on each side;
  - PDF: conjugate gradients on the normal equations, a fixed number of iterations, weights 1;
  - echo fit: numpy.polyfit of unwrapped phase over TE with w = magnitude (least squares weights magnitude^2).
Arrays are indexed [x, y, z] and flattened x fastest (order="F").
"""
import json
import math
import os

import numpy as np
from scipy import ndimage

import dipole_numpy as dn

DIMS = (14, 12, 10)
VOXEL = (1.0, 1.2, 1.5)
B0 = np.array([0.2, -0.3, 0.93])
ERODE_MM = 2.0
DILATE_MM = 1.7
VSHARP_RADII = [3.0, 2.0]
VSHARP_T = 0.05
PDF_ITER = 5
TFI = {"lambda": 1e-3, "outsideWeight": 3.0, "irls": 3, "cgIterations": 6, "epsilon": 1e-3}
TES = [0.003, 0.007, 0.012]


def flat(a):
    return np.asarray(a).ravel(order="F")


def f32(a):
    return [float(f"{v:.8g}") for v in flat(np.asarray(a, dtype=np.float32))]


def u8(a):
    return [int(v) for v in flat(np.asarray(a, dtype=np.uint8))]


def coords():
    return np.meshgrid(*(np.arange(n) * d for n, d in zip(DIMS, VOXEL)), indexing="ij")


def masks():
    x, y, z = coords()
    c = [(n - 1) * d / 2 for n, d in zip(DIMS, VOXEL)]
    r = [0.42 * n * d for n, d in zip(DIMS, VOXEL)]
    body = ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 <= 1
    hole = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= 2.0 ** 2
    island = (x - 0.5) ** 2 + (y - 0.5) ** 2 + (z - 0.5) ** 2 <= 1.0
    return (body & ~hole) | island, body


def erode(mask, r):
    padded = np.pad(mask, 1)  # the grid's edge counts as outside
    d = ndimage.distance_transform_edt(padded, sampling=VOXEL)[1:-1, 1:-1, 1:-1]
    return mask & (d > r)


def dilate(mask, r):
    return ndimage.distance_transform_edt(~mask, sampling=VOXEL) <= r


def largest(mask):
    lab, n = ndimage.label(mask)
    sizes = ndimage.sum(mask, lab, range(1, n + 1))
    return lab == (1 + int(np.argmax(sizes)))


def wrap(a):
    return a - 2 * np.pi * np.floor((a + np.pi) / (2 * np.pi))


def wrapped_laplacian(phase, mask):
    out = np.zeros_like(phase)
    for a, d in enumerate(VOXEL):
        for s in (1, -1):
            nb = np.roll(phase, -s, axis=a)
            nbm = np.roll(mask, -s, axis=a)
            valid = mask & nbm
            idx = [slice(None)] * 3
            idx[a] = -1 if s == 1 else 0  # no neighbour past the grid's edge
            valid[tuple(idx)] = False
            out += np.where(valid, wrap(nb - phase), 0) / d ** 2
    return out


def laplacian_unwrap(phase, mask):
    ps = dn.pad_shape(DIMS)
    g = np.zeros(ps)
    g[: DIMS[0], : DIMS[1], : DIMS[2]] = wrapped_laplacian(phase, mask)
    eig = sum(
        (2 * np.cos(2 * np.pi * np.arange(n) / n) - 2)[tuple(slice(None) if b == a else None for b in range(3))] / d ** 2
        for a, (n, d) in enumerate(zip(ps, VOXEL))
    )
    G = np.fft.fftn(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        H = np.where(eig == 0, 0, 1 / eig)
    u = np.real(np.fft.ifftn(G * H))[: DIMS[0], : DIMS[1], : DIMS[2]]
    dlt = phase - u
    shift = math.atan2(np.sin(dlt[mask]).sum(), np.cos(dlt[mask]).sum())
    return np.where(mask, u + shift, 0)


def sphere_spectrum(ps, r):
    k = np.zeros(ps)
    rr = [int(math.floor(r / d)) for d in VOXEL]
    count = 0
    for i in range(-rr[0], rr[0] + 1):
        for j in range(-rr[1], rr[1] + 1):
            for l in range(-rr[2], rr[2] + 1):
                if (i * VOXEL[0]) ** 2 + (j * VOXEL[1]) ** 2 + (l * VOXEL[2]) ** 2 <= r * r:
                    k[i % ps[0], j % ps[1], l % ps[2]] = 1
                    count += 1
    return np.real(np.fft.fftn(k / count))


def vsharp(field, mask):
    radii = sorted(VSHARP_RADII, reverse=True)
    ps = [n + 2 * math.ceil(radii[0] / d) for n, d in zip(DIMS, VOXEL)]
    ps = [dn.fast_size(n) for n in ps]
    while ps[0] % 2:
        ps[0] = dn.fast_size(ps[0] + 1)
    F = np.fft.fftn(dn.pad(np.where(mask, field, 0), tuple(ps)))
    combined = np.zeros(DIMS)
    assigned = np.zeros(DIMS, bool)
    s_max = None
    m = mask
    for r in radii:
        s = sphere_spectrum(tuple(ps), r)
        if s_max is None:
            s_max = s
        hp = np.real(np.fft.ifftn(F * (1 - s)))[: DIMS[0], : DIMS[1], : DIMS[2]]
        m = erode(mask, r)
        sel = m & ~assigned
        combined[sel] = hp[sel]
        assigned |= sel
    h = 1 - s_max
    with np.errstate(divide="ignore"):
        inv = np.where(np.abs(h) < VSHARP_T, 0, 1 / h)
    local = np.real(np.fft.ifftn(np.fft.fftn(dn.pad(combined, tuple(ps))) * inv))[: DIMS[0], : DIMS[1], : DIMS[2]]
    return np.where(m, local, 0), m


def cg(A, b, x, iterations):
    """Plain conjugate gradients on A x = b from x (updated in place), a fixed number of iterations."""
    r = b - A(x)
    p = r.copy()
    rr = np.sum(r * r)
    for _ in range(iterations):
        q = A(p)
        alpha = rr / np.sum(p * q)
        x += alpha * p
        r -= alpha * q
        rr_new = np.sum(r * r)
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def pdf(field, mask):
    ps = dn.pad_shape(DIMS)
    D = dn.dipole(ps, VOXEL, B0)
    conv = lambda x: np.real(np.fft.ifftn(D * np.fft.fftn(x)))
    inside = np.zeros(ps, bool)
    inside[: DIMS[0], : DIMS[1], : DIMS[2]] = mask
    w2 = np.zeros(ps)
    w2[inside] = 1.0
    A = lambda x: np.where(inside, 0, conv(w2 * conv(x)))
    b = np.where(inside, 0, conv(w2 * dn.pad(field, ps)))
    x = np.zeros(ps)
    cg(A, b, x, PDF_ITER)
    bg = conv(x)[: DIMS[0], : DIMS[1], : DIMS[2]]
    return np.where(mask, field - bg, 0)


def tfi(field, mask):
    """Total-field inversion as src/core/phase/tfi.ts documents it: chi = P y over the padded grid, P = 1 in the
    mask and outsideWeight outside, IRLS on an L1 gradient prior (forward differences, periodic on the padded grid,
    times mean voxel size / voxel size on each axis), each re-weighting a warm-started run of cgIterations CG steps on
    P D M D P y + lambda P G^T W G P y = P D M f, on the mask's bounding box zero-padded at the high end;
    returns (M D (M chi), chi) on the original grid, chi 0 beyond the box."""
    idx = np.nonzero(mask)
    lo = [int(i.min()) for i in idx]
    hi = [int(i.max()) + 1 for i in idx]
    box = tuple(h - l for l, h in zip(lo, hi))
    sl = tuple(slice(l, h) for l, h in zip(lo, hi))
    ps = dn.pad_shape(box)
    D = dn.dipole(ps, VOXEL, B0)
    conv = lambda x: np.real(np.fft.ifftn(D * np.fft.fftn(x)))
    inside = np.zeros(ps, bool)
    inside[: box[0], : box[1], : box[2]] = mask[sl]
    M = inside.astype(float)
    P = np.where(inside, 1.0, TFI["outsideWeight"])
    s = [np.mean(VOXEL) / v for v in VOXEL]
    grad = lambda x: [(np.roll(x, -1, a) - x) * s[a] for a in range(3)]
    grad_t = lambda g: sum((np.roll(g[a], 1, a) - g[a]) * s[a] for a in range(3))
    b = P * conv(M * dn.pad(field[sl], ps))
    y = np.zeros(ps)
    for _ in range(TFI["irls"]):
        g = grad(P * y)
        W = 1 / np.sqrt(sum(c ** 2 for c in g) + TFI["epsilon"] ** 2)
        A = lambda v: P * conv(M * conv(P * v)) + TFI["lambda"] * P * grad_t([W * c for c in grad(P * v)])
        cg(A, b, y, TFI["cgIterations"])
    chi = P * y
    local, chi_full = np.zeros(DIMS), np.zeros(DIMS)
    local[sl] = conv(M * chi)[: box[0], : box[1], : box[2]]
    chi_full[sl] = chi[: box[0], : box[1], : box[2]]
    return np.where(mask, local, 0), chi_full


def main():
    rng = np.random.default_rng(11)
    mask, body = masks()
    x, y, z = coords()
    # smooth phase with several wraps over the grid
    true_phase = 0.9 * x - 0.6 * y + 0.5 * z + 2.5 * np.sin(0.25 * x + 0.3 * z) + 0.03 * (y - 6) ** 2
    phase = wrap(true_phase)
    field = sum(
        rng.uniform(-0.1, 0.1) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / (2 * 2.5 ** 2))
        for cx, cy, cz in rng.uniform([0, 0, 0], [DIMS[0] * VOXEL[0], DIMS[1] * VOXEL[1], DIMS[2] * VOXEL[2]], (5, 3))
    ) + 0.02 * x - 0.01 * z  # local blobs plus a harmonic ramp
    field = field.astype(np.float32).astype(np.float64)
    vs_local, vs_mask = vsharp(field, body)
    tfi_local, tfi_chi = tfi(field, body)
    # echo fit: unwrapped phases and magnitudes per echo
    offset = rng.uniform(-1, 1, DIMS)
    freq = rng.uniform(-40, 40, DIMS)
    mags = [rng.uniform(0.2, 1.0, DIMS) for _ in TES]
    psi = [(offset + 2 * np.pi * freq * te + rng.normal(0, 0.05, DIMS)).astype(np.float32) for te in TES]
    slope = np.zeros(DIMS)
    for idx in np.ndindex(*DIMS):
        slope[idx] = np.polyfit(TES, [p[idx] for p in psi], 1, w=[m[idx] for m in mags])[0]
    out = {
        "dims": list(DIMS),
        "voxelSize": list(VOXEL),
        "b0Dir": B0.tolist(),
        "erodeMm": ERODE_MM,
        "dilateMm": DILATE_MM,
        "vsharpRadii": VSHARP_RADII,
        "vsharpThreshold": VSHARP_T,
        "pdfIterations": PDF_ITER,
        "echoTimes": TES,
        "mask": u8(mask),
        "body": u8(body),
        "eroded": u8(erode(mask, ERODE_MM)),
        "dilated": u8(dilate(mask, DILATE_MM)),
        "largest": u8(largest(mask)),
        "filled": u8(ndimage.binary_fill_holes(mask)),
        "phase": f32(phase),
        "laplacianUnwrapped": f32(laplacian_unwrap(phase.astype(np.float32).astype(np.float64), body)),
        "field": f32(field),
        "vsharpLocal": f32(vs_local),
        "vsharpMask": u8(vs_mask),
        "pdfLocal": f32(pdf(field, body)),
        "tfi": TFI,
        "tfiLocal": f32(tfi_local),
        "tfiChi": f32(tfi_chi),
        "unwrappedEchoes": [f32(p) for p in psi],
        "magnitudes": [f32(m) for m in mags],
        "fitHz": f32(slope / (2 * np.pi)),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "phase_fixture.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
