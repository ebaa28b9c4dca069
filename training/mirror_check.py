"""Which mirror images to average a network's inversion over, and how much the storage order of the voxel axes
matters, measured on the TRAINING subjects only.

Reversing voxel axis i and negating b_i is an exact symmetry of the dipole model, so a network's answer on any of
the 8 mirror images (mirrored back) answers the same problem. This scores each of them alone and the averages over
{x}, {x, y} and all three, on fresh phantoms of the training subjects in fit_check.py's set-up (never the
held-out brains). Session 15 (training/README.md) chose the x mirror from it: src/model/mirrorAverage.ts.
It also scores the net on the same fields with their axes stored in another order (b and the voxel size permuted
alike, exact for the physics): why src/model/trainingOrientation.ts turns every volume to RAS first.

  /usr/bin/python3 training/mirror_check.py --model models/adaptive-unet-tl [--threads 1]
"""
import argparse
import itertools
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brain_phantom as bp  # noqa: E402
from dipole import tkd  # noqa: E402
from evaluate import ACQUISITIONS, BRAIN_BOX_MM, brain_case, infer_once  # noqa: E402
from export import load_export  # noqa: E402
from fit_check import PHANTOM_SEED  # noqa: E402
from metrics import all_metrics  # noqa: E402

FLIPS = list(itertools.product([False, True], repeat=3))  # (x, y, z) reversed or not; index 4 fx + 2 fy + fz
AVERAGES = {"x": (0, 4), "x,y": (0, 2, 4, 6), "x,y,z": tuple(range(8))}
PERMUTATIONS = [(0, 1, 2), (1, 0, 2), (0, 2, 1), (2, 1, 0), (1, 2, 0), (2, 0, 1)]


def mirrored_estimates(model, q, field, vs, b0):
    """The net on each mirror image of the field (b mirrored with it), each mirrored back; FLIPS order."""
    out = []
    for fl in FLIPS:
        axes = [a for a in range(3) if fl[a]]
        f = np.ascontiguousarray(np.flip(field, axes)) if axes else field
        e = infer_once(model, q, f, vs, np.asarray(b0, float) * np.where(fl, -1.0, 1.0))
        out.append(np.flip(e, axes) if axes else e)
    return out


def permuted_estimates(model, q, field, vs, b0):
    """The net on the field stored with its axes in each PERMUTATIONS order, each put back."""
    out = []
    for p in PERMUTATIONS:
        e = infer_once(model, q, np.ascontiguousarray(field.transpose(p)), np.asarray(vs)[list(p)], np.asarray(b0)[list(p)])
        out.append(e.transpose(np.argsort(p)))
    return out


def run(model_dir, subjects=bp.SUBJECTS, box_mm=BRAIN_BOX_MM, seed=4242):
    """{case: {"tkd", "flips" (8 NRMSE %), "mean x", "mean x,y", "mean x,y,z", "orders" (6)}} per training subject x
    acquisition."""
    m, q = load_export(model_dir)
    rows = {}
    for i, (name, make) in enumerate(zip(subjects, bp.subject_phantoms(subjects))):
        ph = make(np.random.default_rng(PHANTOM_SEED + i))
        for an, acq in ACQUISITIONS.items():
            chi, field, mask, vs, b0 = brain_case(acq, seed, lambda: ph, box_mm)
            score = lambda e: all_metrics(e * mask, chi, mask)["nrmse"]  # noqa: E731
            ests = mirrored_estimates(m, q, field, vs, b0)
            row = {"tkd": score(tkd(field, vs, b0)), "flips": [score(e) for e in ests]}
            row |= {f"mean {k}": score(np.mean([ests[j] for j in idx], 0)) for k, idx in AVERAGES.items()}
            row["orders"] = [score(e) for e in permuted_estimates(m, q, field, vs, b0)]
            rows[f"{name}/{an}"] = row
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="exported model directory")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    for case, r in run(a.model).items():
        flips = " ".join(f"{v:.1f}" for v in r["flips"])
        means = ", ".join(f"{k} {v:.1f}" for k, v in r.items() if k.startswith("mean"))
        orders = " ".join(f"{''.join('xyz'[i] for i in p)} {v:.1f}" for p, v in zip(PERMUTATIONS, r["orders"]))
        print(f"{case}: tkd {r['tkd']:.1f} %, one pass per mirror (none, z, y, yz, x, xz, xy, xyz) {flips}; {means}; "
              f"axes stored as {orders}", flush=True)


if __name__ == "__main__":
    main()
