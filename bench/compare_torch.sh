#!/usr/bin/env bash
# A/B comparison with the PyTorch peer (../shared/bench/torch_ccrnn.py), interleaved in one session so
# that the machine's drift hits both sides alike: ROUNDS x (ccrnn benchmark, peer cRNN, peer ccRNN) at
# T=1, one thread, then the median seconds per epoch of each and their ratios.
# Needs the peer's packages: scripts/setup.sh --with-torch. Usage: bench/compare_torch.sh [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peer="${CCRNN_PEER:-$root/../shared/bench/torch_ccrnn.py}"
bench="${CCRNN_BUILD_DIR:-$root/build}/bench/ccrnn-bench-linedraw"
rounds="${1:-3}"
[[ -x "$bench" ]] || { echo "compare_torch: $bench not built (scripts/build.sh)" >&2; exit 1; }
[[ -f "$peer" ]] || { echo "compare_torch: peer script $peer not found (set CCRNN_PEER)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; ++r)); do
  "$bench" 6 | awk '$2 == 1 {print $1, $3}' >> "$out/ours"
  for model in lstm cc; do
    OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 /usr/bin/python3 "$peer" --task linedraw --model "$model" --T 1 \
      --threads 1 --epochs 6 | sed -n 's/.*sec_per_epoch=\([0-9.]*\).*/\1/p' | sed "s/^/$model /" >> "$out/peer"
  done
  echo "round $r/$rounds done" >&2
done
/usr/bin/python3 - "$out/ours" "$out/peer" <<'PY'
import statistics, sys
def load(path):
    d = {}
    for line in open(path):
        k, v = line.split()
        d.setdefault(k, []).append(float(v))
    return {k: statistics.median(v) for k, v in d.items()}
ours, peer = load(sys.argv[1]), load(sys.argv[2])
print("linedraw T=1, 1 thread, median s/epoch over rounds")
for name, ours_key, peer_key in (("cRNN", "crnn", "lstm"), ("ccRNN", "ccrnn", "cc")):
    print(f"{name:6s} ccrnn {ours[ours_key]:.4f}  torch {peer[peer_key]:.4f}  speed-up {peer[peer_key] / ours[ours_key]:.2f}x")
PY
