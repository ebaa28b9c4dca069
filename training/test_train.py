"""Optimisation: a few steps learn, fine-tuning freezes the FMN and uses two learning rates."""
import math

import numpy as np
import pytest
import torch

from qsm_net import build
from synthetic import batch_stream
from train import cosine_factor, make_optimizer, masked_l1, set_lr, sgdr_factor, train_step


def test_steps_lower_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    batch = next(batch_stream(np.random.default_rng(0), 16, 2, grid=32))
    m = build("adaptive-unet", 4)
    opt = make_optimizer(m, "pretrain", lr=3e-3)
    losses = [train_step(m, opt, batch) for _ in range(25)]
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:3]), losses


def test_finetune_freezes_fmn_and_uses_two_rates():
    torch.manual_seed(0)
    m = build("adaptive-unet", 4)
    opt = make_optimizer(m, "finetune")
    assert all(not p.requires_grad for p in m.fmn.parameters())
    rates = {g["name"]: g["lr"] for g in opt.param_groups}
    assert rates == {"decoder": 1e-3, "rest": 1e-5}
    in_groups = {id(p) for g in opt.param_groups for p in g["params"]}
    assert not any(id(p) in in_groups for p in m.fmn.parameters())
    dec = {id(p) for p in opt.param_groups[0]["params"]}
    assert id(m.out.weight) in dec and id(m.up2.weight) in dec and id(m.enc0.conv2.weight) not in dec
    fmn_before = [p.clone() for p in m.fmn.parameters()]
    batch = next(batch_stream(np.random.default_rng(1), 16, 2, grid=32))
    train_step(m, opt, batch)
    assert all(torch.equal(a, b) for a, b in zip(fmn_before, m.fmn.parameters()))


def test_unet_first_conv_counts_as_rest_when_finetuning():
    m = build("unet", 4)
    opt = make_optimizer(m, "finetune")
    rest = {id(p) for p in opt.param_groups[1]["params"]}
    assert id(m.enc0.conv1.weight) in rest


def test_schedules():
    # SGDR in samples: cycles of 100, 200, 400, ... samples
    assert sgdr_factor(0, 100) == 1.0
    assert sgdr_factor(100 - 1e-6, 100) < 0.02 and sgdr_factor(100, 100) == 1.0
    assert sgdr_factor(300 - 1e-6, 100) < 0.02 and sgdr_factor(300, 100) == 1.0
    assert abs(sgdr_factor(150, 100) - (0.01 + 0.99 * 0.5 * (1 + np.cos(np.pi * 0.25)))) < 1e-12
    assert cosine_factor(0, 100) == 1.0 and abs(cosine_factor(100, 100) - 0.1) < 1e-12
    assert cosine_factor(1000, 100) == cosine_factor(100, 100)  # held at the floor after the decay
    m = build("unet", 4)
    opt = make_optimizer(m, "finetune")
    set_lr(opt, "finetune", 4000, decay=4000)
    assert abs(opt.param_groups[0]["lr"] - 1e-4) < 1e-12 and abs(opt.param_groups[1]["lr"] - 1e-6) < 1e-15


def _tiny_validation_sets(monkeypatch):
    """Both validation sets as one tiny synthetic batch, so a train.main() runs in seconds."""
    import brain_phantom
    import train

    def tiny_val(patch, n, grid):
        return next(batch_stream(np.random.default_rng(0), patch, n, grid))

    monkeypatch.setattr(train, "synthetic_val_set", tiny_val)
    monkeypatch.setattr(brain_phantom, "heldout_brain_set", tiny_val)


