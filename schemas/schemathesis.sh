#!/usr/bin/env bash
# Runs Schemathesis with its default checks against a running facesim's Truora Validations API.
#
#     schemas/schemathesis.sh http://127.0.0.1:7700 [extra `schemathesis run` options]
#
# Tests {base}/truora/validations with the key truora-sim-key against the OpenAPI document the
# server publishes at {base}/_facesim/openapi/truora-validations.json (the committed
# schemas/truora/validations.openapi.bundled.json): examples, coverage, fuzzing and stateful
# phases, a fixed seed, no example database. Exits non-zero on any finding and on any warning
# (schemas/schemathesis.toml). Resets the simulator first: give it a server of its own.
# Needs Schemathesis 4 (.ci/run pins the version) and jsonschema in the same Python environment
# (schemas/schemathesis_hooks.py); set SCHEMATHESIS to the executable when it is not on PATH.
set -euo pipefail

if [ $# -lt 1 ] || [[ "$1" != http* ]]; then
    sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
base=${1%/}
shift
st=${SCHEMATHESIS:-schemathesis}
case $st in */*) st="$(cd "$(dirname "$st")" && pwd)/$(basename "$st")" ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)

# Schemathesis keeps its caches (crash replays, Hypothesis data) in the working directory.
mkdir -p "$root/target/schemathesis"
cd "$root/target/schemathesis"

python3 -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], b"", method="POST")).close()' "$base/_facesim/reset"

# Drops one false positive of Schemathesis on form bodies, and nothing else (see the module).
export SCHEMATHESIS_HOOKS="$root/schemas/schemathesis_hooks.py"

exec "$st" --config-file "$root/schemas/schemathesis.toml" \
    run "$base/_facesim/openapi/truora-validations.json" \
    --url "$base/truora/validations" \
    --header "Truora-API-Key: truora-sim-key" \
    --seed 7700 \
    --request-timeout 10 \
    --generation-database none \
    --no-color \
    "$@"
