"""A uniform weight soup: one exported model whose weights are the mean of several exported models' weights.

  /usr/bin/python3 training/soup.py --model DIR --model DIR [--model DIR ...] --out DIR [--id ID] [--dtype float16]

Why: the fine-tuning stages of session 15 and 16 from one start land at different points of one basin, and which
of them is best on a held-out brain swings by several points with the seed (training/README.md). Averaging the
weights of networks fine-tuned from one start (Wortsman et al., ICML 2022, "Model soups") keeps one network's
cost at inference and there generalised at least as well as the best ingredient; averaging predictions (an
ensemble) costs one pass per member. Here, on the training subjects (training/fit_check.py), session 16's soups
came out level with their best ingredient, not better (training/README.md). The adaptive layer is frozen in transfer learning, so the ingredients share
their filter-manifold network and the soup's adaptive layer is theirs, unchanged.

All ingredients must have one architecture, width and input/output scaling; the soup keeps the first one's
metadata (trained patch, summary) unless --id changes the id.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import export, load_export  # noqa: E402

SAME = ("architecture", "baseChannels", "levels", "inputScale", "outputScale", "sideInfo")


def soup(model_dirs):
    """(torch model holding the mean weights, qsm metadata of the first ingredient)."""
    if len(model_dirs) < 2:
        raise ValueError("a soup needs at least two models")
    loaded = [load_export(d) for d in model_dirs]
    first, q = loaded[0]
    for d, (_, qi) in zip(model_dirs[1:], loaded[1:]):
        for k in SAME:
            if qi.get(k) != q.get(k):
                raise ValueError(f"{d}: {k} is {qi.get(k)!r}, the first model's is {q.get(k)!r}; only like models average")
    states = [m.state_dict() for m, _ in loaded]
    mean = {k: torch.stack([s[k].double() for s in states]).mean(0).to(states[0][k].dtype) for k in states[0]}
    first.load_state_dict(mean, strict=True)
    return first.eval(), q


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="an exported model directory (repeat)")
    ap.add_argument("--id", help="the soup's model id (default: the first ingredient's)")
    ap.add_argument("--dtype", choices=["float16", "float32"], default="float16")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("QSM_THREADS", "1")))
    model, q = soup(a.model)
    model_id = a.id or q["id"]
    meta = export(model, a.out, model_id, q["architecture"], a.dtype, q.get("trainedPatch"), q.get("summary"))
    print(f"soup of {len(a.model)} -> {a.out} ({model_id}, {a.dtype}); parity maxAbsOutput {meta['maxAbsOutput']:.4f} ppm")


if __name__ == "__main__":
    main()