def test_schedule_cannot_jump_when_a_run_resumes_with_another_budget(tmp_path, monkeypatch):
    """Stop 7's schedule was a function of elapsed/budget: resuming with a new --minutes jumped the rate.
    Now the rate is a function of the samples seen; a checkpointed run resumed with ten times the budget
    continues at the rate it stopped with."""
    import train

    out = str(tmp_path / "r")
    common = ["--arch", "unet", "--stage", "pretrain", "--patch", "16", "--grid", "16", "--batch", "1",
              "--base-channels", "2", "--val-n", "1", "--cycle-samples", "50", "--out", out, "--resume"]
    _tiny_validation_sets(monkeypatch)
    train.main(common + ["--minutes", "0.02"])
    ck = torch.load(out + "/last.pt")
    lr_end = ck["optimizer"]["param_groups"][0]["lr"]
    samples = ck["samples"]
    m = build("unet", 2)
    opt = make_optimizer(m, "pretrain", lr=1e-3)
    opt.load_state_dict(ck["optimizer"])
    lr_resumed = set_lr(opt, "pretrain", samples, cycle=50)
    # the last step set the rate for `samples - 1` (before counting its batch): next rate is one sample on
    assert abs(lr_resumed - 1e-3 * sgdr_factor(samples, 50)) < 1e-15
    assert abs(lr_end - 1e-3 * sgdr_factor(samples - 1, 50)) < 1e-15
    # and resuming with ten times the budget continues from there: one more run adds samples, no jump
    train.main(common + ["--minutes", "0.2"] + ["--ckpt-every", "100"])
    log = open(out + "/log.csv").read().splitlines()
    assert len(log) >= 4


def test_bf16_autocast_gradients_match_fp32():
    torch.manual_seed(0)
    batch = next(batch_stream(np.random.default_rng(5), 16, 2, grid=32))
    m = build("adaptive-unet", 4)

    def grads(bf16):
        m.zero_grad(set_to_none=True)
        field, chi, side, _ = batch
        from qsm_net import INPUT_SCALE, OUTPUT_SCALE

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            pred = m(torch.from_numpy(field) * INPUT_SCALE, torch.from_numpy(side))
        loss = ((pred.float() - torch.from_numpy(chi) / OUTPUT_SCALE) ** 2).mean()
        loss.backward()
        return torch.cat([p.grad.flatten() for p in m.parameters()]), pred.dtype

    g32, d32 = grads(False)
    g16, d16 = grads(True)
    assert d32 == torch.float32 and d16 == torch.bfloat16  # autocast really ran in bf16
    cos = float(torch.nn.functional.cosine_similarity(g32, g16, dim=0))
    assert cos >= 0.999, cos


def test_masked_l1_ignores_outside():
    p, t = torch.zeros(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2)
    mask = torch.zeros_like(p)
    mask[..., 0] = 1
    t[..., 1] = 100
    assert float(masked_l1(p, t, mask)) == 1.0


def test_masked_l2_ignores_outside():
    from train import masked_l2

    p, t = torch.zeros(1, 1, 2, 2, 2), torch.full((1, 1, 2, 2, 2), 2.0)
    mask = torch.zeros_like(p)
    mask[..., 0] = 1
    t[..., 1] = 100
    assert float(masked_l2(p, t, mask)) == 4.0
    assert float(masked_l2(p, torch.full_like(p, 3.0))) == 9.0


def test_a_run_can_start_from_an_exported_model(tmp_path):
    """--init models/<id>: the committed (float16) weights, so a fresh clone can continue training."""
    from export import export
    from train import initial_weights

    torch.manual_seed(0)
    m = build("adaptive-unet", 4)
    export(m, str(tmp_path / "m"), "adaptive-unet", "adaptive-unet", dtype="float16")  # rounds m in place
    state = initial_weights(str(tmp_path / "m"), "adaptive-unet")
    for k, v in m.state_dict().items():
        assert torch.equal(state[k], v), k
    import pytest

    with pytest.raises(SystemExit, match="not a unet"):
        initial_weights(str(tmp_path / "m"), "unet")


