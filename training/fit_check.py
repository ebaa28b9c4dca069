"""Is a network under-fitted? Network against TKD on the TRAINING subjects' own phantoms (fresh random phantoms,
never the held-out brains), in evaluate.py's set-up: the same acquisitions, noise and whole-volume inference.

A network that loses to TKD on the held-out brains but beats it here has learned its training anatomy too well
(more anatomy would help). One that loses here too has not fitted its own training distribution (more training,
not more data, is what it needs). Session 14 found the second (training/README.md).

  /usr/bin/python3 training/fit_check.py --model models/adaptive-unet-tl [--model DIR ...] [--threads 2]
      [--phantoms N] [--mirror] [--acquisitions axial,tilted,axial-thick,tilted-iso]

It is also the validation set for choosing between candidate networks (e.g. which weight soup to keep, session
16): more phantoms per subject (--phantoms) make the choice less a matter of one phantom's luck, and --mirror scores
them as the product runs them (mirror-averaged). A "mean" row averages every case. Models are named by their id,
or by their directory where two share an id (candidates exported under the id they would ship as).
--acquisitions adds the two halves of the tilted case, its thick slices without the tilt and the tilt at 1 mm, to
tell which of the two a network's tilted-case gap comes from.
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

# the held-out acquisitions (evaluate.py) and, to take the tilted one apart, each of its two changes alone
ALL_ACQUISITIONS = {
    **ACQUISITIONS,
    "axial-thick": {"voxel": (1.0, 1.0, 2.0), "tilt": 0.0, "label": "1x1x2 mm, axial"},
    "tilted-iso": {"voxel": (1.0, 1.0, 1.0), "tilt": 25.0, "label": "1 mm iso, 25 deg tilt"},
}
PHANTOM_SEED = 777  # not a seed any training stream draws phantoms with (those come from the run seeds' streams)


def model_names(model_dirs, ids):
    """Each model's column name: its id, or its directory's path where ids repeat."""
    return [i if ids.count(i) == 1 else os.path.normpath(d) for d, i in zip(model_dirs, ids)]


def run(model_dirs, subjects=bp.SUBJECTS, box_mm=BRAIN_BOX_MM, seed=4242, phantoms=1, mirror=False,
        acquisitions=tuple(ACQUISITIONS)):
    """{case: {method: nrmse %}} for each training subject x phantom x acquisition, and "mean" over the cases;
    method "tkd" and each model (model_names). Phantom j of subject i is drawn with seed PHANTOM_SEED + i + 1000 j,
    so the first phantom is the one earlier sessions scored."""
    models = [load_export(d) for d in model_dirs]
    names = model_names(model_dirs, [q["id"] for _, q in models])
    rows = {}
    for i, (name, make) in enumerate(zip(subjects, bp.subject_phantoms(subjects))):
        for j in range(phantoms):
            ph = make(np.random.default_rng(PHANTOM_SEED + i + 1000 * j))
            for an in acquisitions:
                acq = ALL_ACQUISITIONS[an]
                chi, field, mask, vs, b0 = brain_case(acq, seed, lambda: ph, box_mm)
                row = {"tkd": all_metrics(tkd(field, vs, b0) * mask, chi, mask)["nrmse"]}
                for (m, q), col in zip(models, names):
                    row[col] = all_metrics(infer(m, q, field, vs, b0, mirror=mirror) * mask, chi, mask)["nrmse"]
                rows[f"{name}/{an}" if phantoms == 1 else f"{name}{j}/{an}"] = row
    rows["mean"] = {k: float(np.mean([r[k] for r in rows.values()])) for k in next(iter(rows.values()))}
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="exported model directory (repeatable)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--phantoms", type=int, default=1, help="random phantoms per training subject (1)")
    ap.add_argument("--mirror", action="store_true", help="score mirror-averaged inference, as the product runs it")
    ap.add_argument("--acquisitions", default=",".join(ACQUISITIONS),
                    help=f"comma-separated, of {', '.join(ALL_ACQUISITIONS)} (default: evaluate.py's two)")
    a = ap.parse_args(argv)
    acquisitions = a.acquisitions.split(",")
    unknown = [x for x in acquisitions if x not in ALL_ACQUISITIONS]
    if a.phantoms < 1:
        ap.error("--phantoms must be at least 1")
    if unknown:
        ap.error(f"unknown acquisition(s) {', '.join(unknown)}; known: {', '.join(ALL_ACQUISITIONS)}")
    torch.set_num_threads(a.threads)
    for case, row in run(a.model, phantoms=a.phantoms, mirror=a.mirror, acquisitions=acquisitions).items():
        print(f"{case}: " + ", ".join(f"{k} {v:.1f} %" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
