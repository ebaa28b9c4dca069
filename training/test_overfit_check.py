"""overfit_check.py: the fixed set, TKD's score on it, and a short fit that lowers the error it reports."""
import numpy as np

import overfit_check as oc
from dipole import forward_field, tkd


def test_fixed_set_is_fixed_and_tkd_is_scored_in_the_right_layout():
    a = oc.fixed_set(2, 16)
    b = oc.fixed_set(2, 16)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    field, chi, side, est = a
    assert field.shape == chi.shape == est.shape == (2, 1, 16, 16, 16) and side.shape == (2, 6)
    # the TKD estimate is TKD of the [x, y, z] field, returned in [z, y, x]: check one example independently
    f_xyz = field[0, 0].transpose(2, 1, 0)
    assert np.allclose(est[0, 0], tkd(f_xyz, side[0, :3], side[0, 3:]).transpose(2, 1, 0), atol=1e-6)
    # and the field is the dipole field of chi in that same layout (noise aside): their correlation is high
    clean = forward_field(chi[0, 0].transpose(2, 1, 0), side[0, :3], side[0, 3:]).transpose(2, 1, 0)
    sel = chi[0, 0] != 0
    if sel.any():
        assert np.corrcoef(clean[sel], field[0, 0][sel])[0, 1] > 0.5


def test_a_short_fit_on_two_examples_lowers_the_error():
    r = oc.run(None, n=2, size=16, minutes=0.15, lr=1e-3, report_every=10, bf16=False, log=lambda *_: None)
    start, end = r["history"][0][2], r["history"][-1][2]
    assert r["history"][-1][0] > 5 and end < start
    assert 0 < r["tkd"] < 200
