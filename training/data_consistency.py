"""Data consistency for a network's output (DESIGN.md), numpy, arrays [x, y, z] as in dipole.py:

  soft: chi_dc = real(IFFT((D F(f) + lam F(chi_net)) / (D^2 + lam)))   on the zero-padded grid;
  hard: F(f) / D where |D| > t, F(chi_net) elsewhere.

The same operation as src/core/dataConsistency.ts (whose own test checks it against an independent numpy
fixture); evaluate.py and dc_lambda.py use this one to report the learned models with data consistency.
"""
import numpy as np
import scipy.fft as sfft

from dipole import dipole_kernel, padded_shape

# src/core/dataConsistency.ts DEFAULT_DC_LAMBDA (test_data_consistency.py checks they agree): chosen there on training
# anatomy by dc_lambda.py
DEFAULT_LAMBDA = 0.015
# masked_data_consistency (src/core/dataConsistencyMasked.ts): chosen by dc_lambda.py on training anatomy
MASKED_LAMBDA = 0.0075
MASKED_ITERATIONS = 30
MASKED_TOL = 1e-3


def _weights(D, kind, lam, threshold):
    if kind == "hard":
        big = np.abs(D) > threshold
        return np.where(big, 1.0 / np.where(big, D, 1.0), 0.0), np.where(big, 0.0, 1.0)
    den = D * D + lam
    return D / den, lam / den


def data_consistency(field, chi_net, voxel_size, b0_dir, lam=DEFAULT_LAMBDA, kind="soft", threshold=0.19, pad_factor=1.5):
    field = np.asarray(field, dtype=np.float64)
    pshape = padded_shape(field.shape, pad_factor)
    # D's even part (D(k) + D(-k)) / 2, the operator the forward model applies to a real chi (dipole.py's
    # _apply_in_kspace): on the half grid it is the mean over the two signs of the Nyquist frequency
    D = 0.5 * (dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=-1)
               + dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=+1))
    wf, wn = _weights(D, kind, lam, threshold)
    F = sfft.rfftn(field, s=pshape, workers=1)
    N = sfft.rfftn(np.asarray(chi_net, dtype=np.float64), s=pshape, workers=1)
    out = sfft.irfftn(wf * F + wn * N, s=pshape, workers=1)
    return out[: field.shape[0], : field.shape[1], : field.shape[2]]


def mask_box(mask):
    """The mask's bounding box as slices (the whole grid for an empty mask)."""
    idx = np.nonzero(mask)
    if len(idx[0]) == 0:
        return tuple(slice(0, n) for n in mask.shape)
    return tuple(slice(int(i.min()), int(i.max()) + 1) for i in idx)


def masked_data_consistency(field, chi_net, mask, voxel_size, b0_dir, lam=None, iterations=None, tol=None,
                            pad_factor=1.5, start="net", history=None):
    """Data consistency with the field trusted inside the mask only (masked.ts in src/core):

      chi_dc = argmin_{chi = 0 outside M} ||M (D chi - f)||^2 + lam ||chi - chi_net||^2

    The closed form above treats the field outside the mask as measured zeros, which it is not. Here the normal
    equations (M D M D M + lam M) chi = M D f + lam M chi_net are solved by conjugate gradients on the mask's
    bounding box, zero-padded to DESIGN.md's size like the iterative methods (src/core/iterativeGrid.ts), from
    chi_net; stopping when the residual falls below tol x the right-hand side's norm, or after `iterations`.
    """
    lam = MASKED_LAMBDA if lam is None else lam
    iterations = MASKED_ITERATIONS if iterations is None else iterations
    tol = MASKED_TOL if tol is None else tol
    box = mask_box(mask)
    m = np.asarray(mask[box], dtype=np.float64)
    f = np.asarray(field[box], dtype=np.float64) * m
    n0 = np.asarray(chi_net[box], dtype=np.float64) * m
    pshape = list(padded_shape(m.shape, pad_factor))
    while pshape[0] % 2:  # x even, as src/core/padding.ts pads (its real-input FFT needs it)
        pshape[0] = sfft.next_fast_len(pshape[0] + 1, real=True)
    pshape = tuple(pshape)
    D = 0.5 * (dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=-1)
               + dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=+1))
    sl = tuple(slice(0, n) for n in m.shape)

    def conv(x):
        return sfft.irfftn(D * sfft.rfftn(x, s=pshape, workers=1), s=pshape, workers=1)[sl]

    A = lambda x: m * conv(m * conv(x)) + lam * x  # noqa: E731  (x is zero outside the mask)
    b = m * conv(f) + lam * n0
    x = n0.copy() if start == "net" else np.zeros_like(n0)
    r = b - A(x)
    p = r.copy()
    rr, bb = float((r * r).sum()), float((b * b).sum())
    it = 0
    while it < iterations and rr > tol * tol * bb:
        q = A(p)
        alpha = rr / float((p * q).sum())
        x += alpha * p
        r -= alpha * q
        rr_new = float((r * r).sum())
        p = r + (rr_new / rr) * p
        rr = rr_new
        it += 1
        if history is not None:
            history.append(x.copy())
    out = np.zeros(field.shape)
    out[box] = x
    return out
