#!/usr/bin/env bash
# The one command that trains, exports, evaluates and documents all three models:
#   nohup bash training/run_all.sh > training/runs/run_all.log 2>&1 &
# Budgets (minutes of training time per model) and sizes come from the environment:
#   PRETRAIN_MIN (42) FINETUNE_MIN (15) PRETRAIN_LR (1e-3) PRETRAIN_LOSS (l2) PATCH (32) BATCH (4)
#   BASE_CHANNELS (16) RUNS MODELS
# Resumable: rerun the same command; finished stages are skipped (RUNS/*.done) and unfinished
# training continues from its last checkpoint. The two architectures train in parallel with one
# thread each (measured on the 2-core box: 2 x 1 thread 0.86 + 0.85 samples/s vs 2 threads 1.86
# samples/s for one model at 48^3 - about equal in total, and parallel keeps both models at the
# same stage if the run is cut short).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
PRETRAIN_MIN=${PRETRAIN_MIN:-42}
FINETUNE_MIN=${FINETUNE_MIN:-15}
PATCH=${PATCH:-32}
# Peak pre-training rate. The first run's loss spikes at 1e-3 came from a generator bug (10+ ppm chi in
# ~1 % of batches, fixed in synthetic.smooth_noise), not from the rate; 1e-3 with gradient clipping
# learns on the fixed generator (c0 = 8 probes), so the session's run used 1e-3.
PRETRAIN_LR=${PRETRAIN_LR:-1e-3}
# Pre-training loss: L2. With L1 the net sat at the median (prediction std 0.0025 vs 0.095 ppm,
# validation NRMSE 97 % after 1500 samples); L2 reached correlation 0.33 in 75 steps (c0 = 8 probe).
# Fine-tuning keeps the masked L1 of the method.
PRETRAIN_LOSS=${PRETRAIN_LOSS:-l2}
BATCH=${BATCH:-4}
BASE_CHANNELS=${BASE_CHANNELS:-16}
RUNS=${RUNS:-training/runs}
MODELS=${MODELS:-models}
mkdir -p "$RUNS"
echo "run_all start $(date -u +%FT%TZ): pretrain ${PRETRAIN_MIN} min at lr ${PRETRAIN_LR} loss ${PRETRAIN_LOSS}, finetune ${FINETUNE_MIN} min, patch ${PATCH}, batch ${BATCH}, c0 ${BASE_CHANNELS}"

children=()
trap 'echo "run_all: stopping, children checkpoint"; for p in "${children[@]}"; do pkill -TERM -P "$p"; kill -TERM "$p" 2>/dev/null; done; wait; exit 143' TERM INT

train() { # name arch stage minutes [init]
  local name=$1 arch=$2 stage=$3 minutes=$4 init=${5:-}
  if [ -e "$RUNS/$name.done" ]; then echo "skip $name (done)"; return 0; fi
  local extra=()
  if [ -n "$init" ]; then extra=(--init "$init"); fi
  $PY training/train.py --arch "$arch" --stage "$stage" --minutes "$minutes" --patch "$PATCH" --batch "$BATCH" \
    --base-channels "$BASE_CHANNELS" --threads 1 --out "$RUNS/$name" --resume "${extra[@]}" "${LR_ARGS[@]}" \
    > "$RUNS/$name.log" 2>&1 && touch "$RUNS/$name.done"
}


echo "pretrain $(date -u +%T)"
LR_ARGS=(--lr "$PRETRAIN_LR" --loss "$PRETRAIN_LOSS")
train adaptive-unet adaptive-unet pretrain "$PRETRAIN_MIN" & children=($!)
train unet unet pretrain "$PRETRAIN_MIN" & children+=($!)
LR_ARGS=()
wait "${children[0]}"; r1=$?; wait "${children[1]}"; r2=$?
if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then echo "pretraining failed ($r1 $r2); see $RUNS/*.log"; exit 1; fi

echo "finetune $(date -u +%T)"
train adaptive-unet-tl adaptive-unet finetune "$FINETUNE_MIN" "$RUNS/adaptive-unet/last.pt" & children=($!)
train unet-tl unet finetune "$FINETUNE_MIN" "$RUNS/unet/last.pt" & children+=($!)
wait "${children[0]}"; r1=$?; wait "${children[1]}"; r2=$?
if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then echo "fine-tuning failed ($r1 $r2); see $RUNS/*.log"; exit 1; fi

echo "export $(date -u +%T)"
export QSM_THREADS=2
for id in adaptive-unet adaptive-unet-tl unet-tl; do
  $PY training/export.py --ckpt "$RUNS/$id/last.pt" --id "$id" --dtype float16 --out "$MODELS/$id" || exit 1
done

echo "evaluate $(date -u +%T)"
$PY training/evaluate.py --threads 2 --out "$RUNS/eval" \
  --model "$MODELS/adaptive-unet" --model "$MODELS/adaptive-unet-tl" --model "$MODELS/unet-tl" \
  > "$RUNS/eval.log" 2>&1 || { echo "evaluation failed; see $RUNS/eval.log"; }

echo "cards $(date -u +%T)"
for id in adaptive-unet adaptive-unet-tl unet-tl; do
  $PY training/card.py --id "$id" --model-dir "$MODELS/$id" --runs "$RUNS" --eval "$RUNS/eval/eval.json" \
    --command "PRETRAIN_MIN=$PRETRAIN_MIN FINETUNE_MIN=$FINETUNE_MIN PRETRAIN_LR=$PRETRAIN_LR PRETRAIN_LOSS=$PRETRAIN_LOSS PATCH=$PATCH BATCH=$BATCH bash training/run_all.sh" \
    || echo "card $id failed"
done
echo "finished $(date -u +%FT%TZ)"
echo "RUN_ALL DONE"
