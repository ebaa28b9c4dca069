"""Dipole physics per /work/shared/DESIGN.md: kernel, forward model, TKD.

Arrays here are indexed [x, y, z] (shape (nx, ny, nz)); voxel size and B0
direction are given in the same voxel-axis order. Only qsm_net / the data
loaders transpose to the network's (z, y, x) layout.
"""
import numpy as np
import scipy.fft as sfft


def padded_shape(shape, factor=1.5):
    """At least `factor` x each dimension, rounded up to a size scipy's FFT handles fast."""
    return tuple(sfft.next_fast_len(int(np.ceil(n * factor)), real=True) for n in shape)


def unit(b):
    b = np.asarray(b, dtype=np.float64)
    return b / np.linalg.norm(b)


def dipole_kernel(shape, voxel_size, b0_dir, rfft=False, nyquist_sign=-1):
    """D(k) = 1/3 - (k.b)^2/|k|^2 with k_i = m_i / (N_i d_i), D(0) = 0.

    m_i is numpy's signed FFT index (the Nyquist bin of an even axis is -N/2; nyquist_sign=+1
    gives +N/2 there instead). With rfft=True the last axis holds only the non-negative
    frequencies (for rfftn).
    """
    b = unit(b0_dir)
    ks = []
    for ax, (n, d) in enumerate(zip(shape, voxel_size)):
        last = ax == len(shape) - 1
        f = np.fft.rfftfreq(n) if (rfft and last) else np.fft.fftfreq(n)  # m / N
        if n % 2 == 0:
            f[n // 2] = 0.5 * nyquist_sign
        ks.append(f / d)
    kx, ky, kz = np.meshgrid(*ks, indexing="ij", sparse=True)
    k2 = kx * kx + ky * ky + kz * kz
    kb = kx * b[0] + ky * b[1] + kz * b[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        D = 1.0 / 3.0 - kb * kb / k2
    D[0, 0, 0] = 0.0
    return D


def _apply_in_kspace(vol, voxel_size, b0_dir, fn, pad_factor=1.5):
    vol = np.asarray(vol, dtype=np.float64)
    pshape = padded_shape(vol.shape, pad_factor)
    # DESIGN.md defines real(IFFT(K . FFT(x))) with a full complex FFT; taking the real part
    # averages K over the two signs of each Nyquist frequency, which a tilted B0 makes differ.
    # Averaging here makes K Hermitian-consistent, so the real FFT gives exactly that result.
    D_neg = dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=-1)
    D_pos = dipole_kernel(pshape, voxel_size, b0_dir, rfft=True, nyquist_sign=+1)
    K = 0.5 * (fn(D_neg) + fn(D_pos))
    F = sfft.rfftn(vol, s=pshape, workers=1)  # zero padding at the high end
    out = sfft.irfftn(K * F, s=pshape, workers=1)
    return out[: vol.shape[0], : vol.shape[1], : vol.shape[2]]


def forward_field(chi, voxel_size, b0_dir, pad_factor=1.5):
    """Local field (ppm) of a susceptibility map chi (ppm): real(IFFT(D FFT(chi))) on a zero-padded grid."""
    return _apply_in_kspace(chi, voxel_size, b0_dir, lambda D: D, pad_factor)


def tkd(field, voxel_size, b0_dir, threshold=0.19, pad_factor=1.5):
    """Truncated k-space division: 1/D where |D| > t, else sign(D)/t (sign kept; D(0) = 0 stays 0)."""

    def inv(D):
        small = np.abs(D) <= threshold
        with np.errstate(divide="ignore"):
            r = np.where(small, np.sign(D) / threshold, 1.0 / np.where(small, 1.0, D))
        return r

    return _apply_in_kspace(field, voxel_size, b0_dir, inv, pad_factor)


def tilted_b0(tilt_deg, azimuth_deg=0.0):
    """Unit B0 direction in voxel axes tilted by `tilt_deg` from z towards the azimuth in the x-y plane."""
    t, p = np.deg2rad(tilt_deg), np.deg2rad(azimuth_deg)
    return np.array([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)])
