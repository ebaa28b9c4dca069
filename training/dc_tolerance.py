"""The masked data consistency's stopping tolerance against NRMSE and iterations, on the TRAINING cases that
`training/dc_lambda.py --write DIR` saves (FreeSurfer phantoms only):

  /usr/bin/python3 training/dc_tolerance.py DIR
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_consistency import masked_data_consistency  # noqa: E402
from metrics import all_metrics  # noqa: E402

TOLERANCES = (1e-3, 3e-3, 1e-2)


def main(root):
    import nibabel as nib

    res = {}
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        meta = json.load(open(os.path.join(d, "case.json")))
        rd = lambda f: nib.load(os.path.join(d, f + ".nii.gz")).get_fdata()  # noqa: E731
        field, mask, chi = rd("field"), rd("mask") > 0, rd("chi")
        for mid in meta["models"]:
            net = rd("net_" + mid)
            for tol in TOLERANCES:
                h = []
                out = masked_data_consistency(field, net, mask, meta["voxel"], meta["b0"], tol=tol, history=h)
                res.setdefault(tol, []).append((all_metrics(out * mask, chi, mask)["nrmse"], len(h)))
    for tol, v in res.items():
        print(f"tolerance {tol:g}: mean NRMSE {np.mean([a for a, _ in v]):.2f} %, iterations "
              f"{min(b for _, b in v)}-{max(b for _, b in v)} over {len(v)} model x case pairs")


if __name__ == "__main__":
    main(sys.argv[1])
