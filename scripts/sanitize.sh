#!/usr/bin/env bash
# The sanitizer stage: a second build with clang, AddressSanitizer + UndefinedBehaviorSanitizer (no recovery)
# and asserts on, at -O1 with line tables only (file and line in every sanitizer stack; full -g adds compile
# time to every file). Two modes (docs/fuzzing.md):
#   scripts/sanitize.sh          CI's sanitizer stage (.ci/run calls it after scripts/test.sh), in build-sanitize/,
#                                a unity build (cheaper cold, docs/fuzzing.md):
#                                1. the C++ suite (ccrnn_tests through ctest; [slow] tests, Python, notebooks
#                                   and the install test are left out), 2. a smoke run of every executable with
#                                good and bad inputs (tests/sanitize/smoke_apps.sh), 3. every fuzz harness once on
#                                its seeds and regression inputs, 4. a bounded run of every harness
#                                (CCRNN_FUZZ_SECONDS each, default 15). The libraries carry no libFuzzer coverage
#                                instrumentation (-DCCRNN_FUZZ_COVERAGE=OFF): replaying needs none, it makes the
#                                cold build cheaper, and the bounded runs are guided by the harnesses' branches.
#   scripts/sanitize.sh --fuzz   the fuzzing build, in build-fuzz/: libraries instrumented for coverage, the
#                                harnesses replayed, then a bounded run of each (CCRNN_FUZZ_SECONDS, default 15).
# Leaks inside system libraries are suppressed by tests/sanitize/lsan.supp only. Build directory:
# $CCRNN_SANITIZE_BUILD_DIR, default build-sanitize/ or build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=ci
case "${1:-}" in
  --fuzz) mode=fuzz ;;
  "") ;;
  -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "sanitize.sh: unknown argument '$1' (expected nothing or --fuzz)" >&2; exit 2 ;;
esac
if [[ $mode == fuzz ]]; then
  build="${CCRNN_SANITIZE_BUILD_DIR:-$root/build-fuzz}"
  coverage=ON
  targets=(fuzzers)
else
  build="${CCRNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
  coverage=OFF
  targets=(ccrnn_tests fuzzers ccrnn-train ccrnn-linedraw ccrnn-seqmnist ccrnn-caption ccrnn-sweep ccrnn-report
           ccrnn-make-digits ccrnn-make-scenes)
fi
seconds="${CCRNN_FUZZ_SECONDS:-15}"
bash "$root/scripts/setup.sh"

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# A unity build (up to 16 source files per compiler call): most of a sanitized compile is the back end on Eigen's
# inlined kernels, which each file instantiates again; batched, they are compiled once per batch (docs/fuzzing.md,
# "Cost of the sanitizer stage"). File-local names must therefore differ between the files of one target.
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCCRNN_FUZZ=ON \
  -DCCRNN_FUZZ_COVERAGE="$coverage" -DCCRNN_BUILD_PYTHON=OFF -DCCRNN_BUILD_BENCH=OFF \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 "${launcher[@]}" \
  > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:exitcode=86:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0"
# Open MPI started as a singleton by ccrnn-sweep (no mpirun): allowed as root in CI containers.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

if [[ $mode == ci ]]; then
  echo "== sanitized C++ suite"
  (cd "$build" && ctest -j "$(nproc)" --output-on-failure -LE fuzz -E "^(python_|consumer_find_package|notebook_)")
  echo "== sanitized smoke run of every executable"
  bash "$root/tests/sanitize/smoke_apps.sh" "$build"
fi
echo "== every fuzz harness on its seeds and regression inputs"
(cd "$build" && ctest -j "$(nproc)" --output-on-failure -L fuzz)
echo "== a bounded run of every harness (${seconds} s each)"
bash "$root/scripts/fuzz.sh" --build "$build" --seconds "$seconds"
