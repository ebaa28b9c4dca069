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
