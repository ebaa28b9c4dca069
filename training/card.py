"""Writes models/<id>/card.md and curves.png from what the run measured (logs, summaries, eval.json).

  /usr/bin/python3 training/card.py --id adaptive-unet-tl --model-dir models/adaptive-unet-tl \
      --runs training/runs --eval training/runs/eval/eval.json --command "..."

A model that is a weight soup (training/soup.py) of runs that branch from one stage: --runs DIR holding links to
them, and --soup-of NAME once per ingredient.
"""
import argparse
import csv
import json
import os
import platform
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate import markdown_table  # noqa: E402

FINAL_RUN = {"adaptive-unet": "adaptive-unet", "adaptive-unet-tl": "adaptive-unet-tl", "unet-tl": "unet-tl"}
# What the synthetic generator did, by version (summary["generator"]; runs before it was recorded:
# "v1" when train.py had no --grid, i.e. stop 6's run).
GENERATORS = {
    "v1": "32^3 patches cropped from 64^3 simulations; no support masks; chi scaling uniform 0.5-1.5",
    "v2": "whole simulations (patch = grid); half of them with chi and field confined to a random smooth "
          "support, as in a masked local field map; chi scaling log-uniform 0.15-1.5; noise 0-0.004 ppm; random sign of b",
    "v3": "as v2, but noise at a signal-to-noise ratio log-uniform 3-50 relative to the field std inside the support "
          "(none in 10 %), the side information's b sign-canonical (b_z > 0), optionally crops of larger simulations "
          "and extra samples through exact symmetries (axis permutations and flips with b and voxel size); brain "
          "phantoms get the same SNR-range noise",
    "v4": "as v3, but chi's mean over the support set to a value drawn from -0.015..0.015 ppm (v3's prior had a "
          "median of +0.010 ppm, and the pre-trained net's brain output sat +0.017 ppm high)",
}
DESCRIPTION = {
    "adaptive-unet": "Adaptive 3-D U-Net: the first encoding convolution's kernel and bias come from a filter-manifold "
                     "network (4 fully connected layers, 6 -> 32 -> 64 -> 128 -> 28*c0) fed with the side information "
                     "s = (dx, dy, dz, bx, by, bz). Pre-trained on synthetic data only.",
    "adaptive-unet-tl": "Adaptive 3-D U-Net (filter-manifold first layer) pre-trained on synthetic data, then fine-tuned on "
                        "brain phantoms with the filter-manifold network frozen.",
    "unet-tl": "Conventional 3-D U-Net (ordinary first convolution) pre-trained on the same synthetic data and fine-tuned "
               "on brain phantoms the same way.",
}


def _arg(summary, flag, default):
    argv = summary.get("argv", [])
    return argv[argv.index(flag) + 1] if flag in argv[:-1] else default


def generator_of(summary):
    argv = summary.get("argv", [])
    return summary.get("generator") or ("v2" if "--grid" in argv else "v1")


TRAINING_DIR = os.path.dirname(os.path.abspath(__file__))


def resolve_init(init):
    """A stage's recorded --init as a path from here. train.py stores it as typed, relative to where it ran: the
    repository root or training/ (training/README.md's calls run from either), so one typed in training/ is looked
    up there too."""
    if not init or os.path.exists(init):
        return init
    beside = os.path.join(TRAINING_DIR, init)
    return os.path.relpath(beside) if os.path.exists(beside) else init


def run_chain(runs_dir, name, exports=None):
    """The run directories that produced `name`, oldest first: each summary's `init` (the checkpoint
    that started it) points at the run before, possibly in an earlier runs directory. An init that is an
    exported model directory (float16 weights, no summary) continues at the run it was exported from when
    `exports` maps it ({export dir: run dir}), else the chain starts there."""
    exports = {os.path.normpath(k): v for k, v in (exports or {}).items()}
    chain, d = [], os.path.join(runs_dir, name)
    if os.path.islink(d):  # a runs directory of links names the run itself
        d = os.path.relpath(os.path.realpath(d))
    while d and os.path.exists(os.path.join(d, "summary.json")) and d not in chain:
        chain.insert(0, d)
        init = resolve_init(json.load(open(os.path.join(d, "summary.json"))).get("init"))
        d = (exports.get(os.path.normpath(init)) or os.path.dirname(init)) if init else None
    return chain


