#!/usr/bin/env bash
# Browser tests of the web pages: starts `zhurnal serve --demo` on a free
# loopback port with a fresh data directory, runs every tests/web/*_test.mjs
# in headless Chromium (Debian's chromium, driven by playwright-core), saves a
# screenshot of each page, stops the server. Exit status 0 only when every
# test passed; the last line is "N passed, N failed".
#
#   tests/web/run.sh [path/to/zhurnal]        (or ZHURNAL_BIN=...; default build/zhurnal)
#
# Environment: ZHURNAL_WEB_SCREENSHOTS (default /tmp/zhurnal-web-screenshots),
# CHROMIUM (default /usr/bin/chromium), KEEP_DATA=1 keeps the data directory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-${ZHURNAL_BIN:-$root/build/zhurnal}}"
shots="${ZHURNAL_WEB_SCREENSHOTS:-/tmp/zhurnal-web-screenshots}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

fail() { echo "web tests: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
[ -x "$bin" ] || fail "no zhurnal binary at $bin (pass its path or set ZHURNAL_BIN)"
[ -x "$chromium" ] || fail "no Chromium at $chromium (Debian: apt-get install chromium)"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed (Debian: apt-get install nodejs npm)"

# npm dependencies (playwright-core only), exactly as locked.
wanted="$(node -p "require('$here/package.json').devDependencies['playwright-core']")"
have="$(node -p "require('$here/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
if [ "$wanted" != "$have" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
fi

work="$(mktemp -d /tmp/zhurnal-web-XXXXXX)"
rm -rf "$shots" && mkdir -p "$shots"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_DATA:-0}" = 1 ]; then echo "data and server log kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Port 0: the server binds a free port and prints the address it serves.
"$bin" serve --data "$work/data" --listen 127.0.0.1:0 --web "$root/web" \
  --demo --demo-weeks 2 --buffered >"$work/server.out" 2>"$work/server.log" &
server_pid=$!

url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/server.out" 2>/dev/null | head -1 || true)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server exited"; }
  sleep 0.2
done
[ -n "$url" ] || { tail -20 "$work/server.log" >&2; fail "the server did not start within 120 s"; }
# Give the hints a moment to be flushed after the address line.
sleep 0.2

# Every tests/web/*_test.mjs in turn against the same server; the totals
# of their summaries make the last line. A file that dies without a summary
# counts as one failure.
status=0
passed=0
failed=0
for test_file in "$here"/*_test.mjs; do
  name="$(basename "$test_file" .mjs)"
  echo "--- $name ---"
  rm -f "$work/summary-$name"
  node "$test_file" --url "$url" --hints "$work/server.out" --screenshots "$shots" \
    --chromium "$chromium" --summary "$work/summary-$name" --bin "$bin" || status=1
  if read -r p _ f _ <"$work/summary-$name" 2>/dev/null; then
    passed=$((passed + p))
    failed=$((failed + f))
  else
    failed=$((failed + 1))
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 30 lines) ---"
  tail -30 "$work/server.log"
fi
echo "screenshots: $shots"
echo "$passed passed, $failed failed"
exit "$status"
