#!/usr/bin/env bash
# Runs Schemathesis with its default checks against a running facesim's vendor APIs.
#
#     schemas/schemathesis.sh http://127.0.0.1:7700 [extra `schemathesis run` options]
#
# Tests each API against the OpenAPI document the server publishes at {base}/_facesim/openapi/:
# {base}/truora/validations with the key truora-sim-key (truora-validations.json), then
# {base}/checkout with Authorization: Bearer sk_sbox_facesimsandboxsecretkeyaaaa
# (checkout-identity-verification.json), then {base}/trustmatic with HTTP Basic facesim:facesim
# (trustmatic-verification.json). Examples, coverage, fuzzing and stateful phases, a fixed seed, no
# example database. Exits non-zero on any finding and on any warning of any API
# (schemas/schemathesis.toml); all run either way. Resets the simulator before each API: give it
# a server of its own. Needs Schemathesis 4 (.ci/run pins the version) and jsonschema in the same
# Python environment (schemas/schemathesis_hooks.py); set SCHEMATHESIS to the executable when it
# is not on PATH.
set -euo pipefail

if [ $# -lt 1 ] || [[ "$1" != http* ]]; then
    sed -n '2,15s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
base=${1%/}
shift
st=${SCHEMATHESIS:-schemathesis}
case $st in */*) st="$(cd "$(dirname "$st")" && pwd)/$(basename "$st")" ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
checkout_key=sk_sbox_facesimsandboxsecretkeyaaaa
trustmatic_basic="Basic $(printf %s facesim:facesim | base64)"

# Schemathesis keeps its caches (crash replays, Hypothesis data) in the working directory.
mkdir -p "$root/target/schemathesis"
cd "$root/target/schemathesis"

# The hooks drop one false positive on Truora's form bodies and give Checkout's new face
# authentications an existing applicant, which they create at this URL with this key (see the module).
# Loading them writes no __pycache__ into schemas/.
export SCHEMATHESIS_HOOKS="$root/schemas/schemathesis_hooks.py" PYTHONDONTWRITEBYTECODE=1
export FACESIM_CHECKOUT_URL="$base/checkout" FACESIM_CHECKOUT_KEY="$checkout_key"

# run API PREFIX HEADER [options]: one Schemathesis run against a freshly reset simulator.
run() {
    local api=$1 prefix=$2 header=$3
    shift 3
    echo "=== $api: $base$prefix"
    python3 -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], b"", method="POST")).close()' "$base/_facesim/reset"
    "$st" --config-file "$root/schemas/schemathesis.toml" \
        run "$base/_facesim/openapi/$api.json" \
        --url "$base$prefix" \
        --header "$header" \
        --seed 7700 \
        --request-timeout 10 \
        --generation-database none \
        --no-color \
        "$@"
}

status=0
run truora-validations /truora/validations "Truora-API-Key: truora-sim-key" "$@" || status=$?
run checkout-identity-verification /checkout "Authorization: Bearer $checkout_key" "$@" || status=$?
run trustmatic-verification /trustmatic "Authorization: $trustmatic_basic" "$@" || status=$?
exit "$status"
