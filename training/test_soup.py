"""soup.py: the soup's weights are the ingredients' mean, and unlike models are refused."""
import numpy as np
import pytest
import torch

from export import export, load_export, randomise_
from qsm_net import build
from soup import main, soup


def _export_tiny(path, arch, seed, channels=4):
    torch.manual_seed(seed)
    m = build(arch, channels)
    randomise_(m, seed)
    export(m, str(path), f"t{seed}", arch, dtype="float32", trained_patch=32)
    return load_export(str(path))[0].state_dict()


def test_soup_weights_are_the_mean_of_the_ingredients(tmp_path):
    a = _export_tiny(tmp_path / "a", "adaptive-unet", 1)
    b = _export_tiny(tmp_path / "b", "adaptive-unet", 2)
    c = _export_tiny(tmp_path / "c", "adaptive-unet", 3)
    main(["--model", str(tmp_path / "a"), "--model", str(tmp_path / "b"), "--model", str(tmp_path / "c"),
          "--dtype", "float32", "--id", "soup", "--out", str(tmp_path / "s")])
    s, q = load_export(str(tmp_path / "s"))
    assert q["id"] == "soup" and q["trainedPatch"] == 32
    for k, v in s.state_dict().items():
        want = (a[k].double() + b[k].double() + c[k].double()) / 3
        assert np.allclose(v.double().numpy(), want.numpy(), atol=1e-7), k
        assert not torch.equal(v, a[k])  # a real average, not the first ingredient passed through


def test_soup_of_copies_is_the_model(tmp_path):
    a = _export_tiny(tmp_path / "a", "unet", 4)
    s, _ = soup([str(tmp_path / "a"), str(tmp_path / "a")])
    for k, v in s.state_dict().items():
        assert torch.equal(v, a[k]), k


def test_unlike_models_are_refused(tmp_path):
    _export_tiny(tmp_path / "a", "adaptive-unet", 1)
    _export_tiny(tmp_path / "u", "unet", 2)
    _export_tiny(tmp_path / "w", "adaptive-unet", 3, channels=8)
    with pytest.raises(ValueError, match="architecture"):
        soup([str(tmp_path / "a"), str(tmp_path / "u")])
    with pytest.raises(ValueError, match="baseChannels"):
        soup([str(tmp_path / "a"), str(tmp_path / "w")])
    with pytest.raises(ValueError, match="at least two"):
        soup([str(tmp_path / "a")])