def soup_branches(runs_dir, names, exports=None):
    """(the stages every ingredient's chain shares, oldest first; each ingredient's own stages after them) for a
    model that is a weight soup of the runs `names`: they must branch from one common stage, since a soup
    averages networks fine-tuned from one start (training/soup.py)."""
    chains = [run_chain(runs_dir, n, exports) for n in names]
    if len(chains) < 2 or not all(chains):
        raise ValueError(f"a soup needs at least two ingredients with runs under {runs_dir}: {names}")
    common = []
    for stages in zip(*chains):
        if len(set(stages)) != 1:
            break
        common.append(stages[0])
    tails = [c[len(common):] for c in chains]
    # no stage in common is fine when every branch started from the same exported model (its card holds the rest)
    inits = {os.path.normpath(resolve_init(json.load(open(os.path.join(t[0], "summary.json"))).get("init")) or "")
             for t in tails if t}
    shared_start = bool(common) or (len(inits) == 1 and os.path.isdir(next(iter(inits))))
    if not shared_start or any(not t for t in tails) or len({t[0] for t in tails}) != len(tails):
        raise ValueError("the ingredients must branch from one common stage or exported model, each with stages of its own")
    return common, tails


PRIOR_STAGE_ROW = re.compile(r"^\| (pretrain|finetune) \(")
RUN_INTRO = "Each stage starts from the previous stage's last checkpoint."
PRIOR_TOTAL = re.compile(r"^Total: ([\d,]+) samples in (\d+) min of training\.")
# the pre-training bullet's fixed description ends here; what follows is the run-specific sentence a later card inherits
PRETRAINING_FIXED_END = "zero-padded grid. "


def prior_card(text):
    """What a model's previous card says of the training behind it, for a model that continues it from its
    exported weights on a machine where the runs behind it are gone (they are not committed): the Run table's
    stage rows, the sentences on where stages started, the sample and minute totals, and each stage's exact call."""
    run = text[text.index("## Run"):text.index("Training command")]
    lines = run.splitlines()
    total = next(filter(None, map(PRIOR_TOTAL.match, lines)), None)
    calls = text[text.index("Each stage's exact `train.py` call"):]
    calls = calls[calls.index("```") + 3:]
    calls = calls[:calls.index("```")].strip().splitlines()
    rows = [x for x in lines if PRIOR_STAGE_ROW.match(x)]
    if not rows or not total or len(calls) != len(rows):
        raise ValueError("the previous card has no Run table, total and exact calls that agree: is it a card.py card?")
    pre = next((x for x in text.splitlines() if x.startswith("- Pre-training")), "")
    # the previous card's own account of its stages (branches, soups, moving averages) beyond the first sentence
    intro = next((x for x in lines if x.startswith(RUN_INTRO)), RUN_INTRO)[len(RUN_INTRO):].strip()
    return {"rows": rows, "calls": calls, "samples": int(total.group(1).replace(",", "")),
            "minutes": int(total.group(2)), "pretraining": pre.split(PRETRAINING_FIXED_END, 1)[-1] if pre else "",
            "notes": ([f"From that model's card: {intro}"] if intro else [])
            + [x for x in lines if x.startswith("The first stage started") or "started from the float16 export" in x]}


