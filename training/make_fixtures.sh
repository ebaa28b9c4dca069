#!/usr/bin/env bash
# Regenerates the tiny random-weight parity fixtures the TypeScript engine tests load.
set -euo pipefail
cd "$(dirname "$0")/.."
F=src/model/__fixtures__
PY=/usr/bin/python3
$PY training/export.py --random --arch adaptive-unet --base-channels 4 --dtype float32 --id tiny-adaptive --out $F/tiny-adaptive
$PY training/export.py --random --arch unet --base-channels 4 --dtype float32 --id tiny-unet --out $F/tiny-unet
$PY training/export.py --random --arch adaptive-unet --base-channels 4 --dtype float16 --id tiny-adaptive-f16 --out $F/tiny-adaptive-f16
