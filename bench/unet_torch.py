"""PyTorch CPU reference timing for bench/unet.ts: the same exported model on the same field volume.

  /usr/bin/python3 bench/unet_torch.py --model DIR --field F.bin --shape nz,ny,nx --side dx,dy,dz,bx,by,bz --out CHI.bin

Prints one JSON line {"seconds": ..., "threads": ...}; seconds is the best of --repeats forward passes
(after one warm-up), chi in ppm is written as float32 C order [nz, ny, nx].
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
from export import load_export  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--field", required=True)
    ap.add_argument("--shape", required=True)
    ap.add_argument("--side", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, q = load_export(a.model)
    shape = [int(v) for v in a.shape.split(",")]
    field = torch.from_numpy(np.fromfile(a.field, "<f4").reshape(shape))[None, None]
    side = torch.tensor([[float(v) for v in a.side.split(",")]])
    best = float("inf")
    with torch.no_grad():
        model.predict_ppm(field[..., :16, :16, :16], side, q["inputScale"], q["outputScale"])  # warm-up
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            chi = model.predict_ppm(field, side, q["inputScale"], q["outputScale"])
            best = min(best, time.perf_counter() - t0)
    chi[0, 0].numpy().astype("<f4").tofile(a.out)
    print(json.dumps({"seconds": best, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
