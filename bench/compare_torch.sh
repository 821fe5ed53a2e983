#!/usr/bin/env bash
# A/B comparison with the PyTorch peer (../shared/bench/torch_ccrnn.py), interleaved in one session so
# that the machine's drift hits both sides alike: ROUNDS x (ccrnn benchmark, then the peer's runs), one
# thread, then the median seconds per epoch of each case and the speed-ups.
#   linedraw: cRNN and ccRNN at T=1 (800 samples, N=50, cerebellum 2x400)
#   seqmnist: seqmnist_draw and seqmnist_class, cRNN and ccRNN at T=1 and T=3 (4800 samples, N=30,
#             cerebellum 1x300 as in the papers: the peer gets --synth-hid 300 --synth-nlayers 1)
# Needs the peer's packages: scripts/setup.sh --with-torch.
# Usage: bench/compare_torch.sh [rounds=3] [linedraw|seqmnist]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peer="${CCRNN_PEER:-$root/../shared/bench/torch_ccrnn.py}"
build="${CCRNN_BUILD_DIR:-$root/build}"
rounds="${1:-3}"
task="${2:-linedraw}"
case "$task" in
  linedraw) bench="$build/bench/ccrnn-bench-linedraw" ;;
  seqmnist) bench="$build/bench/ccrnn-bench-seqmnist" ;;
  *) echo "compare_torch: unknown task '$task' (linedraw or seqmnist)" >&2; exit 2 ;;
esac
[[ -x "$bench" ]] || { echo "compare_torch: $bench not built (scripts/build.sh)" >&2; exit 1; }
[[ -f "$peer" ]] || { echo "compare_torch: peer script $peer not found (set CCRNN_PEER)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

peer_run() {  # peer_run KEY ARGS...: appends "KEY seconds" to $out/peer
  local key="$1"; shift
  OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 /usr/bin/python3 "$peer" --threads 1 "$@" \
    | sed -n 's/.*sec_per_epoch=\([0-9.]*\).*/\1/p' | sed "s/^/$key /" >> "$out/peer"
}

for ((r = 1; r <= rounds; ++r)); do
  if [[ "$task" == linedraw ]]; then
    "$bench" 6 | awk '$2 == 1 {print "linedraw_" $1 "_T1", $3}' >> "$out/ours"
    for model in lstm cc; do peer_run "linedraw_${model}_T1" --task linedraw --model "$model" --T 1 --epochs 6; done
  else
    "$bench" 4 | awk '!/^#/ && $1 != "task" {print $1 "_" $2 "_T" $3, $4}' >> "$out/ours"
    for t in draw class; do
      for T in 1 3; do
        for model in lstm cc; do
          peer_run "${t}_${model}_T${T}" --task "seqmnist_$t" --model "$model" --T "$T" --epochs 4 \
            --synth-hid 300 --synth-nlayers 1
        done
      done
    done
  fi
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
print("1 thread, median s/epoch over rounds")
print(f"{'case':24s} {'ccrnn':>8s} {'torch':>8s} {'speed-up':>9s}")
for key in sorted(peer):
    ours_key = key.replace("_lstm_", "_crnn_").replace("_cc_", "_ccrnn_")
    if ours_key in ours:
        print(f"{ours_key:24s} {ours[ours_key]:8.4f} {peer[key]:8.4f} {peer[key] / ours[ours_key]:8.2f}x")
PY
