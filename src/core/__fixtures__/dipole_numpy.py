"""Independent numpy (float64) reference of DESIGN.md's dipole conventions, shared by
make_dipole_fixture.py (the fixture src/core tests compare against) and bench/brain_roundtrip.py
(the brain-sized acceptance check). Written from DESIGN.md, not from src/core or training/:
  - padding: zeros at the high end of each axis to the next 2^a 3^b 5^c >= ceil(1.5 N), x even
    (src/core/padding.ts needs an even x for its real-input FFT);
  - kernel: k_i = fftfreq(N_i, d_i) (m_i / (N_i d_i), signed), D = 1/3 - (k.b)^2 / |k|^2, D(0) = 0;
  - gradient penalty of closed-form L2: |E|^2 = sum_i |1 - exp(-2 pi i k_i d_i)|^2 / d_i^2 (1/mm^2);
  - filtering: real(ifftn(H fftn(pad(x)))) cropped back.
Shapes and voxel sizes are given in (x, y, z) order and kernels come back indexed [x, y, z]; callers
holding [z, y, x] arrays transpose them (.T), which moves values without any arithmetic.
"""
import math

import numpy as np

PAD_FACTOR = 1.5


def fast_size(n):
    """The smallest m >= n whose only prime factors are 2, 3 and 5."""
    m = n
    while True:
        r = m
        for p in (2, 3, 5):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 1


def pad_shape(dims_xyz, factor=PAD_FACTOR):
    s = [fast_size(math.ceil(factor * n)) for n in dims_xyz]
    while s[0] % 2:
        s[0] = fast_size(s[0] + 1)
    return tuple(s)


def kgrid(shape_xyz, voxel_xyz):
    """kx, ky, kz (1/mm), each indexed [x, y, z]."""
    ks = [np.fft.fftfreq(n, d) for n, d in zip(shape_xyz, voxel_xyz)]
    return np.meshgrid(*ks, indexing="ij")


def dipole(shape_xyz, voxel_xyz, b):
    b = np.asarray(b, dtype=np.float64)
    b = b / np.linalg.norm(b)
    kx, ky, kz = kgrid(shape_xyz, voxel_xyz)
    k2 = kx ** 2 + ky ** 2 + kz ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        d = 1 / 3 - (kx * b[0] + ky * b[1] + kz * b[2]) ** 2 / k2
    d[k2 == 0] = 0
    return d


def gradient_penalty(shape_xyz, voxel_xyz):
    return sum(np.abs(1 - np.exp(-2j * np.pi * k * dv)) ** 2 / dv ** 2 for k, dv in zip(kgrid(shape_xyz, voxel_xyz), voxel_xyz))


def pad(data, shape):
    """data in the low corner of a zero float64 array of shape (any axis order)."""
    out = np.zeros(shape)
    out[tuple(slice(0, n) for n in data.shape)] = data
    return out


def filtered(data, h):
    """real(ifftn(h fftn(data zero-padded to h's shape))), cropped to data's shape; any axis order, the same for both."""
    out = np.real(np.fft.ifftn(h * np.fft.fftn(pad(data, h.shape))))
    return out[tuple(slice(0, n) for n in data.shape)]
