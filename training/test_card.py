"""Model cards: the chain of runs behind a model and the comparisons computed from eval.json."""
import json
import os

from card import compare_sentences, generator_of, run_chain


def _run(d, stage, init=None, argv=()):
    os.makedirs(d, exist_ok=True)
    json.dump({"stage": stage, "init": init, "argv": list(argv)}, open(os.path.join(d, "summary.json"), "w"))


def test_chain_follows_init_checkpoints_across_runs_directories(tmp_path):
    old, new = tmp_path / "runs", tmp_path / "runs-s7"
    _run(str(old / "adaptive-unet"), "pretrain")
    _run(str(new / "adaptive-unet"), "pretrain", str(old / "adaptive-unet" / "last.pt"), ["--grid", "48"])
    _run(str(new / "adaptive-unet-tl"), "finetune", str(new / "adaptive-unet" / "last.pt"))
    chain = run_chain(str(new), "adaptive-unet-tl")
    assert chain == [str(old / "adaptive-unet"), str(new / "adaptive-unet"), str(new / "adaptive-unet-tl")]
    assert run_chain(str(new), "missing") == []


def test_chain_continues_through_an_exported_model_when_told_which_run_it_came_from(tmp_path):
    runs, later = tmp_path / "runs", tmp_path / "runs-s11"
    _run(str(runs / "adaptive-unet-tl"), "finetune")
    export = str(tmp_path / "models" / "adaptive-unet-tl")
    os.makedirs(export)
    _run(str(later / "adaptive-unet-tl"), "finetune", export)
    assert run_chain(str(later), "adaptive-unet-tl") == [str(later / "adaptive-unet-tl")]
    chain = run_chain(str(later), "adaptive-unet-tl", {export + "/": str(runs / "adaptive-unet-tl")})
    assert chain == [str(runs / "adaptive-unet-tl"), str(later / "adaptive-unet-tl")]


def test_generator_version_is_recorded_or_inferred_from_the_command_line():
    assert generator_of({"argv": ["--patch", "32"]}) == "v1"
    assert generator_of({"argv": ["--grid", "48"]}) == "v2"
    assert generator_of({"generator": "v3", "argv": []}) == "v3"


def test_comparisons_rank_methods_and_report_the_tilt_penalty():
    res = {"tkd": {"brain/axial": {"nrmse": 50.0}, "brain/tilted": {"nrmse": 52.0}},
           "adaptive-unet-tl": {"brain/axial": {"nrmse": 40.0}, "brain/tilted": {"nrmse": 43.5}},
           "unet-tl": {"brain/axial": {"nrmse": 45.0}, "brain/tilted": {"nrmse": 55.0}}}
    lines = compare_sentences({"results": res}, "adaptive-unet-tl")
    assert lines[0] == "Held-out brain, axial: adaptive-unet-tl 40.0 % < unet-tl 45.0 % < tkd 50.0 % (NRMSE)."
    assert "tkd 52.0 % < unet-tl 55.0 %" in lines[1]
    assert lines[2] == "adaptive-unet-tl: tilted-anisotropic NRMSE 43.5 % against axial 40.0 % (+3.5 percentage points)."


def test_card_dc_section_is_written_once_and_replaced(tmp_path):
    import card_dc
    card = tmp_path / "card.md"
    card.write_text("# m\n\n## Validation\n\ntext\n\n## Curves\n\nimg\n")
    doc = {"utc": "T", "cases": {"brain/axial": {"label": "axial"}},
           "results": {"m": {"brain/axial": {"nrmse": 60.0, "ssim": 0.5}},
                       "m+dc": {"brain/axial": {"nrmse": 40.0, "ssim": 0.7, "dc_lambda": 0.01, "bias": 0.0012}},
                       "m+dc-closed": {"brain/axial": {"nrmse": 45.0, "ssim": 0.6, "dc_lambda": 0.015}},
                       "tkd": {"brain/axial": {"nrmse": 50.0, "ssim": 0.6}}}}
    card_dc.write(str(card), card_dc.section(doc, "m"))
    doc["results"]["m+dc"]["brain/axial"]["nrmse"] = 39.0
    card_dc.write(str(card), card_dc.section(doc, "m"))
    text = card.read_text()
    assert text.count(card_dc.BEGIN) == 1 and text.index(card_dc.END) < text.index("## Curves")
    assert "| brain/axial (axial) | 60.0 (0.500) | 39.0 (0.700; +0.0012) | 45.0 (0.600) | 50.0 (0.600) |" in text
    assert "40.0" not in text


