#!/usr/bin/env bash
# The sanitizer stage of CI (.ci/run runs it after scripts/test.sh): a second build with clang,
# AddressSanitizer + UndefinedBehaviorSanitizer (no recovery) and asserts on, at -O1 with line tables only
# (enough for symbolized sanitizer stacks with file and line; full -g adds compile time to every file); then
#   1. the C++ suite (ccrnn_tests through ctest, without the Python, notebook and install tests),
#   2. a smoke run of every executable with good and bad inputs (tests/sanitize/smoke_apps.sh),
#   3. every fuzz harness on its regression inputs, then a bounded run from its seed corpus
#      (CCRNN_FUZZ_SECONDS each, default 20; docs/fuzzing.md).
# Leaks inside system libraries are suppressed by tests/sanitize/lsan.supp only. Build directory:
# $CCRNN_SANITIZE_BUILD_DIR or build-sanitize.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CCRNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
seconds="${CCRNN_FUZZ_SECONDS:-20}"
bash "$root/scripts/setup.sh"

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCCRNN_FUZZ=ON \
  -DCCRNN_BUILD_PYTHON=OFF -DCCRNN_BUILD_BENCH=OFF "${launcher[@]}" > "$build.configure.log"
cmake --build "$build" -j "$(nproc)" --target ccrnn_tests fuzzers ccrnn-train ccrnn-linedraw ccrnn-seqmnist \
  ccrnn-caption ccrnn-sweep ccrnn-report ccrnn-make-digits ccrnn-make-scenes

export ASAN_OPTIONS="detect_leaks=1:exitcode=86:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0"
# Open MPI started as a singleton by ccrnn-sweep (no mpirun): allowed as root in CI containers.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "== sanitized C++ suite"
(cd "$build" && ctest -j "$(nproc)" --output-on-failure -LE fuzz -E "^(python_tests|consumer_find_package|notebook_)")
echo "== sanitized smoke run of every executable"
bash "$root/tests/sanitize/smoke_apps.sh" "$build"
echo "== fuzz regressions and a bounded run of every harness (${seconds} s each)"
(cd "$build" && ctest --output-on-failure -L fuzz)
bash "$root/scripts/fuzz.sh" --build "$build" --seconds "$seconds"
