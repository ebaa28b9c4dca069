"""Held-out evaluation: inference is sign-canonical in b, and the wrong-B0 table reports both runs."""
import numpy as np
import torch

from evaluate import infer, markdown_table, wrong_b0_table
from qsm_net import INPUT_SCALE, OUTPUT_SCALE, build


def test_inference_gives_the_same_chi_for_b_and_minus_b_and_another_for_another_tilt():
    torch.manual_seed(0)
    m = build("adaptive-unet", 4).eval()
    q = {"inputScale": INPUT_SCALE, "outputScale": OUTPUT_SCALE}
    field = np.random.default_rng(0).normal(size=(20, 18, 16)).astype(np.float32) * 0.01
    vs, b = np.array([1.0, 1.0, 2.0]), np.array([0.42, 0.0, 0.906])
    a = infer(m, q, field, vs, b)
    assert a.shape == field.shape
    assert np.array_equal(a, infer(m, q, field, vs, -b))
    assert not np.allclose(a, infer(m, q, field, vs, np.array([0.0, 0.0, 1.0])))


def test_wrong_b0_table():
    doc = {"cases": {}, "results": {},
           "wrong_b0": {"adaptive-unet-tl": {"case": "brain/tilted", "header_b0": [0.42, 0, 0.906],
                                             "wrong_b0": [0, 0, 1], "nrmse_header": 50.0, "nrmse_wrong": 57.5}}}
    t = wrong_b0_table(doc)
    assert "| adaptive-unet-tl | brain/tilted | 50.0 | 57.5 | +7.5 |" in t
    assert t in markdown_table(doc, ["adaptive-unet-tl"]) and wrong_b0_table(doc, ["tkd"]) == ""


def test_mirror_pass_is_the_same_problem_and_is_averaged_only_where_exact():
    from dipole import forward_field
    from evaluate import infer_once
    rng = np.random.default_rng(1)
    vs, b = np.array([1.0, 1.2, 2.0]), np.array([0.36, 0.21, 0.91])
    b /= np.linalg.norm(b)
    # smooth blobs inside the grid: next to nothing at the Nyquist frequency, the one place where the discrete
    # kernel is not symmetric under k_x -> -k_x (a block of white noise misses by ~1 %)
    g = np.stack(np.meshgrid(*[np.arange(n) for n in (20, 18, 16)], indexing="ij"), -1)
    z = sum(a * np.exp(-((g - c) ** 2).sum(-1) / 3) for a, c in zip(rng.normal(size=6), 4 + rng.random((6, 3)) * [12, 10, 8]))
    # the physics the mirror pass rests on: the x-reversed source's field, with b_x negated, is the field reversed
    bm = b * np.array([-1.0, 1.0, 1.0])
    ref = forward_field(z, vs, b)[::-1]
    rel = lambda a: np.linalg.norm(a - ref) / np.linalg.norm(ref)
    assert rel(forward_field(z[::-1], vs, bm)) < 1e-5
    assert rel(forward_field(z[::-1], vs, b)) > 0.05
    torch.manual_seed(0)
    field = (rng.normal(size=(20, 18, 16)) * 0.01).astype(np.float32)
    for arch in ("adaptive-unet", "unet"):
        m = build(arch, 4).eval()
        q = {"inputScale": INPUT_SCALE, "outputScale": OUTPUT_SCALE, "architecture": arch}
        one = infer_once(m, q, field, vs, b)
        two = 0.5 * (one + infer_once(m, q, np.ascontiguousarray(field[::-1]), vs, bm)[::-1])
        # the conventional net is not told b, so with b_x != 0 it runs once; with b_x = 0 it is averaged too
        assert np.allclose(infer(m, q, field, vs, b, mirror=True), two if arch == "adaptive-unet" else one, atol=1e-6)
        assert not np.allclose(one, two, atol=1e-6)
        bx0 = np.array([0.0, 0.42, 0.906])
        one0 = infer_once(m, q, field, vs, bx0)
        two0 = 0.5 * (one0 + infer_once(m, q, np.ascontiguousarray(field[::-1]), vs, bx0)[::-1])
        assert np.allclose(infer(m, q, field, vs, bx0, mirror=True), two0, atol=1e-6)