def test_refresh_validation_replaces_only_the_validation_section(tmp_path):
    from card import LAST_VALIDATION, VALIDATION_HEADING, refresh_validation

    card = tmp_path / "card.md"
    card.write_text(f"# m\n\n## Run\n\nstages\n\n{VALIDATION_HEADING}\n\nold table 61.2\n\n{LAST_VALIDATION}: 63 %.\n")
    case = {"nrmse": 0.0, "ssim": 0.5, "psnr": 30.0, "hfen": 40.0, "slope": 0.9, "r2": 0.8}
    doc = {"utc": "T", "cases": {"brain/axial": {"label": "axial", "noise_ppm": 0.002}},
           "results": {"tkd": {"brain/axial": case | {"nrmse": 50.0}}, "m": {"brain/axial": case | {"nrmse": 45.0}}}}
    refresh_validation(str(card), doc, "m")
    text = card.read_text()
    assert "old table" not in text and "stages" in text and text.count(VALIDATION_HEADING) == 1
    assert "| brain | axial | m | 45.0 |" in text and "NRMSE below TKD's on 1 of 1 held-out cases" in text
    assert text.index(VALIDATION_HEADING) < text.index("| brain | axial | m |") < text.index(LAST_VALIDATION)


def test_cards_put_the_mirror_averaged_default_beside_the_single_pass():
    import card_dc
    from card import validation_section
    case = {"ssim": 0.5, "psnr": 30.0, "hfen": 40.0, "slope": 0.9, "r2": 0.8}
    doc = {"utc": "T", "cases": {"brain/axial": {"label": "axial", "noise_ppm": 0.002},
                                 "brain/tilted": {"label": "tilted", "noise_ppm": 0.002}},
           "results": {"tkd": {"brain/axial": case | {"nrmse": 50.0}, "brain/tilted": case | {"nrmse": 50.0}},
                       "m": {"brain/axial": case | {"nrmse": 51.0}, "brain/tilted": case | {"nrmse": 55.0}},
                       "m+mirror": {"brain/axial": case | {"nrmse": 49.0}, "brain/tilted": case | {"nrmse": 53.0}},
                       "m+mirror+dc": {"brain/axial": case | {"nrmse": 36.0, "dc_lambda": 0.01},
                                       "brain/tilted": case | {"nrmse": 37.0, "dc_lambda": 0.01}},
                       "m+mirror+dc-closed": {"brain/axial": case | {"nrmse": 38.0}, "brain/tilted": case | {"nrmse": 39.0}}}}
    text = "\n".join(validation_section(doc, "m"))
    assert "NRMSE below TKD's on 0 of 2 held-out cases." in text
    assert "Mirror-averaged (m+mirror, what the workbench and `qsm invert` run by default): below TKD's on 1 of 2 (brain/axial)." in text
    dc = card_dc.section(doc, "m")
    assert "| brain/axial (axial) | 51.0 (0.500) | 49.0 (0.500) | 36.0 (0.500) | 38.0 (0.500) | 50.0 (0.500) |" in dc
    assert "Masked lambda 0.01" in dc and "mirror-averaged (default)" in dc


