"""Metrics against hand-worked cases and independent computations (numpy/scipy directly)."""
import numpy as np
from scipy.ndimage import convolve, gaussian_laplace

from metrics import all_metrics, hfen, log_kernel, nrmse, psnr, regression, ssim


def test_nrmse_and_psnr_hand_case():
    r = np.array([[[1.0, 2.0, 3.0, 4.0]]])
    x = np.array([[[1.0, 2.0, 3.0, 6.0]]])
    assert np.isclose(nrmse(x, r), 100 * 2 / np.sqrt(30))
    assert np.isclose(psnr(x, r), 20 * np.log10(3 / np.sqrt(4 / 4)))
    mask = np.array([[[1, 1, 1, 0]]])
    assert np.isclose(nrmse(x, r, mask), 0.0)


def test_regression_matches_polyfit():
    rng = np.random.default_rng(0)
    r = rng.normal(size=(6, 7, 8))
    x = 0.7 * r + 0.05 + 0.1 * rng.normal(size=r.shape)
    a, b, r2 = regression(x, r)
    pa, pb = np.polyfit(r.ravel(), x.ravel(), 1)
    assert np.isclose(a, pa) and np.isclose(b, pb)
    assert np.isclose(r2, np.corrcoef(r.ravel(), x.ravel())[0, 1] ** 2)


def test_ssim_identity_and_clipping():
    rng = np.random.default_rng(1)
    r = rng.normal(scale=0.05, size=(16, 16, 16))
    assert np.isclose(ssim(r, r), 1.0)
    assert ssim(r + 0.02 * rng.normal(size=r.shape), r) < 0.99
    # values beyond [-0.1, 0.2] ppm are clipped: a change there does not count
    big = r.copy()
    big[r > 0.05] = 0.25
    big2 = big.copy()
    big2[r > 0.05] = 0.9
    assert np.isclose(ssim(big, big2), 1.0)


def test_ssim_constant_images_hand_case():
    # constant volumes: variances and covariance vanish, SSIM = (2 mu_a mu_b + C1) / (mu_a^2 + mu_b^2 + C1)
    a = np.full((8, 8, 8), 0.05)
    b = np.full((8, 8, 8), 0.0)
    mu_a, mu_b, c1 = 0.15, 0.1, (0.01 * 0.3) ** 2
    assert np.isclose(ssim(a, b), (2 * mu_a * mu_b + c1) / (mu_a**2 + mu_b**2 + c1))


def test_log_kernel_and_hfen_against_direct_convolution():
    k = log_kernel()
    assert k.shape == (15, 15, 15) and abs(k.sum()) < 1e-12
    # the kernel is (up to the zero-sum correction) scipy's Gaussian Laplacian of an impulse
    imp = np.zeros((31, 31, 31))
    imp[15, 15, 15] = 1
    gl = gaussian_laplace(imp, 1.5, mode="constant")[8:23, 8:23, 8:23]
    assert np.corrcoef(gl.ravel(), k.ravel())[0, 1] > 0.99
    rng = np.random.default_rng(2)
    r = rng.normal(size=(12, 13, 14))
    x = r + 0.3 * rng.normal(size=r.shape)
    fx, fr = convolve(x, k, mode="constant"), convolve(r, k, mode="constant")
    assert np.isclose(hfen(x, r), 100 * np.linalg.norm(fx - fr) / np.linalg.norm(fr))


def test_all_metrics_keys():
    r = np.random.default_rng(3).normal(size=(8, 8, 8)) * 0.05
    m = all_metrics(r * 0.5, r)
    assert set(m) == {"nrmse", "psnr", "ssim", "hfen", "slope", "intercept", "r2", "bias"}
    assert np.isclose(m["slope"], 0.5) and np.isclose(m["nrmse"], 50)


def test_bias_hand_case():
    r = np.zeros((4, 4, 4))
    x = r + 0.02
    mask = np.zeros((4, 4, 4), bool)
    mask[:2] = True
    x[2:] = 5.0  # outside the mask: ignored
    assert np.isclose(all_metrics(x, r, mask)["bias"], 0.02)
