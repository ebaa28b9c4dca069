"""Reference timing for bench/fft.ts: numpy's pocketfft 3-D forward + inverse on the same grid.

Usage: /usr/bin/python3 bench/fft_numpy.py NX [NY NZ] [--reps R] [--real]
Prints one JSON line {"dims": [...], "seconds": best-of-R forward+inverse}.
--real times rfftn/irfftn instead of fftn/ifftn on complex64 (match what the TS side does).
"""
import json
import sys
import time

import numpy as np


def main(argv):
    reps = 3
    real = False
    nums = []
    it = iter(argv)
    for a in it:
        if a == "--reps":
            reps = int(next(it))
        elif a == "--real":
            real = True
        else:
            nums.append(int(a))
    dims = nums * 3 if len(nums) == 1 else nums
    rng = np.random.default_rng(0)
    # numpy's x is the last axis in C order; shape (nz, ny, nx) matches our x-fastest layout.
    shape = tuple(reversed(dims))
    x = rng.standard_normal(shape).astype(np.float32)
    if not real:
        x = (x + 1j * rng.standard_normal(shape).astype(np.float32)).astype(np.complex64)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        if real:
            y = np.fft.irfftn(np.fft.rfftn(x), s=shape)
        else:
            y = np.fft.ifftn(np.fft.fftn(x))
        best = min(best, time.perf_counter() - t0)
    err = float(np.max(np.abs(y - x)))
    print(json.dumps({"dims": dims, "seconds": best, "real": real, "roundTripMaxErr": err}))


if __name__ == "__main__":
    main(sys.argv[1:])
