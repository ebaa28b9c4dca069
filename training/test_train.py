"""Optimisation: a few steps learn, fine-tuning freezes the FMN and uses two learning rates."""
import numpy as np
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
    assert sgdr_factor(0.0) == 1.0 and sgdr_factor(1.0) < 0.02
    # warm restarts at 1/7 and 3/7 of the budget
    assert sgdr_factor(1 / 7 - 1e-6) < 0.02 and sgdr_factor(1 / 7 + 1e-6) > 0.99
    assert sgdr_factor(3 / 7 + 1e-6) > 0.99
    assert cosine_factor(0) == 1.0 and abs(cosine_factor(1) - 0.1) < 1e-12
    m = build("unet", 4)
    opt = make_optimizer(m, "finetune")
    set_lr(opt, "finetune", 1.0)
    assert abs(opt.param_groups[0]["lr"] - 1e-4) < 1e-12 and abs(opt.param_groups[1]["lr"] - 1e-6) < 1e-15


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
