"""fit_check.py on a small box: it scores TKD and a model on each training subject and acquisition."""
import os
import shutil

import numpy as np
import pytest

import brain_phantom as bp
from conftest import COMMITTED_TL, needs_training_subjects_and_tl
import fit_check
from dipole import forward_field

TL = COMMITTED_TL
pytestmark = needs_training_subjects_and_tl


def test_scores_tkd_and_the_model_on_each_training_subject(held_out_brains_forbidden):
    rows = fit_check.run([TL], box_mm=(48.0, 48.0, 48.0))
    assert set(rows) == {f"{s}/{a}" for s in bp.SUBJECTS for a in fit_check.ACQUISITIONS} | {"mean"}
    assert np.isclose(rows["mean"]["tkd"], np.mean([r["tkd"] for c, r in rows.items() if c != "mean"]))
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


def test_more_phantoms_and_candidates_that_share_an_id(held_out_brains_forbidden, tmp_path):
    # a copy of the model under its id: both named by directory and scored alike; phantom 0 is the one-phantom case
    copy = str(tmp_path / "copy")
    shutil.copytree(TL, copy)
    rows = fit_check.run([TL, copy], subjects=("fs",), box_mm=(48.0, 48.0, 48.0), phantoms=2)
    assert set(rows) == {"fs0/axial", "fs0/tilted", "fs1/axial", "fs1/tilted", "mean"}
    names = fit_check.model_names([TL, copy], ["adaptive-unet-tl"] * 2)
    assert names == [os.path.normpath(TL), os.path.normpath(copy)]
    for row in rows.values():
        assert set(row) == {"tkd", *names} and np.isclose(row[names[0]], row[names[1]])
    one = fit_check.run([TL], subjects=("fs",), box_mm=(48.0, 48.0, 48.0))
    assert np.isclose(rows["fs0/axial"]["tkd"], one["fs/axial"]["tkd"])
    assert rows["fs0/axial"]["tkd"] != rows["fs1/axial"]["tkd"]  # a second, different phantom
    assert fit_check.model_names([TL, "x"], ["adaptive-unet-tl", "other"]) == ["adaptive-unet-tl", "other"]


def test_the_tilted_case_taken_apart(held_out_brains_forbidden):
    # axial-thick has the tilted case's voxels and no tilt; tilted-iso its tilt at 1 mm: two different cases
    rows = fit_check.run([TL], subjects=("fs",), box_mm=(48.0, 48.0, 48.0), acquisitions=("axial-thick", "tilted-iso"))
    assert set(rows) == {"fs/axial-thick", "fs/tilted-iso", "mean"}
    assert rows["fs/axial-thick"]["tkd"] != rows["fs/tilted-iso"]["tkd"]
    thick, tilted = fit_check.ALL_ACQUISITIONS["axial-thick"], fit_check.ALL_ACQUISITIONS["tilted-iso"]
    both = fit_check.ACQUISITIONS["tilted"]
    assert (thick["voxel"], thick["tilt"]) == (both["voxel"], 0.0)
    assert (tilted["voxel"], tilted["tilt"]) == ((1.0, 1.0, 1.0), both["tilt"])


def test_an_unknown_acquisition_is_refused():
    with pytest.raises(SystemExit):
        fit_check.main(["--model", TL, "--acquisitions", "axial,sideways"])
    with pytest.raises(SystemExit):
        fit_check.main(["--model", TL, "--phantoms", "0"])
