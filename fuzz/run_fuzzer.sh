#!/usr/bin/env bash
# run_fuzzer.sh BINARY SEEDS WORK [--workers N] [libFuzzer options...]
# Runs one libFuzzer target over the seed corpus (read only) and a working
# corpus in WORK/corpus that keeps what runs discover; a crash, a sanitizer
# report or a timeout leaves its input in WORK/artifacts and fails the run.
#
# --workers N runs N copies of the target at once on the same working corpus
# (each picks up what the others found when it reloads the corpus, every
# -reload seconds), each with the given options, so -runs applies to each.
# Their output goes to WORK/worker-<i>.log; the script prints the end of each
# log and the executions of all workers together, and fails if any worker
# failed.
set -euo pipefail
bin=$1 seeds=$2 work=$3
shift 3
workers=1
if [[ ${1:-} == --workers ]]; then
  workers=$2
  shift 2
fi
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
run=("$bin" -artifact_prefix="$work/artifacts/" -timeout=10 -rss_limit_mb=2048
     -print_final_stats=1 "$@" "$work/corpus" "$seeds")
if (( workers <= 1 )); then
  exec "${run[@]}"
fi

pids=()
trap 'kill -INT "${pids[@]}" 2>/dev/null || true' INT TERM
for ((i = 1; i <= workers; i++)); do
  "${run[@]}" >"$work/worker-$i.log" 2>&1 &
  pids+=($!)
done
status=0
for ((i = 1; i <= workers; i++)); do
  if ! wait "${pids[i - 1]}"; then
    echo "worker $i failed: $work/worker-$i.log" >&2
    status=1
  fi
done
total=0
for ((i = 1; i <= workers; i++)); do
  echo "--- worker $i ($work/worker-$i.log)"
  tail -n 12 "$work/worker-$i.log"
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/worker-$i.log" | tail -n 1)
  total=$((total + ${n:-0}))
done
echo "executions, all workers: $total"
exit $status
