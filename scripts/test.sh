#!/usr/bin/env bash
# The test command: installs what is missing, builds in Release and runs the whole fast suite (Catch2
# unit tests, gradient checks, golden PyTorch comparisons, executables, Python, find_package consumer)
# through ctest. The long checks are separate: `cmake --build build --target check-slow`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
cd "${CCRNN_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "$(nproc)"
