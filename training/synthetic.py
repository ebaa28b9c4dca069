"""On-the-fly synthetic pre-training data (no anatomy).

One simulation = random shapes (ellipsoids, cuboids, cylinders, thin tubes) with
chi in about -0.2..0.4 ppm over a smooth background, defined in mm on a grid with a
random voxel size and a random B0 direction; the field is simulated on the whole
(zero-padded) grid, noise is added, and several patches are cropped afterwards, so
each patch sees sources outside itself as in patch-wise inference.
Arrays are [x, y, z]; `to_net` transposes to the network's [z, y, x].
"""
import numpy as np
from scipy.ndimage import gaussian_filter

from dipole import forward_field, unit

# Recorded in each checkpoint so a model card can say which data a stage saw (training/card.py
# GENERATORS describes each version).
GENERATOR = "v4"
CHI_RANGE = (-0.2, 0.4)
VOXEL_RANGE = (0.5, 2.5)  # mm per axis
MAX_TILT_DEG = 60.0
# Noise as a signal-to-noise ratio (std of the noise-free field inside the support over the noise std),
# log-uniform over SNR_RANGE, and no noise in NOISE_FREE_P of the simulations. v2 drew 0-0.004 ppm
# whatever chi's scale: median SNR about 2, while the brain blocks are about 5 (issue 9, cause 3).
SNR_RANGE = (3.0, 50.0)
NOISE_FREE_P = 0.1
# v4: chi's mean over the support (the whole grid without one) is set to a value drawn from MEAN_RANGE. A
# uniform chi over the support gives a field that is harmonic inside it, the part that background-field removal
# takes away, so a net learns that mean mostly from its prior. v3's background offset U(-0.02, 0.05) and the
# positive-skewed shapes put the prior's median at +0.010 ppm (mean +0.015 over 30 simulations), and the
# pre-trained adaptive-unet's output on brains sat +0.016-0.018 ppm high, which data consistency cannot move
# (D(0) = 0). Brains relative to CSF average about zero: the FreeSurfer training phantoms -0.003..0 ppm.
MEAN_RANGE = (-0.015, 0.015)


def canonical_b0(b0):
    """b and -b give the same field: the unit b flipped into one hemisphere (b_z > 0; on b_z = 0 the first
    non-zero component positive), as DESIGN.md's side information asks (src/core/canonicalB0.ts is the same)."""
    b = unit(b0)
    for c in (b[2], b[0], b[1]):
        if c != 0:
            return b if c > 0 else -b
    return b


def noise_sigma(rng, field, support=None, snr_range=SNR_RANGE, noise_free_p=NOISE_FREE_P):
    """Noise std (ppm) for a field: its std inside the support over an SNR drawn log-uniform in snr_range,
    or 0 with probability noise_free_p; noise then scales with chi."""
    if rng.random() < noise_free_p:
        return 0.0
    inside = field if support is None else field[support]
    snr = np.exp(rng.uniform(np.log(snr_range[0]), np.log(snr_range[1])))
    return float(inside.std()) / snr


def random_voxel_size(rng):
    u = rng.random()
    if u < 0.35:  # isotropic
        return np.full(3, rng.uniform(*VOXEL_RANGE))
    if u < 0.7:  # in-plane isotropic, different slice thickness (the usual 2-D-ish protocol)
        d = rng.uniform(*VOXEL_RANGE)
        return np.array([d, d, rng.uniform(*VOXEL_RANGE)])
    return rng.uniform(*VOXEL_RANGE, size=3)


def random_b0(rng):
    """Unit B0 in voxel axes: mostly uniform over the cap of tilts <= 60 deg, some axial,
    some anywhere on the sphere (volumes stored sagittally/coronally). Sign is random
    because b and -b give the same field."""
    u = rng.random()
    if u < 0.1:
        b = np.array([0.0, 0.0, 1.0])
    elif u < 0.85:
        cos_t = rng.uniform(np.cos(np.deg2rad(MAX_TILT_DEG)), 1.0)  # uniform area on the cap
        phi = rng.uniform(0, 2 * np.pi)
        sin_t = np.sqrt(1 - cos_t**2)
        b = np.array([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t])
    else:
        b = unit(rng.normal(size=3))
    return b * (1 if rng.random() < 0.5 else -1)


