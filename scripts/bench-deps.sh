#!/usr/bin/env bash
# Installs what the benchmarks need beyond scripts/install-deps.sh (they are
# not built or run in CI): PostgreSQL 15 for the append peer (the server
# binaries: initdb, pg_ctl, postgres) and libpq for its client, and perf for
# profiling. Debian 12 packages; safe to run again.
set -euo pipefail

packages=(postgresql-15 libpq-dev linux-perf)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
# The benchmark starts its own PostgreSQL in a scratch directory; the
# cluster Debian's package creates is not used and need not run.
