"""Schemathesis hooks of schemas/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

One hook, for one false positive of Schemathesis' negative fuzzing of form bodies. A form carries
text only, but Schemathesis can mutate a string field of the request schema into a JSON value of
another type (null, a number, a boolean) and send its text: `account_id=null`, `account_id=5`.
That text is a valid account id, so facesim rightly accepts it, and Schemathesis reports "Schema-
violating request accepted" (ST201) for a request that violated nothing.

`filter_failure` drops an ST201 failure only when the form that was actually sent (the request's
bytes, read the way facesim reads them) is valid against the operation's request schema in
validations.openapi.bundled.json. Every other failure is kept, an ST201 whose form repeats a
field that is not an array included. Schemathesis lists dropped failures in its output.

Needs the jsonschema package.
"""

import json
import urllib.parse
from pathlib import Path

import schemathesis
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

FORM = "application/x-www-form-urlencoded"
DOCUMENT = json.loads((Path(__file__).resolve().parent / "truora" / "validations.openapi.bundled.json").read_text("utf-8"))
REGISTRY = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(DOCUMENT))


def resolve(schema):
    """Follows internal #/components/... references of the document."""
    while "$ref" in schema:
        node = DOCUMENT
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def form_schema(method, path):
    """(schema, its JSON pointer) of the request form of an operation, or (None, None)."""
    body = DOCUMENT["paths"].get(path, {}).get(method.lower(), {}).get("requestBody", {})
    schema = body.get("content", {}).get(FORM, {}).get("schema")
    escape = lambda part: part.replace("~", "~0").replace("/", "~1")  # noqa: E731
    pointer = "/".join(["", "paths", escape(path), method.lower(), "requestBody", "content", escape(FORM), "schema"])
    return (schema, pointer) if schema is not None else (None, None)


def sent_form(body, schema):
    """The sent form as the JSON object its schema describes (arrays for array properties, strings
    otherwise), or None when a described field that is no array is repeated."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    properties = resolve(schema).get("properties", {})
    fields = {}
    for key, value in urllib.parse.parse_qsl(body or "", keep_blank_values=True, errors="replace"):
        fields.setdefault(key, []).append(value)
    form = {}
    for key, values in fields.items():
        if key not in properties and len(values) > 1:
            form[key] = values  # an undescribed field: any value is valid
        elif resolve(properties.get(key, {})).get("type") == "array":
            form[key] = values
        elif len(values) == 1:
            form[key] = values[0]
        else:
            return None
    return form


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST201":
        return True
    schema, pointer = form_schema(case.operation.method, case.operation.path)
    if schema is None:
        return True
    form = sent_form(response.request.body, schema)
    if form is None:
        return True
    validator = Draft202012Validator({"$ref": f"urn:openapi#{pointer}"}, registry=REGISTRY)
    return not validator.is_valid(form)
