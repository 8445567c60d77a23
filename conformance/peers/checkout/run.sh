#!/usr/bin/env bash
# Runs the official Checkout.com SDKs (PyPI checkout-sdk, npm checkout-sdk-node), unchanged, against a running
# facesim: the Python flow, then the Node flow. Exits non-zero when either fails (both always run).
#
# Usage: conformance/peers/checkout/run.sh ROOT_URL      e.g. http://127.0.0.1:7700
# Needs python3 (3.10 or later, with venv) and node 20 + npm. Installs the pinned SDKs into
# target/peers-venv and conformance/peers/checkout/node/node_modules.
set -euo pipefail

if [ "$#" -ne 1 ] || [[ "$1" != http://* && "$1" != https://* ]]; then
  echo "usage: $0 ROOT_URL   (for example http://127.0.0.1:7700)" >&2
  exit 2
fi
root=${1%/}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
venv="$repo/target/peers-venv"

echo "== installing the pinned SDKs"
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$repo/target"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
(cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error)

status=0

echo "== checkout-sdk (Python) against $root"
if ! "$venv/bin/python" "$here/python/flow.py" "$root"; then
  status=1
fi

echo "== checkout-sdk-node against $root"
if ! node "$here/node/flow.mjs" "$root"; then
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "checkout-peers: 2 passed, 0 failed"
else
  echo "checkout-peers: one or both SDK flows failed (see FAIL lines above)"
fi
exit "$status"
