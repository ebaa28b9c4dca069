"""Brain phantoms: literature ranges per label, geometry of acquisitions, held-out subject kept apart."""
import os

import numpy as np
import pytest

import brain_phantom as bp

pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(bp.DATA, bp.FS_FILE)), reason="shared data absent")


def test_label_values_within_ranges_before_texture():
    seg, aff = bp.load_fs_labels()
    rng = np.random.default_rng(0)
    ph = bp.fs_phantom(rng, (seg, aff))
    assert ph.chi.shape == seg.shape
    assert np.all(ph.chi[seg == 0] == 0)
    pall = np.median(ph.chi[np.isin(seg, [13, 52])])
    wm = np.median(ph.chi[np.isin(seg, [2, 41])])
    csf = np.median(ph.chi[np.isin(seg, [4, 43])])
    scale = (0.8, 1.25)  # global scaling augmentation
    assert 0.15 * scale[0] - 0.02 < pall < 0.25 * scale[1] + 0.02
    assert -0.05 * scale[1] - 0.02 < wm < -0.01 * scale[0] + 0.02
    assert abs(csf) < 0.03
    assert ph.chi.max() > 0.2  # veins


def test_acquisition_geometry_b0_and_identity_sampling():
    R = bp.grid_rotation(30.0, 0.0)
    b = R.T @ np.array([0, 0, 1.0])
    assert np.isclose(np.degrees(np.arccos(abs(b[2]))), 30.0)
    # a grid on the phantom's own voxel axes, centred on a voxel, samples the phantom exactly
    seg, aff = bp.load_mni_labels()
    ph = bp.mni_phantom(seg_aff=(seg, aff))
    vs = np.linalg.norm(aff[:3, :3], axis=0)
    axes = aff[:3, :3] / vs
    n = 21  # odd: the grid centre is a voxel centre
    c_vox = np.array(seg.shape) // 2
    chi, mask, b0 = bp.sample_acquisition(ph, (n, n, n), vs, axes, aff[:3, :3] @ c_vox + aff[:3, 3])
    box = tuple(slice(c - n // 2, c + n // 2 + 1) for c in c_vox)
    assert np.allclose(chi, ph.chi[box], atol=1e-6)
    assert np.array_equal(mask, ph.mask[box] > 0.5)
    assert np.allclose(b0, axes.T @ [0, 0, 1.0])


def test_training_stream_reads_only_the_freesurfer_subject(monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("the held-out MNI subject must not feed training")

    monkeypatch.setattr(bp, "load_mni_labels", forbidden)
    monkeypatch.setattr(bp, "mni_phantom", forbidden)
    monkeypatch.setattr(bp, "flair_phantom", forbidden)
    field, chi, side, mask = next(bp.brain_batch_stream(np.random.default_rng(1), 16, 2, grid=32, phantom_every=100))
    assert field.shape == chi.shape == mask.shape == (2, 1, 16, 16, 16) and side.shape == (2, 6)
    assert np.all(field[mask == 0] == 0)  # a local field map is zero outside the brain
    assert mask.mean() >= 0.3


def test_t1_zscore_is_standardised_within_each_label():
    seg, aff = bp.load_fs_labels()
    z = bp._t1_zscore_within_labels(bp.load_fs_t1(), seg, np.linalg.norm(aff[:3, :3], axis=0))
    assert z.shape == seg.shape and np.all(z[seg == 0] == 0)
    for lab in (2, 41, 12, 10):
        v = z[seg == lab]
        assert abs(v.mean()) < 0.05 and 0.85 < v.std() < 1.05


def test_rich_phantom_follows_the_t1_and_varies_across_nuclei():
    seg, aff = bp.load_fs_labels()
    t1 = bp.load_fs_t1()
    vs = np.linalg.norm(aff[:3, :3], axis=0)
    chi = np.zeros(seg.shape, np.float32)
    chi[np.isin(seg, bp.DEEP_GREY)] = 0.1
    bp._rich_anatomy(np.random.default_rng(3), chi, seg, aff, t1)
    z = bp._t1_zscore_within_labels(t1, seg, vs)
    wm = np.isin(seg, bp.WHITE_MATTER)
    quiet = wm & (np.abs(chi) < 0.05)  # leave out lesions, whose values dwarf the texture
    assert quiet.sum() > 0.95 * wm.sum()
    assert abs(np.corrcoef(chi[quiet], z[quiet])[0, 1]) > 0.9  # texture that follows the anatomy (either sign)
    put = chi[seg == 12]
    assert put.std() > 0.003 and put.min() > 0.1 * (1 - bp.IRON_GRADIENT) - 0.03
    assert np.all(chi[seg == 0] == 0)


def test_flair_phantom_has_its_classes_in_their_ranges():
    ph = bp.flair_phantom()
    c = ph.chi[ph.mask > 0]
    for value in bp.FLAIR_CLASS_CHI.values():
        if value != bp.FLAIR_CLASS_CHI["lesion"]:
            assert (np.abs(c - value) < 0.008).mean() > 0.1  # each tissue class holds a good share of the brain
    assert np.all(ph.chi[ph.mask == 0] == 0) and c.max() > 0.2  # veins


def test_anatomy_scale_stretches_the_brain_and_keeps_b0():
    # a ball of radius 10 mm on a 1 mm grid: sampled at 0.8 x the positions along z, it spans 1/0.8 as many voxels
    n = 41
    x = np.arange(n) - n // 2
    ball = (x[:, None, None] ** 2 + x[None, :, None] ** 2 + x[None, None, :] ** 2 <= 100).astype(np.float32)
    aff = np.eye(4)
    aff[:3, 3] = -(n // 2)
    ph = bp.Phantom(ball * 0.1, ball, aff)
    R = bp.grid_rotation(20.0, 30.0)
    _, m1, b1 = bp.sample_acquisition(ph, (n, n, n), (1.0, 1.0, 1.0), np.eye(3), (0.0, 0.0, 0.0))
    _, m2, b2 = bp.sample_acquisition(ph, (n, n, n), (1.0, 1.0, 1.0), np.eye(3), (0.0, 0.0, 0.0), scale=(1.0, 1.0, 0.8))
    span = lambda m, a: np.ptp(np.nonzero(m)[a]) + 1
    assert span(m1, 0) == span(m2, 0) == 21
    assert span(m2, 2) in (25, 26, 27)  # 21 / 0.8 = 26.25
    assert np.allclose(b1, b2)
    _, _, b3 = bp.sample_acquisition(ph, (9, 9, 9), (1.0, 1.0, 1.0), R, (0.0, 0.0, 0.0), scale=(0.9, 1.1, 1.0))
    assert np.allclose(b3, R.T @ [0, 0, 1.0])  # the scaling moves the anatomy, not B0


def test_thick_slice_share_draws_clinical_protocols_and_leaves_the_default_stream_alone():
    from synthetic import random_voxel_size

    # thick_p 0 (every run before session 16): the very voxel sizes and rotations the stream drew before the option
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(50):
        vs, R = bp.random_brain_acquisition(a)
        assert np.array_equal(vs, np.clip(random_voxel_size(b), 0.5, 2.5))
        u = b.random()
        tilt = 0.0 if u < 0.15 else np.degrees(np.arccos(b.uniform(np.cos(np.deg2rad(50)), 1.0)))
        R_old = bp.grid_rotation(tilt, b.uniform(0, 360), b.uniform(-20, 20))
        if b.random() < 0.5:
            R_old = R_old @ np.diag([-1.0, 1.0, 1.0])
        assert np.allclose(R, R_old)
    # thick_p 1: in-plane isotropic 0.6-1.2 mm, slices 1.5-3x as thick (at most 2.5 mm), and still random tilts
    rng = np.random.default_rng(6)
    draws = [bp.random_brain_acquisition(rng, thick_p=1.0) for _ in range(300)]
    for vs, R in draws:
        assert vs[0] == vs[1] and 0.6 <= vs[0] <= 1.2
        assert vs[2] <= 2.5 and (vs[2] >= 1.5 * vs[0] - 1e-12)
        assert vs[2] == 2.5 or vs[2] <= 3.0 * vs[0] + 1e-12
    assert np.std([np.degrees(np.arccos(abs(R[2, 2]))) for _, R in draws]) > 5
    # a share in between: about that share of thick-slice blocks
    rng = np.random.default_rng(7)
    thick = [bp.random_brain_acquisition(rng, thick_p=0.4)[0] for _ in range(2000)]
    share = np.mean([v[0] == v[1] and 0.6 <= v[0] <= 1.2 and v[2] >= 1.5 * v[0] for v in thick])
    assert 0.38 < share < 0.5  # 0.4 drawn as protocols, plus the few random_voxel_size draws that look like one
