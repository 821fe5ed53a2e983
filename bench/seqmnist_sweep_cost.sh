#!/usr/bin/env bash
# What the papers' seqMNIST sweep (docs/reproduction: 48,000 + 12,000 procedural images, 40 epochs,
# T in {1,2,3,4,5,7,10} x {crnn, ccrnn} plus full BPTT, targets line, digit and class, 10 seeds) costs
# with each given ccrnn-sweep, measured side by side in one session so that the machine's load hits all
# alike. For each target and sweep executable, the sweep's 15 runs of one seed are timed (CPU seconds,
# user + sys, one thread) at 1 and at 2 epochs: the difference is one epoch of all 15 runs, the rest is
# fixed cost (data, initialisation, test). The full sweep's CPU time is extrapolated as
#   sum over targets of 10 x (cpu(1 epoch) + 39 x (cpu(2 epochs) - cpu(1 epoch)))
# which counts the data generation ten times (a few seconds: conservative), and its time on 2 cores as
# half of that (the sweep balances 450 runs over both cores).
# Usage: bench/seqmnist_sweep_cost.sh SWEEP [SWEEP ...]   (e.g. an old build's ccrnn-sweep, then this one)
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 SWEEP_EXECUTABLE [SWEEP_EXECUTABLE ...]" >&2; exit 2; }
for sweep in "$@"; do
  [[ -x "$sweep" ]] || { echo "seqmnist_sweep_cost: $sweep is not an executable" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpu_seconds() {  # cpu_seconds SWEEP TARGET EPOCHS: user + sys seconds of the 15 runs of seed 1
  local sweep="$1" target="$2" epochs="$3" t
  t=$( { /usr/bin/time -f '%U %S' "$sweep" --task seqmnist --target "$target" --grid T=1,2,3,4,5,7,10 \
           --grid model=crnn,ccrnn --seeds 1 --epochs "$epochs" --threads 1 --no-weights --quiet \
           --out "$work/a.h5" --overwrite > /dev/null; } 2>&1 | tail -1 )
  local bptt
  bptt=$( { /usr/bin/time -f '%U %S' "$sweep" --task seqmnist --target "$target" --grid model=bptt --seeds 1 \
              --epochs "$epochs" --threads 1 --no-weights --quiet --out "$work/b.h5" --overwrite > /dev/null; } 2>&1 | tail -1 )
  echo "$t $bptt" | awk '{ printf "%.2f", $1 + $2 + $3 + $4 }'
}

printf '%-48s %-6s %10s %10s %12s\n' sweep target cpu_1ep_s cpu_epoch_s full_cpu_h
for target in line digit class; do
  for sweep in "$@"; do
    one=$(cpu_seconds "$sweep" "$target" 1)
    two=$(cpu_seconds "$sweep" "$target" 2)
    echo "$sweep $target $one $two" >> "$work/rows"
    awk -v s="$sweep" -v t="$target" -v a="$one" -v b="$two" \
      'BEGIN { printf "%-48s %-6s %10.1f %10.1f %12.2f\n", s, t, a, b - a, 10 * (a + 39 * (b - a)) / 3600 }'
  done
done
echo
echo "full sweep (3 targets x 10 seeds x 40 epochs):"
awk '{ full[$1] += 10 * ($3 + 39 * ($4 - $3)) } END { for (s in full) printf "  %-48s %6.2f CPU-hours, %5.2f h on 2 cores\n", s, full[s] / 3600, full[s] / 7200 }' "$work/rows"
