"""device_train.sh, the one call for the device machine, run here on the CPU with tiny budgets and without
nibabel (as there): it must pre-train, fine-tune on both training subjects and leave loadable exports in $OUT."""
import json
import os
import subprocess
import sys

import pytest

import cache_volumes
import colin_phantom
from export import load_export

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
pytestmark = pytest.mark.skipif(not (all(os.path.exists(f) for f in cache_volumes.FILES) and colin_phantom.available()),
                                reason="anatomy absent")


def _env(tmp_path, **over):
    cache = tmp_path / "volumes"
    cache_volumes.main(str(cache))
    blocker = tmp_path / "no-nibabel" / "nibabel"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no nibabel on the device machine')\n")
    env = dict(os.environ, OUT=str(tmp_path / "out"), DEVICE="cpu", PYTHON=sys.executable, WORKERS="2", PRE_MIN="0.1",
               FT_MIN="0.1", PROBE_MIN="0.05", PRE_BATCH="2", FT_BATCH="2", PATCH_PRE="16", GRID_PRE="24",
               PATCH_FT="16", GRID_FT="24", QSM_VOLUMES=str(cache), PYTHONPATH=str(blocker.parent))
    return env | over


def _run(env):
    return subprocess.run(["bash", os.path.join(HERE, "device_train.sh")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_device_script_trains_both_stages_and_exports(tmp_path):
    r = _run(_env(tmp_path))
    out = tmp_path / "out"
    assert r.returncode == 0 and "DEVICE_TRAIN_DONE" in r.stdout, r.stdout[-3000:] + r.stderr[-3000:]
    plan = (out / "plan.txt").read_text()
    assert "pre-training:" in plan and "fine-tuning:" in plan
    for mid, stage in (("adaptive-unet", "pretrain"), ("adaptive-unet-tl", "finetune")):
        model, q = load_export(str(out / mid))
        assert q["id"] == mid and q["architecture"] == "adaptive-unet"
        s = json.loads((out / mid / "train-summary.json").read_text())
        assert s["stage"] == stage and s["device"] == "cpu" and s["workers"] == 2 and s["samples"] > 0
        assert s["max_samples"] == s["samples"]  # ended at its sample count: the schedule ran to its end
    assert json.loads((out / "adaptive-unet-tl" / "train-summary.json").read_text())["subjects"] == "fs,colin"
    assert not (out / "runs").exists()  # checkpoints stay behind; only what is needed comes back


def test_a_failing_stage_stops_the_script_and_shows_why(tmp_path):
    r = _run(_env(tmp_path, PATCH_PRE="32", GRID_PRE="24"))  # a patch larger than its simulation cannot be cut
    assert r.returncode != 0 and "DEVICE_TRAIN_DONE" not in r.stdout
    assert "the throughput probe failed" in r.stderr and "Traceback" in r.stderr
    assert not (tmp_path / "out" / "adaptive-unet").exists()  # nothing half-made is left to look like a result
