"""Writes metrics_fixture.json: two smooth 20x18x16 volumes, a mask, and their metrics computed
independently with numpy/scipy, for src/core/metrics.test.ts.

Run: /usr/bin/python3 src/core/__fixtures__/make_metrics_fixture.py
Conventions (DESIGN.md): arrays are flattened x fastest (numpy shape (nz, ny, nx), C order).
SSIM uses scipy.ndimage.gaussian_filter(sigma=1.5, truncate=4.0, mode='reflect') -- radius 6,
the same truncation as src/core/ssim.ts. HFEN uses an explicit 15^3 LoG kernel built like the
QSM challenge's fspecial3('log') (sigma 1.5) and scipy.ndimage.correlate(mode='constant').
The regression uses numpy.polyfit.
"""
import json
import os

import numpy as np
from scipy import ndimage

NX, NY, NZ = 20, 18, 16


def volumes():
    rng = np.random.default_rng(42)
    shape = (NZ, NY, NX)
    ref = ndimage.gaussian_filter(rng.standard_normal(shape), 2.0)
    ref = 0.12 * ref / ref.std() + 0.03  # spans beyond [-0.1, 0.2] so the SSIM clip matters
    pred = 0.8 * ref + 0.01 + 0.02 * ndimage.gaussian_filter(rng.standard_normal(shape), 1.0)
    z, y, x = np.meshgrid(np.arange(NZ), np.arange(NY), np.arange(NX), indexing="ij")
    mask = ((x - 9.5) / 8.5) ** 2 + ((y - 8.5) / 7.5) ** 2 + ((z - 7.5) / 6.5) ** 2 <= 1
    return pred.astype(np.float32), ref.astype(np.float32), mask


def ssim(x, r, m):
    lo, hi, L, k1, k2 = -0.1, 0.2, 0.3, 0.01, 0.001
    a = np.where(m, np.clip(x, lo, hi), 0.0) - lo
    b = np.where(m, np.clip(r, lo, hi), 0.0) - lo
    f = lambda v: ndimage.gaussian_filter(v, 1.5, truncate=4.0, mode="reflect")
    ma, mb = f(a), f(b)
    va, vb, cov = f(a * a) - ma ** 2, f(b * b) - mb ** 2, f(a * b) - ma * mb
    c1, c2 = (k1 * L) ** 2, (k2 * L) ** 2
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))
    return float(s[m].mean())


def log_kernel(size=15, sigma=1.5):
    h = (size - 1) // 2
    x, y, z = np.meshgrid(*[np.arange(-h, h + 1)] * 3, indexing="ij")
    g = np.exp(-(x * x + y * y + z * z) / (2 * sigma ** 2))
    g /= g.sum()
    arg = (x * x + y * y + z * z) / sigma ** 4 - 3 / sigma ** 2
    k = arg * g
    return k - k.sum() / k.size


def hfen(x, r, m):
    k = log_kernel()
    lx = ndimage.correlate(np.where(m, x, 0.0), k, mode="constant", cval=0.0)
    lr = ndimage.correlate(np.where(m, r, 0.0), k, mode="constant", cval=0.0)
    return float(100 * np.linalg.norm((lx - lr)[m]) / np.linalg.norm(lr[m]))


def main():
    pred32, ref32, m = volumes()
    x, r = pred32.astype(np.float64), ref32.astype(np.float64)
    xm, rm = x[m], r[m]
    nrmse = float(100 * np.linalg.norm(xm - rm) / np.linalg.norm(rm))
    psnr = float(20 * np.log10((rm.max() - rm.min()) / np.sqrt(np.mean((xm - rm) ** 2))))
    slope, intercept = np.polyfit(rm, xm, 1)
    resid = xm - (slope * rm + intercept)
    r2 = float(1 - np.sum(resid ** 2) / np.sum((xm - xm.mean()) ** 2))
    out = {
        "dims": [NX, NY, NZ],
        # 9 significant digits round-trip a float32 exactly
        "pred": [float(f"{v:.9g}") for v in pred32.ravel()],
        "ref": [float(f"{v:.9g}") for v in ref32.ravel()],
        "mask": [int(v) for v in m.ravel()],
        "expected": {
            "nrmse": nrmse, "psnr": psnr, "ssim": ssim(x, r, m), "hfen": hfen(x, r, m),
            "slope": float(slope), "intercept": float(intercept), "r2": r2,
        },
        "expectedNoMask": {"nrmse": float(100 * np.linalg.norm(x - r) / np.linalg.norm(r)),
                           "ssim": ssim(x, r, np.ones_like(m)), "hfen": hfen(x, r, np.ones_like(m))},
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_fixture.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(path, out["expected"])


if __name__ == "__main__":
    main()
