"""PyTorch -> models/<id>/ (model.json + weights.bin + parity fixture), per models/FORMAT.md.

  /usr/bin/python3 training/export.py --ckpt CKPT --id adaptive-unet --out models/adaptive-unet
  /usr/bin/python3 training/export.py --random --arch unet --base-channels 4 --dtype float32 --out DIR

float16 storage uses tfjs's convention (dtype float32 + quantization {dtype: float16});
the parity output is computed with the float16-ROUNDED weights in float32 arithmetic, so
an engine that decodes the same bits can match it to ~1e-4.
"""
import argparse
import functools
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qsm_net import INPUT_SCALE, LEVELS, OUTPUT_SCALE, build  # noqa: E402
from synthetic import crop_patches, simulate, side_info, to_net  # noqa: E402

PARITY_PATCH = 32
SUMMARIES = {
    "adaptive-unet": "Adaptive 3-D U-Net (filter-manifold first layer), synthetic pre-training only",
    "adaptive-unet-tl": "Adaptive 3-D U-Net, synthetic pre-training + brain-phantom fine-tuning",
    "unet-tl": "Conventional 3-D U-Net, synthetic pre-training + brain-phantom fine-tuning",
}


def weight_order(model):
    """Export names in manifest order (FORMAT.md names)."""
    names = []
    if model.adaptive:
        names += [f"fmn.fc{i}.{p}" for i in range(1, 5) for p in ("weight", "bias")]
    for l in range(LEVELS):
        for conv in ("conv1", "conv2"):
            if model.adaptive and l == 0 and conv == "conv1":
                continue
            names += [f"enc{l}.{conv}.weight", f"enc{l}.{conv}.bias"]
    for l in range(LEVELS - 1):
        names += [f"up{l}.weight", f"up{l}.bias"]
        names += [f"dec{l}.{c}.{p}" for c in ("conv1", "conv2") for p in ("weight", "bias")]
    names += ["out.weight", "out.bias"]
    return names


def to_tfjs(name, t):
    t = t.detach().cpu()
    if name.startswith("fmn.") and name.endswith(".weight"):
        return t.t()  # Linear [out, in] -> [in, out]
    if t.dim() == 5:  # Conv3d [out,in,d,h,w] and ConvTranspose3d [in,out,d,h,w] alike
        return t.permute(2, 3, 4, 1, 0)
    return t


def from_tfjs(name, a):
    t = torch.from_numpy(np.ascontiguousarray(a))
    if name.startswith("fmn.") and name.endswith(".weight"):
        return t.t().contiguous()
    if t.dim() == 5:  # inverse of permute(2,3,4,1,0)
        return t.permute(4, 3, 0, 1, 2).contiguous()
    return t


def round_weights_(model, dtype):
    """Make the model's weights exactly what the engine will decode."""
    if dtype == "float16":
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())


def write_weights(model, out_dir, dtype):
    sd = dict(model.state_dict())
    entries, blobs = [], []
    for name in weight_order(model):
        a = to_tfjs(name, sd[name]).contiguous().numpy().astype(np.float32)
        e = {"name": name, "shape": list(a.shape), "dtype": "float32"}
        if dtype == "float16":
            e["quantization"] = {"dtype": "float16"}
            blobs.append(a.astype("<f2").tobytes())
        else:
            blobs.append(a.astype("<f4").tobytes())
        entries.append(e)
    with open(os.path.join(out_dir, "weights.bin"), "wb") as f:
        f.write(b"".join(blobs))
    return [{"paths": ["weights.bin"], "weights": entries}]


def load_export(model_dir):
    """models/<id>/ -> (torch model in eval mode, qsm metadata). Used by evaluate and the round-trip test."""
    with open(os.path.join(model_dir, "model.json")) as f:
        mj = json.load(f)
    q = mj["qsm"]
    model = build(q["architecture"], q["baseChannels"])
    state = {}
    for group in mj["weightsManifest"]:
        raw = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        off = 0
        for e in group["weights"]:
            n = int(np.prod(e["shape"])) if e["shape"] else 1
            if e.get("quantization", {}).get("dtype") == "float16":
                a = np.frombuffer(raw, "<f2", n, off).astype(np.float32)
                off += 2 * n
            else:
                a = np.frombuffer(raw, "<f4", n, off).astype(np.float32)
                off += 4 * n
            state[e["name"]] = from_tfjs(e["name"], a.reshape(e["shape"]))
    model.load_state_dict(state, strict=True)
    return model.eval(), q


def parity_input(seed=1234):
    """A 32^3 patch of a realistic simulated field (tilted, anisotropic) and its side info."""
    f, s = _parity_input(seed)
    return f.copy(), s.copy()


@functools.lru_cache(maxsize=4)
def _parity_input(seed):
    rng = np.random.default_rng(seed)
    while True:
        chi, field, vs, b0 = simulate(rng, grid=64)
        tilt = np.degrees(np.arccos(abs(b0[2] / np.linalg.norm(b0))))
        if 10 < tilt < 50 and len(set(np.round(vs, 2))) > 1:  # make axis-order mistakes visible
            break
    (f,) = crop_patches(rng, [field], PARITY_PATCH, 1)[0]
    return to_net(f), side_info(vs, b0)


