"""How much the filter-manifold network's first-layer kernel moves with the acquisition (issue 9: is the adaptive
layer live?). For an exported adaptive model, the relative change ||k(s') - k(s)|| / ||k(s)|| of the generated
kernel and bias (concatenated) between pairs of side information:

  /usr/bin/python3 training/fmn_sensitivity.py models/adaptive-unet [more model dirs]
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dipole import tilted_b0  # noqa: E402
from export import load_export  # noqa: E402
from synthetic import side_info  # noqa: E402

PAIRS = {
    "25 deg tilt -> axial (1x1x2 mm)": (((1, 1, 2), tilted_b0(25.0, 0.0)), ((1, 1, 2), (0, 0, 1))),
    "b rotated 90 deg (1 mm)": (((1, 1, 1), (0, 0, 1)), ((1, 1, 1), (1, 0, 0))),
    "1x1x2 mm -> 1 mm (axial)": (((1, 1, 2), (0, 0, 1)), ((1, 1, 1), (0, 0, 1))),
    "b -> -b (25 deg tilt)": (((1, 1, 2), tilted_b0(25.0, 0.0)), ((1, 1, 2), -np.asarray(tilted_b0(25.0, 0.0)))),
}


@torch.no_grad()
def kernel_of(model, vs, b0):
    k, b = model.fmn(torch.from_numpy(side_info(vs, b0))[None])
    return torch.cat([k.flatten(), b.flatten()]).double()


def sensitivity(model):
    out = {}
    for name, ((vs1, b1), (vs2, b2)) in PAIRS.items():
        k1, k2 = kernel_of(model, vs1, b1), kernel_of(model, vs2, b2)
        out[name] = float((k2 - k1).norm() / k1.norm())
    return out


def main(dirs):
    for d in dirs:
        m, q = load_export(d)
        if q["architecture"] != "adaptive-unet":
            print(f"{d}: not adaptive")
            continue
        print(f"{d}: " + ", ".join(f"{k} {100 * v:.1f} %" for k, v in sensitivity(m).items()))


if __name__ == "__main__":
    main(sys.argv[1:])