def test_an_init_typed_in_training_dir_is_found_from_the_repository_root(tmp_path, monkeypatch):
    # train.py records --init as typed; a call run in training/ names ../models/<id> or runs-sNN/<run>/last.pt
    import card

    monkeypatch.setattr(card, "TRAINING_DIR", str(tmp_path / "training"))
    os.makedirs(tmp_path / "models" / "adaptive-unet")
    _run(str(tmp_path / "training" / "runs-a" / "stage1"), "finetune", "../models/adaptive-unet")
    (tmp_path / "training" / "runs-a" / "stage1" / "last.pt").write_bytes(b"")
    _run(str(tmp_path / "training" / "runs-b" / "stage2"), "finetune", "runs-a/stage1/last.pt")
    monkeypatch.chdir(tmp_path)
    assert card.resolve_init("../models/adaptive-unet") == os.path.join("models", "adaptive-unet")
    assert card.resolve_init("nowhere/last.pt") == "nowhere/last.pt"
    assert run_chain("training/runs-b", "stage2") == [os.path.join("training", "runs-a", "stage1"), "training/runs-b/stage2"]


def test_cards_name_the_pretraining_they_inherit_and_the_fine_tuning_options_used(tmp_path, monkeypatch):
    import card

    monkeypatch.chdir(tmp_path)
    os.makedirs("models/adaptive-unet")
    summaries = {"a": {"stage": "finetune", "init": "models/adaptive-unet",
                       "argv": ["--subjects", "fs,colin", "--thick-slices", "0.4"]},
                 "b": {"stage": "finetune", "init": "a/last.pt", "argv": ["--subjects", "fs"]}}
    assert "pre-training is that of `models/adaptive-unet`" in card.pretraining_sentence(["a", "b"], summaries, "models/adaptive-unet")
    text = card.finetuning_variants(["a", "b"], summaries)
    assert "Stage `a` alternates these" in text and "`b`" not in text.split("Colin27")[0]
    assert "`a` draws 40% of its blocks as a thick-slice protocol" in text
    assert card.finetuning_variants(["b"], summaries) == ""