def compare_sentences(doc, model_id):
    """Plain-language comparisons the issue asks the card to make, computed from eval.json."""
    r = doc["results"]
    out = []

    def nr(m, c):
        return r.get(m, {}).get(c, {}).get("nrmse")

    for acq in ("axial", "tilted"):
        c = f"brain/{acq}"
        vals = {m: nr(m, c) for m in ("tkd", "adaptive-unet-tl", "unet-tl", "adaptive-unet") if nr(m, c) is not None}
        if len(vals) > 1:
            order = sorted(vals, key=vals.get)
            out.append(f"Held-out brain, {acq}: " + " < ".join(f"{m} {vals[m]:.1f} %" for m in order) + " (NRMSE).")
    a, t = nr(model_id, "brain/axial"), nr(model_id, "brain/tilted")
    if a is not None and t is not None:
        out.append(f"{model_id}: tilted-anisotropic NRMSE {t:.1f} % against axial {a:.1f} % "
                   f"({t - a:+.1f} percentage points).")
    return out
 

def read_log(path):
    with open(path) as f:
        return [{k: (float(v) if v not in ("", "nan") and k != "utc" else (v if k == "utc" else float("nan")))
                 for k, v in row.items()} for row in csv.DictReader(f)]


def stage_offsets(common, tails, samples):
    """Samples seen before each stage (`samples`: each stage's own count): the shared stages follow one another,
    and each branch of a soup starts where they end."""
    offsets, end = {}, 0.0
    for n in common:
        offsets[n], end = end, end + samples[n]
    for tail in tails:
        o = end
        for n in tail:
            offsets[n], o = o, o + samples[n]
    return offsets


def plot(runs, rows_by_run, out_png, starts, losses=None):
    """Loss and validation curves of every stage against the samples seen, each stage from its `starts` offset."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name in runs:
        rows = rows_by_run[name]
        offset = starts[name]
        s = [offset + r["samples"] for r in rows]
        label = os.path.relpath(name)
        axes[0].plot(s[1:], [r["train_loss"] for r in rows[1:]], label=f"{label} train {(losses or {}).get(name, 'l1').upper()}", marker=".")
        axes[0].plot(s, [r["val_synth_loss"] for r in rows], "--", label=f"{label} val synthetic L1")
        axes[0].plot(s, [r["val_brain_loss"] for r in rows], ":", label=f"{label} val brain (held-out) L1")
        axes[1].plot(s, [r["val_synth_nrmse"] for r in rows], "--", label=f"{label} synthetic")
        axes[1].plot(s, [r["val_brain_nrmse"] for r in rows], ":", label=f"{label} brain (held-out)")
        if len(runs) > 1:
            for ax in axes:
                ax.axvline(offset + rows[-1]["samples"], color="grey", lw=0.5)
    axes[0].set_xlabel("training samples seen")
    axes[0].set_ylabel("loss (chi / outputScale units); validation: L1")
    axes[1].set_xlabel("training samples seen")
    axes[1].set_ylabel("validation NRMSE %")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)


VALIDATION_HEADING = "## Validation (held-out data; whole-volume inference, weights as exported)"
LAST_VALIDATION = "Last validation on the fixed sets"


def validation_section(doc, model_id):
    """The card's held-out table, verdict and comparisons from an evaluate.py document (lines of markdown)."""
    L = []
    methods = [m for m in ("tkd", model_id) if m in doc["results"]]
    others = [m for m in doc["results"] if m not in methods]
    mine, tkd = doc["results"].get(model_id, {}), doc["results"].get("tkd", {})
    better = [c for c in mine if c in tkd and mine[c]["nrmse"] < tkd[c]["nrmse"]]
    verdict = (f"NRMSE below TKD's on {len(better)} of {len(mine)} held-out cases"
               + (f" ({', '.join(better)})" if better else "") + "."
               + ("" if len(better) == len(mine) else " With this CPU training budget the network does not "
                  "replace the classical baseline everywhere; more training is the next step."))
    mirrored = doc["results"].get(f"{model_id}+mirror")
    if mirrored:
        bm = [c for c in mirrored if c in tkd and mirrored[c]["nrmse"] < tkd[c]["nrmse"]]
        verdict += (f" Mirror-averaged ({model_id}+mirror, what the workbench and `qsm invert` run by default): "
                    f"below TKD's on {len(bm)} of {len(mirrored)}" + (f" ({', '.join(bm)})" if bm else "") + ".")
    L += [markdown_table(doc, methods + others), "", "**Verdict (computed from the table):** " + verdict, ""]
    L += ["- " + c for c in compare_sentences(doc, model_id)]
    w = doc.get("wrong_b0", {}).get(model_id)
    if w:
        L += [f"- Wrong B0 direction: on {w['case']} (B0 {', '.join(f'{v:.3f}' for v in w['header_b0'])} in voxel "
              f"axes) with the header's B0 in the side information NRMSE {w['nrmse_header']:.1f} %, with an axial "
              f"B0 (0, 0, 1) instead {w['nrmse_wrong']:.1f} % ({w['nrmse_wrong'] - w['nrmse_header']:+.1f} "
              "percentage points): how much the adaptive layer uses the acquisition."]
    L += ["",
          f"Noise {next(iter(doc['cases'].values()))['noise_ppm']} ppm. Brain: central "
          "128 x 144 x 96 mm block of the held-out MNI152 phantom; flair: the same block of a second held-out brain "
          "whose tissue classes and lesions come from a FLAIR's intensities; metrics inside each brain mask. TKD threshold 0.19. "
          "Metrics as in DESIGN.md (`training/metrics.py`). Evaluated "
          f"{doc['utc']}."]
    return L


