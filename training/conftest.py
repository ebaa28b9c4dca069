"""pytest setup for training/: import the modules by name and keep torch to one thread (the box is shared)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

torch.set_num_threads(1)

import pytest  # noqa: E402

import brain_phantom  # noqa: E402
import colin_phantom  # noqa: E402

COMMITTED_TL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "adaptive-unet-tl")
# for the checks that score the committed model on the training subjects (fit_check, mirror_check)
needs_training_subjects_and_tl = pytest.mark.skipif(
    not (os.path.exists(os.path.join(brain_phantom.DATA, brain_phantom.FS_FILE)) and colin_phantom.available()
         and os.path.exists(os.path.join(COMMITTED_TL, "weights.bin"))), reason="anatomy or model absent")


@pytest.fixture
def held_out_brains_forbidden(monkeypatch):
    """Any read of a held-out brain (MNI152, FLAIR) fails the test: a check on the training subjects must not touch them."""
    def forbidden(*a, **k):
        raise AssertionError("this check must use the training subjects only")

    for name in ("mni_phantom", "flair_phantom"):
        monkeypatch.setattr(brain_phantom, name, forbidden)
