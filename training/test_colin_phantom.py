"""Colin27, the second training subject (colin_phantom.py), from Debian's mricron-data."""
import numpy as np
import pytest

import brain_phantom as bp
import colin_phantom as cp

pytestmark = pytest.mark.skipif(not cp.available(), reason="mricron-data absent (scripts/install-system.sh installs it)")


def test_tissue_classes_are_ordered_and_plausible():
    classes, aal, aff = cp.load_colin()
    assert classes.shape == aal.shape and np.allclose(np.linalg.norm(aff[:3, :3], axis=0), 1.0)
    brain = classes > 0
    frac = [(classes == k).sum() / brain.sum() for k in (1, 2, 3)]
    # an adult brain: CSF a minority, grey and white matter each about a third to a half
    assert 0.05 < frac[0] < 0.25 and 0.3 < frac[1] < 0.6 and 0.3 < frac[2] < 0.6
    # the pallidum (myelinated, bright on T1) is not CSF
    pall = np.isin(aal, (75, 76))
    assert (classes[pall] > 1).mean() > 0.9
    # AAL's cortical parcels were drawn on this T1 (generously: they reach into the white matter below), so inside
    # the brain grey is their commonest class, and they hold most of the grey class (measured 59 %; the cerebellum
    # and the nuclei hold much of the rest)
    cortex = (aal > 0) & (aal < 71) & brain
    share = [(classes[cortex] == k).mean() for k in (1, 2, 3)]
    assert share[1] > max(share[0], share[2])
    assert (cortex & (classes == 2)).sum() > 0.5 * (classes == 2).sum()


def test_phantom_values_follow_the_anatomy():
    classes, aal, aff = cp.load_colin()
    ph = cp.colin_phantom(np.random.default_rng(4))
    assert np.all(ph.chi[ph.mask == 0] == 0) and np.array_equal(ph.mask > 0, classes > 0)
    core = lambda sel: np.median(ph.chi[sel])  # noqa: E731 - medians are robust to the veins and texture
    pallidum = core(np.isin(aal, (75, 76)) & (classes > 1))
    white = core((classes == 3) & (aal == 0))
    csf = core(classes == 1)
    assert pallidum > 0.1 > 0.0 > white  # iron-rich pallidum paramagnetic, white matter diamagnetic
    assert abs(csf) < 0.02
    assert ph.chi.max() > 0.2  # veins


def test_stream_alternates_subjects_and_never_reads_the_held_out_brains(monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("a held-out subject must not feed training")

    for name in ("load_mni_labels", "mni_phantom", "flair_phantom"):
        monkeypatch.setattr(bp, name, forbidden)
    made = []
    real_fs, real_colin = bp.fs_phantom, cp.colin_phantom
    monkeypatch.setattr(bp, "fs_phantom", lambda *a, **k: made.append("fs") or real_fs(*a, **k))
    monkeypatch.setattr(cp, "colin_phantom", lambda *a, **k: made.append("colin") or real_colin(*a, **k))
    stream = bp.brain_batch_stream(np.random.default_rng(2), 16, 2, grid=32, patches_per_sim=1, phantom_every=1, subjects=("fs", "colin"))
    for _ in range(2):
        field, chi, side, mask = next(stream)
        assert field.shape == (2, 1, 16, 16, 16) and np.all(field[mask == 0] == 0)
    assert made[:2] == ["fs", "colin"] and set(made) == {"fs", "colin"}


def test_unknown_subject_is_refused():
    with pytest.raises(ValueError, match="unknown training subject"):
        bp.subject_phantoms(("mni",))
