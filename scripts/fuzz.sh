#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz (clang-16 with ASan + UBSan, a
# configuration separate from the g++ build) and runs them (fuzz/).
#
#   scripts/fuzz.sh short   each target over its seed corpus, then 20 s of
#                           fuzzing (part of scripts/test.sh)
#   scripts/fuzz.sh long    10,000,000 executions per target, two workers of
#                           5,000,000 on one corpus (hours; ctest
#                           label "long", also `--target fuzz-long`)
#   scripts/fuzz.sh build   only configure and build
#
# A crash or sanitizer report fails the run and leaves the input in
# build-fuzz/fuzz/work/<target>/artifacts; reproduce it with
#   build-fuzz/fuzz/<target> <input>
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-short}"
case "$mode" in short|long|build) ;; *) echo "usage: $0 short|long|build" >&2; exit 2 ;; esac

if ! command -v clang++-16 >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: clang++-16 is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 -DZHURNAL_FUZZ=ON >/dev/null
fi
# Only the targets and the libraries they link; nothing else of the tree.
ninja -C "$build" -j"${ZHURNAL_JOBS:-2}" fuzz_request_decoder fuzz_stored_event fuzz_csv_import

case "$mode" in
  short) ctest --test-dir "$build" -L fuzz -LE long --output-on-failure ;;
  long)  ctest --test-dir "$build" -L fuzz -R '_long$' --output-on-failure ;;
  build) ;;
esac
