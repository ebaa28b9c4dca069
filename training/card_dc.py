"""Writes (or replaces) the "With data consistency" section of models/<id>/card.md from an evaluate.py eval.json:
the model on the held-out cases alone, with the engine's default data consistency (masked form) and with the
closed form, against TKD. card.py writes the rest of the card from the training run's own logs; this section can be
refreshed without them (the committed models' runs are not in a fresh clone).

  /usr/bin/python3 training/card_dc.py --eval DIR/eval.json --model-dir models/adaptive-unet-tl [--command "..."]
"""
import argparse
import json
import os

BEGIN = "<!-- data-consistency: written by training/card_dc.py -->"
END = "<!-- /data-consistency -->"


def section(doc, model_id, command=None):
    r = doc["results"]
    # with mirror rows (evaluate.py since session 15) the defaults are the mirror-averaged net and DC on it
    base = f"{model_id}+mirror" if f"{model_id}+mirror" in r else model_id
    rows = [("network alone, one pass", model_id)] + ([("mirror-averaged (default)", base)] if base != model_id else []) + [
        ("+ DC, masked (default)", f"{base}+dc"), ("+ DC, closed form", f"{base}+dc-closed"), ("TKD", "tkd")]
    cases = [c for c in doc["cases"] if c.startswith("brain/")] + [c for c in doc["cases"] if not c.startswith("brain/")]
    L = [BEGIN, "## With data consistency (held-out data)", "",
         "The network's map made consistent with the field (`qsm invert --dc`; DESIGN.md, data consistency): "
         + ("DC is applied to the mirror-averaged map (each patch averaged with its pass mirrored along voxel x, "
            "src/model/mirrorAverage.ts), as the workbench and `qsm invert` do by default. " if base != model_id else "")
         + "The masked form trusts the field inside the mask only (conjugate gradients), the closed form takes the "
         "unmeasured field outside the mask for zeros. Lambdas are the engine's defaults, chosen on training anatomy "
         "only (`training/dc_lambda.py`). NRMSE % (SSIM; bias, the mean error inside the mask in ppm, which the field "
         "cannot correct since D(0) = 0):", "",
         "| case | " + " | ".join(name for name, _ in rows) + " |",
         "| --- |" + " --- |" * len(rows)]
    for c in cases:
        cells = []
        for _, m in rows:
            v = r.get(m, {}).get(c)
            b = f"; {v['bias']:+.4f}" if v and "bias" in v else ""
            cells.append(f"{v['nrmse']:.1f} ({v['ssim']:.3f}{b})" if v else "-")
        L.append(f"| {c} ({doc['cases'][c]['label']}) | " + " | ".join(cells) + " |")
    lam = next((v.get("dc_lambda") for v in r.get(f"{base}+dc", {}).values()), None)
    lam_c = next((v.get("dc_lambda") for v in r.get(f"{base}+dc-closed", {}).values()), None)
    L += ["", f"Masked lambda {lam}, closed-form lambda {lam_c}. Evaluated {doc['utc']}"
          + (f" by `{command}`." if command else "."), END]
    return "\n".join(L)


def write(card_path, text):
    old = open(card_path).read()
    if BEGIN in old and END in old:
        a, b = old.index(BEGIN), old.index(END) + len(END)
        new = old[:a] + text + old[b:]
    else:
        marker = "## Curves"
        new = old.replace(marker, text + "\n\n" + marker, 1) if marker in old else old.rstrip("\n") + "\n\n" + text + "\n"
    with open(card_path, "w") as f:
        f.write(new)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--command")
    a = ap.parse_args(argv)
    doc = json.load(open(a.eval))
    model_id = json.load(open(os.path.join(a.model_dir, "model.json")))["qsm"]["id"]
    write(os.path.join(a.model_dir, "card.md"), section(doc, model_id, a.command))


if __name__ == "__main__":
    main()
