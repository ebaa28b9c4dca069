"""Can the network, as built, fit a handful of fixed examples better than TKD does? A capacity check.

fit_check.py found the committed networks behind TKD on their own training data. That is either too little
fitting (samples, batch size, learning rate) or too little capacity (the paper fixes 16 channels, 5 levels). This
trains a copy of a model on N fixed synthetic simulations (whole volumes, so each field is entirely explained by
the chi in view) with every layer at --lr, and prints the network's NRMSE on those same N against TKD's: a network
that cannot get below TKD on examples it has seen hundreds of times is short of capacity, not of data.

  /usr/bin/python3 training/overfit_check.py --init models/adaptive-unet --n 8 --minutes 25
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dipole import tkd  # noqa: E402
from qsm_net import build  # noqa: E402
from synthetic import batch_stream  # noqa: E402
from train import initial_weights, train_step, validate  # noqa: E402


def fixed_set(n, size, seed=2718):
    """n whole synthetic simulations of size^3: (field, chi, side, tkd) in the network's layout."""
    field, chi, side = next(batch_stream(np.random.default_rng(seed), size, n, size))[:3]
    est = []
    for f, s in zip(field[:, 0], side):
        vs, b0 = s[:3], s[3:]
        # the network's layout is [z, y, x]; TKD works in [x, y, z]
        est.append(tkd(f.transpose(2, 1, 0), vs, b0).transpose(2, 1, 0))
    return field, chi, side, np.stack(est)[:, None].astype(np.float32)


def nrmse(est, ref):
    return 100 * math.sqrt(float(((est - ref) ** 2).sum()) / float((ref ** 2).sum()))


def run(init, arch="adaptive-unet", n=8, size=48, minutes=25.0, lr=1e-3, batch=2, report_every=2.0, bf16=True,
        seed=0, log=print):
    torch.manual_seed(seed)
    field, chi, side, est = fixed_set(n, size)
    tkd_nrmse = nrmse(est, chi)
    model = build(arch)
    if init:
        model.load_state_dict(initial_weights(init, arch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)  # no decay: fitting, not generalising

    def score():  # NRMSE % over the fixed set, as train.py validates (float32, whole volumes, no mask)
        return validate(model, (field, chi, side, None))[1]

    history = [(0, 0.0, score())]
    log(f"TKD {tkd_nrmse:.1f} %; network at start {history[0][2]:.1f} %")
    rng = np.random.default_rng(seed)
    t0, next_report, step = time.time(), report_every * 60, 0
    while time.time() - t0 < minutes * 60:
        idx = rng.choice(n, batch, replace=False)
        train_step(model, opt, (field[idx], chi[idx], side[idx], None), "l2", bf16)
        step += 1
        if time.time() - t0 >= next_report:
            history.append((step, (time.time() - t0) / 60, score()))
            log(f"step {step} ({history[-1][1]:.1f} min, each example seen ~{step * batch / n:.0f} times): "
                f"network {history[-1][2]:.1f} % against TKD {tkd_nrmse:.1f} %")
            next_report += report_every * 60
    history.append((step, (time.time() - t0) / 60, score()))
    return {"tkd": tkd_nrmse, "history": history}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--init", help="exported model directory or checkpoint; none = fresh weights")
    ap.add_argument("--arch", default="adaptive-unet", choices=["adaptive-unet", "unet"])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--size", type=int, default=48)
    ap.add_argument("--minutes", type=float, default=25.0)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    r = run(a.init, a.arch, a.n, a.size, a.minutes, a.lr)
    print(f"final: network {r['history'][-1][2]:.1f} % against TKD {r['tkd']:.1f} % after {r['history'][-1][0]} steps",
          flush=True)


if __name__ == "__main__":
    main()
