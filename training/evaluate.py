"""Validation of exported models against TKD on held-out data at two acquisitions.

  /usr/bin/python3 training/evaluate.py --model models/adaptive-unet --model models/unet-tl --out DIR

Data (never trained on): a synthetic volume with its own fixed seed, the held-out MNI152
brain phantom (brain_phantom.mni_phantom), and a second held-out brain unlike anything trained on, tissue classes
from a FLAIR's intensities with its white-matter lesions (brain_phantom.flair_phantom), each at
  axial:  1 mm isotropic, B0 = (0, 0, 1) in voxel axes;
  tilted: 1 x 1 x 2 mm, field of view tilted 25 deg (B0 25 deg off the slice axis).
The networks run on the whole volume at once (dims padded to a multiple of 16); exported
weights are loaded back from model.json/weights.bin (float16-rounded, as the engine sees them).
Adaptive models are also run on the tilted brain case with a wrong (axial) B0 direction in the side
information, the field unchanged: how much the header's B0 direction matters to the adaptive layer
(doc["wrong_b0"]; issue 9).
Each network is also scored made consistent with the field: "<id>+dc" is the engine's default, the masked form
(data_consistency.masked_data_consistency at its default lambda, as `qsm invert --dc` runs it), "<id>+dc-closed" the
closed form at its default lambda (`--dc --dc-form closed`).
Writes DIR/eval.json and DIR/eval.md.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brain_phantom import flair_phantom, grid_rotation, mni_phantom, sample_acquisition  # noqa: E402
from data_consistency import DEFAULT_LAMBDA as DC_LAMBDA, MASKED_LAMBDA, data_consistency, masked_data_consistency  # noqa: E402
from dipole import forward_field, tilted_b0, tkd  # noqa: E402
from export import load_export  # noqa: E402
from metrics import all_metrics  # noqa: E402
from synthetic import random_chi, side_info, to_net  # noqa: E402

NOISE_PPM = 0.002
ACQUISITIONS = {
    "axial": {"voxel": (1.0, 1.0, 1.0), "tilt": 0.0, "label": "axial 1 mm iso, b=(0,0,1)"},
    "tilted": {"voxel": (1.0, 1.0, 2.0), "tilt": 25.0, "label": "1x1x2 mm, 25 deg tilt"},
}
BRAIN_BOX_MM = (128.0, 144.0, 96.0)  # central block of the brain (deep grey matter + cortex), keeps CPU time low
SYNTH_BOX_MM = (96.0, 96.0, 96.0)


def brain_case(acq, seed, phantom=mni_phantom, box_mm=BRAIN_BOX_MM):
    rng = np.random.default_rng(seed)
    ph = phantom()
    vs = np.array(acq["voxel"])
    shape = tuple(int(round(b / d)) for b, d in zip(box_mm, vs))
    R = grid_rotation(acq["tilt"], 0.0)
    chi, mask, b0 = sample_acquisition(ph, shape, vs, R, ph.world_centre())
    field = (forward_field(chi, vs, b0) + NOISE_PPM * rng.normal(size=shape)) * mask
    return chi, field, mask, vs, b0


def synthetic_case(acq, seed):
    rng = np.random.default_rng(seed)
    vs = np.array(acq["voxel"])
    shape = tuple(int(round(b / d)) for b, d in zip(SYNTH_BOX_MM, vs))
    chi = random_chi(rng, shape, vs, n_shapes=40)
    b0 = tilted_b0(acq["tilt"], 30.0)
    field = forward_field(chi, vs, b0) + NOISE_PPM * rng.normal(size=shape)
    return chi, field, np.ones(shape, bool), vs, b0


WRONG_B0_CASE = "brain/tilted"
AXIAL_B0 = (0.0, 0.0, 1.0)


@torch.no_grad()
def infer_once(model, q, field_xyz, vs, b0, multiple=16):
    """Whole-volume inference; pads each dim up to a multiple of 16 with zeros."""
    f = to_net(field_xyz)
    pads = [(0, (-n) % multiple) for n in f.shape]
    fp = np.pad(f, pads)
    x = torch.from_numpy(fp)[None, None] * q["inputScale"]
    s = torch.from_numpy(side_info(vs, b0))[None]
    y = (model(x, s) * q["outputScale"])[0, 0].numpy()
    y = y[: f.shape[0], : f.shape[1], : f.shape[2]]
    return np.ascontiguousarray(y.transpose(2, 1, 0))  # back to [x, y, z]


def mirror_exact(q, b0):
    """src/model/mirrorAverage.ts mirrorPass: always for a net given b; for one that is not, only when b_x = 0."""
    return q["architecture"] == "adaptive-unet" or abs(b0[0]) <= 1e-6 * np.linalg.norm(b0)


def infer(model, q, field_xyz, vs, b0, mirror=False):
    """infer_once, or (mirror, as the workbench and `qsm invert` do by default) averaged with a pass on the field
    reversed along voxel x with b_x negated, mirrored back (src/model/mirrorAverage.ts). The workbench mirrors
    each patch; on a whole volume in one pass, as here, the two are the same."""
    est = infer_once(model, q, field_xyz, vs, b0)
    if not mirror or not mirror_exact(q, b0):
        return est
    bm = np.array(b0, float) * np.array([-1.0, 1.0, 1.0])
    return 0.5 * (est + infer_once(model, q, np.ascontiguousarray(field_xyz[::-1]), vs, bm)[::-1])


def run(model_dirs, out, seed=4242):
    cases = {}
    for name, acq in ACQUISITIONS.items():
        cases[f"synthetic/{name}"] = synthetic_case(acq, seed)
        cases[f"brain/{name}"] = brain_case(acq, seed)
        cases[f"flair/{name}"] = brain_case(acq, seed, flair_phantom)
    models = {}
    for d in model_dirs:
        m, q = load_export(d)
        models[q["id"]] = (m, q)
    results, meta = {}, {}
    for cname, (chi, field, mask, vs, b0) in cases.items():
        meta[cname] = {"shape": list(chi.shape), "voxel": [float(v) for v in vs], "b0": [float(v) for v in b0],
                       "tilt_deg": float(np.degrees(np.arccos(abs(b0[2])))), "noise_ppm": NOISE_PPM,
                       "mask_voxels": int(mask.sum()), "label": ACQUISITIONS[cname.split("/")[1]]["label"]}
        t = time.time()
        est = tkd(field, vs, b0) * mask
        results.setdefault("tkd", {})[cname] = all_metrics(est, chi, mask) | {"seconds": time.time() - t}
        for mid, (m, q) in models.items():
            for mirror in (False, True):
                # rows "<id>" (one pass) and "<id>+mirror" (the product's default), each also with DC
                rid = mid + ("+mirror" if mirror else "")
                t = time.time()
                est = infer(m, q, field, vs, b0, mirror) * mask
                results.setdefault(rid, {})[cname] = all_metrics(est, chi, mask) | {"seconds": time.time() - t}
                # the network made consistent with the field as `qsm invert --dc` does (masked form), and in closed form
                dc = masked_data_consistency(field, est, mask, vs, b0, MASKED_LAMBDA) * mask
                results.setdefault(f"{rid}+dc", {})[cname] = all_metrics(dc, chi, mask) | {"seconds": time.time() - t, "dc_lambda": MASKED_LAMBDA, "dc_form": "masked"}
                dc = data_consistency(field, est, vs, b0, DC_LAMBDA) * mask
                results.setdefault(f"{rid}+dc-closed", {})[cname] = all_metrics(dc, chi, mask) | {"dc_lambda": DC_LAMBDA, "dc_form": "closed"}
                print(f"{cname} {rid}: NRMSE {results[rid][cname]['nrmse']:.1f}% "
                      f"({results[rid][cname]['seconds']:.0f} s), + DC {results[rid + '+dc'][cname]['nrmse']:.1f}% "
                      f"(closed form {results[rid + '+dc-closed'][cname]['nrmse']:.1f}%)", flush=True)
        print(f"{cname} tkd: NRMSE {results['tkd'][cname]['nrmse']:.1f}%", flush=True)
    wrong = {}
    chi, field, mask, vs, b0 = cases[WRONG_B0_CASE]
    for mid, (m, q) in models.items():
        if q["architecture"] != "adaptive-unet":
            continue
        est = infer(m, q, field, vs, AXIAL_B0) * mask
        w = all_metrics(est, chi, mask)
        wrong[mid] = {"case": WRONG_B0_CASE, "header_b0": [float(v) for v in b0], "wrong_b0": list(AXIAL_B0),
                      "nrmse_header": results[mid][WRONG_B0_CASE]["nrmse"], "nrmse_wrong": w["nrmse"],
                      "ssim_header": results[mid][WRONG_B0_CASE]["ssim"], "ssim_wrong": w["ssim"]}
        print(f"{WRONG_B0_CASE} {mid}: header b0 NRMSE {wrong[mid]['nrmse_header']:.1f}%, "
              f"axial (wrong) b0 {w['nrmse']:.1f}%", flush=True)
    os.makedirs(out, exist_ok=True)
    doc = {"cases": meta, "results": results, "wrong_b0": wrong, "torch": torch.__version__, "threads": torch.get_num_threads(),
           "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(out, "eval.md"), "w") as f:
        f.write(markdown_table(doc))
    return doc


def markdown_table(doc, methods=None):
    methods = methods or list(doc["results"].keys())
    lines = ["| data | acquisition | method | NRMSE % | SSIM | PSNR dB | HFEN % | slope | R^2 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for cname, meta in doc["cases"].items():
        data = cname.split("/")[0]
        for mid in methods:
            r = doc["results"].get(mid, {}).get(cname)
            if r:
                lines.append(f"| {data} | {meta['label']} | {mid} | {r['nrmse']:.1f} | {r['ssim']:.3f} | "
                             f"{r['psnr']:.1f} | {r['hfen']:.1f} | {r['slope']:.2f} | {r['r2']:.2f} |")
    return "\n".join(lines) + "\n" + wrong_b0_table(doc, methods)


def wrong_b0_table(doc, methods=None):
    """The tilted case with the header's B0 against an axial (wrong) one in the side information."""
    rows = [(m, w) for m, w in doc.get("wrong_b0", {}).items() if methods is None or m in methods]
    if not rows:
        return ""
    lines = ["", "| model | case | NRMSE % with the header's B0 | NRMSE % with axial B0 (wrong) | difference (pp) |",
             "| --- | --- | --- | --- | --- |"]
    for m, w in rows:
        lines.append(f"| {m} | {w['case']} | {w['nrmse_header']:.1f} | {w['nrmse_wrong']:.1f} | "
                     f"{w['nrmse_wrong'] - w['nrmse_header']:+.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", default=[], help="models/<id> directory (repeatable)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    doc = run(a.model, a.out)
    print(markdown_table(doc))


if __name__ == "__main__":
    main()
