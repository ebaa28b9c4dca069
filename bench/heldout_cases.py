"""Writes training/evaluate.py's two held-out brain cases (the MNI152 phantom, never trained or tuned on; axial 1 mm
and 1x1x2 mm tilted 25 deg, noise 0.002 ppm, its seed 4242) as raw float32 volumes (x fastest) with a JSON header,
for bench/iterative_heldout.ts, which scores TKD, tv and ndi at their committed defaults on them.

  /usr/bin/python3 bench/heldout_cases.py OUT_DIR
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
from evaluate import ACQUISITIONS, brain_case  # noqa: E402


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, acq in ACQUISITIONS.items():
        chi, field, mask, vs, b0 = brain_case(acq, 4242)  # evaluate.run's seed
        for key, a in (("chi", chi), ("field", field), ("mask", mask)):
            # arrays are indexed [x, y, z]; Fortran order writes x fastest (NIfTI order)
            np.asarray(a, dtype=np.float32).ravel(order="F").tofile(os.path.join(out, f"{name}_{key}.f32"))
        meta = {"dims": [int(n) for n in chi.shape], "voxelSize": [float(v) for v in vs], "b0Dir": [float(v) for v in b0], "label": acq["label"]}
        with open(os.path.join(out, f"{name}.json"), "w") as fh:
            json.dump(meta, fh)
        print(name, meta)


if __name__ == "__main__":
    main(sys.argv[1])
