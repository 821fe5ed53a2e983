#!/usr/bin/env bash
# Smoke run of every executable of a (sanitized) build at small sizes, with good and bad inputs: each
# command must end with its documented exit code (0 success, 1 bad data or divergence, 2 bad usage) and
# without a sanitizer report. Usage: tests/sanitize/smoke_apps.sh BUILD_DIR   (scripts/sanitize.sh runs it)
set -uo pipefail
build="$(cd "$1" && pwd)"
apps="$build/apps"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
count=0
# No command of this script needs 4 GB: one that tries (an impossible size not refused) is stopped, not the machine.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}hard_rss_limit_mb=4096"

# expect CODE CMD...: runs CMD, checks its exit code, and fails on any sanitizer report in its output.
expect() {
  local want="$1"; shift
  count=$((count + 1))
  "$@" > out.txt 2> err.txt
  local got=$?
  if [[ $got != "$want" ]] || grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" err.txt; then
    echo "smoke FAILED (exit $got, expected $want): $*" >&2
    sed -n '1,40p' err.txt >&2
    failures=$((failures + 1))
  fi
}

tiny=(--epochs 1 --seeds 1 --quiet)
lines=(--train-size 40 --val-size 10 --test-repeats 1 --hidden 8 --batch 10)
digits=(--train-size 40 --val-size 10 --batch 10 --hidden 8 --cerebellum-hidden 16)

for exe in linedraw/ccrnn-linedraw seqmnist/ccrnn-seqmnist caption/ccrnn-caption train/ccrnn-train sweep/ccrnn-sweep \
           report/ccrnn-report make_digits/ccrnn-make-digits make_scenes/ccrnn-make-scenes; do
  expect 0 "$apps/$exe" --help
done
expect 0 "$apps/linedraw/ccrnn-linedraw" --version

# line drawing: a run, refusals, a config file, divergence
expect 0 "$apps/linedraw/ccrnn-linedraw" "${tiny[@]}" "${lines[@]}" --cerebellum-hidden 16 --out ld.h5
expect 2 "$apps/linedraw/ccrnn-linedraw" "${tiny[@]}" "${lines[@]}" --out ld.h5          # exists
expect 2 "$apps/linedraw/ccrnn-linedraw" --hidden 0 --out x.h5
expect 2 "$apps/linedraw/ccrnn-linedraw" --hidden 1000000000 --out x.h5
expect 2 "$apps/linedraw/ccrnn-linedraw" --seeds 1-100000000000 --out x.h5
expect 2 "$apps/linedraw/ccrnn-linedraw" --no-such-option
printf 'hidden = 8\nepochs = 1\nnot a line\n' > bad.ini
expect 2 "$apps/linedraw/ccrnn-linedraw" --config bad.ini --out x.h5
printf 'hidden = 8\nepochs = 1\ntrain_size = 40\nval_size = 10\ntest_repeats = 1\nbatch = 10\n' > good.ini
expect 0 "$apps/linedraw/ccrnn-linedraw" --config good.ini --seeds 1 --model crnn --quiet --out ini.h5
expect 1 "$apps/linedraw/ccrnn-linedraw" "${tiny[@]}" "${lines[@]}" --model crnn --optimizer sgd --lr 1e30 --clip 0 --out div.h5

# checkpoints: kept after one epoch, continued to two, a damaged one refused (docs/checkpoints.md)
expect 0 "$apps/linedraw/ccrnn-linedraw" "${tiny[@]}" "${lines[@]}" --model crnn --checkpoint-every 1 --keep-checkpoints --out ck.h5
expect 0 "$apps/linedraw/ccrnn-linedraw" --epochs 2 --seeds 1 --quiet "${lines[@]}" --model crnn --checkpoint-every 1 \
  --keep-checkpoints --overwrite --out ck.h5
echo "not hdf5" > ck.checkpoint/crnn.seed1.h5
expect 1 "$apps/linedraw/ccrnn-linedraw" --epochs 2 --seeds 1 --quiet "${lines[@]}" --model crnn --checkpoint-every 1 \
  --overwrite --out ck.h5

