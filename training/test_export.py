"""Export to the tfjs manifest (models/FORMAT.md) and back."""
import json
import os

import numpy as np
import torch

from export import export, load_export, parity_input, randomise_, to_tfjs, weight_order
from qsm_net import build

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "model", "__fixtures__")


def _tiny(arch, seed=3):
    torch.manual_seed(seed)
    m = build(arch, 4)
    randomise_(m, seed)
    return m.eval()


def _run(m, field, side, q):
    with torch.no_grad():
        return (m(torch.from_numpy(field)[None, None] * q["inputScale"], torch.from_numpy(side)[None]) * q["outputScale"])[0, 0].numpy()


def test_float32_round_trip_is_identical(tmp_path):
    for arch in ("adaptive-unet", "unet"):
        m = _tiny(arch)
        export(m, str(tmp_path / arch), "t", arch, dtype="float32", trained_patch=32)
        back, q = load_export(str(tmp_path / arch))
        for a, b in zip(m.state_dict().values(), back.state_dict().values()):
            assert torch.equal(a, b)
        field, side = parity_input()
        assert np.array_equal(_run(m, field, side, q), _run(back, field, side, q))


def test_float16_manifest_and_parity_uses_rounded_weights(tmp_path):
    m = _tiny("adaptive-unet")
    original = {k: v.clone() for k, v in m.state_dict().items()}
    export(m, str(tmp_path), "t16", "adaptive-unet", dtype="float16", trained_patch=32)
    mj = json.load(open(tmp_path / "model.json"))
    entries = mj["weightsManifest"][0]["weights"]
    assert all(e["dtype"] == "float32" and e["quantization"] == {"dtype": "float16"} for e in entries)
    n = sum(int(np.prod(e["shape"])) for e in entries)
    assert os.path.getsize(tmp_path / "weights.bin") == 2 * n
    back, q = load_export(str(tmp_path))
    for k, v in back.state_dict().items():
        assert torch.equal(v, original[k].half().float())
    pj = json.load(open(tmp_path / "parity.json"))
    x = np.fromfile(tmp_path / "parity-input.bin", "<f4").reshape(pj["shape"])
    y = np.fromfile(tmp_path / "parity-output.bin", "<f4").reshape(pj["shape"])
    assert pj["shape"] == [32, 32, 32] and len(pj["sideInfo"]) == 6
    assert np.abs(_run(back, x, np.array(pj["sideInfo"], np.float32), q) - y).max() < 1e-6
    assert np.isclose(np.abs(y).max(), pj["maxAbsOutput"]) and pj["maxAbsOutput"] > 0.05


def test_names_and_tfjs_shapes_follow_format():
    c0 = 4
    a = _tiny("adaptive-unet")
    shapes = {n: list(to_tfjs(n, a.state_dict()[n]).shape) for n in weight_order(a)}
    assert shapes["fmn.fc1.weight"] == [6, 32] and shapes["fmn.fc4.weight"] == [128, 28 * c0]
    assert shapes["fmn.fc4.bias"] == [28 * c0]
    assert "enc0.conv1.weight" not in shapes and shapes["enc0.conv2.weight"] == [3, 3, 3, c0, c0]
    assert shapes["enc1.conv1.weight"] == [3, 3, 3, c0, 2 * c0]
    assert shapes["up0.weight"] == [2, 2, 2, c0, 2 * c0] and shapes["up0.bias"] == [c0]
    assert shapes["dec0.conv1.weight"] == [3, 3, 3, 2 * c0, c0]
    assert shapes["out.weight"] == [1, 1, 1, c0, 1] and shapes["out.bias"] == [1]
    u = _tiny("unet")
    assert list(to_tfjs("enc0.conv1.weight", u.enc0.conv1.weight).shape) == [3, 3, 3, 1, c0]
    assert set(weight_order(u)) == set(u.state_dict().keys())
    assert set(weight_order(a)) == set(a.state_dict().keys())


def test_tfjs_layouts_mean_what_tfjs_computes():
    """Independent numpy versions of tf.conv3d (NDHWC, filter [d,h,w,in,out]) and tf.conv3dTranspose
    (filter [d,h,w,out,in], kernel 2 stride 2) on the exported arrays reproduce PyTorch."""
    torch.manual_seed(0)
    m = _tiny("unet")
    x = torch.randn(1, 4, 4, 5, 6)
    with torch.no_grad():
        conv_t = m.enc0.conv2(x)[0].permute(1, 2, 3, 0).numpy()  # -> DHWC
        up_in = torch.randn(1, 8, 2, 3, 2)
        up_t = m.up0(up_in)[0].permute(1, 2, 3, 0).numpy()
    W = to_tfjs("enc0.conv2.weight", m.enc0.conv2.weight).numpy()
    xin = np.pad(x[0].permute(1, 2, 3, 0).numpy(), ((1, 1), (1, 1), (1, 1), (0, 0)))
    D, H, Wd = 4, 5, 6
    ref = np.zeros((D, H, Wd, 4))
    for kd in range(3):
        for kh in range(3):
            for kw in range(3):
                ref += xin[kd : kd + D, kh : kh + H, kw : kw + Wd] @ W[kd, kh, kw]
    ref += m.enc0.conv2.bias.detach().numpy()
    assert np.abs(ref - conv_t).max() < 1e-5
    Wt = to_tfjs("up0.weight", m.up0.weight).numpy()  # [2,2,2,out,in]
    u = up_in[0].permute(1, 2, 3, 0).numpy()
    ref = np.zeros((4, 6, 4, 4))
    for kd in range(2):
        for kh in range(2):
            for kw in range(2):
                ref[kd::2, kh::2, kw::2] = u @ Wt[kd, kh, kw].T
    ref += m.up0.bias.detach().numpy()
    assert np.abs(ref - up_t).max() < 1e-5


def test_committed_tiny_fixtures_reproduce():
    for name in ("tiny-adaptive", "tiny-unet", "tiny-adaptive-f16"):
        d = os.path.join(FIXTURES, name)
        m, q = load_export(d)
        pj = json.load(open(os.path.join(d, "parity.json")))
        x = np.fromfile(os.path.join(d, "parity-input.bin"), "<f4").reshape(pj["shape"])
        y = np.fromfile(os.path.join(d, "parity-output.bin"), "<f4").reshape(pj["shape"])
        out = _run(m, x, np.array(pj["sideInfo"], np.float32), q)
        assert np.abs(out - y).max() < 1e-5, name
        assert np.abs(y).max() > 0.05 and y.std() > 0.01  # non-trivial weights
