#!/usr/bin/env bash
# Installs dependencies, builds, and starts the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/zhurnal serve --demo --data "${ZHURNAL_DATA:-demo-data}" \
  --listen "${ZHURNAL_LISTEN:-127.0.0.1:8080}" --web web
