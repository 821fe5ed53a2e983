#!/usr/bin/env bash
# BP(lambda) on copy-repeat with its curriculum (docs/bp-lambda.md#copy-repeat), at a REDUCED size:
# BP(lambda) for lambda in {1, 0.5, 0} (gamma 0.9), the DNI at T = 1 and T = 3 and truncated BPTT (cRNN,
# T = 3), a linear cerebellum with injection scale 1 (the reference's copy-repeat synthesiser), each
# condition into OUTDIR/<condition>.h5 (existing files are refused), then the curriculum level reached
# (OUTDIR/levels.txt, OUTDIR/levels.png) and the validation error in bits (OUTDIR/errors.txt, errors.png).
# Usage: scripts/bp_lambda_copy_repeat.sh OUTDIR   (env: SEEDS=5 HIDDEN=16 EPOCHS=40 BATCH=32 EXTRA="...")
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
train="${CCRNN_BUILD_DIR:-$root/build}/apps/train/ccrnn-train"
mkdir -p "$out"
common=(--task copyrepeat --cell lstm --hidden "${HIDDEN:-16}" --batch "${BATCH:-32}" --epochs "${EPOCHS:-40}"
        --seeds "${SEEDS:-5}" ${EXTRA:-})
cerebellum=(--model ccrnn --cerebellum-layers 0 --sg-scale 1 --no-final-injection)  # refused for a cRNN
for l in 1 0.5 0; do
  "$train" "${common[@]}" "${cerebellum[@]}" --T 1 --online --bp-lambda $l --bp-gamma 0.9 --bp-update-clip 1 --out "$out/bpl_$l.h5"
done
for T in 1 3; do "$train" "${common[@]}" "${cerebellum[@]}" --T $T --out "$out/dni_T$T.h5"; done
"$train" "${common[@]}" --model crnn --T 3 --out "$out/crnn_T3.h5"
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "BP(1)=$out/bpl_1.h5:level" "BP(0.5)=$out/bpl_0.5.h5:level" \
  "BP(0)=$out/bpl_0.h5:level" "DNI_T1=$out/dni_T1.h5:level" "DNI_T3=$out/dni_T3.h5:level" \
  "cRNN_T3=$out/crnn_T3.h5:level" --figure "$out/levels.png" --ylabel "curriculum level (N + R - 1)" | tee "$out/levels.txt"
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "BP(1)=$out/bpl_1.h5:val_error_bits" \
  "BP(0.5)=$out/bpl_0.5.h5:val_error_bits" "BP(0)=$out/bpl_0.h5:val_error_bits" "DNI_T1=$out/dni_T1.h5:val_error_bits" \
  "DNI_T3=$out/dni_T3.h5:val_error_bits" "cRNN_T3=$out/crnn_T3.h5:val_error_bits" --figure "$out/errors.png" \
  --ylabel "validation error (bits per output)" | tee "$out/errors.txt"
