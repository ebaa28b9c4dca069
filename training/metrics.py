"""Image-quality metrics exactly as /work/shared/DESIGN.md defines them (inside a mask; reference r, estimate x)."""
import numpy as np
from scipy.ndimage import gaussian_filter
from scipy.signal import fftconvolve

SSIM_CLIP = (-0.1, 0.2)  # ppm; shifted to [0, 0.3]
SSIM_L, SSIM_K1, SSIM_K2, SSIM_SIGMA = 0.3, 0.01, 0.001, 1.5
SSIM_TRUNCATE = 3.5  # Gaussian window radius 3.5 sigma (skimage's choice for sigma 1.5: 11^3 window)
HFEN_SIGMA, HFEN_SIZE = 1.5, 15


def _m(mask, shape):
    return np.ones(shape, bool) if mask is None else np.asarray(mask) > 0


def nrmse(x, r, mask=None):
    m = _m(mask, r.shape)
    return 100.0 * np.linalg.norm((x - r)[m]) / np.linalg.norm(r[m])


def psnr(x, r, mask=None):
    m = _m(mask, r.shape)
    rmse = np.sqrt(np.mean((x[m] - r[m]) ** 2))
    return 20.0 * np.log10((r[m].max() - r[m].min()) / rmse)


def ssim(x, r, mask=None):
    """3-D SSIM, Gaussian window sigma 1.5 voxels, values clipped to [-0.1, 0.2] ppm, shifted to [0, 0.3]."""
    m = _m(mask, r.shape)
    a = np.clip(np.asarray(x, np.float64), *SSIM_CLIP) - SSIM_CLIP[0]
    b = np.clip(np.asarray(r, np.float64), *SSIM_CLIP) - SSIM_CLIP[0]

    def g(v):
        return gaussian_filter(v, SSIM_SIGMA, truncate=SSIM_TRUNCATE, mode="reflect")

    mu_a, mu_b = g(a), g(b)
    va = g(a * a) - mu_a * mu_a
    vb = g(b * b) - mu_b * mu_b
    cov = g(a * b) - mu_a * mu_b
    c1, c2 = (SSIM_K1 * SSIM_L) ** 2, (SSIM_K2 * SSIM_L) ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (va + vb + c2))
    return float(s[m].mean())


def log_kernel(sigma=HFEN_SIGMA, size=HFEN_SIZE):
    """3-D Laplacian of Gaussian, size^3, zero sum (as MATLAB's fspecial3('log'))."""
    r = np.arange(size) - (size - 1) / 2
    X, Y, Z = np.meshgrid(r, r, r, indexing="ij")
    r2 = X**2 + Y**2 + Z**2
    h = np.exp(-r2 / (2 * sigma**2))
    h /= h.sum()
    k = h * (r2 - 3 * sigma**2) / sigma**4
    return k - k.mean()


def hfen(x, r, mask=None):
    """NRMSE (%) of the LoG-filtered volumes (filtered whole, compared inside the mask)."""
    k = log_kernel()
    # zero-padded linear convolution, same size (= ndimage.convolve mode "constant"), via FFT for speed
    fx = fftconvolve(np.asarray(x, np.float64), k, mode="same")
    fr = fftconvolve(np.asarray(r, np.float64), k, mode="same")
    return nrmse(fx, fr, mask)


def regression(x, r, mask=None):
    """Least squares x = a r + b over the mask: (slope, intercept, R^2)."""
    m = _m(mask, r.shape)
    rv, xv = r[m].astype(np.float64), x[m].astype(np.float64)
    A = np.stack([rv, np.ones_like(rv)], 1)
    (a, b), *_ = np.linalg.lstsq(A, xv, rcond=None)
    res = xv - (a * rv + b)
    r2 = 1 - (res @ res) / (((xv - xv.mean()) ** 2).sum())
    return float(a), float(b), float(r2)


def bias(x, r, mask=None):
    """Mean of x - r inside the mask (ppm): the part of the error the field cannot see (D(0) = 0)."""
    m = np.ones(np.shape(r), bool) if mask is None else np.asarray(mask, bool)
    return float(np.mean(np.asarray(x, np.float64)[m] - np.asarray(r, np.float64)[m]))


def all_metrics(x, r, mask=None):
    a, b, r2 = regression(x, r, mask)
    return {"nrmse": float(nrmse(x, r, mask)), "psnr": float(psnr(x, r, mask)), "ssim": ssim(x, r, mask),
            "hfen": float(hfen(x, r, mask)), "slope": a, "intercept": b, "r2": r2, "bias": bias(x, r, mask)}
