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
