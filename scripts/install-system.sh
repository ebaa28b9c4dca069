#!/usr/bin/env bash
# Debian packages the tests need: Chromium for e2e, PyTorch & friends for training tests and parity fixtures,
# Snakemake for the cohort workflow's local run (src/cli/bids/snakemake.test.ts; without recommends, ~65 packages),
# mricron-data for Colin27 and its AAL labels, the second training subject (training/colin_phantom.py).
set -euo pipefail
pkgs=(chromium python3-torch python3-numpy python3-scipy python3-nibabel python3-matplotlib python3-pytest mricron-data)
lean=(snakemake)
missing=(); missing_lean=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
for p in "${lean[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_lean+=("$p"); done
if [ $((${#missing[@]} + ${#missing_lean[@]})) -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  [ ${#missing_lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_lean[@]}"
fi
