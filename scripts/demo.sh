#!/usr/bin/env bash
# Installs dependencies, builds, and starts the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/zhurnal demo-log --data "${ZHURNAL_DATA:-demo-data}"