def write_parity(model, out_dir, q):
    field, s = parity_input()
    with torch.no_grad():
        x = torch.from_numpy(field)[None, None]
        y = model(x * q["inputScale"], torch.from_numpy(s)[None]) * q["outputScale"]
    y = y[0, 0].numpy().astype(np.float32)
    field.astype("<f4").tofile(os.path.join(out_dir, "parity-input.bin"))
    y.astype("<f4").tofile(os.path.join(out_dir, "parity-output.bin"))
    meta = {
        "shape": list(field.shape),
        "sideInfo": [float(v) for v in s],
        "inputUnits": "ppm",
        "outputUnits": "ppm",
        "dtype": "float32",
        "maxAbsOutput": float(np.abs(y).max()),
    }
    with open(os.path.join(out_dir, "parity.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return meta


def export(model, out_dir, model_id, arch, dtype="float16", trained_patch=None, summary=None):
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    round_weights_(model, dtype)
    q = {
        "id": model_id,
        "architecture": arch,
        "levels": LEVELS,
        "baseChannels": model.base_channels,
        "activation": "elu",
        "multiple": 2 ** (LEVELS - 1),
        "inputScale": INPUT_SCALE,
        "outputScale": OUTPUT_SCALE,
        "trainedPatch": trained_patch,
        "sideInfo": ["dx", "dy", "dz", "bx", "by", "bz"],
        "summary": summary or SUMMARIES.get(model_id, model_id),
    }
    manifest = write_weights(model, out_dir, dtype)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump({"format": "qsm-unet/1", "qsm": q, "weightsManifest": manifest}, f, indent=1)
    return write_parity(model, out_dir, q)


def randomise_(model, seed, target_ppm=0.2):
    """Non-trivial random weights (activations neither vanish nor explode) so parity means something."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_((torch.rand(p.shape, generator=g) - 0.5) * 0.1)
            elif p.dim() == 5:
                # ConvTranspose3d k2 s2: each output voxel sees one tap of each input channel
                fan_in = p.shape[0] if name.startswith("up") else p.shape[1] * p.shape[2:].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * (1.0 / p.shape[1]) ** 0.5)
        if model.adaptive:  # generated kernel ~ He-scaled for fan-in 27
            model.fmn.fc4.weight.mul_(((2 / 27) ** 0.5) / max(1e-6, _fmn_kernel_std(model)))
        field, s = parity_input()
        y = model(torch.from_numpy(field)[None, None] * INPUT_SCALE, torch.from_numpy(s)[None])
        gain = target_ppm / OUTPUT_SCALE / float(y.abs().max())
        model.out.weight.mul_(gain)
    return gain


def _fmn_kernel_std(model):
    s = torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0, 1.0], [0.7, 0.7, 2.0, 0.3, 0.2, 0.93]])
    k, _ = model.fmn(s)
    return float(k.std())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", help="checkpoint from train.py")
    ap.add_argument("--ema", action="store_true",
                    help="export the checkpoint's moving average of the weights (train.py --ema-samples) instead of "
                         "its last weights")
    ap.add_argument("--random", action="store_true", help="export a randomly initialised model (test fixture)")
    ap.add_argument("--arch", choices=["adaptive-unet", "unet"])
    ap.add_argument("--base-channels", type=int, default=16)
    ap.add_argument("--id")
    ap.add_argument("--dtype", choices=["float16", "float32"], default="float16")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("QSM_THREADS", "1")))
    if a.random:
        if not a.arch:
            ap.error("--random needs --arch")
        torch.manual_seed(a.seed)
        model = build(a.arch, a.base_channels)
        randomise_(model, a.seed)
        arch, patch = a.arch, None
        model_id = a.id or f"tiny-{a.arch}"
        summary = f"randomly initialised {a.arch} (baseChannels {a.base_channels}) for parity tests"
    else:
        if not a.ckpt:
            ap.error("--ckpt or --random")
        ck = torch.load(a.ckpt, map_location="cpu", weights_only=False)  # our own checkpoint; torch >= 2.6 defaults to True
        arch = ck["arch"]
        model = build(arch, ck["base_channels"])
        if a.ema and ck.get("ema") is None:
            sys.exit(f"{a.ckpt} has no weight average: it was trained without --ema-samples")
        # the average holds the floating-point entries; anything else comes from the last weights
        model.load_state_dict({**ck["model"], **ck["ema"]} if a.ema else ck["model"])
        patch, model_id, summary = ck["patch"], a.id, None
        if (ck.get("input_scale", INPUT_SCALE), ck.get("output_scale", OUTPUT_SCALE)) != (INPUT_SCALE, OUTPUT_SCALE):
            sys.exit(f"{a.ckpt} was trained with other input/output scales than qsm_net's; export them by hand")
        if not model_id:
            ap.error("--id is required with --ckpt")
    meta = export(model, a.out, model_id, arch, a.dtype, patch, summary)
    print(f"exported {model_id} ({arch}, {a.dtype}) to {a.out}; parity maxAbsOutput {meta['maxAbsOutput']:.4f} ppm")


if __name__ == "__main__":
    main()
