#!/usr/bin/env bash
# The main job: installs what is missing, builds in Release, trains line drawing (cRNN vs ccRNN, 10 seeds
# x 100 epochs, T=1, feedback every 2nd step: the papers' setup), writes results/linedraw.h5 and
# results/linedraw.png and prints the summary table. Extra arguments go to ccrnn-linedraw.
# An earlier results/linedraw.h5 is never deleted: it is kept under a time-stamped name.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh --target ccrnn-linedraw
mkdir -p results
if [[ -e results/linedraw.h5 ]]; then
  kept="results/linedraw-$(date -u +%Y%m%dT%H%M%SZ).h5"
  mv results/linedraw.h5 "$kept"
  echo "run_linedraw: kept the previous results as $kept"
fi
build="${CCRNN_BUILD_DIR:-$root/build}"
"$build/apps/linedraw/ccrnn-linedraw" --model crnn,ccrnn --seeds 10 --epochs 100 --T 1 --feedback-interval 2 \
  --out results/linedraw.h5 "$@"
/usr/bin/python3 scripts/plot_linedraw.py results/linedraw.h5 --out results/linedraw.png
echo "figure: results/linedraw.png"
