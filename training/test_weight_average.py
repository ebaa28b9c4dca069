"""The moving average of the weights (weight_average.py, train.py --ema-samples, export.py --ema)."""
import math

import numpy as np
import pytest
import torch

from weight_average import WeightAverage


def test_average_follows_the_closed_form_and_leaves_constant_weights_alone():
    m = torch.nn.Linear(2, 1)
    with torch.no_grad():
        m.weight.fill_(1.0)
        m.bias.fill_(5.0)
    avg = WeightAverage(m, samples=10)
    with torch.no_grad():
        m.weight.fill_(3.0)  # the bias stays, as a frozen weight does
    for _ in range(4):
        avg.update(m, batch=2)
    keep = math.exp(-2 / 10) ** 4  # four steps of two samples each
    assert torch.allclose(avg.state["weight"], torch.full((1, 2), 1.0 * keep + 3.0 * (1 - keep)))
    assert torch.equal(avg.state["bias"], torch.tensor([5.0]))
    with pytest.raises(ValueError):
        WeightAverage(m, samples=0)
    with pytest.raises(ValueError, match="does not match"):
        avg.load({"weight": avg.state["weight"]})


def test_a_run_keeps_the_average_across_resumes_and_export_writes_it(tmp_path, monkeypatch):
    import export
    import train
    from test_train import _tiny_validation_sets

    _tiny_validation_sets(monkeypatch)
    out = str(tmp_path / "r")
    common = ["--arch", "unet", "--stage", "pretrain", "--patch", "16", "--grid", "16", "--batch", "1",
              "--base-channels", "2", "--val-n", "1", "--minutes", "5", "--out", out, "--resume", "--ema-samples", "4"]
    train.main(common + ["--max-samples", "3"])
    ck = torch.load(out + "/last.pt")
    assert ck["ema_samples"] == 4 and set(ck["ema"]) == set(ck["model"])
    name = next(k for k in ck["model"] if k.endswith("weight"))
    assert not torch.equal(ck["ema"][name], ck["model"][name])  # it lags the weights it averages
    # resumed, the stored average goes on being updated instead of restarting from the resumed weights
    first = ck["ema"][name].clone()
    train.main(common + ["--max-samples", "5"])
    ck2 = torch.load(out + "/last.pt")
    assert ck2["samples"] == 5 and not torch.equal(ck2["ema"][name], ck2["model"][name])
    assert not torch.equal(ck2["ema"][name], first)
    assert "ema" not in open(out + "/summary.json").read().replace("ema_samples", "")
    with pytest.raises(SystemExit, match="keeps a weight average"):  # resumed without it, it would be dropped
        train.main(common[:-2] + ["--max-samples", "6"])

    export.main(["--ckpt", out + "/last.pt", "--id", "unet-tl", "--dtype", "float32", "--ema", "--out", str(tmp_path / "e")])
    model, _ = export.load_export(str(tmp_path / "e"))
    got = model.state_dict()[name].numpy()
    assert np.allclose(got, ck2["ema"][name].numpy(), atol=1e-6)

    # a run without an average says so, at export and when resumed with one
    plain = str(tmp_path / "plain")
    base = common[: common.index("--out")] + ["--out", plain, "--resume"]
    train.main(base + ["--max-samples", "1"])
    with pytest.raises(SystemExit, match="no weight average"):
        export.main(["--ckpt", plain + "/last.pt", "--id", "unet-tl", "--ema", "--out", str(tmp_path / "x")])
    with pytest.raises(SystemExit, match="no weight average"):
        train.main(base + ["--max-samples", "2", "--ema-samples", "4"])
    with pytest.raises(SystemExit):
        train.parse(["--arch", "unet", "--stage", "pretrain", "--minutes", "1", "--out", out, "--ema-samples", "-1"])
