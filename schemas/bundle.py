#!/usr/bin/env python3
"""Bundle each modular OpenAPI document under schemas/ into one self-contained file.

For every `X.openapi.json` in any folder under schemas/ (truora/, checkout/, …; not already
`.bundled.json`) this writes `X.openapi.bundled.json`:
the same document with every referenced JSON Schema copied under `components/schemas` and
every `$ref` rewritten to an internal `#/components/schemas/...` pointer.

    python3 schemas/bundle.py          # (re)write the bundles
    python3 schemas/bundle.py --check  # exit 1 if a committed bundle differs from the output

Component names: `<file stem>` for a whole schema file (`enrollment` for enrollment.schema.json)
and `<file stem>.<def>` for one of its `$defs` (`enrollment.create_request`). Only those two
kinds of reference are supported; anything else is an error. Output is deterministic
(components sorted by name, two-space indentation, UTF-8, final newline). Standard library only.
"""

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ID_BASE = "https://facesim.dev/schemas/"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def render(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class Bundler:
    def __init__(self):
        self.files = {}  # path -> parsed schema file
        self.components = {}  # component name -> schema
        self.origin = {}  # component name -> (path, fragment), to detect name clashes

    def schema_file(self, path):
        if path not in self.files:
            doc = load(path)
            expected = ID_BASE + path.relative_to(ROOT).as_posix()
            if doc.get("$id") != expected:
                sys.exit(f"{path}: $id must be {expected}, found {doc.get('$id')}")
            self.files[path] = doc
        return self.files[path]

    def component(self, path, fragment):
        """Adds the schema at path#fragment to the components; answers its internal $ref."""
        stem = path.name.removesuffix(".schema.json")
        if fragment == "":
            name = stem
        elif fragment.startswith("/$defs/") and fragment.count("/") == 2:
            name = f"{stem}.{fragment.split('/')[2]}"
        else:
            sys.exit(f"{path}#{fragment}: only whole files and top-level $defs can be referenced")
        if self.origin.setdefault(name, (path, fragment)) != (path, fragment):
            sys.exit(f"component name {name} is used by two schemas: rename one file")
        if name not in self.components:
            doc = self.schema_file(path)
            if fragment == "":
                schema = {k: v for k, v in doc.items() if k not in ("$schema", "$id", "$defs")}
            else:
                defs = doc.get("$defs", {})
                if name.split(".", 1)[1] not in defs:
                    sys.exit(f"{path}#{fragment}: no such definition")
                schema = defs[name.split(".", 1)[1]]
            self.components[name] = None  # reserve the name before recursing (cycles)
            self.components[name] = self.rewrite(copy.deepcopy(schema), path)
        return f"#/components/schemas/{name}"

    def rewrite(self, node, base):
        """Rewrites every $ref in node; base is the file the node came from."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    node[key] = self.resolve(value, base)
                else:
                    self.rewrite(value, base)
        elif isinstance(node, list):
            for item in node:
                self.rewrite(item, base)
        return node

    def resolve(self, ref, base):
        target, _, fragment = ref.partition("#")
        if target == "":
            if base.name.endswith(".openapi.json"):
                return ref  # already internal to the OpenAPI document
            return self.component(base, fragment)
        return self.component((base.parent / target).resolve(), fragment)


def bundle(openapi_path):
    bundler = Bundler()
    doc = bundler.rewrite(load(openapi_path), openapi_path)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in sorted(bundler.components):
        if name in schemas:
            sys.exit(f"{openapi_path}: components/schemas/{name} already exists")
        schemas[name] = bundler.components[name]
    return render(doc)


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for source in sorted(ROOT.rglob("*.openapi.json")):
        if source.name.endswith(".bundled.json"):
            continue
        target = source.with_name(source.name.removesuffix(".json") + ".bundled.json")
        text = bundle(source)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT.parent)}")
    if stale:
        for target in stale:
            print(f"out of date: {target.relative_to(ROOT.parent)} (run python3 schemas/bundle.py)")
        sys.exit(1)


if __name__ == "__main__":
    main()