def random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array(
        [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d],
        ]
    )


def smooth_noise(rng, shape, voxel_size, sigma_mm):
    n = rng.normal(size=shape)
    s = gaussian_filter(n, sigma=[sigma_mm / d for d in voxel_size], mode="wrap")
    # remove the mean first: with a wide kernel the filtered noise is almost constant, and dividing
    # that constant by the tiny std gave chi values of 10+ ppm
    s = s - s.mean()
    return s / (s.std() + 1e-12)


def _local_coords(coords, centre, rot):
    """Voxel centres (mm) in a shape's own frame: rot^T (p - c)."""
    X, Y, Z = (coords[i] - centre[i] for i in range(3))
    return (
        rot[0, 0] * X + rot[1, 0] * Y + rot[2, 0] * Z,
        rot[0, 1] * X + rot[1, 1] * Y + rot[2, 1] * Z,
        rot[0, 2] * X + rot[1, 2] * Y + rot[2, 2] * Z,
    )


def _shape_mask(kind, coords, centre, rot, size):
    u, v, w = _local_coords(coords, centre, rot)
    a, b, c = size
    if kind == "ellipsoid":
        return (u / a) ** 2 + (v / b) ** 2 + (w / c) ** 2 <= 1
    if kind == "cuboid":
        return (np.abs(u) <= a) & (np.abs(v) <= b) & (np.abs(w) <= c)
    if kind in ("cylinder", "tube"):  # axis along w; a = radius, c = half length
        return (u * u + v * v <= a * a) & (np.abs(w) <= c)
    raise ValueError(kind)


def random_chi(rng, shape, voxel_size, n_shapes=None):
    """A chi map (ppm) [x, y, z] of random shapes over a smooth background."""
    fov = np.array(shape) * voxel_size
    axes = [(np.arange(n) + 0.5) * d for n, d in zip(shape, voxel_size)]
    coords = np.meshgrid(*axes, indexing="ij", sparse=True)
    chi = 0.03 * rng.uniform(0, 1) * smooth_noise(rng, shape, voxel_size, rng.uniform(8, 25))
    chi += rng.uniform(-0.02, 0.05)
    n_shapes = n_shapes if n_shapes is not None else rng.integers(12, 40)
    scale = fov.min()
    for _ in range(n_shapes):
        kind = rng.choice(["ellipsoid", "cuboid", "cylinder", "tube"], p=[0.35, 0.2, 0.2, 0.25])
        centre = rng.uniform(0, 1, size=3) * fov
        rot = random_rotation(rng)
        if kind == "tube":  # thin vessels: radius about one voxel or less, long
            size = (rng.uniform(0.3, 1.5) * voxel_size.min(), 0, rng.uniform(0.2, 0.8) * scale)
        else:
            size = rng.uniform(0.02, 0.2, size=3) * scale
            if kind == "cylinder":
                size[1] = size[0]
        value = rng.uniform(*CHI_RANGE)
        m = _shape_mask(kind, coords, centre, rot, size)
        if rng.random() < 0.7:
            chi = np.where(m, value, chi)
        else:  # overlapping sources add up
            chi = chi + np.where(m, value * 0.5, 0.0)
    if rng.random() < 0.5:  # internal texture of structures
        chi = chi + 0.01 * rng.uniform(0, 1) * smooth_noise(rng, shape, voxel_size, rng.uniform(1, 4))
    return chi


def random_support(rng, shape, voxel_size):
    """A smooth blob (a deformed ellipsoid over 40-90 % of the field of view): the region where a
    local field map has values after brain masking and background-field removal."""
    fov = np.array(shape) * voxel_size
    axes = [(np.arange(n) + 0.5) * d for n, d in zip(shape, voxel_size)]
    coords = np.meshgrid(*axes, indexing="ij", sparse=True)
    centre = fov * rng.uniform(0.4, 0.6, size=3)
    radii = fov * rng.uniform(0.2, 0.45, size=3)
    u, v, w = _local_coords(coords, centre, random_rotation(rng))
    r = np.sqrt((u / radii[0]) ** 2 + (v / radii[1]) ** 2 + (w / radii[2]) ** 2)
    return r + 0.15 * smooth_noise(rng, shape, voxel_size, fov.min() / 6) <= 1


