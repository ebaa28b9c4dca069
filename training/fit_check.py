"""Is a network under-fitted? Network against TKD on the TRAINING subjects' own phantoms (fresh random phantoms,
never the held-out brains), in evaluate.py's set-up: the same acquisitions, noise and whole-volume inference.

A network that loses to TKD on the held-out brains but beats it here has learned its training anatomy too well
(more anatomy would help). One that loses here too has not fitted its own training distribution (more training,
not more data, is what it needs). Session 14 found the second (training/README.md).

  /usr/bin/python3 training/fit_check.py --model models/adaptive-unet-tl [--model DIR ...] [--threads 2]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brain_phantom as bp  # noqa: E402
from dipole import tkd  # noqa: E402
from evaluate import ACQUISITIONS, BRAIN_BOX_MM, brain_case, infer  # noqa: E402
from export import load_export  # noqa: E402
from metrics import all_metrics  # noqa: E402

PHANTOM_SEED = 777  # not a seed any training stream draws phantoms with (those come from the run seeds' streams)


def run(model_dirs, subjects=bp.SUBJECTS, box_mm=BRAIN_BOX_MM, seed=4242):
    """{case: {method: nrmse %}} for each training subject x acquisition; method "tkd" and each model's id."""
    models = [load_export(d) for d in model_dirs]
    rows = {}
    for i, (name, make) in enumerate(zip(subjects, bp.subject_phantoms(subjects))):
        ph = make(np.random.default_rng(PHANTOM_SEED + i))
        for an, acq in ACQUISITIONS.items():
            chi, field, mask, vs, b0 = brain_case(acq, seed, lambda: ph, box_mm)
            row = {"tkd": all_metrics(tkd(field, vs, b0) * mask, chi, mask)["nrmse"]}
            for m, q in models:
                row[q["id"]] = all_metrics(infer(m, q, field, vs, b0) * mask, chi, mask)["nrmse"]
            rows[f"{name}/{an}"] = row
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="exported model directory (repeatable)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    for case, row in run(a.model).items():
        print(f"{case}: " + ", ".join(f"{k} {v:.1f} %" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
