#!/usr/bin/env bash
# Configures and builds ccrnn in Release into build/ (or $CCRNN_BUILD_DIR). Extra arguments go to the
# build step; bare names are targets, e.g. `scripts/build.sh ccrnn_tests ccrnn-linedraw`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CCRNN_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
args=()
previous=""
for a in "$@"; do
  if [[ "$a" == -* || "$previous" == "--target" || "$previous" == "-t" || "$previous" == "-j" ]]; then
    args+=("$a")
  else
    args+=(--target "$a")
  fi
  previous="$a"
done
cmake --build "$build" -j "$(nproc)" "${args[@]}"
