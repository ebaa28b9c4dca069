#!/usr/bin/env bash
# The README's `qsm field` table on the simulated head: writes the head (bench/makeHeadPhantom.ts), runs `qsm field`
# with each background method given (timed, with its total-field and mask outputs), then TKD (`qsm invert --method
# tkd`) of each local field and of the true one, and scores them with `qsm metrics` in the eroded true brain.
#
#   bash bench/fieldTable.sh DIR [N=160] [VOXEL_MM=1.2] [BG=pdf,tfi]
set -euo pipefail
D=${1:?usage: bash bench/fieldTable.sh DIR [N] [VOXEL_MM] [BG,...]}
N=${2:-160}; V=${3:-1.2}; BGS=${4:-pdf,tfi}
q() { npm run -s qsm -- "$@"; }
npx tsx bench/makeHeadPhantom.ts "$D" "$N" "$V"
q invert --field "$D/local_true.nii.gz" --method tkd --mask "$D/mask_true.nii.gz" --units ppm --out "$D/tkd_true.nii.gz" 2>/dev/null
score() {
  q metrics --pred "$1" --ref "$2" --mask "$D/local_mask.nii.gz" --json |
    node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(`NRMSE ${m.nrmse.toFixed(1)} %, HFEN ${m.hfen.toFixed(1)} %, slope ${m.slope.toFixed(2)}`)'
}
echo "TKD of the true local field vs true chi: $(score "$D/tkd_true.nii.gz" "$D/chi_true.nii.gz")"
for bg in ${BGS//,/ }; do
  extra=(); [ "$bg" = tfi ] && extra=(--out-chi "$D/chi_$bg.nii.gz")
  s=$(date +%s.%N)
  q field --phase "$D/phase.nii.gz" --magnitude "$D/magnitude.nii.gz" --bg "$bg" --out "$D/local_$bg.nii.gz" --out-mask "$D/mask_$bg.nii.gz" "${extra[@]}" 2> "$D/field_$bg.log"
  e=$(date +%s.%N)
  grep -E "done in|stopped after" "$D/field_$bg.log" | sed "s/^/  $bg: /"
  q invert --field "$D/local_$bg.nii.gz" --method tkd --mask "$D/mask_$bg.nii.gz" --units ppm --out "$D/tkd_$bg.nii.gz" 2>/dev/null
  echo "$bg: qsm field $(echo "$e - $s" | bc) s wall"
  echo "  local field vs true local field: $(score "$D/local_$bg.nii.gz" "$D/local_true.nii.gz")"
  echo "  TKD of it vs TKD of the true local field: $(score "$D/tkd_$bg.nii.gz" "$D/tkd_true.nii.gz")"
  echo "  TKD of it vs true chi: $(score "$D/tkd_$bg.nii.gz" "$D/chi_true.nii.gz")"
  [ "$bg" = tfi ] && echo "  TFI's own chi vs true chi: $(score "$D/chi_$bg.nii.gz" "$D/chi_true.nii.gz")"
done
