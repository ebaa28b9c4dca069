"""mirror_check.py on a small box: training subjects only, and each mirror image answers the same problem."""
import numpy as np

from conftest import COMMITTED_TL, needs_training_subjects_and_tl
import mirror_check
from dipole import tkd

TL = COMMITTED_TL
pytestmark = needs_training_subjects_and_tl


def test_scores_every_mirror_on_the_training_subjects_only(held_out_brains_forbidden):
    rows = mirror_check.run(TL, subjects=("fs",), box_mm=(48.0, 48.0, 48.0))
    assert set(rows) == {"fs/axial", "fs/tilted"}
    for r in rows.values():
        assert len(r["flips"]) == 8 and all(10 < v < 150 for v in r["flips"])
        assert len(set(np.round(r["flips"], 3))) > 1  # a network is not exactly mirror-equivariant
        assert {"mean x", "mean x,y", "mean x,y,z"} <= set(r)
        assert len(r["orders"]) == 6 and r["orders"][0] == r["flips"][0]  # the stored order (x, y, z) is the plain pass


def test_an_exactly_equivariant_inversion_gives_the_same_map_on_every_mirror(monkeypatch):
    monkeypatch.setattr(mirror_check, "infer_once", lambda m, q, f, vs, b: tkd(f, vs, b))
    rng = np.random.default_rng(0)
    g = np.stack(np.meshgrid(*[np.arange(n) for n in (20, 18, 16)], indexing="ij"), -1)
    field = sum(a * np.exp(-((g - c) ** 2).sum(-1) / 3) for a, c in zip(rng.normal(size=5), 4 + rng.random((5, 3)) * [12, 10, 8]))
    ests = mirror_check.mirrored_estimates(None, None, field, np.array([1.0, 1.0, 2.0]), np.array([0.36, 0.21, 0.91]))
    for e in ests[1:]:
        assert np.linalg.norm(e - ests[0]) / np.linalg.norm(ests[0]) < 1e-3
