#!/usr/bin/env bash
# Configures and builds zhurnal into ./build (RelWithDebInfo by default).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C build -j"${JOBS:-2}"
