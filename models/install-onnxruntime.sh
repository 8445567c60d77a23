#!/usr/bin/env bash
# Install the ONNX Runtime shared library used by the model matcher (`ort`, load-dynamic).
#
# Usage: models/install-onnxruntime.sh [TARGET]
#
# Takes libonnxruntime.so.1.22.1 out of the PyPI wheel onnxruntime==1.22.1 (Linux x86_64)
# and installs it at TARGET, by default
#   ${XDG_DATA_HOME:-$HOME/.local/share}/facesim/onnxruntime/libonnxruntime.so.1.22.1
# TARGET may also be a directory (existing, or ending in /). The sha256 of the library is
# checked; if it is already installed with that hash nothing is downloaded.
# The installed path is the only thing printed on stdout, so this works:
#   export ORT_DYLIB_PATH="$(models/install-onnxruntime.sh)"
# Needs python3 (pip, or venv to get pip) and unzip or python's zipfile. No Python is
# needed at run time.
set -euo pipefail

ORT_VERSION=1.22.1
LIB=libonnxruntime.so.$ORT_VERSION
LIB_SHA256=ad9665887025474170d3e71cd28021e7e811c5bf201bc365f953e34a2c4989cc

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        python3 -c 'import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}

target=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/facesim/onnxruntime/$LIB}
case $target in
    */) target=$target$LIB ;;
    *) if [ -d "$target" ]; then target=$target/$LIB; fi ;;
esac

# Already installed?
if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$LIB_SHA256" ]; then
    say "onnxruntime $ORT_VERSION already installed"
    printf '%s\n' "$target"
    exit 0
fi

[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] || die "only Linux x86_64 is supported (the wheel's .so)"
command -v python3 >/dev/null 2>&1 || die "python3 is required"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pip: the system one if present, else a throw-away venv.
if python3 -m pip --version >/dev/null 2>&1; then
    pip=(python3 -m pip)
else
    say "python3 has no pip; creating a temporary venv"
    python3 -m venv "$work/venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    pip=("$work/venv/bin/python" -m pip)
fi

say "downloading onnxruntime==$ORT_VERSION wheel from PyPI"
"${pip[@]}" download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --python-version 3.11 \
    "onnxruntime==$ORT_VERSION" -d "$work/wheel" >&2
wheel=$(find "$work/wheel" -name "onnxruntime-$ORT_VERSION-*.whl" | head -n 1)
[ -n "$wheel" ] || die "no onnxruntime $ORT_VERSION wheel was downloaded"

member=onnxruntime/capi/$LIB
if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$wheel" "$member" -d "$work/x"
else
    python3 -c 'import sys,zipfile;zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2],sys.argv[3])' \
        "$wheel" "$member" "$work/x"
fi

got=$(sha256_of "$work/x/$member")
[ "$got" = "$LIB_SHA256" ] || die "$LIB: sha256 $got, expected $LIB_SHA256"

# Copy next to the target, then rename: never leaves a partial file at TARGET.
mkdir -p "$(dirname "$target")"
cp "$work/x/$member" "$target.tmp.$$"
chmod 0644 "$target.tmp.$$"
mv -f "$target.tmp.$$" "$target"
say "installed onnxruntime $ORT_VERSION (MIT, Microsoft)"
printf '%s\n' "$target"