def simulate(rng, grid=64, support_p=0.5):
    """One simulation: (chi, field_noisy, voxel_size, b0), arrays [x, y, z] in ppm.

    With probability `support_p`, chi lives only inside a random support and the field is zero outside
    it, as in a masked local field map: the brain phantoms look like that, and without it the pretrained
    nets met a masked field only in fine-tuning (stop 6: held-out brain NRMSE above 100 % after
    pre-training while synthetic validation was at 45 %)."""
    vs = random_voxel_size(rng)
    b0 = random_b0(rng)
    # chi scaling, log-uniform 0.15-1.5: brain contrasts (~0.05 ppm) are 5-10x smaller than the shapes'
    # -0.2..0.4 ppm, and a net without normalisation layers is not scale-equivariant
    chi = random_chi(rng, (grid,) * 3, vs) * np.exp(rng.uniform(np.log(0.15), np.log(1.5)))
    support = random_support(rng, chi.shape, vs) if rng.random() < support_p else None
    region = support if support is not None else np.ones(chi.shape, bool)
    chi = (chi + rng.uniform(*MEAN_RANGE) - chi[region].mean()) * region
    field = forward_field(chi, vs, b0)
    sigma = noise_sigma(rng, field, support)
    field = field + sigma * rng.normal(size=field.shape)
    if support is not None:
        field = field * support
    return chi, field, vs, b0


def side_info(voxel_size, b0):
    """s = (dx, dy, dz, bx, by, bz) with b unit and sign-canonical (canonical_b0)."""
    return np.concatenate([np.asarray(voxel_size, float), canonical_b0(b0)]).astype(np.float32)


def symmetry(rng, arrays, voxel_size, b0):
    """An exact symmetry of the forward model applied to one simulation: a random permutation of the axes
    (with the voxel size and b permuted alike) and random flips (negating that component of b).
    arrays are [x, y, z]; returns (arrays, voxel_size, b0)."""
    perm = rng.permutation(3)
    flips = rng.random(3) < 0.5
    vs = np.asarray(voxel_size, float)[perm]
    b = np.asarray(b0, float)[perm] * np.where(flips, -1.0, 1.0)
    out = []
    for a in arrays:
        a = np.transpose(a, perm)
        for ax in range(3):
            if flips[ax]:
                a = np.flip(a, ax)
        out.append(a)
    return out, vs, b


def to_net(vol_xyz):
    """[x, y, z] -> [z, y, x] (C-contiguous): the network's D, H, W."""
    return np.ascontiguousarray(np.asarray(vol_xyz, dtype=np.float32).transpose(2, 1, 0))


def crop_patches(rng, arrays, patch, n):
    shape = arrays[0].shape
    out = []
    for _ in range(n):
        o = [rng.integers(0, s - patch + 1) for s in shape]
        sl = tuple(slice(a, a + patch) for a in o)
        out.append([a[sl] for a in arrays])
    return out


def batch_stream(rng, patch, batch, grid=64, patches_per_sim=4, symmetries=0):
    """Yields (field [B,1,z,y,x], chi [B,1,z,y,x], side [B,6], mask or None) as numpy float32.
    `symmetries` > 0 adds that many more samples per simulation, each through a random exact symmetry
    (symmetry()): data generation is about a third of a bf16 step, and these cost only a copy."""
    buf = []
    while True:
        while len(buf) < batch:
            chi, field, vs, b0 = simulate(rng, grid)
            n = patches_per_sim if patch < grid else 1  # a whole-simulation "patch" exists once
            for c, f in crop_patches(rng, [chi, field], patch, n):
                buf.append((to_net(f), to_net(c), side_info(vs, b0)))
            for _ in range(symmetries):
                (c2, f2), vs2, b2 = symmetry(rng, [chi, field], vs, b0)
                (c, f), = crop_patches(rng, [c2, f2], patch, 1)
                buf.append((to_net(f), to_net(c), side_info(vs2, b2)))
            order = rng.permutation(len(buf))
            buf = [buf[i] for i in order]
        take, buf = buf[:batch], buf[batch:]
        yield (
            np.stack([t[0] for t in take])[:, None],
            np.stack([t[1] for t in take])[:, None],
            np.stack([t[2] for t in take]),
            None,
        )
