"""Chooses the default data-consistency lambda on TRAINING anatomy only.

  /usr/bin/python3 training/dc_lambda.py --model models/adaptive-unet-tl --model models/unet-tl --model models/adaptive-unet

Cases: random phantoms of the FreeSurfer subject (brain_phantom.fs_phantom, the fine-tuning anatomy; never the
held-out MNI152 phantom), at evaluate.py's two acquisitions (axial 1 mm, and 1x1x2 mm tilted 25 deg) with its noise.
For each model it runs the network once per case, then soft data consistency over a lambda grid and the hard variant,
and prints NRMSE (%) per lambda with TKD for comparison. The lambda that is best on average over models and cases
becomes src/core/dataConsistency.ts's DEFAULT_DC_LAMBDA; training/README.md records the table.

--write DIR also saves each case (field, mask, chi, each network's output as NIfTI, B0 and voxel size in case.json)
for bench/dc_rules.ts, which scores the automatic L-curve rules of `--dc-lambda auto` on the same cases.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brain_phantom import fs_phantom, grid_rotation, sample_acquisition  # noqa: E402
from data_consistency import data_consistency, masked_data_consistency  # noqa: E402
from dipole import forward_field, tkd  # noqa: E402
from evaluate import ACQUISITIONS, BRAIN_BOX_MM, NOISE_PPM, infer  # noqa: E402
from export import load_export  # noqa: E402
from metrics import all_metrics  # noqa: E402

LAMBDAS = (0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2)
# the masked form (data trusted inside the mask only, conjugate gradients)
MASKED_LAMBDAS = (0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03)


def write_case(root, cname, chi, field, mask, vs, b0, nets):
    """NIfTI float32 [x, y, z] with a diagonal affine; B0 in voxel axes goes to case.json (the grid is tilted)."""
    import json

    import nibabel as nib

    d = os.path.join(root, cname.replace("/", "_"))
    os.makedirs(d, exist_ok=True)
    aff = np.diag([*map(float, vs), 1.0])
    for name, vol in [("field", field), ("mask", mask), ("chi", chi), *[(f"net_{k}", v) for k, v in nets.items()]]:
        nib.save(nib.Nifti1Image(np.asarray(vol, np.float32), aff), os.path.join(d, f"{name}.nii.gz"))
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump({"b0": [float(v) for v in b0], "voxel": [float(v) for v in vs], "models": list(nets)}, f)


def training_cases(n_phantoms, seed=77):
    rng = np.random.default_rng(seed)
    cases = []
    for p in range(n_phantoms):
        ph = fs_phantom(rng)
        for name, acq in ACQUISITIONS.items():
            vs = np.array(acq["voxel"])
            shape = tuple(int(round(b / d)) for b, d in zip(BRAIN_BOX_MM, vs))
            chi, mask, b0 = sample_acquisition(ph, shape, vs, grid_rotation(acq["tilt"], rng.uniform(0, 360)), ph.world_centre())
            field = (forward_field(chi, vs, b0) + NOISE_PPM * rng.normal(size=shape)) * mask
            cases.append((f"fs{p}/{name}", chi, field, mask, vs, b0))
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", default=[])
    ap.add_argument("--phantoms", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--write", help="directory to save each case and network output in, for bench/dc_rules.ts")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    cases = training_cases(a.phantoms)
    models = [load_export(d) for d in a.model]
    head = ("| case | model | net | " + " | ".join(f"soft {lam:g}" for lam in LAMBDAS) + " | hard 0.19 | "
            + " | ".join(f"masked {lam:g}" for lam in MASKED_LAMBDAS) + " | TKD |")
    print(head + "\n|" + " --- |" * (head.count("|") - 1), flush=True)
    mean = {lam: [] for lam in LAMBDAS}
    mean_masked = {lam: [] for lam in MASKED_LAMBDAS}
    for cname, chi, field, mask, vs, b0 in cases:
        e = lambda x: all_metrics(x * mask, chi, mask)["nrmse"]  # noqa: E731
        t = e(tkd(field, vs, b0))
        nets = {}
        for m, q in models:
            net = nets[q["id"]] = infer(m, q, field, vs, b0) * mask
            soft = {lam: e(data_consistency(field, net, vs, b0, lam)) for lam in LAMBDAS}
            for lam in LAMBDAS:
                mean[lam].append(soft[lam])
            hard = e(data_consistency(field, net, vs, b0, kind="hard"))
            masked = {lam: e(masked_data_consistency(field, net, mask, vs, b0, lam)) for lam in MASKED_LAMBDAS}
            for lam in MASKED_LAMBDAS:
                mean_masked[lam].append(masked[lam])
            print(f"| {cname} | {q['id']} | {e(net):.1f} | " + " | ".join(f"{soft[lam]:.1f}" for lam in LAMBDAS)
                  + f" | {hard:.1f} | " + " | ".join(f"{masked[lam]:.1f}" for lam in MASKED_LAMBDAS) + f" | {t:.1f} |", flush=True)
        if a.write:
            write_case(a.write, cname, chi, field, mask, vs, b0, nets)
    best = min(LAMBDAS, key=lambda lam: np.mean(mean[lam]))
    print("mean over cases and models: " + ", ".join(f"{lam:g}: {np.mean(v):.1f}" for lam, v in mean.items()))
    print(f"best lambda on training anatomy: {best:g}")
    best_masked = min(MASKED_LAMBDAS, key=lambda lam: np.mean(mean_masked[lam]))
    print("masked, mean over cases and models: " + ", ".join(f"{lam:g}: {np.mean(v):.1f}" for lam, v in mean_masked.items()))
    print(f"best masked lambda on training anatomy: {best_masked:g}")


if __name__ == "__main__":
    main()
