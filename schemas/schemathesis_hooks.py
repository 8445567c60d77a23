"""Schemathesis hooks of schemas/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

Two hooks, one for Truora and one for Checkout, and nothing else (Trustmatic needs none).

Truora Validations API: one false positive of Schemathesis' negative fuzzing of form bodies. A form
carries text only, but Schemathesis can mutate a string field of the request schema into a JSON
value of another type (null, a number, a boolean) and send its text: `account_id=null`,
`account_id=5`. That text is a valid account id, so facesim rightly accepts it, and Schemathesis
reports "Schema-violating request accepted" (ST201) for a request that violated nothing.
`filter_failure` drops an ST201 failure only when the form that was actually sent (the request's
bytes, read the way facesim reads them) is valid against the operation's request schema in
validations.openapi.bundled.json. Every other failure is kept, an ST201 whose form repeats a field
that is not an array included. Schemathesis lists dropped failures in its output.

Checkout.com Identity Verification API: `POST /face-authentications` needs an existing applicant
of the same account; any other `applicant_id` is a 422 applicant_not_found (docs/checkout.md
Decision 8), which Schemathesis would report as a valid request rejected (ST202): a random id that
matches the pattern is valid but names no one. `before_call` replaces an `applicant_id` that
matches the pattern and that no answer of this run has shown with the id of an applicant it
creates once, through the API, at `$FACESIM_CHECKOUT_URL` with the key `$FACESIM_CHECKOUT_KEY`
(schemathesis.sh sets both). The replacement matches the same pattern, so the request stays as
valid or as invalid as it was generated; applicants the run created (the stateful phase links
them into the request) are kept as they are. `after_call` records the applicants answers show.

Needs the jsonschema package.
"""

import json
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

import schemathesis
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

# --- Truora: forms ---------------------------------------------------------------------------

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


# --- Checkout: existing applicants -----------------------------------------------------------

APPLICANT_ID = re.compile(r"aplt_[0-9A-Za-z_]+")  # common.schema.json#/$defs/applicant_id
KNOWN_APPLICANTS = set()
FIXTURE = []  # the applicant this module created, once


def fixture_applicant():
    """The id of an applicant created for this run (the first call creates it)."""
    if not FIXTURE:
        base, key = os.environ.get("FACESIM_CHECKOUT_URL"), os.environ.get("FACESIM_CHECKOUT_KEY")
        if not base or not key:
            raise RuntimeError("FACESIM_CHECKOUT_URL and FACESIM_CHECKOUT_KEY must be set (schemas/schemathesis.sh does)")
        request = urllib.request.Request(
            base.rstrip("/") + "/applicants",
            b"{}",
            {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            FIXTURE.append(json.load(answer)["id"])
        KNOWN_APPLICANTS.add(FIXTURE[0])
    return FIXTURE[0]


@schemathesis.hook
def before_call(context, case, kwargs):
    if (case.operation.method.upper(), case.operation.path) != ("POST", "/face-authentications"):
        return
    body = case.body
    if not isinstance(body, dict):
        return
    applicant = body.get("applicant_id")
    if isinstance(applicant, str) and APPLICANT_ID.fullmatch(applicant) and applicant not in KNOWN_APPLICANTS:
        body["applicant_id"] = fixture_applicant()


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.path.startswith("/applicants") and response.status_code in (200, 201):
        try:
            applicant = json.loads(response.content).get("id")
        except (ValueError, AttributeError):
            return
        if isinstance(applicant, str):
            KNOWN_APPLICANTS.add(applicant)
