#!/usr/bin/env bash
# Installs dependencies, builds, and runs the default test suite (a few
# minutes): the C++ tests, then the browser tests of the web pages. Long
# runs (crash cycles, soak, fuzz) carry the ctest label "long" and are left
# out here; see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build -LE long --output-on-failure -j2 --timeout 600
bash scripts/fuzz.sh short  # libFuzzer targets, clang build in build-fuzz (fuzz/)
bash tests/web/run.sh build/zhurnal
