#!/usr/bin/env bash
# Runs the real-browser tests of the Checkout.com capture page: installs Debian's Chromium when
# it is missing, installs the pinned playwright-core, builds facesim (unless FACESIM_BIN names a
# binary) and runs hosted_page.mjs and dashboard.mjs (the control page). Exits non-zero when a
# scenario fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  echo "browser tests: installing Chromium with apt"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ -z "${FACESIM_BIN:-}" ]; then
  (cd "$repo" && cargo build -q -p facesim --bin facesim)
  export FACESIM_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/facesim"
else
  # A relative path names a file from where this script was started, not from its folder.
  FACESIM_BIN="$(cd "$(dirname "$FACESIM_BIN")" && pwd)/$(basename "$FACESIM_BIN")"
  export FACESIM_BIN
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

status=0
(cd "$here" && node hosted_page.mjs "$@") || status=$?
(cd "$here" && node dashboard.mjs) || status=$?
if [ "$status" -eq 0 ]; then
  echo "browser tests: PASS"
else
  echo "browser tests: FAIL (screenshots of failed pages in $repo/target/browser/)"
fi
exit "$status"