def test_phantom_flag_chooses_the_fine_tuning_phantom_and_is_recorded(tmp_path, monkeypatch):
    """--phantom p1 keeps the older phantom as a control of p2: fs_phantom reads the version per call, and the
    checkpoint records the one trained on."""
    import brain_phantom
    import train

    seen = []
    real = brain_phantom.fs_phantom

    def spy(rng, *args, **kw):
        seen.append(brain_phantom.PHANTOM_VERSION)
        return real(rng, *args, **kw)

    monkeypatch.setattr(brain_phantom, "fs_phantom", spy)
    monkeypatch.setattr(brain_phantom, "PHANTOM_VERSION", brain_phantom.PHANTOM_VERSION)  # restored afterwards
    _tiny_validation_sets(monkeypatch)
    out = str(tmp_path / "f")
    train.main(["--arch", "unet", "--stage", "finetune", "--patch", "16", "--grid", "32", "--batch", "1",
                "--base-channels", "2", "--val-n", "1", "--max-samples", "1", "--minutes", "1", "--out", out,
                "--phantom", "p1"])
    assert seen and set(seen) == {"p1"}
    assert torch.load(out + "/last.pt")["phantom"] == "p1"


def test_thick_slice_share_reaches_the_fine_tuning_stream_and_is_recorded(tmp_path, monkeypatch):
    import brain_phantom
    import train

    seen = []
    real = brain_phantom.random_brain_acquisition

    def spy(rng, thick_p=0.0):
        seen.append(thick_p)
        return real(rng, thick_p)

    monkeypatch.setattr(brain_phantom, "random_brain_acquisition", spy)
    _tiny_validation_sets(monkeypatch)
    out = str(tmp_path / "f")
    train.main(["--arch", "unet", "--stage", "finetune", "--patch", "16", "--grid", "32", "--batch", "1",
                "--base-channels", "2", "--val-n", "1", "--max-samples", "1", "--minutes", "1", "--out", out,
                "--thick-slices", "0.5"])
    assert seen and set(seen) == {0.5}
    assert torch.load(out + "/last.pt")["thick_slices"] == 0.5
    for bad in ("1.5", "-0.1"):
        with pytest.raises(SystemExit):
            train.parse(["--arch", "unet", "--stage", "finetune", "--minutes", "1", "--out", out, "--thick-slices", bad])


def test_lowfreq_loss_matches_scipy_and_weights_smooth_error():
    import torch
    from scipy.ndimage import gaussian_filter
    from train import LF_SIGMA, LF_WEIGHT, masked_l2, masked_l2_lowfreq
    rng = np.random.default_rng(3)
    n = 24
    target = torch.from_numpy(rng.normal(size=(1, 1, n, n, n)).astype(np.float32))
    pred = torch.from_numpy(rng.normal(size=(1, 1, n, n, n)).astype(np.float32))
    mask = torch.from_numpy((rng.random((1, 1, n, n, n)) < 0.6).astype(np.float32))
    assert float(masked_l2_lowfreq(target, target, mask)) == 0.0
    # Independent reference: scipy's Gaussian with zero padding, truncated at 3 sigma like the loss's kernel.
    err = ((pred - target) * mask).numpy()[0, 0].astype(np.float64)
    low = gaussian_filter(err, LF_SIGMA, mode="constant", truncate=3.0)
    m = mask.numpy()[0, 0]
    want = (err ** 2).sum() / m.sum() + LF_WEIGHT * ((low * m) ** 2).sum() / m.sum()
    assert abs(float(masked_l2_lowfreq(pred, target, mask)) - want) < 1e-4 * want
    # A smooth error keeps most of its energy through the low-pass; a voxel checkerboard keeps almost none.
    i = torch.arange(n, dtype=torch.float32)
    smooth = torch.cos(2 * math.pi * i / n).view(1, 1, n, 1, 1).expand(1, 1, n, n, n).contiguous()
    cb = ((i[:, None, None] + i[None, :, None] + i[None, None, :]) % 2 * 2 - 1).view(1, 1, n, n, n)
    zero = torch.zeros_like(smooth)

    def extra(e):
        return (float(masked_l2_lowfreq(e, zero)) - float(masked_l2(e, zero))) / (LF_WEIGHT * float(masked_l2(e, zero)))
    assert extra(smooth) > 0.3  # 0.48: the zero padding at the borders takes part of it
    assert extra(cb) < 0.01
    # Error outside the mask does not leak into the loss.
    box = torch.zeros_like(target)
    box[..., 8:16, 8:16, 8:16] = 1
    outside = torch.zeros_like(target)
    outside[..., :4, :, :] = 5.0
    assert float(masked_l2_lowfreq(outside, zero, box)) == 0.0
