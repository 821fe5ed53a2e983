#!/usr/bin/env bash
# A/B comparison of the cortico-cerebellar loop with its PyTorch peer (bench/torch_loop.py, whose gradients
# tests/python/test_torch_loop.py checks against ccrnn's), interleaved in one session so that the machine's
# drift hits both sides alike: ROUNDS x (ccrnn-bench-loop, then the peer on each task), one thread each
# (OMP_NUM_THREADS=1, torch.set_num_threads(1)), then the median seconds per epoch of each task and the ratio,
# in wall-clock time and in CPU time (the steadier of the two when other jobs share the cores). The peer
# runs with OPENBLAS_CORETYPE=SkylakeX, as in bench/compare_torch.sh (OpenBLAS 0.3.21 does not recognise Zen 5).
# Both sides train the ccRNN with the tasks' defaults (N = 50, M = 1000, tau = 3, batch 10, fixed cortex):
#   loopdraw: one epoch = 1000 trials of 20 steps; evidence: 800 trials of 50 steps.
# Usage: bench/compare_torch_loop.sh [rounds=3] [epochs per measurement=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CCRNN_BUILD_DIR:-$root/build}"
bench="$build/bench/ccrnn-bench-loop"
peer="$root/bench/torch_loop.py"
rounds="${1:-3}"
epochs="${2:-3}"
[[ -x "$bench" ]] || { echo "compare_torch_loop: $bench not built (cmake --build build --target ccrnn-bench-loop)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "compare_torch_loop: torch missing (scripts/setup.sh installs python3-torch)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OMP_NUM_THREADS=1

for ((r = 1; r <= rounds; ++r)); do
  "$bench" "$epochs" loopdraw evidence | awk '!/^#/ && $1 != "task" {print $1, $2, $3}' >> "$out/ours"
  for task in loopdraw evidence; do
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 "$peer" --task "$task" --epochs "$epochs" --threads 1 \
      | sed -n "s/.* sec_per_epoch=\([0-9.]*\) cpu_sec_per_epoch=\([0-9.]*\).*/$task \1 \2/p" >> "$out/peer"
  done
  echo "round $r/$rounds done" >&2
done
/usr/bin/python3 - "$out/ours" "$out/peer" <<'PY'
import statistics, sys
def load(path):  # task -> (median wall s/epoch, median CPU s/epoch) over the rounds
    d = {}
    for line in open(path):
        k, wall, cpu = line.split()
        d.setdefault(k, []).append((float(wall), float(cpu)))
    return {k: tuple(statistics.median(x[i] for x in v) for i in (0, 1)) for k, v in d.items()}
ours, peer = load(sys.argv[1]), load(sys.argv[2])
if set(ours) != set(peer) or not ours:
    sys.exit(f"compare_torch_loop: missing timings (ccrnn: {sorted(ours)}, torch: {sorted(peer)})")
print("1 thread, median seconds per epoch over rounds (wall-clock | CPU)")
print(f"{'task':10s} {'ccrnn':>8s} {'torch':>8s} {'speed-up':>9s} | {'ccrnn':>8s} {'torch':>8s} {'speed-up':>9s}")
for task in sorted(peer):
    (ow, oc), (pw, pc) = ours[task], peer[task]
    print(f"{task:10s} {ow:8.4f} {pw:8.4f} {pw / ow:8.2f}x | {oc:8.4f} {pc:8.4f} {pc / oc:8.2f}x")
PY
