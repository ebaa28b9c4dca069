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
GENERATOR = "v2"
CHI_RANGE = (-0.2, 0.4)
VOXEL_RANGE = (0.5, 2.5)  # mm per axis
MAX_TILT_DEG = 60.0


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
    if support is not None:
        chi = chi * support
    field = forward_field(chi, vs, b0)
    sigma = rng.uniform(0.0, 0.004) if rng.random() < 0.9 else 0.0  # ppm
    field = field + sigma * rng.normal(size=field.shape)
    if support is not None:
        field = field * support
    return chi, field, vs, b0


def side_info(voxel_size, b0):
    return np.concatenate([np.asarray(voxel_size, float), unit(b0)]).astype(np.float32)


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


def batch_stream(rng, patch, batch, grid=64, patches_per_sim=4):
    """Yields (field [B,1,z,y,x], chi [B,1,z,y,x], side [B,6], mask or None) as numpy float32."""
    buf = []
    while True:
        while len(buf) < batch:
            chi, field, vs, b0 = simulate(rng, grid)
            s = side_info(vs, b0)
            n = patches_per_sim if patch < grid else 1  # a whole-simulation "patch" exists once
            for c, f in crop_patches(rng, [chi, field], patch, n):
                buf.append((to_net(f), to_net(c), s))
            order = rng.permutation(len(buf))
            buf = [buf[i] for i in order]
        take, buf = buf[:batch], buf[batch:]
        yield (
            np.stack([t[0] for t in take])[:, None],
            np.stack([t[1] for t in take])[:, None],
            np.stack([t[2] for t in take]),
            None,
        )
