"""PyTorch CPU reference for bench/conv-ceiling.ts: GFLOP/s of one 3x3x3 'same' convolution (and of one matrix
product) at one thread, on the shapes the TypeScript side runs. Prints one JSON line per shape.

  /usr/bin/python3 bench/conv_torch.py D,C D,C ...   (a D^3 volume with C channels in and out)
"""
import json
import sys
import time

import torch


def best_seconds(fn, min_s=1.5):
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_s or n < 2:
        fn()
        n += 1
    return (time.perf_counter() - t0) / n


def main():
    torch.set_num_threads(1)
    for spec in sys.argv[1:]:
        d, c = (int(v) for v in spec.split(","))
        x = torch.randn(1, c, d, d, d)
        conv = torch.nn.Conv3d(c, c, 3, padding=1)
        a, b = torch.randn(d * d * d, 27 * c), torch.randn(27 * c, c)
        with torch.no_grad():
            s_conv = best_seconds(lambda: conv(x))
            s_mm = best_seconds(lambda: a @ b)
        flops = 2 * d ** 3 * 27 * c * c
        print(json.dumps({"d": d, "c": c, "conv_gflops": flops / s_conv / 1e9, "matmul_gflops": flops / s_mm / 1e9}), flush=True)


if __name__ == "__main__":
    main()
