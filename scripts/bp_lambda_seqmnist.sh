#!/usr/bin/env bash
# BP(lambda) on sequential MNIST (class target, LSTM N = 30, the built-in procedural digits unless
# --mnist-dir is passed through EXTRA), a REDUCED protocol (docs/bp-lambda.md): BP(lambda) for lambda in
# {1, 0.5, 0} (gamma 0.9), the DNI at T = 1 and T = 3 and truncated BPTT (cRNN, T = 3), a linear
# cerebellum with injection scale 0.1 (the reference's seqMNIST synthesiser), each condition into
# OUTDIR/<condition>.h5 (existing files are refused), then the alignment over learning
# (OUTDIR/alignment.txt, OUTDIR/alignment.png).
# Usage: scripts/bp_lambda_seqmnist.sh OUTDIR   (env: SEEDS=5 TRAIN=300 EPOCHS=6 EXTRA="...")
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
train="${CCRNN_BUILD_DIR:-$root/build}/apps/train/ccrnn-train"
mkdir -p "$out"
common=(--task seqmnist --target class --cell lstm --hidden 30 --lr 3e-4 --batch 50 --clip 0 --train-size "${TRAIN:-300}" --val-size 200
        --epochs "${EPOCHS:-6}" --seeds "${SEEDS:-5}" --record-every 2 ${EXTRA:-})
cerebellum=(--model ccrnn --cerebellum-layers 0 --sg-scale 0.1 --no-final-injection)  # refused for a cRNN
for l in 1 0.5 0; do
  "$train" "${common[@]}" "${cerebellum[@]}" --T 1 --online --bp-lambda $l --bp-gamma 0.9 --bp-update-clip 1 --out "$out/bpl_$l.h5"
done
for T in 1 3; do "$train" "${common[@]}" "${cerebellum[@]}" --T $T --out "$out/dni_T$T.h5"; done
"$train" "${common[@]}" --model crnn --T 3 --out "$out/crnn_T3.h5"
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "BP(1)=$out/bpl_1.h5" "BP(0.5)=$out/bpl_0.5.h5" \
  "BP(0)=$out/bpl_0.h5" "DNI_T1=$out/dni_T1.h5" "DNI_T3=$out/dni_T3.h5" "cRNN_T3=$out/crnn_T3.h5" \
  --figure "$out/alignment.png" --ylabel "cos(C(s) or truncated gradient, true gradient)" | tee "$out/alignment.txt"
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "BP(1)=$out/bpl_1.h5:val_accuracy" \
  "BP(0.5)=$out/bpl_0.5.h5:val_accuracy" "BP(0)=$out/bpl_0.h5:val_accuracy" "DNI_T1=$out/dni_T1.h5:val_accuracy" \
  "DNI_T3=$out/dni_T3.h5:val_accuracy" "cRNN_T3=$out/crnn_T3.h5:val_accuracy" | tee "$out/accuracy.txt"