def pretraining_sentence(runs, summaries, start):
    """The generator of each pre-training stage in the chain, or where the pre-training is described when the
    chain starts from an exported model `start` (whose card lists its own runs)."""
    stages = [n for n in runs if summaries[n]["stage"] == "pretrain"]
    if stages:
        return ("Per stage (see Run): "
                + "; ".join(f"`{os.path.relpath(n)}`: {GENERATORS[generator_of(summaries[n])]}" for n in stages) + ".")
    return (f"This model's pre-training is that of `{start}`, whose card gives its stages and generator."
            if start else "No pre-training stage is recorded.")


def finetuning_variants(finetunes, summaries):
    """Sentences for the fine-tuning options a stage's call turned on (its argv): a second training subject and the
    share of thick-slice blocks."""
    out = []
    colin = [n for n in finetunes if "colin" in _arg(summaries[n], "--subjects", "fs").split(",")]
    if colin:
        out.append(("Stage " if len(colin) == 1 else "Stages ") + ", ".join(f"`{os.path.relpath(n)}`" for n in colin)
                   + (" alternates" if len(colin) == 1 else " alternate") + " these with phantoms of a second subject, Colin27 (`training/colin_phantom.py`: tissue "
                   "classes from its T1, nuclei and cortical parcels from the AAL labels drawn on it, both from "
                   "Debian's mricron-data), one phantom of each in turn.")
    for n in finetunes:
        share = float(_arg(summaries[n], "--thick-slices", "0"))
        if share > 0:
            out.append(f"`{os.path.relpath(n)}` draws {share:.0%} of its blocks as a thick-slice protocol (in-plane "
                       "0.6-1.2 mm, slices 1.5-3 times as thick, at most 2.5 mm), the rest with the pre-training's voxel sizes "
                       "(0.5-2.5 mm per axis).")
    return "".join(s + " " for s in out)