def _logged_run(d, stage, init, samples, seed):
    _run(d, stage, init, ["train.py", "--seed", str(seed)])
    summary = json.load(open(os.path.join(d, "summary.json")))
    summary.update({"samples": samples, "step": samples // 2, "elapsed": 60.0 * samples / 100, "batch": 2,
                    "patch": 48, "grid": 64, "loss": "l2", "bf16": True})
    json.dump(summary, open(os.path.join(d, "summary.json"), "w"))
    with open(os.path.join(d, "log.csv"), "w") as f:
        f.write("samples,train_loss,val_synth_loss,val_synth_nrmse,val_brain_loss,val_brain_nrmse,utc\n")
        for k, s in enumerate((0, samples // 2, samples)):
            f.write(f"{s},0.1,0.2,{80 + seed},0.3,{60 - k},x\n")


def test_a_soup_card_lists_the_shared_stage_once_and_each_branch_from_its_end(tmp_path, monkeypatch):
    import card

    monkeypatch.chdir(tmp_path)
    _logged_run("runs/base", "finetune", None, 1000, 1)
    for name, seed in (("a", 2), ("b", 3), ("c", 4)):
        _logged_run(f"runs/{name}", "finetune", "runs/base/last.pt", 400, seed)
    common, tails = card.soup_branches("runs", ["a", "b", "c"])
    assert common == ["runs/base"] and tails == [["runs/a"], ["runs/b"], ["runs/c"]]
    assert card.stage_offsets(common, tails, {"runs/base": 1000, "runs/a": 400, "runs/b": 400, "runs/c": 400}) == {
        "runs/base": 0, "runs/a": 1000, "runs/b": 1000, "runs/c": 1000}
    import pytest
    with pytest.raises(ValueError, match="branch from one common stage"):
        card.soup_branches("runs", ["a", "base"])  # base is a stage of a's chain, not a branch beside it
    with pytest.raises(ValueError, match="at least two"):
        card.soup_branches("runs", ["a", "missing"])

    os.makedirs("model")
    json.dump({"qsm": {"levels": 5, "baseChannels": 16, "inputScale": 10, "outputScale": 0.1, "sideInfo": "s",
                       "trainedPatch": 48, "multiple": 16},
               "weightsManifest": [{"weights": [{"shape": [2, 3]}]}]}, open("model/model.json", "w"))
    card.write_card("adaptive-unet-tl", "model", "runs", None, "the command", soup_of=["a", "b", "c"])
    text = open("model/card.md").read()
    assert "The last 3 stages are branches: each starts from `runs/base`'s last checkpoint" in text
    assert text.count("| finetune (`runs/base`)") == 1 and all(f"| finetune (`runs/{n}`)" in text for n in "abc")
    assert "Total: 2,200 samples" in text
    # the last validation is each branch's, said to be so, and the section still refreshes from an evaluation
    assert "(each branch's last weights, not the soup): `runs/a` synthetic NRMSE 82.0 %, held-out brain 58.0 %" in text
    assert os.path.getsize("model/curves.png") > 0


def test_a_model_continued_from_an_export_keeps_its_previous_cards_stages(tmp_path, monkeypatch):
    # A fresh machine has none of the runs behind the committed model: a stage started from its export carries the
    # committed card's stage rows, calls and totals, and a soup of branches from that export needs no common run.
    import card

    committed = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "adaptive-unet-tl",
                                  "card.md")).read()
    prior = card.prior_card(committed)
    assert prior["rows"] and len(prior["rows"]) == len(prior["calls"]) and prior["samples"] > 0
    assert prior["calls"][0].startswith("train.py ")
    monkeypatch.chdir(tmp_path)
    os.makedirs("models/adaptive-unet-tl")
    for name, seed in (("a", 2), ("b", 3)):
        _logged_run(f"runs/{name}", "finetune", "models/adaptive-unet-tl", 400, seed)
        summary = json.load(open(f"runs/{name}/summary.json"))
        json.dump(summary | {"ema_samples": 300}, open(f"runs/{name}/summary.json", "w"))
    common, tails = card.soup_branches("runs", ["a", "b"])
    assert common == [] and tails == [["runs/a"], ["runs/b"]]
    json.dump({"qsm": {"levels": 5, "baseChannels": 16, "inputScale": 10, "outputScale": 0.1, "sideInfo": "s",
                       "trainedPatch": 48, "multiple": 16},
               "weightsManifest": [{"weights": [{"shape": [2, 3]}]}]}, open("models/adaptive-unet-tl/model.json", "w"))
    card.write_card("adaptive-unet-tl", "models/adaptive-unet-tl", "runs", None, "cmd", soup_of=["a", "b"],
                    prior=prior, ema=True)
    text = open("models/adaptive-unet-tl/card.md").read()
    table = text[text.index("| stage (run directory)"):text.index("Total:")]
    assert table.index(prior["rows"][0]) < table.index("| finetune (`runs/a`)") < table.index("| finetune (`runs/b`)")
    assert f"Total: {prior['samples'] + 800:,} samples" in text
    assert "each starts from the exported weights of `models/adaptive-unet-tl` as it was before this model replaced it" in text
    assert "`train.py --ema-samples 300`" in text and "pre-training is that of `models/adaptive-unet`" in text
    calls = text[text.index("Each stage's exact"):]
    assert calls.index(prior["calls"][0]) < calls.index("train.py --seed 2")
    import pytest
    with pytest.raises(ValueError, match="Run table"):
        card.prior_card("# m\n\n## Run\n\nnothing\n\nTraining command\n\nEach stage's exact `train.py` call\n\n```\n```\n")


def test_a_continued_soup_keeps_the_previous_cards_account_of_its_branches(tmp_path):
    # continuing a model whose card was itself written with --prior-card and --soup-of: what that card said of
    # its branches and averages is carried over as a note, not dropped with the first sentence
    import card

    text = ("## Run\n\n" + card.RUN_INTRO + " The last 2 stages are branches.\n\n| stage | x |\n| --- | --- |\n"
            "| finetune (`a`) | 1 |\n| finetune (`b`) | 2 |\n\nTotal: 10 samples in 1 min of training.\n\n"
            "Training command\n\nEach stage's exact `train.py` call\n\n```\ntrain.py a\ntrain.py b\n```\n")
    prior = card.prior_card(text)
    assert prior["notes"] == ["From that model's card: The last 2 stages are branches."]
    assert prior["rows"] == ["| finetune (`a`) | 1 |", "| finetune (`b`) | 2 |"] and prior["samples"] == 10
