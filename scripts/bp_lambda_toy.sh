#!/usr/bin/env bash
# BP(lambda)'s toy comparison (docs/bp-lambda.md, README "BP(lambda)"): with a frozen cortex of the given
# cell (linear: the reference's; tanh), 5 seeds of BP(lambda) for lambda in {1, 0.5, 0}, the DNI at T = 1
# and T = 3 and truncated BPTT (cRNN) at T = 1 and T = 3, each into OUTDIR/<condition>.h5 (existing files
# are refused by ccrnn-train), then the per-step alignment table and figure OUTDIR/alignment.png.
# Usage: scripts/bp_lambda_toy.sh linear|tanh OUTDIR   (CCRNN_BUILD_DIR: the build, default ./build;
#   env SEEDS: --seeds, default 5; EXTRA: more ccrnn-train options for the cerebellar (ccrnn) runs)
# The reference's toy configuration (neuralml/bp_lambda scripts/configs/*_linedraw.yaml): lr_rnn = lr_readout
# = 0 (--freeze-cortex), lr_synthesiser 1e-4 (--lr-cerebellum), Adam (0.9, 0.98, 1e-9), batch 10, 10 epochs of
# 100 batches, no gradient clipping (its clip never reaches the trainer), a linear synthesiser with bias and
# zero initial weights, sg_weight 1, gamma 1, the per-step update clip 1, no prediction after the last step.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 linear|tanh OUTDIR" >&2; exit 2; }
cell=$1 out=$2
root="$(cd "$(dirname "$0")/.." && pwd)"
train="${CCRNN_BUILD_DIR:-$root/build}/apps/train/ccrnn-train"
mkdir -p "$out"
[[ -e "$out/toy.h5" ]] || /usr/bin/python3 "$root/scripts/make_bp_lambda_toy.py" "$out/toy.h5"
common=(--task trials --trials "$out/toy.h5" --cell "$cell" --hidden 30 --freeze-cortex --lr 1e-4 --batch 10
        --epochs 10 --clip 0 --seeds "${SEEDS:-5}" --record-every 10 --record-arrays)
cerebellum=(--model ccrnn --cerebellum-layers 0 --sg-scale 1 --no-final-injection --lr-cerebellum 1e-4 ${EXTRA:-})  # refused for a cRNN
for l in 1 0.5 0; do
  "$train" "${common[@]}" "${cerebellum[@]}" --T 1 --online --bp-lambda $l --bp-gamma 1 --bp-update-clip 1 --out "$out/bpl_$l.h5"
done
for T in 1 3; do
  "$train" "${common[@]}" "${cerebellum[@]}" --T $T --out "$out/dni_T$T.h5"
  "$train" "${common[@]}" --model crnn --T $T --out "$out/crnn_T$T.h5"
done
/usr/bin/python3 "$root/scripts/bp_lambda_alignment.py" "BP(1)=$out/bpl_1.h5" "BP(0.5)=$out/bpl_0.5.h5" \
  "BP(0)=$out/bpl_0.h5" "DNI_T1=$out/dni_T1.h5" "DNI_T3=$out/dni_T3.h5" "cRNN_T1=$out/crnn_T1.h5" \
  "cRNN_T3=$out/crnn_T3.h5" --figure "$out/alignment.png" | tee "$out/alignment.txt"
