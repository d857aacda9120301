#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (npm run e2e): Playwright's own
# browser download cannot work on machines without internet, the distribution's package can.
# Installs it with apt-get when missing and running as root; otherwise says what to do.
set -euo pipefail
bin="${ARGUS_CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$bin" ]]; then
	echo "chromium: $("$bin" --version 2>/dev/null | head -1) at $bin"
	exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium: not found at $bin. Install it (sudo apt-get install -y chromium) or set ARGUS_CHROMIUM_PATH." >&2
	exit 1
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log="$root/.infra/logs/chromium-apt.log"
mkdir -p "$(dirname "$log")"
echo "chromium: not found: installing it from apt (apt-get update && apt-get install -y chromium), log ${log#"$root"/}…"
start=$(date +%s)
if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1 </dev/null; then
	echo "chromium: apt-get install chromium failed; the end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
echo "chromium: installed in $(($(date +%s) - start)) s: $("$bin" --version 2>/dev/null | head -1)"
