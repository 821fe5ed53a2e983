#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz one after the other (docs/fuzzing.md).
#   scripts/fuzz.sh [--seconds N] [--build DIR] [READER ...]
# READER: a libFuzzer harness of tests/fuzz (mnist_idx, coco_json, ...) or read_results (ccrnn.read_results,
# tests/fuzz/fuzz_read_results.py); default: all.
# Each harness starts from its seed corpus (tests/fuzz/corpus/<reader>/, never modified) plus what earlier
# runs found (DIR/fuzz/corpus/<reader>/), runs N seconds (default 30) and writes any crashing input to
# DIR/fuzz/findings/<reader>/. Prints one line per reader (executions, executions/s, corpus size) and
# exits 1 if any harness found something. DIR (default build-fuzz) must be configured with
# -DCCRNN_FUZZ=ON and the target `fuzzers` built; coverage in the libraries (scripts/sanitize.sh --fuzz) makes
# the search effective, CI's build (scripts/sanitize.sh) has it in the harnesses only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=30
build="$root/build-fuzz"
readers=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --build) build="$(cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) readers+=("$1"); shift ;;
  esac
done
# DIR must hold the harnesses (-DCCRNN_FUZZ=ON). With the libraries instrumented for coverage (the fuzzing build,
# build-fuzz/) libFuzzer is guided by every reader's branches; CI's sanitizer build (build-sanitize/, coverage off
# to keep its cold build in budget) guides it by the harness's own code only: its bounded runs are a smoke test
# of the harnesses under the sanitizers, the long runs belong to the fuzzing build. (read_results needs no build.)
if [[ " ${readers[*]} " != " read_results " ]] && ! grep -qx "CCRNN_FUZZ:BOOL=ON" "$build/CMakeCache.txt" 2> /dev/null; then
  echo "fuzz: $build has no fuzz harnesses (configure with -DCCRNN_FUZZ=ON): run scripts/sanitize.sh --fuzz" >&2
  exit 2
fi
if ! grep -qx "CCRNN_FUZZ_COVERAGE:BOOL=ON" "$build/CMakeCache.txt" 2> /dev/null; then
  echo "fuzz: $build has no coverage in the libraries (CI's sanitizer build): libFuzzer sees the harnesses' branches only" >&2
fi
if ((${#readers[@]} == 0)); then
  read -r -a readers <<< "$(tr ';' ' ' < "$build/tests/fuzz/readers.txt")"
  readers+=(read_results)
fi

# Findings in our code abort the run; system libraries' leaks are suppressed by the commented file only.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0"

failed=0
for reader in "${readers[@]}"; do
  if [[ $reader == read_results ]]; then  # ccrnn.read_results (Python): random structured files, not libFuzzer
    /usr/bin/python3 "$root/tests/fuzz/fuzz_read_results.py" --seconds "$seconds" --findings "$build/fuzz/findings/$reader" || failed=1
    continue
  fi
  exe="$build/tests/fuzz/fuzz_$reader"
  [[ -x "$exe" ]] || { echo "fuzz: $exe is missing: build the target fuzzers" >&2; exit 2; }
  corpus="$build/fuzz/corpus/$reader"
  findings="$build/fuzz/findings/$reader"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz/$reader.log"
  # -rss_limit_mb/-malloc_limit_mb: a reader that tries to allocate more than 2 GB for a few-KB input is a finding
  # (impossible sizes must be refused before allocating); -timeout: one input may take at most 10 s.
  if "$exe" "$corpus" "$root/tests/fuzz/corpus/$reader" -max_total_time="$seconds" -max_len=4096 \
       -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$findings/" > "$log" 2>&1; then
    status=ok
  else
    status=FINDING
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$log" | awk '{print $2}' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$log" | awk '{print $2}' | tail -1)
  printf 'fuzz %-18s %-7s %10s inputs %7s exec/s  corpus %5s files  (%s)\n' "$reader" "$status" "${runs:-?}" \
    "${speed:-?}" "$(ls "$corpus" | wc -l)" "$log"
  if [[ $status == FINDING ]]; then grep -E "ERROR|finding|runtime error|SUMMARY|Test unit written" "$log" | head -8 >&2; fi
done
exit $failed
