#!/usr/bin/env bash
# Every test of the project, from a fresh machine: installs what it needs, then lint, types, unit, python, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
npm ci --no-audit --no-fund
echo "== lint and dependency direction"; npm run -s lint
echo "== types"; npm run -s typecheck
echo "== unit (vitest)"; npx vitest run
echo "== training (pytest)"; /usr/bin/python3 -m pytest -q training
echo "== e2e (playwright, chromium + WebGPU/SwiftShader)"; npx playwright test
