"""fit_check.py on a small box: it scores TKD and a model on each training subject and acquisition."""

import numpy as np

import brain_phantom as bp
from conftest import COMMITTED_TL, needs_training_subjects_and_tl
import fit_check
from dipole import forward_field

TL = COMMITTED_TL
pytestmark = needs_training_subjects_and_tl


def test_scores_tkd_and_the_model_on_each_training_subject(held_out_brains_forbidden):
    rows = fit_check.run([TL], box_mm=(48.0, 48.0, 48.0))
    assert set(rows) == {f"{s}/{a}" for s in bp.SUBJECTS for a in fit_check.ACQUISITIONS}
    for row in rows.values():
        assert set(row) == {"tkd", "adaptive-unet-tl"}
        assert 10 < row["tkd"] < 100 and 10 < row["adaptive-unet-tl"] < 150  # both are estimates, neither is exact


def test_tkd_score_is_tkd_of_the_simulated_field():
    # the case is the evaluate.py one: TKD of forward_field(chi) + noise, scored inside the mask
    ph = bp.fs_phantom(np.random.default_rng(fit_check.PHANTOM_SEED))
    chi, field, mask, vs, b0 = fit_check.brain_case(fit_check.ACQUISITIONS["axial"], 4242, lambda: ph, (48.0, 48.0, 48.0))
    clean = forward_field(chi, vs, b0) * mask
    assert 0 < np.linalg.norm((field - clean)[mask]) / np.linalg.norm(clean[mask]) < 1  # noise present, not dominant
    got = fit_check.run([TL], subjects=("fs",), box_mm=(48.0, 48.0, 48.0))["fs/axial"]["tkd"]
    from metrics import all_metrics

    assert np.isclose(got, all_metrics(fit_check.tkd(field, vs, b0) * mask, chi, mask)["nrmse"])
