"""Synthetic generator: ranges, layouts and the side-information order."""
import numpy as np

from dipole import forward_field
from synthetic import MEAN_RANGE, batch_stream, random_b0, random_voxel_size, side_info, simulate, to_net


def test_voxel_sizes_and_b0_cover_the_intended_ranges():
    rng = np.random.default_rng(0)
    vs = np.array([random_voxel_size(rng) for _ in range(400)])
    assert vs.min() >= 0.5 and vs.max() <= 2.5
    assert np.mean(np.ptp(vs, axis=1) > 0.1) > 0.3  # a good share anisotropic
    b = np.array([random_b0(rng) for _ in range(2000)])
    assert np.allclose(np.linalg.norm(b, axis=1), 1)
    tilt = np.degrees(np.arccos(np.abs(b[:, 2])))
    assert np.mean(tilt > 45) > 0.1 and np.mean(tilt < 5) > 0.1
    assert np.mean(b[:, 2] < 0) > 0.3  # both signs of b (side_info canonicalises them)


def test_simulation_is_the_dipole_field_of_its_chi_plus_noise():
    rng = np.random.default_rng(1)
    chi, field, vs, b0 = simulate(rng, grid=32)
    assert chi.shape == field.shape == (32, 32, 32)
    assert -0.4 < chi.min() and chi.max() < 1.0
    inside = field != 0  # a masked simulation's field is exactly zero outside its support
    clean = forward_field(chi, vs, b0)
    resid = (field - clean)[inside]
    assert resid.std() <= 1.1 * clean[inside].std() / 3  # only the added noise (SNR >= 3) remains


def test_masked_simulation_has_chi_and_field_only_inside_one_support():
    rng = np.random.default_rng(3)
    chi, field, vs, b0 = simulate(rng, grid=32, support_p=1.0)
    support = field != 0
    assert 0.05 < support.mean() < 0.95
    assert np.all(chi[~support] == 0)
    # inside, the field is the dipole field of the masked chi (plus noise at SNR >= 3)
    clean = forward_field(chi, vs, b0)
    assert (field - clean)[support].std() <= 1.1 * clean[support].std() / 3


def test_chi_mean_over_the_support_is_drawn_around_zero():
    # v4: the prior of the (nearly unobservable) mean is centred where brains relative to CSF are
    rng = np.random.default_rng(5)
    means = []
    for p in (0.0, 1.0) * 6:
        chi, field, vs, b0 = simulate(rng, grid=24, support_p=p)
        region = field != 0 if p else np.ones(chi.shape, bool)
        means.append(chi[region].mean())
    means = np.array(means)
    assert np.all(np.abs(means) <= MEAN_RANGE[1] + 1e-6)
    assert means.std() > 0.003  # a range, not one value
    assert abs(np.median(means)) < 0.008


def test_network_layout_is_z_y_x_and_side_info_x_y_z():
    vol = np.zeros((4, 5, 6), np.float32)  # [x, y, z]
    vol[1, 2, 3] = 1
    net = to_net(vol)
    assert net.shape == (6, 5, 4) and net[3, 2, 1] == 1
    s = side_info([0.5, 0.7, 2.0], [0, 0, 2])
    assert np.allclose(s, [0.5, 0.7, 2.0, 0, 0, 1])


def test_batch_stream_shapes():
    field, chi, side, mask = next(batch_stream(np.random.default_rng(2), 16, 3, grid=32, patches_per_sim=2))
    assert field.shape == chi.shape == (3, 1, 16, 16, 16) and side.shape == (3, 6) and mask is None
    assert field.dtype == np.float32


def test_smooth_noise_is_zero_mean_unit_std_even_when_wider_than_the_grid():
    # regression: a kernel wider than the grid left a near-constant field whose mean, divided by the
    # tiny std, produced chi of 10+ ppm in ~1 % of simulations
    from synthetic import smooth_noise

    rng = np.random.default_rng(0)
    s = smooth_noise(rng, (32, 32, 32), np.array([0.5, 0.5, 0.5]), 25.0)
    assert abs(s.mean()) < 1e-9 and np.isclose(s.std(), 1.0)


def test_chi_stays_in_a_physical_range():
    rng = np.random.default_rng(4)
    for _ in range(25):
        chi, _, _, _ = simulate(rng, grid=32)
        assert np.abs(chi).max() < 1.5


def test_side_info_is_sign_canonical():
    """b and -b give the same field, so they must give the same side information (DESIGN.md, issue 9)."""
    from synthetic import canonical_b0

    rng = np.random.default_rng(7)
    for _ in range(200):
        b = random_b0(rng)
        s1, s2 = side_info([1, 1, 2], b), side_info([1, 1, 2], -b)
        assert np.array_equal(s1, s2)
        assert s1[5] >= 0
    assert np.allclose(canonical_b0([0, 0, -2]), [0, 0, 1])
    assert np.allclose(canonical_b0([-1, 1, 0]), np.array([1, -1, 0]) / np.sqrt(2))  # b_z = 0: b_x positive
    assert np.allclose(canonical_b0([0, -3, 0]), [0, 1, 0])
    # different directions stay different
    assert not np.allclose(side_info([1, 1, 1], [0, 0, 1]), side_info([1, 1, 1], [0.4, 0, 0.9]))


def test_noise_is_a_signal_to_noise_ratio():
    """The noise std is the field std inside the support over an SNR in 3..50 (or zero), so it scales with chi."""
    from synthetic import SNR_RANGE, noise_sigma

    rng = np.random.default_rng(8)
    field = rng.normal(size=(16, 16, 16)) * 0.01
    sig = np.array([noise_sigma(rng, field) for _ in range(400)])
    assert 0.03 < np.mean(sig == 0) < 0.2
    snr = field.std() / sig[sig > 0]
    assert snr.min() >= SNR_RANGE[0] - 1e-9 and snr.max() <= SNR_RANGE[1] + 1e-9
    assert np.median(snr) > 8  # log-uniform 3..50: median about 12
    sig10 = np.array([noise_sigma(np.random.default_rng(i), 10 * field) for i in range(50)])
    sig1 = np.array([noise_sigma(np.random.default_rng(i), field) for i in range(50)])
    assert np.allclose(sig10, 10 * sig1)


def test_symmetries_are_exact_for_the_forward_model():
    """Permuting the axes (with voxel size and b) and flipping (negating that b component) maps a simulation
    onto another one: exactly for permutations; for flips up to the padded grid's Nyquist bins, where the
    kernel's k -> -k symmetry breaks (well under 2 % of the field)."""
    from synthetic import random_chi, symmetry

    rng = np.random.default_rng(9)
    vs, b = np.array([0.8, 1.0, 1.7]), np.array([0.3, -0.2, 0.93])
    chi = random_chi(rng, (12, 14, 16), vs, n_shapes=8)
    field = forward_field(chi, vs, b)
    perm = (2, 0, 1)
    assert np.allclose(forward_field(np.ascontiguousarray(chi.transpose(perm)), vs[list(perm)], b[list(perm)]),
                       field.transpose(perm), rtol=0, atol=1e-12)
    for _ in range(6):
        (c2, f2), vs2, b2 = symmetry(rng, [chi, field], vs, b)
        err = np.abs(forward_field(np.ascontiguousarray(c2), vs2, b2) - f2).max()
        assert err < 0.02 * np.abs(field).max(), err
