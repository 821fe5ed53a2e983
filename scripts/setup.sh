#!/usr/bin/env bash
# Installs every Debian package ccrnn needs to build, test and plot, and nothing else.
# Idempotent: packages already present are skipped, so a warm machine pays only a dpkg query.
# Usage: scripts/setup.sh [--with-torch]   (--with-torch adds the OpenMP OpenBLAS that the DNI peer's timings in
# bench/compare_torch.sh use; python3-torch itself is always installed: tests/python/test_torch_loop.py checks
# the loop's gradients against bench/torch_loop.py)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev libhdf5-dev libboost-program-options-dev libboost-dev catch2
  zlib1g-dev nlohmann-json3-dev libopenmpi-dev openmpi-bin pybind11-dev python3-dev
  python3-numpy python3-h5py python3-matplotlib python3-pytest python3-nbclient python3-ipykernel jupyter-nbconvert
  python3-pip python3-setuptools python3-wheel python3-venv python3-build
  # the loop's PyTorch peer (bench/torch_loop.py), which a test checks ccrnn's gradients against
  python3-torch
  # the sanitizer and fuzzing stage (scripts/sanitize.sh): clang, its sanitizer/libFuzzer runtimes, LLVM's OpenMP
  clang libclang-rt-dev libomp-dev
)
if [[ "${1:-}" == "--with-torch" ]]; then
  packages+=(libopenblas0-openmp)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
