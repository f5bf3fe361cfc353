#!/usr/bin/env bash
# Installs what zhurnal needs to build, test and run on Debian 12, from
# Debian's own packages. Safe to run again: installs only what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev librocksdb-dev capnproto libcapnp-dev libspdlog-dev
  libgtest-dev libbenchmark-dev libsodium-dev libssl-dev libcli11-dev
  libhowardhinnant-date-dev libcsv-dev libabsl-dev libmimalloc-dev tzdata
  chromium chromium-l10n
  libxlsxwriter-dev libminizip-dev libpq-dev
  clang-16 libclang-rt-16-dev
)
# The browser tests need Node.js with npm. A machine may already have them
# from elsewhere (NodeSource's nodejs bundles npm, and Debian's npm package
# would conflict with it): install Debian's only when the commands are missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

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
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
