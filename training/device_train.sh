#!/usr/bin/env bash
# One call on the device machine (one GPU, 16 cores, PyTorch with CUDA, no nibabel, no internet): continue the
# committed models' training with far more samples than the CPU machine can give, and write the exported weights
# under $OUT for the CPU machine to evaluate (training/evaluate.py) and commit if the held-out numbers improve.
#
# Why: on the training subject's own phantoms and on its own synthetic distribution the committed networks are
# only level with TKD or behind it (training/fit_check.py), so they are under-fitted, and the CPU gives ~2,400
# samples per 15 minutes.
#
# Before the call, here:  /usr/bin/python3 training/cache_volumes.py training/volumes-cache
# The call:  run(command="OUT=$OUT bash training/device_train.sh", carry=["training/volumes-cache"], timeout_s=560)
# Budgets (minutes of training per stage, each capped by its sample count from a throughput probe):
#   PRE_MIN (3) pre-training from models/adaptive-unet (one cosine cycle to 1 %, AdamW, all layers),
#   FT_MIN (2) transfer learning from that (filter-manifold network frozen, decoder 1e-3, the rest 1e-5).
# DEVICE=cpu with small budgets runs the same steps here (training/test_device_train.py).
set -euo pipefail
: "${OUT:?set OUT to the folder that comes back}"
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
WORKERS=${WORKERS:-14}
PRE_MIN=${PRE_MIN:-3}
FT_MIN=${FT_MIN:-2}
PROBE_MIN=${PROBE_MIN:-0.3}
PRE_BATCH=${PRE_BATCH:-8}
FT_BATCH=${FT_BATCH:-8}
PATCH_PRE=${PATCH_PRE:-64}; GRID_PRE=${GRID_PRE:-80}
PATCH_FT=${PATCH_FT:-48}; GRID_FT=${GRID_FT:-64}
RUNS=${RUNS:-$OUT/runs}
export QSM_VOLUMES=${QSM_VOLUMES:-training/volumes-cache}
mkdir -p "$RUNS"
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), flush=True)"

common=(--arch adaptive-unet --loss l2 --bf16 1 --threads 2 --device "$DEVICE" --workers "$WORKERS" --val-every 1 --ckpt-every 1)
pre=(--stage pretrain --init models/adaptive-unet --lr 1e-3 --patch "$PATCH_PRE" --grid "$GRID_PRE" --patches-per-sim 2 --symmetries 1 --batch "$PRE_BATCH")

# samples/s of this machine for a stage: a short run into a scratch folder (its weights are thrown away)
rate() {
  local dir="$RUNS/probe-$1"; shift
  if ! $PY training/train.py "${common[@]}" "$@" --minutes "$PROBE_MIN" --out "$dir" > "$dir.log" 2>&1; then
    tail -n 40 "$dir.log" >&2; echo "the throughput probe failed: $dir.log" >&2; exit 1
  fi
  $PY -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['samples'] / max(s['elapsed'], 1e-9))" "$dir/summary.json"
}
train() {  # train LOG args...: the full log under $OUT, its validation lines here; a failure shows the log's end
  local log=$1; shift
  if ! $PY training/train.py "${common[@]}" "$@" > "$log" 2>&1; then tail -n 40 "$log"; echo "train.py failed: $log"; exit 1; fi
  grep -v "samples/s$" "$log" | tail -n 12
}
samples_for() {  # minutes at a rate -> a whole number of batches, with a margin so the sample count ends the stage
  $PY -c "import sys; m, r, b = map(float, sys.argv[1:]); print(max(int(m * 60 * r * 0.8 / b), 1) * int(b))" "$@"
}
cap() {  # the wall-clock cap of a stage: past its planned minutes, only if the machine slowed after the probe
  $PY -c "import sys; print(float(sys.argv[1]) * 1.25)" "$1"
}

r=$(rate pre "${pre[@]}" --cycle-samples 100000)
n=$(samples_for "$PRE_MIN" "$r" "$PRE_BATCH")
echo "pre-training: $r samples/s -> $n samples" | tee "$OUT/plan.txt"
train "$OUT/pretrain.log" "${pre[@]}" --minutes "$(cap "$PRE_MIN")" --max-samples "$n" --cycle-samples "$n" \
  --seed 21 --out "$RUNS/adaptive-unet"
$PY training/export.py --ckpt "$RUNS/adaptive-unet/last.pt" --id adaptive-unet --dtype float16 --out "$OUT/adaptive-unet"

ft=(--stage finetune --init "$RUNS/adaptive-unet/last.pt" --phantom p1 --subjects fs,colin --patch "$PATCH_FT" --grid "$GRID_FT" --patches-per-sim 4 --batch "$FT_BATCH")
r=$(rate ft "${ft[@]}")
n=$(samples_for "$FT_MIN" "$r" "$FT_BATCH")
echo "fine-tuning: $r samples/s -> $n samples" | tee -a "$OUT/plan.txt"
train "$OUT/finetune.log" "${ft[@]}" --minutes "$(cap "$FT_MIN")" --max-samples "$n" --decay-samples "$n" \
  --seed 22 --out "$RUNS/adaptive-unet-tl"
$PY training/export.py --ckpt "$RUNS/adaptive-unet-tl/last.pt" --id adaptive-unet-tl --dtype float16 --out "$OUT/adaptive-unet-tl"

for s in adaptive-unet adaptive-unet-tl; do cp "$RUNS/$s/log.csv" "$OUT/$s/train-log.csv"; cp "$RUNS/$s/summary.json" "$OUT/$s/train-summary.json"; done
rm -rf "$RUNS"  # checkpoints (with optimiser state) are over the size that comes back; the exports are enough
echo DEVICE_TRAIN_DONE