def write_card(model_id, model_dir, runs_dir, eval_json, command, exports=None, soup_of=(), prior=None, ema=False):
    """`soup_of`: the model is the weight soup of these runs (names under runs_dir), not the last stage of one.
    `prior`: prior_card() of the card of the model the first stage started from, when its runs are gone; its stages
    come first. `ema`: the exported weights are each last stage's moving average (export.py --ema)."""
    if soup_of:
        common, tails = soup_branches(runs_dir, list(soup_of), exports)
    else:
        common, tails = run_chain(runs_dir, FINAL_RUN[model_id], exports), []
    runs = common + [n for t in tails for n in t]
    summaries = {n: json.load(open(os.path.join(n, "summary.json"))) for n in runs}
    rows = {n: read_log(os.path.join(n, "log.csv")) for n in runs}
    starts = stage_offsets(common, tails, {n: rows[n][-1]["samples"] for n in runs})
    plot(runs, rows, os.path.join(model_dir, "curves.png"), starts, {n: summaries[n].get("loss", "l1") for n in runs})
    finetunes = [n for n in runs if summaries[n]["stage"] == "finetune"]
    pretrains = [summaries[n] for n in runs if summaries[n]["stage"] == "pretrain"]
    first_init = resolve_init(summaries[runs[0]].get("init"))
    mj = json.load(open(os.path.join(model_dir, "model.json")))
    q = mj["qsm"]
    # a model that continues its own earlier export (the usual case with --prior-card) overwrote it: say which one
    start = (f"`{first_init}` as it was before this model replaced it" if first_init and
             os.path.normpath(first_init) == os.path.normpath(model_dir) else f"`{first_init}`")
    n_params = sum(int(__import__("numpy").prod(w["shape"])) for g in mj["weightsManifest"] for w in g["weights"])
    torch_version = summaries[runs[0]].get("torch", "?")
    L = [f"# {model_id}", "", DESCRIPTION[model_id], "",
         "## Architecture", "",
         f"- 3-D U-Net, {q['levels']} levels, {q['baseChannels']} initial channels (x2 per level), ELU, two 3x3x3 "
         "convolutions per level, 2x2x2 max-pool down, transposed convolution (kernel 2, stride 2) up, skip "
         "concatenation, 1x1x1 output convolution; no normalisation layers.",
         f"- Parameters stored: {n_params:,} (float16 in weights.bin).",
         f"- Input: local field in ppm x {q['inputScale']}; output x {q['outputScale']} = chi in ppm. "
         f"Side information {q['sideInfo']} (voxel size in mm, unit B0 direction in voxel axes x, y, z).",
         f"- Trained on {q['trainedPatch']}^3 patches; spatial dims must be a multiple of {q['multiple']}.", "",
         "## Training data", "",
         "- Pre-training (`training/synthetic.py`): on-the-fly random ellipsoids, cuboids, cylinders and thin tubes with "
         "chi in -0.2..0.4 ppm over a smooth background, with random voxel sizes 0.5-2.5 mm (isotropic, in-plane "
         "isotropic, or fully anisotropic), random B0 directions (mostly uniform over tilts up to 60 deg, some axial, "
         "some anywhere), chi scaling, Gaussian noise; field simulated with the dipole model on a "
         + PRETRAINING_FIXED_END + (prior["pretraining"] if prior and prior["pretraining"]
                               else pretraining_sentence(runs, summaries, first_init)),
    ]
    if finetunes:
        L += ["- Fine-tuning (`training/brain_phantom.py`): brain phantoms of the FreeSurfer subject "
              "(`aparc.a2009s+aseg.mgz`): per-label chi from literature ranges, smooth texture, random veins, "
              "random smooth deformation, resampled to random voxel sizes and field-of-view tilts up to 50 deg, "
              "noise (as the generator version in the Run table says), brain mask from the segmentation; loss masked to the brain. Brain phantom p2 (the Run table's brackets) adds texture that follows the subject's T1 within each label, iron gradients across the deep grey nuclei, and calcifications and bleeds. "
              + finetuning_variants(finetunes, summaries) + "The filter-manifold "
              "network is frozen (adaptive model); decoder (up*, dec*, out) at lr 1e-3, the rest at 1e-5."]
    L += ["- Held out (never trained on): the MNI152 pveseg brain as a second subject (validation curve and "
          "evaluation below), and a fixed-seed synthetic validation set.", "",
          "## Run", "", RUN_INTRO
          + ((" The first stage is" if len(prior["rows"]) == 1 else f" The first {len(prior['rows'])} stages are")
             + f" that of the model this one continues ({start}); "
             "its runs are not kept where this card was written, so the rows and calls are copied from that "
             "model's card and the curves show the later stages only." if prior else "")
          + (f" The last {len(tails)} stages are branches: each starts from "
             + (f"`{os.path.relpath(common[-1])}`'s last checkpoint" if common else f"the exported weights of {start}")
             + ", with a seed of its own, and the model is their uniform weight soup, the mean of their "
             "float16 exports' weights (`training/soup.py`)." if tails else "")
          + (" The weights exported from " + ("each branch" if tails else "the last stage") + " are its moving average "
             f"of the weights over its last samples (`train.py --ema-samples {summaries[runs[-1]].get('ema_samples')}`, "
             "time constant in samples; `export.py --ema`), not its last step's." if ema else ""), "",
          "| stage (run directory) | loss | samples seen | steps | training time (min) | batch | patch / grid | generator (brain phantom) | precision | finished (UTC) |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    L += prior["rows"] if prior else []
    for n in runs:
        s = summaries[n]
        data = generator_of(s) + (f" ({s.get('phantom') or 'p1'})" if s["stage"] == "finetune" else "")
        L.append(f"| {s['stage']} (`{os.path.relpath(n)}`) | {s.get('loss', 'l1').upper()} | {s['samples']:,} | "
                 f"{s['step']:,} | {s['elapsed'] / 60:.1f} | {s['batch']} | {s['patch']} / {s.get('grid', _arg(s, '--grid', 64))} | "
                 f"{data} | {'bf16 autocast' if s.get('bf16') else 'fp32'} | {s.get('finished_utc', '?')} |")
    for n in runs[1:]:
        if any(n == t[0] for t in tails):
            continue  # a branch: said above
        init = resolve_init(summaries[n].get("init"))
        if init and os.path.isdir(init):
            L += ["", f"`{os.path.relpath(n)}` started from the float16 export of the stage before it (`{init}`), "
                  "with a fresh optimiser state."]
    if prior:
        for note in prior["notes"]:
            L += ["", note]
        L += [] if tails else ["", f"`{os.path.relpath(runs[0])}` started from the exported weights of {start} "
                                 "(float16), the model of the stages before it, with a fresh optimiser state."]
    elif first_init and os.path.isdir(first_init):
        L += ["", f"The first stage started from the exported weights in `{first_init}` (float16; its card lists "
              "the training before that)."]
    total_min = sum(summaries[n]["elapsed"] for n in runs) / 60 + (prior["minutes"] if prior else 0)
    total_samples = sum(summaries[n]["samples"] for n in runs) + (prior["samples"] if prior else 0)
    L += ["", f"Total: {total_samples:,} samples in {total_min:.0f} min of training."]
    L += ["", f"Hardware: a shared machine with 2 CPU cores ({platform.machine()}), no GPU; each model trained with "
          f"{summaries[runs[0]].get('threads', 1)} thread(s) while the other model (and other work) ran beside it. "
          f"PyTorch {torch_version}. Optimiser AdamW (weight decay 1e-4), gradient norm clipped at 1"
          + (f"; pre-training peak learning rate {_arg(pretrains[0], '--lr', '1e-3')}, loss "
             f"{pretrains[0].get('loss', 'l1').upper()}, cosine annealing with warm restarts ("
             + "; ".join(f"`{os.path.relpath(n)}`: " + (f"first cycle {summaries[n]['cycle_samples']:,} samples, each "
                         "next twice as long" if "cycle_samples" in summaries[n] else "cycles of 1, 2 and 4 sevenths of "
                         "the stage's budget") for n in runs if summaries[n]["stage"] == "pretrain") + ")"
             if pretrains else "")
          + ("; fine-tuning: masked loss as in the table, decoder 1e-3, rest 1e-5, one cosine decay to 10 % ("
             + "; ".join(f"`{os.path.relpath(n)}`: " + (f"over {summaries[n]['decay_samples']:,} samples"
                         if "decay_samples" in summaries[n] else "over the stage's budget") for n in finetunes)
             + ")." if finetunes else "."), "",
          "Training command (from the repository root):", "", "```", command, "```", "",
          "Each stage's exact `train.py` call (as recorded in its checkpoint):", "", "```"]
    L += (prior["calls"] if prior else []) + [" ".join(summaries[n].get("argv", [])) for n in runs]
    L += ["```", "",
          "## Curves", "", "![training curves](curves.png)", "",
          "Grey lines mark the start of each stage. Each stage's validation sets are cut like its training data "
          "(patch / grid in the Run table), so a curve jumps where that changes; a 48^3 sample is 3.4 times the "
          "voxels of a 32^3 one.", "",
          VALIDATION_HEADING, ""]
    if eval_json and os.path.exists(eval_json):
        L += validation_section(json.load(open(eval_json)), model_id)
    else:
        L += ["(evaluation did not run)"]
    if tails:
        # the soup itself was never validated during training: each branch's last validation, not the model's
        L += ["", LAST_VALIDATION + " (each branch's last weights, not the soup): " + "; ".join(
            f"`{os.path.relpath(t[-1])}` synthetic NRMSE {rows[t[-1]][-1]['val_synth_nrmse']:.1f} %, held-out brain "
            f"{rows[t[-1]][-1]['val_brain_nrmse']:.1f} %" for t in tails) + f" ({q['trainedPatch']}^3 patches).", ""]
    else:
        last = rows[runs[-1]][-1]
        L += ["", f"{LAST_VALIDATION}: synthetic NRMSE {last['val_synth_nrmse']:.1f} %, held-out brain "
              f"NRMSE {last['val_brain_nrmse']:.1f} % ({q['trainedPatch']}^3 patches).", ""]
    with open(os.path.join(model_dir, "card.md"), "w") as f:
        f.write("\n".join(L))


def refresh_validation(card_path, doc, model_id):
    """Replaces a card's validation section (table, verdict, comparisons) with one from `doc`, keeping the rest:
    the committed models' run directories are not in a fresh clone, so a card cannot always be rewritten whole."""
    old = open(card_path).read()
    a = old.index(VALIDATION_HEADING) + len(VALIDATION_HEADING)
    b = old.index(LAST_VALIDATION, a)
    with open(card_path, "w") as f:
        f.write(old[:a] + "\n\n" + "\n".join(validation_section(doc, model_id)) + "\n\n" + old[b:])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--id", required=True, choices=list(FINAL_RUN))
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--runs", help="the training runs (required unless --refresh-validation)")
    ap.add_argument("--refresh-validation", action="store_true",
                    help="only replace the card's validation section from --eval (no runs needed)")
    ap.add_argument("--eval")
    ap.add_argument("--command", default="bash training/run_all.sh")
    ap.add_argument("--export-of", action="append", default=[], metavar="EXPORT=RUN",
                    help="an exported model directory a stage started from, and the run it was exported from")
    ap.add_argument("--soup-of", action="append", default=[], metavar="RUN",
                    help="the model is the weight soup of these runs under --runs (repeat), branches from one stage")
    ap.add_argument("--prior-card", metavar="CARD",
                    help="the card of the model the first stage started from (read before it is overwritten, e.g. "
                         "from git show), when the runs behind it are gone: its stages come first")
    ap.add_argument("--ema", action="store_true", help="the weights are the last stages' moving averages (export.py --ema)")
    a = ap.parse_args(argv)
    if a.refresh_validation:
        refresh_validation(os.path.join(a.model_dir, "card.md"), json.load(open(a.eval)), a.id)
        print(f"refreshed the validation section of {a.model_dir}/card.md")
        return
    if not a.runs:
        ap.error("--runs is required to write a whole card")
    exports = dict(e.split("=", 1) for e in a.export_of)
    prior = prior_card(open(a.prior_card).read()) if a.prior_card else None
    write_card(a.id, a.model_dir, a.runs, a.eval, a.command, exports, a.soup_of, prior, a.ema)
    print(f"wrote {a.model_dir}/card.md")


if __name__ == "__main__":
    main()