# sequential MNIST: built-in digits, exported IDX files (gzip), a corrupt file, export as trials
expect 0 "$apps/seqmnist/ccrnn-seqmnist" "${tiny[@]}" "${digits[@]}" --target class --out sm.h5
expect 0 "$apps/make_digits/ccrnn-make-digits" --out idx --train 300 --test 50 --gzip --quiet
expect 0 "$apps/seqmnist/ccrnn-seqmnist" "${tiny[@]}" "${digits[@]}" --mnist-dir idx --out smi.h5
mkdir -p badidx && cp idx/* badidx/ && head -c 100 idx/t10k-images-idx3-ubyte.gz > badidx/t10k-images-idx3-ubyte.gz
expect 1 "$apps/seqmnist/ccrnn-seqmnist" "${tiny[@]}" "${digits[@]}" --mnist-dir badidx --out x.h5
expect 0 "$apps/seqmnist/ccrnn-seqmnist" --mnist-dir idx --export-trials trials.h5 --quiet

# trials: the exported file, and a file that is not HDF5
expect 0 "$apps/train/ccrnn-train" --task trials --trials trials.h5 "${tiny[@]}" --train-size 40 --batch 10 --hidden 8 \
  --cerebellum-hidden 16 --out tr.h5
echo "not hdf5" > junk.h5
expect 1 "$apps/train/ccrnn-train" --task trials --trials junk.h5 "${tiny[@]}" --out x.h5

# captioning: built-in scenes, exported COCO files, a broken JSON
scenes=(--scene-train 20 --scene-val 5 --scene-test 5 --feature-size 8)
small_caption=(--hidden 8 --embedding 8 --cerebellum-hidden 16 --batch 5)
expect 0 "$apps/caption/ccrnn-caption" "${tiny[@]}" "${scenes[@]}" "${small_caption[@]}" --out cap.h5
expect 0 "$apps/make_scenes/ccrnn-make-scenes" --out coco "${scenes[@]}"
files=(--train-json coco/captions_train.json --train-features coco/features_train.h5
       --val-json coco/captions_val.json --val-features coco/features_val.h5
       --test-json coco/captions_test.json --test-features coco/features_test.h5)
if [[ -f coco/captions_train.json ]]; then
  expect 0 "$apps/caption/ccrnn-caption" "${tiny[@]}" "${small_caption[@]}" "${files[@]}" --out capf.h5
  echo '{"images": [' > coco/captions_val.json
  expect 1 "$apps/caption/ccrnn-caption" "${tiny[@]}" "${small_caption[@]}" "${files[@]}" --out x.h5
else
  echo "smoke FAILED: ccrnn-make-scenes wrote $(ls coco)" >&2; failures=$((failures + 1))
fi

# sweep: a grid, one diverging run (recorded as failed: exit 1), then the report of both
expect 0 "$apps/sweep/ccrnn-sweep" --task linedraw --grid T=1,2 --seeds 1 --threads 1 --quiet "${lines[@]}" --cerebellum-hidden 16 --epochs 1 --out sw.h5
expect 1 "$apps/sweep/ccrnn-sweep" --task linedraw --grid lr=0.01,1e30 --grid model=crnn --seeds 1 --threads 1 --quiet \
  "${lines[@]}" --epochs 1 --optimizer sgd --clip 0 --out swd.h5
expect 2 "$apps/sweep/ccrnn-sweep" --task linedraw --grid nonsense=1,2 --out x.h5
expect 0 "$apps/sweep/ccrnn-sweep" --task linedraw --grid T=1,2 --seeds 1 --threads 1 --quiet "${lines[@]}" --grid model=crnn \
  --epochs 1 --checkpoint-every 1 --out swc.h5
expect 0 "$apps/report/ccrnn-report" sw.h5 ld.h5 sm.h5 tr.h5 cap.h5 --curve val_error
expect 0 "$apps/report/ccrnn-report" swd.h5
expect 1 "$apps/report/ccrnn-report" junk.h5
expect 2 "$apps/report/ccrnn-report"

echo "smoke: $((count - failures)) of $count commands as expected"
((failures == 0))
