#!/usr/bin/env bash
# BP(lambda) on sequential MNIST (class target, LSTM N = 30, the built-in procedural digits unless
# --mnist-dir is passed through EXTRA), a REDUCED protocol (docs/bp-lambda.md): BP(lambda) for lambda in
# {1, 0.5, 0} (gamma 0.9), the DNI at T = 1 and T = 3 and truncated BPTT (cRNN, T = 1 and 3), a linear
# cerebellum with injection scale 0.1 (the reference's seqMNIST synthesiser), each condition into
# OUTDIR/<condition>.h5, then the alignment over learning (OUTDIR/alignment.txt, OUTDIR/alignment.png) and
# the validation accuracy (OUTDIR/accuracy.txt, OUTDIR/accuracy.png).
#
# Resumable: ccrnn-train writes each results file atomically (temp + rename), so an existing
# OUTDIR/<condition>.h5 is complete and is skipped; a condition cut off mid-way resumes from its per-epoch
# checkpoints (OUTDIR/<condition>.checkpoint/) bit for bit. To resume, run the same command again.
# Two chains run side by side, THREADS runs (seeds) at a time each: BP(1), and BP(0.5) followed by the cheap
# conditions, so that the two expensive conditions share the two cores evenly.
# Usage: scripts/bp_lambda_seqmnist.sh OUTDIR
#   (env: SEEDS=5 TRAIN=1000 EPOCHS=12 LR=1e-3 VAL=500 THREADS=2 EXTRA="...")
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
train="${CCRNN_BUILD_DIR:-$root/build}/apps/train/ccrnn-train"
mkdir -p "$out"
common=(--task seqmnist --target class --cell lstm --hidden 30 --lr "${LR:-1e-3}" --batch 50 --clip 0
        --train-size "${TRAIN:-1000}" --val-size "${VAL:-500}" --epochs "${EPOCHS:-12}" --seeds "${SEEDS:-5}"
        --threads "${THREADS:-2}" --record-every 2 --checkpoint-every 1 --quiet ${EXTRA:-})
cerebellum=(--model ccrnn --cerebellum-layers 0 --sg-scale 0.1 --no-final-injection)  # refused for a cRNN

# run NAME ARGS...: train one condition into $out/NAME.h5 unless that file already exists.
run() {
  local name=$1; shift
  if [[ -e "$out/$name.h5" ]]; then echo "$name: $out/$name.h5 exists, skipped"; return; fi
  local start=$SECONDS
  "$train" "${common[@]}" "$@" --out "$out/$name.h5"
  echo "$name: $((SECONDS - start)) s wall"
}
bpl() { run "bpl_$1" "${cerebellum[@]}" --T 1 --online --bp-lambda "$1" --bp-gamma 0.9 --bp-update-clip 1; }

( bpl 1 ) & first=$!
( bpl 0.5; bpl 0
  for T in 1 3; do run "dni_T$T" "${cerebellum[@]}" --T $T; done
  for T in 1 3; do run "crnn_T$T" --model crnn --T $T; done ) & second=$!
status=0
wait $first || status=$?
wait $second || status=$?
[[ $status -eq 0 ]] || { echo "$0: a condition failed (exit $status); run the same command again to resume" >&2; exit $status; }

labels=(BP\(1\) BP\(0.5\) BP\(0\) DNI_T1 DNI_T3 cRNN_T1 cRNN_T3)
files=(bpl_1 bpl_0.5 bpl_0 dni_T1 dni_T3 crnn_T1 crnn_T3)
alignment=() accuracy=()
for i in "${!files[@]}"; do
  alignment+=("${labels[$i]}=$out/${files[$i]}.h5")
  accuracy+=("${labels[$i]}=$out/${files[$i]}.h5:val_accuracy")
done
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "${alignment[@]}" --figure "$out/alignment.png" \
  --ylabel "cos(C(s) or truncated gradient, true gradient)" | tee "$out/alignment.txt"
/usr/bin/python3 "$root/scripts/bp_lambda_curves.py" "${accuracy[@]}" --figure "$out/accuracy.png" \
  --ylabel "validation accuracy" | tee "$out/accuracy.txt"
