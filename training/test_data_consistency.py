"""data_consistency.py: exact on a network output that already explains the field, and equal to the independent
numpy fixture that src/core/dataConsistency.ts is tested against (src/core/__fixtures__/dipole_fixture.json)."""
import json
import os

import numpy as np

import re

from data_consistency import DEFAULT_LAMBDA, data_consistency
from dipole import forward_field

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "src", "core", "__fixtures__", "dipole_fixture.json")


def test_default_lambda_is_the_engines():
    ts = open(os.path.join(os.path.dirname(__file__), "..", "src", "core", "dataConsistency.ts")).read()
    assert float(re.search(r"DEFAULT_DC_LAMBDA = ([0-9.]+);", ts).group(1)) == DEFAULT_LAMBDA


def test_keeps_a_network_output_equal_to_the_truth():
    rng = np.random.default_rng(0)
    chi = rng.normal(size=(20, 18, 12))
    vs, b = (1.0, 1.2, 2.0), np.array([0.3, 0.1, 0.95]) / np.linalg.norm([0.3, 0.1, 0.95])
    f = forward_field(chi, vs, b, pad_factor=1)  # periodic: the forward model is exactly diagonal
    for kind in ("soft", "hard"):
        assert np.abs(data_consistency(f, chi, vs, b, kind=kind, pad_factor=1) - chi).max() < 1e-10


def test_matches_the_core_fixture():
    fx = json.load(open(FIXTURE))
    shape = tuple(reversed(fx["dims"]))  # flattened x fastest: numpy (z, y, x), transposed to [x, y, z]
    vol = lambda a: np.asarray(a, dtype=np.float64).reshape(shape).T  # noqa: E731
    mask = vol(fx["mask"]) > 0
    field = vol(fx["fields"][0]) * mask
    net = vol(fx["chiNet"])
    soft = data_consistency(field, net, fx["voxelSize"], fx["b0Dir"], lam=fx["dcLambda"]) * mask
    hard = data_consistency(field, net, fx["voxelSize"], fx["b0Dir"], kind="hard", threshold=fx["dcThreshold"]) * mask
    for got, key in ((soft, "dcSoft"), (hard, "dcHard")):
        want = vol(fx[key])
        assert np.abs(got - want).max() < 1e-4 * np.abs(want).max(), key


def test_masked_defaults_are_the_engines():
    from data_consistency import MASKED_ITERATIONS, MASKED_LAMBDA, MASKED_TOL
    ts = open(os.path.join(os.path.dirname(__file__), "..", "src", "core", "dataConsistencyMasked.ts")).read()
    block = re.search(r"MASKED_DC_DEFAULTS = \{(.*?)\};", ts, re.S).group(1)
    got = {k: float(v) for k, v in re.findall(r"(\w+): ([0-9.e-]+),", block)}
    assert got == {"lambda": MASKED_LAMBDA, "maxIter": MASKED_ITERATIONS, "tol": MASKED_TOL}


def test_masked_matches_the_dense_solve_of_the_fixture():
    from data_consistency import masked_data_consistency
    fx = json.load(open(FIXTURE))
    shape = tuple(reversed(fx["dims"]))
    vol = lambda a: np.asarray(a, dtype=np.float64).reshape(shape).T  # noqa: E731
    mask = vol(fx["mask"]) > 0
    field = vol(fx["fields"][0]) * mask
    got = masked_data_consistency(field, vol(fx["chiNet"]), mask, fx["voxelSize"], fx["b0Dir"], lam=fx["dcMaskedLambda"],
                                  iterations=300, tol=1e-9)
    want = vol(fx["dcMasked"])
    assert np.abs(got - want).max() < 1e-4 * np.abs(want).max()


def test_masked_keeps_a_consistent_network_output_and_is_zero_outside():
    from data_consistency import masked_data_consistency
    rng = np.random.default_rng(1)
    shape, vs, b = (21, 19, 13), (1.0, 1.0, 1.5), np.array([0.2, 0.0, 0.98]) / np.linalg.norm([0.2, 0.0, 0.98])
    x, y, z = np.meshgrid(*(np.linspace(-1, 1, n) for n in shape), indexing="ij")
    mask = x ** 2 + y ** 2 + z ** 2 <= 1.0  # touches every face: the box is the grid, padded as forward_field pads
    chi = rng.normal(size=shape) * mask
    field = forward_field(chi, vs, b) * mask
    kept = masked_data_consistency(field, chi, mask, vs, b, lam=0.01, iterations=50, tol=1e-10)
    assert np.abs(kept - chi).max() < 1e-8
    moved = masked_data_consistency(field, 0.5 * chi, mask, vs, b, lam=0.01, iterations=50, tol=1e-10)
    assert np.all(moved[~mask] == 0)
    assert np.linalg.norm(moved - chi) < 0.5 * np.linalg.norm(0.5 * chi - chi)
