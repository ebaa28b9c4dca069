#!/usr/bin/env bash
# Debian packages the tests need: Chromium for e2e, PyTorch & friends for training tests and parity fixtures.
set -euo pipefail
pkgs=(chromium python3-torch python3-numpy python3-scipy python3-nibabel python3-matplotlib python3-pytest)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
