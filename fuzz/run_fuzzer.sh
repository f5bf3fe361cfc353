#!/usr/bin/env bash
# run_fuzzer.sh BINARY SEEDS WORK [libFuzzer options...]
# Runs one libFuzzer target over the seed corpus (read only) and a working
# corpus in WORK/corpus that keeps what runs discover; a crash, a sanitizer
# report or a timeout leaves its input in WORK/artifacts and fails the run.
set -euo pipefail
bin=$1 seeds=$2 work=$3
shift 3
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$bin" -artifact_prefix="$work/artifacts/" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$@" "$work/corpus" "$seeds"
