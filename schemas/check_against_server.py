#!/usr/bin/env python3
"""Drives a running facesim through the Truora face flow, the Checkout.com face-authentication flow and
the Trustmatic face verification and liveness checks, and validates every body it answers.

    python3 schemas/check_against_server.py http://127.0.0.1:7700

Resets the simulator first (POST /_facesim/reset), once per vendor, and moves its virtual clock, so
point it at a server used for nothing else. Each JSON answer is validated against the modular schemas
(schemas/truora/validations/*.schema.json, schemas/checkout/identity-verification/*.schema.json,
schemas/trustmatic/verification/*.schema.json) and against the bundled OpenAPI document of its
operation (validations.openapi.bundled.json and files.openapi.bundled.json for Truora,
identity-verification.openapi.bundled.json for Checkout, verification.openapi.bundled.json for
Trustmatic): the status must be one the operation declares, and the body must match that status'
schema. Every
Checkout webhook event is received by a local receiver and validated against webhook.schema.json, its
signature checked. Then mutated copies of real bodies must be REJECTED. Needs the jsonschema package.
"""

import base64
import copy
import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import re
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections import Counter
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "simulator" / "fixtures"
ID = "https://facesim.dev/schemas/truora/validations/"
PREFIX = "/truora/validations"
KEY, LIMITED = "truora-sim-key", "truora-sim-key-limited"
FACE = {"type": "face-recognition", "user_authorized": "true"}

# --- schemas -------------------------------------------------------------------------------

FORMATS = FormatChecker()  # date-time and uri with the standard library only


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    return not isinstance(value, str) or bool(datetime.datetime.fromisoformat(value))


@FORMATS.checks("uri")
def _uri(value):
    parts = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    return parts is None or bool(parts.scheme and parts.netloc)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


# The Validations API, facesim's stand-ins for the pre-signed links its bodies hand out, the
# Checkout.com Identity Verification API and the Trustmatic API; each with the $id base of its schema
# files.
DOCUMENTS = {
    "validations": _load(HERE / "truora" / "validations.openapi.bundled.json"),
    "files": _load(HERE / "truora" / "files.openapi.bundled.json"),
    "checkout": _load(HERE / "checkout" / "identity-verification.openapi.bundled.json"),
    "trustmatic": _load(HERE / "trustmatic" / "verification.openapi.bundled.json"),
}
SCHEMA_IDS = {
    "validations": ID,
    "files": ID,
    "checkout": "https://facesim.dev/schemas/checkout/identity-verification/",
    "trustmatic": "https://facesim.dev/schemas/trustmatic/verification/",
}
REGISTRY = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in map(_load, HERE.glob("*/*/*.schema.json"))]
    + [(f"urn:{name}", DRAFT202012.create_resource(doc)) for name, doc in DOCUMENTS.items()]
)


def validators(component, document):
    """The modular schema and the component named `component` (e.g. error.acknowledgement) of a bundle."""
    stem, _, definition = component.partition(".")
    modular = SCHEMA_IDS[document] + f"{stem}.schema.json" + (f"#/$defs/{definition}" if definition else "")
    return [
        Draft202012Validator({"$ref": ref}, registry=REGISTRY, format_checker=FORMATS)
        for ref in (modular, f"urn:{document}#/components/schemas/{component}")
    ]


VALIDATORS = {}
VALID, REJECTED = Counter(), Counter()


def vendor(document):
    return document if document in ("checkout", "trustmatic") else "truora"


def check(body, component, document="validations"):
    """Asserts body is valid against both forms of the schema; counts it."""
    for v in VALIDATORS.setdefault((component, document), validators(component, document)):
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(body)]
        assert not errors, f"{component} refused {json.dumps(body)}:\n  " + "\n  ".join(errors)
    VALID[vendor(document), component] += 1


def reject(body, component, why, document="validations"):
    """Asserts body is invalid against both forms of the schema; counts it."""
    for v in VALIDATORS.setdefault((component, document), validators(component, document)):
        assert not v.is_valid(body), f"{component} accepted a body with {why}: {json.dumps(body)}"
    REJECTED[vendor(document), component] += 1


# --- HTTP ----------------------------------------------------------------------------------

BASE = sys.argv[1].rstrip("/") if len(sys.argv) == 2 else sys.exit(__doc__)
OPERATIONS = Counter()


def operation(method, url, prefix=PREFIX, documents=("validations", "files")):
    """(document, operation) serving method+url: (None, None) for an unknown path, an empty
    operation for a method the path does not have."""
    path = urllib.parse.urlsplit(url).path.removeprefix(prefix)
    for name in documents:
        for template, item in DOCUMENTS[name]["paths"].items():
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
                return name, item.get(method.lower(), {})
    return None, None


def response_schema(document, op, status):
    """The name of the component the operation declares for a JSON answer of status; None when
    the status has no body."""
    response = op["responses"][str(status)]
    if "$ref" in response:  # a shared error response
        response = DOCUMENTS[document]["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if "content" not in response:
        return None
    schema = response["content"]["application/json"]["schema"]
    refs = [schema] + schema.get("allOf", [])
    return next(r["$ref"].rsplit("/", 1)[1] for r in refs if "$ref" in r)


def send(method, url, data, headers, announce):
    """(status, body, media type, headers). announce: send only the headers, with this Content-Length. A
    header whose value is None is not sent (urllib would give a body without Content-Type a form one)."""
    if announce or None in headers.values():
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.netloc)
        headers = {k: v for k, v in headers.items() if v is not None}
        if announce:  # facesim refuses an announced oversize body before reading it, then closes
            conn.request(method, f"{parts.path}?{parts.query}", headers=dict(headers, **{"Content-Length": str(announce)}))
        else:
            conn.request(method, f"{parts.path}?{parts.query}", body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.read(), r.headers.get_content_type(), r.headers
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method)) as r:
            return r.status, r.read(), r.headers.get_content_type(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get_content_type(), e.headers


def call(method, url, expect, form=None, data=None, key=KEY, content_type=None, announce=None):
    """Sends one request, checks its status against expect and the OpenAPI, validates the body."""
    url = url if url.startswith("http") else BASE + PREFIX + url
    headers = {"Truora-API-Key": key} if key else {}
    if form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        content_type = content_type or "application/x-www-form-urlencoded"
    if content_type:
        headers["Content-Type"] = content_type
    status, raw, media, _ = send(method, url, data, headers, announce)
    assert status == expect, f"{method} {url}: {status} (expected {expect}) {raw[:300]!r}"
    document, op = operation(method, url)
    if op:
        assert str(status) in op["responses"], f"{op['operationId']} does not declare {status}"
        OPERATIONS["truora", f"{op['operationId']} {status}"] += 1
    else:
        assert status == (404 if op is None else 405), f"{method} {url}: {status} outside the OpenAPI"
    if media != "application/json":
        assert op and op["operationId"] == "getFile" and status == 200, f"{method} {url}: {media}"
        return raw
    body = json.loads(raw)
    if status != 200:
        assert body.get("http_code") == status, f"http_code {body.get('http_code')} on a {status}"
    if op:
        check(body, response_schema(document, op, status), document)
    else:
        check(body, "error.error")
    return body


def advance(seconds):
    body = json.dumps({"seconds": seconds}).encode()
    req = urllib.request.Request(BASE + "/_facesim/clock/advance", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(req).close()


# --- uploads -------------------------------------------------------------------------------


def fixture(name):
    return (FIXTURES / name).read_bytes()


def marked_png(marker):
    """plain-photo.png with a facesim tEXt chunk inserted after IHDR."""
    png = fixture("plain-photo.png")
    chunk = b"tEXt" + b"facesim\0" + marker.encode()
    chunk = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return png[:33] + chunk + png[33:]


def marked_mp4(marker):
    """A minimal MP4 container (ftyp, free holding the marker, empty mdat)."""
    box = lambda kind, payload: struct.pack(">I", 8 + len(payload)) + kind + payload
    return box(b"ftyp", b"isom\0\0\0\0isomiso2mp41") + box(b"free", f"facesim:{marker}\0".encode()) + box(b"mdat", b"")


def upload(link, data, expect=200, announce=None):
    return call("PUT", link, expect, data=data, key=None, content_type="application/octet-stream", announce=announce)


# --- the flow ------------------------------------------------------------------------------

SAMPLES = {}  # one real body per state, for the negative cases


def enrollment(expect_status, expect_reason=None, account=None, confirmation=None, file=None):
    form = dict(FACE, **({"account_id": account} if account else {}), **({"confirmation": confirmation} if confirmation else {}))
    check(form, "enrollment.create_request")
    e = call("POST", "/v1/enrollments", 200, form=form)
    if file is not None:
        upload(e["file_upload_link"], file)
    e = call("GET", f"/v1/enrollments/{e['enrollment_id']}", 200)
    assert (e["status"], e.get("reason")) == (expect_status, expect_reason), e
    SAMPLES[f"enrollment {expect_status} {expect_reason}"] = e
    return e


def validation(account, file, expect, subvalidations=("similarity",), **fields):
    """Creates a validation, uploads file, lets it finish; expect is (status, failure, reason)."""
    form = dict(FACE, account_id=account, subvalidations=list(subvalidations), **fields)
    check(form, "validation.create_request")
    v = call("POST", "/v1/validations", 200, form=form)
    assert v["validation_status"] == "pending", v
    SAMPLES["validation pending"] = v
    if file is not None:
        upload(v["instructions"]["file_upload_link"], file)
    advance(2)
    v = call("GET", f"/v1/validations/{v['validation_id']}", 200)
    got = (v["validation_status"], v.get("failure_status"), v.get("declined_reason") or v.get("expired_reason"))
    assert got == expect, f"{got} != {expect}: {v}"
    SAMPLES[f"validation {' '.join(map(str, expect))}"] = v
    return v


def reset():
    urllib.request.urlopen(urllib.request.Request(BASE + "/_facesim/reset", b"", method="POST")).close()


def truora_flow():
    reset()
    reference, selfie = fixture("alice-reference.png"), fixture("alice-selfie.jpg")

    # Enrollment: pending (both reasons), success (after a validation, and with confirmation=none), failures.
    e = enrollment("pending", "waiting_file_upload")
    assert re.fullmatch(r"ACC[0-9a-f]{32}", e["account_id"]), e["account_id"]
    upload(e["file_upload_link"], reference)
    assert call("GET", f"/v1/enrollments/{e['enrollment_id']}", 200)["reason"] == "waiting_face_validation"
    v = validation(e["account_id"], selfie, ("success", None, None), ("similarity", "passive_liveness"))
    detailed = call("GET", f"/v1/validations/{v['validation_id']}?show_details=true", 200)
    for link in detailed["validation_inputs"]["validation_input_files"] + detailed["user_response"]["input_files"]:
        call("GET", link, 200, key=None)
    assert call("GET", f"/v1/enrollments/{e['enrollment_id']}", 200)["status"] == "success"
    enrollment("success", None, "alice-ok", "none", reference)
    enrollment("failure", "no_face_detected", file=fixture("no-face.png"))
    enrollment("failure", "face_in_blocklist", file=fixture("blocklisted.png"))
    enrollment("failure", "file_format_not_supported", file=fixture("unsupported.bmp"))
    enrollment("failure", "system_error", file=marked_png("subject=carol;fault=system_error"))
    waiting = enrollment("pending", "waiting_face_validation", "dave-01", file=reference)
    validation("dave-01", fixture("bob-selfie.jpg"), ("failure", "declined", "similarity_threshold_not_passed"))
    assert call("GET", f"/v1/enrollments/{waiting['enrollment_id']}", 200)["reason"] == "face_validation_failed"

    # Validation: every declined reason, system_error, both expired reasons, retries, no enrollment.
    for file, subs, reason in [
        (fixture("no-face.png"), ("similarity",), "no_face_detected"),
        (fixture("blocklisted.png"), ("similarity",), "face_in_blocklist"),
        (fixture("alice-spoof.jpg"), ("similarity", "passive_liveness"), "passive_liveness_verification_not_passed"),
        (fixture("bob-selfie.jpg"), ("similarity",), "similarity_threshold_not_passed"),
        (fixture("not-media.txt"), ("similarity",), "file_format_not_supported"),
    ]:
        validation("alice-ok", file, ("failure", "declined", reason), subs)
    validation("alice-ok", marked_mp4("subject=alice;speech=mismatch"), ("failure", "declined", "speech_match_not_passed"),
               ("similarity", "speech_match"), minimum_precision="high")
    validation("alice-ok", marked_mp4("subject=alice;speech=match"), ("success", None, None),
               ("similarity", "passive_liveness", "speech_match"), minimum_precision="low", threshold="0.8", timeout="600")
    validation("alice-ok", marked_png("subject=alice;fault=system_error"), ("failure", "system_error", None))
    validation("nobody-01", selfie, ("success", None, None), ("passive_liveness",))
    failed = validation("alice-ok", fixture("alice-spoof.jpg"), ("failure", "declined", "passive_liveness_verification_not_passed"),
                        ("passive_liveness",))
    retry = dict(FACE, account_id="alice-ok", subvalidations=["passive_liveness"], retry_of_id=failed["validation_id"])
    check(retry, "validation.create_request")
    assert call("POST", "/v1/validations", 200, form=retry)["retry_of_id"] == failed["validation_id"]
    call("POST", "/v1/validations", 409, form=retry)  # the same validation retried twice
    validation("alice-ok", None, ("failure", "expired", "face_validation_not_started"), timeout="1")
    form = dict(FACE, account_id="alice-ok", timeout="1")
    v = call("POST", "/v1/validations", 200, form=form)
    upload(v["instructions"]["file_upload_link"], fixture("corrupt.png"), 400)
    advance(2)
    v = call("GET", f"/v1/validations/{v['validation_id']}", 200)
    assert v["expired_reason"] == "input_file_not_uploaded", v

    # Errors with every status the documents give, except 408 (it needs a stalled body) and 500.
    link = e["file_upload_link"]
    call("POST", "/v1/enrollments", 400, form={"user_authorized": "true"})
    call("POST", "/v1/validations", 400, form=dict(FACE, account_id="alice-ok", threshold="2"))
    call("POST", "/v1/validations", 400, form=dict(FACE, account_id="alice-ok", threshold="1e-1"))
    call("POST", "/v1/validations", 400, form=dict(FACE, account_id="alice-ok", timeout="+5"))
    call("POST", "/v1/enrollments", 400, form=dict(FACE, account_id=""))
    call("GET", f"/v1/validations/{v['validation_id']}?show_details=maybe", 400)
    call("GET", f"/v1/enrollments/{e['enrollment_id']}", 401, key=None)
    call("POST", "/v1/validations", 401, form=dict(FACE, account_id="alice-ok"), key="wrong-key")
    call("POST", "/v1/enrollments", 403, form=dict(FACE, confirmation="none"), key=LIMITED)
    call("DELETE", f"/v1/enrollments/{e['enrollment_id']}", 403, key=LIMITED)
    upload(link.replace("Signature=", "Signature=00"), reference, 403)
    upload(link.split("?")[0], reference, 403)
    call("GET", detailed["user_response"]["input_files"][0].replace("Signature=", "Signature=00"), 403, key=None)
    call("GET", "/v1/enrollments/ENR" + "0" * 32, 404)
    call("GET", "/v1/validations/VLD" + "0" * 32, 404)
    call("POST", "/v1/validations", 404, form=dict(retry, retry_of_id="VLD" + "0" * 32))
    call("POST", "/v1/validations", 404, form=dict(FACE, account_id="nobody-02"))
    call("GET", "/v1/nothing", 404)
    call("PATCH", f"/v1/validations/{v['validation_id']}", 405)
    call("GET", link, 405)
    call("POST", "/v1/enrollments", 409, form=dict(FACE, account_id="alice-ok"))

    upload(link, reference, 409)
    fresh = call("POST", "/v1/validations", 200, form=dict(FACE, account_id="alice-ok"))
    call("POST", "/v1/validations", 409, form=dict(retry, retry_of_id=fresh["validation_id"]))  # pending, not failed
    upload(fresh["instructions"]["file_upload_link"], None, 413, announce=10 * 1024 * 1024 + 1)
    call("POST", "/v1/enrollments", 413, form=FACE, announce=1024 * 1024 + 1)
    call("POST", "/v1/enrollments", 415, data=json.dumps(FACE).encode(), content_type="application/json")
    call("DELETE", f"/v1/enrollments/{e['enrollment_id']}", 200)
    call("GET", f"/v1/enrollments/{e['enrollment_id']}", 404)
    enrollment("pending", "waiting_file_upload", e["account_id"])  # the account may enroll again
    call("POST", "/v1/validations", 409, form=dict(FACE, account_id=e["account_id"]))  # no reference image yet


# --- negative cases ------------------------------------------------------------------------


def mutated(body, change):
    body = copy.deepcopy(body)
    change(body)
    return body


def truora_negatives():
    pending = SAMPLES["enrollment pending waiting_file_upload"]
    failed = SAMPLES["enrollment failure no_face_detected"]
    declined = SAMPLES["validation failure declined similarity_threshold_not_passed"]
    expired = SAMPLES["validation failure expired face_validation_not_started"]
    success = SAMPLES["validation success None None"]
    error = {"code": 10404, "http_code": 404, "message": "The Enrollment was not found"}
    cases = [
        ("enrollment", mutated(pending, lambda b: b.pop("enrollment_id")), "no enrollment_id"),
        ("enrollment", mutated(pending, lambda b: b.pop("file_upload_link")), "no file_upload_link"),
        ("enrollment", mutated(pending, lambda b: b.update(status="done")), "an unknown status"),
        ("enrollment", mutated(pending, lambda b: b.update(enrollment_id="VLD" + b["enrollment_id"][3:])), "a VLD enrollment_id"),
        ("enrollment", mutated(pending, lambda b: b.update(account_id="a b")), "an account_id with a space"),
        ("enrollment", mutated(pending, lambda b: b.update(reason="no_face_detected")), "pending with a failure reason"),
        ("enrollment", mutated(pending, lambda b: b.pop("reason")), "pending without reason"),
        ("enrollment", mutated(failed, lambda b: b.update(reason="waiting_file_upload")), "failure with a pending reason"),
        ("enrollment", mutated(failed, lambda b: b.update(creation_date="2024-05-22T23:32:01.1234567890Z")),
         "ten fractional digits"),
        ("enrollment", mutated(failed, lambda b: b.update(creation_date="2024-05-22T23:32:01.Z")), "a bare decimal point"),
        ("enrollment", mutated(failed, lambda b: b.update(creation_date="2024-05-22 23:32:01Z")), "a space for T"),
        ("enrollment", mutated(failed, lambda b: b.update(update_date="2024-05-22T23:32:01.5+02:00")), "a non-Z offset"),
        ("enrollment", mutated(failed, lambda b: b.update(file_upload_link="not a link")), "a link that is no URI"),
        ("validation", mutated(success, lambda b: b.pop("validation_id")), "no validation_id"),
        ("validation", mutated(success, lambda b: b.update(validation_id="ENR" + b["validation_id"][3:])), "an ENR validation_id"),
        ("validation", mutated(success, lambda b: b.update(validation_status="done")), "an unknown validation_status"),
        ("validation", mutated(success, lambda b: b.update(type="document-validation")), "another type"),
        ("validation", mutated(success, lambda b: b.update(threshold=1.5)), "threshold 1.5"),
        ("validation", mutated(success, lambda b: b.update(ip_address="not-an-ip")), "an ip_address that is no IP"),
        ("validation", mutated(declined, lambda b: b["details"]["face_recognition_validations"].update(confidence_score=1.5)),
         "confidence_score 1.5"),
        ("validation", mutated(declined, lambda b: b["details"]["face_recognition_validations"].update(similarity_status="ok")),
         "an unknown check status"),
        ("validation", mutated(declined, lambda b: b.pop("failure_status")), "failure without failure_status"),
        ("validation", mutated(declined, lambda b: b.pop("declined_reason")), "declined without declined_reason"),
        ("validation", mutated(declined, lambda b: b.update(declined_reason="bad_luck")), "an unknown declined_reason"),
        ("validation", mutated(expired, lambda b: b.pop("expired_reason")), "expired without expired_reason"),
        ("validation", mutated(expired, lambda b: b.update(failure_status="timed_out")), "an unknown failure_status"),
        ("error.error", dict(error, code=10400), "code != 10000 + http_code"),
        ("error.error", dict(error, code="10404"), "a string code"),
        ("error.error", dict(error, http_code=200, code=10200), "http_code 200"),
        ("error.error", {k: v for k, v in error.items() if k != "message"}, "no message"),
        ("error.acknowledgement", error, "http_code 404"),
        ("error.acknowledgement", {"code": 10201, "http_code": 200, "message": "ok"}, "code 10201"),
        ("enrollment.create_request", dict(FACE, user_authorized="false"), "user_authorized=false"),
        ("enrollment.create_request", {"type": "face-recognition"}, "no user_authorized"),
        ("enrollment.create_request", dict(FACE, confirmation="all"), "confirmation=all"),
        ("enrollment.create_request", dict(FACE, account_id="a/b"), "account_id a/b"),
        ("validation.create_request", dict(FACE), "no account_id"),
        ("validation.create_request", dict(FACE, account_id="a", type="document-validation"), "another type"),
        ("validation.create_request", dict(FACE, account_id="a", threshold="1.5"), "threshold 1.5"),
        ("validation.create_request", dict(FACE, account_id="a", timeout="21601"), "timeout 21601"),
        ("validation.create_request", dict(FACE, account_id="a", timeout="0"), "timeout 0"),
        ("validation.create_request", dict(FACE, account_id="a", subvalidations=["face"]), "subvalidations=face"),
        ("validation.create_request", dict(FACE, account_id="a", subvalidations=["speech_match"]), "speech_match alone"),
        ("validation.create_request", dict(FACE, account_id="a", retry_of_id="VLD" + "0" * 32), "a retry without liveness"),
        ("validation.create_request", dict(FACE, account_id=""), "an empty account_id"),
        ("validation.create_request", dict(FACE, account_id="a" * 129), "a 129-character account_id"),
        ("validation.create_request", dict(FACE, account_id="a", threshold="1e-1"), "threshold 1e-1"),
        ("validation.create_request", dict(FACE, account_id="a", threshold="+0.5"), "threshold +0.5"),
        ("validation.create_request", dict(FACE, account_id="a", threshold=""), "an empty threshold"),
        ("validation.create_request", dict(FACE, account_id="a", timeout="+5"), "timeout +5"),
        ("validation.create_request", dict(FACE, account_id="a", timeout="007"), "timeout 007"),
        ("validation.create_request", dict(FACE, account_id="a", subvalidations=[""]), "an empty subvalidations value"),
        ("enrollment.create_request", dict(FACE, account_id=""), "an empty account_id"),
        ("enrollment.create_request", dict(FACE, confirmation=""), "an empty confirmation"),
    ]
    for component, body, why in cases:
        reject(body, component, why)
    # Some real update_date values carry whole seconds (reference truora.md §7): accepted too.
    check(mutated(failed, lambda b: b.update(update_date="2024-05-22T23:32:01Z")), "enrollment")
    check(mutated(success, lambda b: b.update(creation_date="2025-01-01T00:00:00Z")), "validation")
    check(dict(FACE, account_id="a" * 128, threshold=".5", timeout="21600"), "validation.create_request")



# --- Checkout.com: HTTP ----------------------------------------------------------------------

CKO_PREFIX = "/checkout"
CKO_KEY, CKO_VIDEOS_KEY = "sk_sbox_facesimsandboxsecretkeyaaaa", "sk_sbox_facesimvideosenabledkeyaaaa"
USJ = "usj_t5bdzsdmi57ehhkrnmp5omjimu"
REDIRECT = "https://shop.example/identity/back?order=42"
CKO_SAMPLES = {}  # one real body per state, for the negative cases


def ccall(method, path, expect, body=None, *, key=CKO_KEY, authorization=None, data=None, content_type=None,
          announce=None):
    """Sends one request to the Checkout API, checks its status against expect and the OpenAPI, the
    Cko-Request-Id header, the empty 401 and request_id of error bodies; validates the body."""
    url = BASE + CKO_PREFIX + path
    headers = {"Authorization": authorization or f"Bearer {key}"} if (key or authorization) else {}
    if body is not None:
        data = json.dumps(body).encode()
        content_type = content_type or "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    status, raw, media, answer_headers = send(method, url, data, headers, announce)
    assert status == expect, f"{method} {url}: {status} (expected {expect}) {raw[:300]!r}"
    request_id = answer_headers.get("Cko-Request-Id")
    assert request_id, f"{method} {url}: no Cko-Request-Id"
    document, op = operation(method, url, CKO_PREFIX, ("checkout",))
    if op:
        assert str(status) in op["responses"], f"{op['operationId']} does not declare {status}"
        OPERATIONS["checkout", f"{op['operationId']} {status}"] += 1
        component = response_schema(document, op, status)
    else:
        assert status == (404 if op is None else 405), f"{method} {url}: {status} outside the OpenAPI"
        component = "error.not_found" if status == 404 else "error.method_not_allowed"
    if component is None:  # 401
        assert raw == b"" and "Content-Type" not in answer_headers, f"{method} {url}: a 401 with a body {raw[:100]!r}"
        return None
    assert media == "application/json", f"{method} {url}: {media}"
    answer = json.loads(raw)
    if status >= 400:
        assert answer["request_id"] == request_id, f"request_id {answer['request_id']} != header {request_id}"
    check(answer, component, "checkout")
    return answer


def control(method, path, body=None, expect=200, data=None, content_type=None):
    """A call to facesim's control API under /_facesim; its JSON answer."""
    headers = {}
    if body is not None:
        data, content_type = json.dumps(body).encode(), "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    status, raw, _, _ = send(method, BASE + "/_facesim" + path, data, headers, None)
    assert status == expect, f"control {method} {path}: {status} (expected {expect}) {raw[:300]!r}"
    return json.loads(raw) if raw else None


def act(attempt, action, **fields):
    """A capture action on an attempt through the control API; the answer is the attempt as the API shows it."""
    answer = control("POST", f"/checkout/attempts/{attempt['id']}", dict(action=action, **fields))
    check(answer, "attempt", "checkout")
    return answer


def errors_of(method, path, expect, body=None, **kwargs):
    """The error_codes of an error answer."""
    return ccall(method, path, expect, body, **kwargs)["error_codes"]


def link_error(url, expect):
    """(error_type, error_codes) of an asset link's error answer (outside the API), validated against error."""
    status, raw, media, headers = send("GET", url, None, {}, None)
    assert status == expect and media == "application/json", f"GET {url}: {status} {media} (expected {expect})"
    answer = json.loads(raw)
    check(answer, "error", "checkout")
    assert answer["request_id"] == headers.get("Cko-Request-Id"), answer
    return answer["error_type"], answer["error_codes"]


def fetch(url):
    """(status, media type, bytes) of a link outside the API (an asset)."""
    status, raw, media, _ = send("GET", url, None, {}, None)
    return status, media, raw


# --- Checkout.com: webhooks --------------------------------------------------------------------

SIGNING_KEY = "whsec-facesim-check"
RECEIVER_AUTHORIZATION = "Bearer receiver-token"


class Receiver(http.server.BaseHTTPRequestHandler):
    """Collects webhook deliveries: (headers, body) in arrival order."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_receiver():
    """Serves Receiver on a free local port and registers it for Checkout events; answers the server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spec = {"vendor": "checkout", "url": f"http://127.0.0.1:{server.server_port}/hooks",
            "signing_key": SIGNING_KEY, "authorization": RECEIVER_AUTHORIZATION}
    control("POST", "/webhooks", spec, expect=201)
    return server


def delivered():
    """Waits until no delivery is pending and the receiver holds every delivered body; answers the deliveries."""
    deadline = time.monotonic() + 30
    while True:
        deliveries = control("GET", "/webhooks/deliveries?vendor=checkout")["deliveries"]
        done = [d for d in deliveries if d["status"] == "delivered"]
        if all(d["status"] != "pending" for d in deliveries) and len(Receiver.received) >= len(done):
            return deliveries
        assert time.monotonic() < deadline, f"deliveries still pending: {[d for d in deliveries if d['status'] == 'pending']}"
        time.sleep(0.1)


def webhooks(server):
    """Waits until every delivery is over, then checks each one received: headers, signature, schema."""
    deliveries = delivered()
    assert deliveries and all(d["status"] == "delivered" for d in deliveries), [
        d for d in deliveries if d["status"] != "delivered"]
    server.shutdown()
    events = []
    for headers, raw in Receiver.received:
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers.get("content-type", "").startswith("application/json"), headers
        assert headers.get("authorization") == RECEIVER_AUTHORIZATION, headers
        signature = hmac.new(SIGNING_KEY.encode(), raw, hashlib.sha256).hexdigest()
        assert headers.get("cko-signature") == signature, f"Cko-Signature {headers.get('cko-signature')} != {signature}"
        event = json.loads(raw)
        check(event, "webhook", "checkout")
        events.append(event)
    assert len(events) == len(deliveries), f"{len(events)} received, {len(deliveries)} delivered"
    assert len({e["id"] for e in events}) == len(events), "an event was delivered twice"
    kinds = Counter(e["type"] for e in events)
    every = DOCUMENTS["checkout"]["components"]["schemas"]["webhook.event_type"]["enum"]
    assert set(kinds) == set(every), f"event types never sent: {sorted(set(every) - set(kinds))}"
    CKO_SAMPLES["event"] = next(e for e in events if e["type"] == "face_authentication_checks_completed")
    published = control("GET", "/webhooks/events/" + events[0]["id"])
    assert published == events[0], "the published event differs from the delivered one"
    return kinds


def sequence_of(face_authentication_id):
    """The event types of one face authentication, in the order received, once every delivery is over."""
    delivered()
    return [
        json.loads(raw)["type"] for _, raw in Receiver.received
        if json.loads(raw)["data"]["face_authentication_id"] == face_authentication_id
    ]


# --- Checkout.com: the flow ------------------------------------------------------------------


def applicant(key=CKO_KEY, **fields):
    check(fields, "applicant.create_request", "checkout")
    return ccall("POST", "/applicants", 201, fields, key=key)


def face_authentication(applicant_id=None, key=CKO_KEY, **fields):
    applicant_id = applicant_id or applicant(key, **fields)["id"]
    request = {"applicant_id": applicant_id, "user_journey_id": USJ}
    check(request, "face-authentication.create_request", "checkout")
    fa = ccall("POST", "/face-authentications", 201, request, key=key)
    assert (fa["status"], fa["response_codes"], fa["applicant_id"]) == ("created", [], applicant_id), fa
    CKO_SAMPLES["fa created"] = fa
    return fa


def attempt(fa, key=CKO_KEY, **fields):
    request = dict(redirect_url=REDIRECT, **fields)
    check(request, "attempt.create_request", "checkout")
    at = ccall("POST", f"/face-authentications/{fa['id']}/attempts", 201, request, key=key)
    assert (at["status"], at["response_codes"], at["redirect_url"]) == ("pending_redirection", [], REDIRECT), at
    return at


def state(fa, at, fa_status, at_status, code, key=CKO_KEY):
    """Asserts the statuses of a face authentication and one of its attempts and the code both
    hold (None: none); keeps both bodies as samples."""
    f = ccall("GET", f"/face-authentications/{fa['id']}", 200, key=key)
    a = ccall("GET", f"/face-authentications/{fa['id']}/attempts/{at['id']}", 200, key=key)
    codes = [] if code is None else [code]
    assert f["status"] == fa_status and [c["code"] for c in f["response_codes"]] == (
        [] if fa_status in ("created", "pending") else codes), f
    assert a["status"] == at_status and [c["code"] for c in a["response_codes"]] == codes, a
    CKO_SAMPLES[f"fa {fa_status}"], CKO_SAMPLES[f"attempt {at_status}"] = f, a
    return f, a


def assets(fa, at, key=CKO_KEY, query=""):
    return ccall("GET", f"/face-authentications/{fa['id']}/attempts/{at['id']}/assets{query}", 200, key=key)


def checkout_flow():
    reset()
    receiver = start_receiver()

    # Applicants: every field, none, null ones; update; anonymize (twice).
    full = {"external_applicant_id": "ext_osdfdfdb4hryu5cei5vwoabrk5k", "email": "hannah.bret@example.com",
            "external_applicant_name": "Hannah Bret"}
    a = applicant(**full)
    assert {k: a[k] for k in full} == full and re.fullmatch(r"aplt_[a-z2-7]{26}", a["id"]), a
    assert set(ccall("POST", "/applicants", 201, data=b"")) == {"id", "created_on", "modified_on", "_links"}
    assert "email" not in applicant(email=None, unknown_field=1)
    assert ccall("GET", f"/applicants/{a['id']}", 200) == a
    update = {"email": "h.bret@example.org"}
    check(update, "applicant.update_request", "checkout")
    changed = ccall("PATCH", f"/applicants/{a['id']}", 200, update)
    assert (changed["email"], changed["external_applicant_name"]) == ("h.bret@example.org", "Hannah Bret"), changed
    # A null field keeps its value; the method name is read without regard to case (Decision 19).
    assert ccall("patch", f"/applicants/{a['id']}", 200, {"external_applicant_name": None})["external_applicant_name"] == "Hannah Bret"
    anonymized = ccall("POST", f"/applicants/{a['id']}/anonymize", 200)
    assert "email" not in anonymized and "external_applicant_name" not in anonymized, anonymized
    assert anonymized["external_applicant_id"] == full["external_applicant_id"], anonymized
    assert ccall("POST", f"/applicants/{a['id']}/anonymize", 200) == anonymized
    CKO_SAMPLES["applicant"], CKO_SAMPLES["applicant anonymized"] = changed, anonymized

    # Approved through the control API, after a replaced attempt; its assets, pages and audit.
    fa = face_authentication(email="alice@example.com")
    first = attempt(fa, client_information={"pre_selected_residence_country": "FR", "pre_selected_language": "en-US"},
                    phone_number={"country_code": "+33", "number": "612345678"})
    state(fa, first, "pending", "pending_redirection", None)
    second = attempt(fa)
    state(fa, first, "pending", "expired", 64001)
    act(second, "open")
    _, opened = state(fa, second, "capture_in_progress", "capture_in_progress", None)
    assert "applicant_session_information" in opened, opened
    assert assets(fa, second)["total_count"] == 0
    act(second, "approve")
    state(fa, second, "checks_in_progress", "checks_in_progress", None)
    advance(2)
    approved, _ = state(fa, second, "approved", "completed", 10000)
    status, media, raw = fetch(approved["face"]["image_signed_url"])
    assert status == 200 and media.startswith("image/") and raw, (status, media)
    page = assets(fa, second)
    assert [x["type"] for x in page["data"]] == ["face_image"] and page["total_count"] == 1, page
    asset_url = page["data"][0]["_links"]["asset_url"]["href"]
    assert fetch(asset_url)[0] == 200
    assert link_error(asset_url.replace("signature=", "signature=00"), 403) == ("access_denied", ["signature_invalid"])
    CKO_SAMPLES["assets"] = page
    listing = ccall("GET", f"/face-authentications/{fa['id']}/attempts", 200)
    assert [x["id"] for x in listing["data"]] == [second["id"], first["id"]] and listing["total_count"] == 2, listing
    assert "next" not in listing["_links"] and "previous" not in listing["_links"], listing
    head = ccall("GET", f"/face-authentications/{fa['id']}/attempts?limit=1", 200)
    assert [x["id"] for x in head["data"]] == [second["id"]] and "next" in head["_links"] and "previous" not in head["_links"]
    tail = ccall("GET", f"/face-authentications/{fa['id']}/attempts?skip=1&limit=1", 200)
    assert [x["id"] for x in tail["data"]] == [first["id"]] and "previous" in tail["_links"] and "next" not in tail["_links"]
    assert ccall("GET", f"/face-authentications/{fa['id']}/attempts?skip=5&limit=100", 200)["data"] == []
    CKO_SAMPLES["attempts"] = head
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 409, {"redirect_url": REDIRECT}) == [
        "face_authentication_status_approved"]
    audited = control("POST", f"/checkout/face-authentications/{fa['id']}/audit", {"status": "declined", "code": 62402})
    check(audited, "face-authentication", "checkout")
    assert (audited["status"], audited["response_codes"]) == ("declined", [{"code": 62402, "summary": "suspicious_device"}])
    gone = ccall("POST", f"/face-authentications/{fa['id']}/anonymize", 200)
    assert "face" not in gone and gone["status"] == "declined", gone
    assert assets(fa, second)["total_count"] == 0
    assert link_error(asset_url, 404) == ("resource_not_found", ["asset_not_found"])
    kept = ccall("GET", f"/face-authentications/{fa['id']}/attempts/{first['id']}", 200)
    assert "phone_number" not in kept and "applicant_session_information" not in kept, kept
    assert ccall("POST", f"/face-authentications/{fa['id']}/anonymize", 200)["status"] == "declined"
    assert sequence_of(fa["id"]) == [
        "face_authentication_created", "face_authentication_opened", "face_authentication_reset",
        "face_authentication_started", "face_authentication_capture_completed",
        "face_authentication_checks_completed", "face_authentication_audit_completed",
        "face_authentication_anonymized"], sequence_of(fa["id"])

    # Declined, refused; every 409 status.
    fa = face_authentication()
    at = attempt(fa)
    act(at, "open")
    act(at, "decline", code=62305)
    advance(2)
    state(fa, at, "declined", "completed", 62305)
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 409, {"redirect_url": REDIRECT}) == [
        "face_authentication_status_declined"]
    fa = face_authentication()
    at = attempt(fa)
    act(at, "refuse")
    state(fa, at, "refused", "capture_refused", 63001)
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 409, {"redirect_url": REDIRECT}) == [
        "face_authentication_status_refused"]

    # Retries: aborted, retried, inconclusive, then out of attempts (Decision 11).
    fa = face_authentication()
    at = attempt(fa)
    act(at, "open")
    act(at, "abort", code=61203)
    state(fa, at, "retry_required", "capture_aborted", 61203)
    at = attempt(fa)
    state(fa, at, "pending", "pending_redirection", None)
    act(at, "open")
    act(at, "inconclusive", code=61411)
    state(fa, at, "checks_in_progress", "checks_in_progress", None)
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 409, {"redirect_url": REDIRECT}) == [
        "face_authentication_status_checks_in_progress"]
    assert errors_of("POST", f"/face-authentications/{fa['id']}/anonymize", 422) == ["face_authentication_not_anonymizable"]
    advance(2)
    state(fa, at, "retry_required", "checks_inconclusive", 61411)
    at = attempt(fa)
    act(at, "open")
    act(at, "abort")
    state(fa, at, "inconclusive", "capture_aborted", 61121)
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 409, {"redirect_url": REDIRECT}) == [
        "face_authentication_status_inconclusive"]
    assert sequence_of(fa["id"]) == [
        "face_authentication_created", "face_authentication_opened", "face_authentication_started",
        "face_authentication_capture_aborted", "face_authentication_retry_requested", "face_authentication_started",
        "face_authentication_capture_completed", "face_authentication_checks_inconclusive",
        "face_authentication_retry_requested", "face_authentication_started", "face_authentication_capture_aborted"
    ], sequence_of(fa["id"])

    # A link that expires, a closed attempt, anonymizing during a capture and while pending.
    fa = face_authentication()
    at = attempt(fa)
    advance(15 * 60 + 1)
    state(fa, at, "retry_required", "expired", 61101)
    at = attempt(fa)
    act(at, "open")
    assert errors_of("POST", f"/face-authentications/{fa['id']}/anonymize", 422) == ["face_authentication_not_anonymizable"]
    act(at, "close")
    state(fa, at, "retry_required", "capture_aborted", 64001)
    at = attempt(fa)
    anonymized = ccall("POST", f"/face-authentications/{fa['id']}/anonymize", 200)
    assert anonymized["status"] == "retry_required" and anonymized["response_codes"][0]["code"] == 64001, anonymized
    state(fa, at, "retry_required", "expired", 64001)
    assert sequence_of(fa["id"]) == [
        "face_authentication_created", "face_authentication_opened", "face_authentication_link_expired",
        "face_authentication_retry_requested", "face_authentication_started", "face_authentication_closed",
        "face_authentication_retry_requested", "face_authentication_closed", "face_authentication_anonymized"
    ], sequence_of(fa["id"])

    # Selfies judged by the matcher against the applicant's reference picture.
    alice = applicant()
    reference = control("PUT", f"/checkout/applicants/{alice['id']}/reference", data=fixture("alice-reference.png"),
                        content_type="image/png")
    assert reference["reference"]["subject"] == "alice", reference
    for picture, fa_status, at_status, code, labels in [
        (fixture("alice-selfie.jpg"), "approved", "completed", 10000, []),
        (fixture("many-faces.png"), "approved", "completed", 10000, ["multiple_faces_detected"]),
        (fixture("no-face.png"), "retry_required", "checks_inconclusive", 61410, []),
        (fixture("alice-spoof.jpg"), "declined", "completed", 62305, []),
        (fixture("blocklisted.png"), "declined", "completed", 62405, []),
        (fixture("bob-selfie.jpg"), "declined", "completed", 62321, []),
        (marked_png("subject=alice;fault=system_error"), "retry_required", "checks_inconclusive", 61901, []),
    ]:
        fa = face_authentication(alice["id"])
        at = attempt(fa)
        act(at, "open")
        act(at, "selfie", image_base64=base64.b64encode(picture).decode())
        advance(2)
        f, _ = state(fa, at, fa_status, at_status, code)
        assert f["risk_labels"] == labels, f

    # The sandbox convention: the external applicant id encodes the outcomes.
    for external, outcomes in [
        ("eaplt_10000000000000000000000000", [("approved", "completed", 10000)]),
        ("eaplt_62405000000000000000000000", [("declined", "completed", 62405)]),
        ("eaplt_63001000000000000000000000", [("refused", "capture_refused", 63001)]),
        ("eaplt_61411I10000000000000000000", [("retry_required", "checks_inconclusive", 61411),
                                              ("approved", "completed", 10000)]),
        ("eaplt_61203A62304000000000000000", [("retry_required", "capture_aborted", 61203),
                                              ("declined", "completed", 62304)]),
    ]:
        fa = face_authentication(external_applicant_id=external)
        for fa_status, at_status, code in outcomes:
            at = attempt(fa)
            act(at, "open")
            advance(2)
            state(fa, at, fa_status, at_status, code)

    # An account with videos enabled: a face image and a face video; another account's ids are 404.
    fa = face_authentication(key=CKO_VIDEOS_KEY)
    at = attempt(fa, key=CKO_VIDEOS_KEY)
    act(at, "open")
    act(at, "approve")
    advance(2)
    state(fa, at, "approved", "completed", 10000, key=CKO_VIDEOS_KEY)
    page = assets(fa, at, CKO_VIDEOS_KEY)
    assert sorted(x["type"] for x in page["data"]) == ["face_image", "face_video"], page
    first = assets(fa, at, CKO_VIDEOS_KEY, "?limit=1")
    assert len(first["data"]) == 1 and "next" in first["_links"], first
    for item in page["data"]:
        assert fetch(item["_links"]["asset_url"]["href"])[0] == 200
    assert errors_of("GET", f"/face-authentications/{fa['id']}", 404) == ["face_authentication_not_found"]
    assert errors_of("GET", f"/applicants/{fa['applicant_id']}", 404) == ["applicant_not_found"]
    return receiver, fa, at


def checkout_errors(other_fa, other_at):
    """Every error status of the Errors table of docs/checkout.md."""
    fa = face_authentication()
    at = attempt(fa)
    json_type = "application/json"
    # 400
    assert errors_of("POST", "/applicants", 400, data=b"{not json", content_type=json_type) == ["request_body_malformed"]
    assert errors_of("POST", "/face-authentications", 400, data=b"[]", content_type=json_type) == ["request_body_malformed"]
    assert errors_of("PATCH", f"/applicants/{fa['applicant_id']}", 400, data=b'"x"', content_type=json_type) == [
        "request_body_malformed"]
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 400, data=b"{}", content_type="text/plain") == [
        "content_type_invalid"]
    # 401: no key, another scheme, an unknown key
    ccall("GET", f"/face-authentications/{fa['id']}", 401, key=None)
    ccall("POST", "/applicants", 401, {}, authorization=f"Basic {base64.b64encode(CKO_KEY.encode()).decode()}")
    ccall("GET", f"/applicants/{fa['applicant_id']}", 401, key="sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa")
    ccall("GET", f"/face-authentications/{fa['id']}/attempts", 401, key=None)
    # 404: unknown and malformed ids, an attempt of another face authentication, an unknown path
    assert errors_of("GET", "/applicants/aplt_" + "a" * 26, 404) == ["applicant_not_found"]
    assert errors_of("PATCH", "/applicants/not-an-id", 404, {}) == ["applicant_not_found"]
    assert errors_of("POST", "/applicants/fav_x/anonymize", 404) == ["applicant_not_found"]
    assert errors_of("GET", "/face-authentications/fav_" + "a" * 26, 404) == ["face_authentication_not_found"]
    assert errors_of("POST", "/face-authentications/fav_x/anonymize", 404) == ["face_authentication_not_found"]
    assert errors_of("POST", "/face-authentications/x/attempts", 404, {"redirect_url": REDIRECT}) == [
        "face_authentication_not_found"]
    assert errors_of("GET", "/face-authentications/fav_x/attempts", 404) == ["face_authentication_not_found"]
    assert errors_of("GET", f"/face-authentications/{fa['id']}/attempts/fatp_x", 404) == ["attempt_not_found"]
    assert errors_of("GET", f"/face-authentications/{fa['id']}/attempts/{other_at['id']}", 404) in (
        ["attempt_not_found"], ["face_authentication_not_found"])
    assert errors_of("GET", f"/face-authentications/{other_fa['id']}/attempts/{at['id']}/assets", 404) == [
        "face_authentication_not_found"]
    other = face_authentication(fa["applicant_id"])
    assert errors_of("GET", f"/face-authentications/{other['id']}/attempts/{at['id']}", 404) == ["attempt_not_found"]
    assert errors_of("GET", f"/face-authentications/{other['id']}/attempts/{at['id']}/assets", 404) == ["attempt_not_found"]
    assert errors_of("GET", "/identity-verifications", 404) == ["resource_not_found"]
    # 405
    assert errors_of("DELETE", f"/applicants/{fa['applicant_id']}", 405) == ["method_not_allowed"]
    assert errors_of("PUT", f"/face-authentications/{fa['id']}", 405, {}) == ["method_not_allowed"]
    # 413
    assert errors_of("POST", "/applicants", 413, content_type=json_type, announce=1024 * 1024 + 1) == [
        "request_body_too_large"]
    assert errors_of("POST", f"/face-authentications/{fa['id']}/anonymize", 413, content_type=json_type,
                     announce=1024 * 1024 + 1) == ["request_body_too_large"]
    # 422: every problem, in the order of the fields
    assert errors_of("POST", "/face-authentications", 422, {}) == ["applicant_id_required", "user_journey_id_required"]
    assert errors_of("POST", "/face-authentications", 422, {"applicant_id": "fav_x", "user_journey_id": "usj_x"}) == [
        "applicant_id_invalid", "user_journey_id_invalid"]
    assert errors_of("POST", "/face-authentications", 422, {"applicant_id": "aplt_" + "b" * 26, "user_journey_id": USJ}) == [
        "applicant_not_found"]
    assert errors_of("POST", "/applicants", 422, {"external_applicant_id": "abc", "email": "nobody",
                                                   "external_applicant_name": "x" * 256}) == [
        "external_applicant_id_invalid", "email_invalid", "external_applicant_name_invalid"]
    assert errors_of("PATCH", f"/applicants/{fa['applicant_id']}", 422, {"email": 5}) == ["email_invalid"]
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 422, {
        "redirect_url": "not a url",
        "client_information": {"pre_selected_residence_country": "FRA", "pre_selected_language": "english!"},
        "phone_number": {"number": "x"}}) == [
        "redirect_url_invalid", "client_information.pre_selected_residence_country_invalid",
        "client_information.pre_selected_language_invalid", "phone_number.country_code_required",
        "phone_number.number_invalid"]
    assert errors_of("POST", f"/face-authentications/{fa['id']}/attempts", 422, {"client_information": "FR"}) == [
        "redirect_url_required", "client_information_invalid"]
    assert errors_of("GET", f"/face-authentications/{fa['id']}/attempts?skip=-1&limit=0", 422) == [
        "skip_invalid", "limit_invalid"]
    assert errors_of("GET", f"/face-authentications/{fa['id']}/attempts/{at['id']}/assets?limit=101", 422) == [
        "limit_invalid"]
    CKO_SAMPLES["error 422"] = ccall("POST", "/face-authentications", 422, {})
    # Every operation: 401 without a key, and 413 where the operation reads a body.
    ids = {"applicant_id": fa["applicant_id"], "face_authentication_id": fa["id"], "attempt_id": at["id"]}
    for template, item in DOCUMENTS["checkout"]["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            ccall(method.upper(), template.format(**ids), 401, key=None)
            if "413" in op["responses"]:
                ccall(method.upper(), template.format(**ids), 413, content_type=json_type, announce=1024 * 1024 + 1)


def checkout_statuses_seen():
    """Asserts that every status the Checkout document declares for an operation was answered, except 408
    (it needs a body that stalls for server.body_read_timeout_seconds) and 500 (a fault)."""
    declared = {
        f"{op['operationId']} {status}"
        for item in DOCUMENTS["checkout"]["paths"].values()
        for method, op in item.items() if method != "parameters"
        for status in op["responses"] if status not in ("408", "500")
    }
    seen = {key for (api, key) in OPERATIONS if api == "checkout"}
    assert declared <= seen, f"declared but never answered: {sorted(declared - seen)}"


# --- Checkout.com: negative cases ----------------------------------------------------------


def checkout_negatives():
    s = CKO_SAMPLES
    applicant_body, approved, created = s["applicant"], s["fa approved"], s["fa created"]
    completed, pending, aborted = s["attempt completed"], s["attempt pending_redirection"], s["attempt capture_aborted"]
    page, event, error = s["assets"], s["event"], s["error 422"]
    approved_code = {"code": 10000, "summary": "approved"}
    cases = [
        ("applicant", mutated(applicant_body, lambda b: b.pop("id")), "no id"),
        ("applicant", mutated(applicant_body, lambda b: b.update(id="fav_" + b["id"][5:])), "a fav_ id"),
        ("applicant", mutated(applicant_body, lambda b: b.update(email="not an email")), "an email that is none"),
        ("applicant", mutated(applicant_body, lambda b: b.update(external_applicant_id="aplt_x")), "an aplt_ external id"),
        ("applicant", mutated(applicant_body, lambda b: b.update(created_on="2026-01-01T00:00:00+01:00")), "a non-Z offset"),
        ("applicant", mutated(applicant_body, lambda b: b["_links"].pop("self")), "no _links.self"),
        ("applicant", mutated(applicant_body, lambda b: b["_links"]["self"].update(href="/relative")), "a relative link"),
        ("face-authentication", mutated(approved, lambda b: b.update(status="done")), "an unknown status"),
        ("face-authentication", mutated(approved, lambda b: b.pop("risk_labels")), "no risk_labels"),
        ("face-authentication", mutated(approved, lambda b: b.update(risk_labels=["bad_luck"])), "an unknown risk label"),
        ("face-authentication", mutated(approved, lambda b: b.update(response_codes=[])), "approved without a code"),
        ("face-authentication", mutated(approved, lambda b: b.update(response_codes=[{"code": 62304, "summary": "face_mismatch"}])),
         "approved with a 62xxx code"),
        ("face-authentication", mutated(approved, lambda b: b.update(response_codes=[{"code": 10000, "summary": "ok"}])),
         "a wrong summary"),
        ("face-authentication", mutated(approved, lambda b: b.update(response_codes=[{"code": 10001, "summary": "approved"}])),
         "an undocumented code"),
        ("face-authentication", mutated(created, lambda b: b.update(response_codes=[approved_code])), "created with a code"),
        ("face-authentication", mutated(created, lambda b: b.update(user_journey_id="usj-1")), "a malformed user_journey_id"),
        ("face-authentication", mutated(approved, lambda b: b["_links"].pop("applicant")), "no _links.applicant"),
        ("attempt", mutated(completed, lambda b: b.update(status="terminated")), "Ubble's terminated"),
        ("attempt", mutated(completed, lambda b: b.update(response_codes=[])), "completed without a code"),
        ("attempt", mutated(completed, lambda b: b.update(response_codes=[{"code": 63001, "summary": "applicant_refusal"}])),
         "completed with 63001"),
        ("attempt", mutated(pending, lambda b: b.update(response_codes=[approved_code])), "a running attempt with a code"),
        ("attempt", mutated(aborted, lambda b: b.update(response_codes=[approved_code])), "aborted with 10000"),
        ("attempt", mutated(pending, lambda b: b["_links"].pop("verification_url")), "no verification_url"),
        ("attempt", mutated(pending, lambda b: b.update(redirect_url="ftp://shop.example/")), "an ftp redirect_url"),
        ("attempt", mutated(pending, lambda b: b.update(phone_number={"country_code": "33", "number": "1"})),
         "a country code without +"),
        ("attempt.asset_list", mutated(page, lambda b: b.update(limit=0)), "limit 0"),
        ("attempt.asset_list", mutated(page, lambda b: b.update(limit=101)), "limit 101"),
        ("attempt.asset_list", mutated(page, lambda b: b["data"][0].update(type="document_front_image")), "an IDV asset type"),
        ("attempt.asset_list", mutated(page, lambda b: b["data"][0].pop("_links")), "an asset without a link"),
        ("attempt.asset_list", mutated(page, lambda b: b.pop("total_count")), "no total_count"),
        ("attempt.list", mutated(s["attempts"], lambda b: b["data"][0].update(status="done")), "an attempt with an unknown status"),
        ("attempt.list", mutated(s["attempts"], lambda b: b["_links"].update(next=None)), "a null next link"),
        ("error", mutated(error, lambda b: b.pop("request_id")), "no request_id"),
        ("error", mutated(error, lambda b: b.update(error_type="validation_error")), "an unknown error_type"),
        ("error", mutated(error, lambda b: b.update(error_codes=[])), "no error code"),
        ("error", mutated(error, lambda b: b.update(error_codes=["applicant_id__required"])), "a Ubble-style code"),
        ("error.unprocessable", mutated(error, lambda b: b.update(error_type="conflict")), "a 409 type on a 422"),
        ("error.conflict", dict(error, error_type="conflict", error_codes=["face_authentication_status_pending"]),
         "a status that takes new attempts"),
        ("error.applicant_not_found", dict(error, error_type="resource_not_found", error_codes=["attempt_not_found"]),
         "another resource's code"),
        ("webhook", mutated(event, lambda b: b.update(version="2.0.0")), "another version"),
        ("webhook", mutated(event, lambda b: b.update(type="face_authentication_deleted")), "an unknown type"),
        ("webhook", mutated(event, lambda b: b.update(type="face_authentication_opened")), "opened with a finished status"),
        ("webhook", mutated(event, lambda b: b["data"].pop("face_authentication_id")), "no face_authentication_id"),
        ("webhook", mutated(event, lambda b: b["data"].update(status="pending")), "checks_completed while pending"),
        ("webhook", mutated(event, lambda b: b.update(id="whd_1")), "a delivery id for the event id"),
        ("applicant.create_request", {"external_applicant_id": "aplt_" + "a" * 26}, "an aplt_ external id"),
        ("applicant.create_request", {"email": "a..b@example.com"}, "two dots in a row"),
        ("applicant.create_request", {"external_applicant_name": "\u3000 "}, "a name of white space"),
        ("applicant.update_request", {"external_applicant_name": "x" * 256}, "a 256-character name"),
        ("face-authentication.create_request", {"applicant_id": "aplt_x"}, "no user_journey_id"),
        ("face-authentication.create_request", {"applicant_id": "aplt_x", "user_journey_id": "usj_" + "A" * 26},
         "an upper-case user_journey_id"),
        ("face-authentication.create_request", {"applicant_id": None, "user_journey_id": USJ}, "a null applicant_id"),
        ("attempt.create_request", {"redirect_url": "https://shop.example/caf\u00e9"}, "a non-ASCII URL"),
        ("attempt.create_request", {"redirect_url": REDIRECT, "client_information": {"pre_selected_language": "e"}},
         "a one-letter language"),
        ("attempt.create_request", {"redirect_url": REDIRECT, "phone_number": {"country_code": "+33"}}, "no number"),
    ]
    for component, body, why in cases:
        reject(body, component, why, "checkout")
    # Whole seconds and microseconds are both RFC 3339 (reference §1.4, §1.10).
    check(mutated(applicant_body, lambda b: b.update(created_on="2025-07-21T17:32:28.999831Z")), "applicant", "checkout")
    check({"email": None, "external_applicant_name": None}, "applicant.update_request", "checkout")


# --- Trustmatic: HTTP --------------------------------------------------------------------------

TM_PREFIX = "/trustmatic"
TM_BASIC = "Basic " + base64.b64encode(b"facesim:facesim").decode()
VERIFY, FACE_LIVENESS, DOCUMENT_LIVENESS = "/api/v1/face/verify", "/api/v1/face/liveness", "/api/v1/document/liveness"
TM_REQUESTS = {
    VERIFY: "face-verify.request",
    FACE_LIVENESS: "face-liveness.request",
    DOCUMENT_LIVENESS: "document-liveness.request",
}
SESSION = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
TM_SAMPLES = {}  # one real body per outcome, for the negative cases


def tcall(method, path, expect, body=None, *, authorization=TM_BASIC, data=None, content_type=None, announce=None):
    """Sends one request to the Trustmatic API, checks its status against expect and the OpenAPI, the empty 401
    and its challenge, Allow on a 405, the echoed sessionId and Facesim-Detail on in-band errors; validates the
    body."""
    url = BASE + TM_PREFIX + path
    headers = {"Authorization": authorization} if authorization else {}
    if body is not None:
        data = json.dumps(body).encode()
        content_type = content_type or "application/json"
    if data is not None or content_type:
        headers["Content-Type"] = content_type  # None: a body without Content-Type
    status, raw, media, answer_headers = send(method, url, data, headers, announce)
    assert status == expect, f"{method} {url}: {status} (expected {expect}) {raw[:300]!r}"
    document, op = operation(method, url, TM_PREFIX, ("trustmatic",))
    if op:
        assert str(status) in op["responses"], f"{op['operationId']} does not declare {status}"
        OPERATIONS["trustmatic", f"{op['operationId']} {status}"] += 1
    if status == 401:  # on every path and method: authentication comes first (Decision 15)
        assert raw == b"" and "Content-Type" not in answer_headers, f"{method} {url}: a 401 with a body {raw[:100]!r}"
        challenge = answer_headers.get("WWW-Authenticate")
        assert challenge == 'Basic realm="trustmatic"', f"{method} {url}: WWW-Authenticate {challenge!r}"
        return None
    if op:
        component = response_schema(document, op, status)
    else:
        assert status == (404 if op is None else 405), f"{method} {url}: {status} outside the OpenAPI"
        component = "error.not_found" if status == 404 else "error.method_not_allowed"
    if status == 405:
        assert answer_headers.get("Allow") == "POST", f"{method} {url}: Allow {answer_headers.get('Allow')!r}"
    assert media == "application/json", f"{method} {url}: {media}"
    answer = json.loads(raw)
    check(answer, component, "trustmatic")
    sent = body.get("sessionId") if isinstance(body, dict) else None
    if status == 200:  # no sessionId in, no sessionId out (Decision 5)
        assert answer.get("sessionId") == sent, f"sessionId {answer.get('sessionId')!r}, sent {sent!r}"
        if answer["hasError"]:
            assert answer_headers.get("Facesim-Detail"), f"{method} {url}: {answer} without Facesim-Detail"
    elif "sessionId" in answer:
        assert answer["sessionId"] == sent, f"sessionId {answer['sessionId']!r}, sent {sent!r}"
    return answer


def tm(path, body, expect=200, **kwargs):
    """A POST to a Trustmatic endpoint: a body its request schema accepts must get a 200, one facesim refuses
    with a 400 must be refused by the schema too."""
    if expect == 200:
        check(body, TM_REQUESTS[path], "trustmatic")
    elif expect == 400:
        reject(body, TM_REQUESTS[path], "a body facesim refuses", "trustmatic")
    return tcall("POST", path, expect, body, **kwargs)


def b64(data):
    return base64.b64encode(data).decode()


def verify(probe, reference, session=SESSION):
    """A face verification of two pictures (bytes, or text sent as it is; None leaves the field out)."""
    body = {"sessionId": session} if session is not None else {}
    for field, picture in (("probe", probe), ("reference", reference)):
        if picture is not None:
            body[field] = {"imageBase64": b64(picture) if isinstance(picture, bytes) else picture}
    return tm(VERIFY, body)


def liveness(picture, session=SESSION):
    """A face liveness check of one picture (bytes, or text sent as it is)."""
    body = {"sessionId": session, "faceImageBase": b64(picture) if isinstance(picture, bytes) else picture}
    return tm(FACE_LIVENESS, body)


def document(front, back=None, field="frontSideImageBase", session=SESSION):
    """A document liveness check of a front side (and a back side)."""
    body = {"sessionId": session}
    for name, picture in ((field, front), ("backSideImageBase", back)):
        if picture is not None:
            body[name] = b64(picture) if isinstance(picture, bytes) else picture
    return tm(DOCUMENT_LIVENESS, body)


def scored(answer, low, high, sample=None):
    """Asserts a passed or not passed answer with low <= score <= high; keeps it as a sample."""
    assert not answer["hasError"] and low <= answer["score"] <= high, f"score not in [{low}, {high}]: {answer}"
    if sample:
        TM_SAMPLES[sample] = answer
    return answer["score"]


def failed(answer, code):
    """Asserts an in-band error answer with this code; keeps it as a sample."""
    assert answer["hasError"] and answer["error"] == code, f"expected {code}: {answer}"
    TM_SAMPLES[f"error {code}"] = answer


class Pictures(http.server.BaseHTTPRequestHandler):
    """Serves the liveness pictures given as http:// URLs: /<marker>.png is plain-photo.png with that marker;
    anything else is a 404."""

    def do_GET(self):
        name = urllib.parse.unquote(self.path.lstrip("/"))
        if name.endswith(".png"):
            body, status, media = marked_png(name.removesuffix(".png")), 200, "image/png"
        else:
            body, status, media = b"not here", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# --- Trustmatic: the checks --------------------------------------------------------------------------


def trustmatic_flow():
    reset()
    alice, selfie, bob = fixture("alice-reference.png"), fixture("alice-selfie.jpg"), fixture("bob-selfie.jpg")
    spoof, no_face, plain = fixture("alice-spoof.jpg"), fixture("no-face.png"), fixture("plain-photo.png")

    # Face verification: the calibration (docs/trustmatic.md Choosing an outcome), the lenient Base64
    # (Decision 8), and every in-band error in its order of precedence.
    assert scored(verify(selfie, alice), 76, 100, "verify passed") >= 27
    assert scored(verify(plain, plain), 100, 100) == 100
    assert scored(verify(bob, alice), 0, 11, "verify not passed") < 27
    assert scored(verify(marked_png("subject=carol;similarity=0.7"), alice), 27, 27) == 27
    assert scored(verify(marked_png("subject=carol;similarity=0.69"), alice), 0, 26) == 26
    scored(verify(marked_png("subject=alice;face=many"), alice), 76, 100)
    assert "sessionId" not in verify(selfie, alice, session=None)
    assert verify(selfie, alice, session="")["sessionId"] == ""
    lenient = b64(selfie).rstrip("=")
    lenient = "\n".join(lenient[i:i + 76] for i in range(0, len(lenient), 76))
    scored(verify(lenient, "data:image/gif;base64," + b64(alice)), 76, 100)
    failed(verify(None, alice), "MISSING_PROBE_IMAGE")
    for unreadable in ("", "not*base64", fixture("corrupt.png"), fixture("not-media.txt"), fixture("alice-selfie.mp4"),
                       fixture("bad-marker.png"), "http://127.0.0.1:9/face.png"):
        failed(verify(unreadable, alice), "MISSING_PROBE_IMAGE")
    failed(verify(no_face, None), "MISSING_REFERENCE_IMAGE")
    failed(verify(selfie, fixture("corrupt.png")), "MISSING_REFERENCE_IMAGE")
    failed(verify(no_face, no_face), "PROBE_FACE_NOT_FOUND")
    failed(verify(selfie, no_face), "REFERENCE_FACE_NOT_FOUND")
    failed(tm(VERIFY, {"probe": None, "reference": {}, "unknown": [1]}), "MISSING_PROBE_IMAGE")

    # Face liveness: live, spoof, forced scores, deterministic scores, URLs (Decision 9).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pictures = f"http://127.0.0.1:{server.server_port}"
    try:
        live = scored(liveness(selfie), 0.9, 1, "face liveness passed")
        assert liveness(selfie)["score"] == live, "the same picture got another score"
        assert scored(liveness(spoof), 0, 0.1, "face liveness not passed") < 0.8
        scored(liveness(fixture("many-faces.png")), 0.9, 1)
        assert liveness(marked_png("liveness_score=0.42"))["score"] == 0.42
        assert liveness("data:image/png;base64," + b64(selfie))["score"] == live
        assert liveness(f"{pictures}/liveness_score=0.8125.png")["score"] == 0.8125
        failed(liveness(no_face), "FACE_NOT_FOUND")
        for unreadable in (None, "", "%%%", fixture("corrupt.png"), f"{pictures}/gone", "https://127.0.0.1:9/face.png"):
            failed(liveness(unreadable), "MISSING_FACE_IMAGE")
        failed(tm(FACE_LIVENESS, {}), "MISSING_FACE_IMAGE")

        # Document liveness: both sides, the lower score, the single-picture variant (Decision 11).
        scored(document(marked_png("document=genuine")), 0.9, 1, "document liveness passed")
        scored(document(plain, plain), 0.9, 1)
        assert scored(document(marked_png("document=spoof")), 0, 0.1, "document liveness not passed") < 0.5
        scored(document(marked_png("liveness=spoof")), 0, 0.1)
        two = document(marked_png("liveness_score=0.7"), marked_png("liveness_score=0.3"))
        assert two["score"] == 0.3, two
        assert document(marked_png("liveness_score=0.61"), field="documentImageBase")["score"] == 0.61
        assert document(f"{pictures}/document=genuine;liveness_score=0.55.png")["score"] == 0.55
        failed(document(None), "MISSING_FRONT_SIDE_IMAGE")
        failed(document(marked_png("document=forged")), "MISSING_FRONT_SIDE_IMAGE")
        failed(document(plain, "not*base64"), "MISSING_BACK_SIDE_IMAGE")
        failed(document(marked_png("document=too_small"), marked_png("document=cropped")), "DOCUMENT_TOO_SMALL")
        failed(document(plain, marked_png("document=cropped")), "DOCUMENT_CROPPED")
        failed(tm(DOCUMENT_LIVENESS, {"frontSideImageBase": None, "backSideImageBase": b64(plain)}),
               "MISSING_FRONT_SIDE_IMAGE")
    finally:
        server.shutdown()

    # The control API: an armed error or score answers instead of the pictures (INTERNAL_ERROR in-band).
    armed = control("POST", "/trustmatic/outcomes", {"operation": "face_verify", "sessionId": "armed-1",
                                                     "error": "INTERNAL_ERROR"}, expect=201)
    assert armed["id"], armed
    scored(verify(selfie, alice), 76, 100)  # another sessionId: not armed
    failed(verify(None, None, session="armed-1"), "INTERNAL_ERROR")
    control("POST", "/trustmatic/outcomes", {"operation": "face_liveness", "score": 0.25, "times": 2}, expect=201)
    assert [liveness(selfie)["score"] for _ in range(3)] == [0.25, 0.25, live]
    control("POST", "/trustmatic/outcomes", {"error": "INTERNAL_ERROR"}, expect=201)
    failed(document(plain), "INTERNAL_ERROR")
    control("POST", "/trustmatic/outcomes", {"operation": "face_verify", "score": 27}, expect=201)
    assert verify(bob, alice)["score"] == 27


def trustmatic_errors():
    """Every status of Errors outside the check of docs/trustmatic.md but 408 and 500."""
    json_type = "application/json"
    plain = b64(fixture("plain-photo.png"))
    # 400: not JSON, not an object, a wrong JSON type (sessionId echoed when it could be read), both fronts.
    for data in (b"{not json", b"[]", b'"x"', b"", b"null"):
        answer = tcall("POST", VERIFY, 400, data=data, content_type=json_type)
        assert answer["error"] == "INVALID_REQUEST" and "sessionId" not in answer, answer
    TM_SAMPLES["error 400"] = tm(VERIFY, {"sessionId": SESSION, "probe": "/9j/4AAQ"}, 400)
    assert TM_SAMPLES["error 400"]["sessionId"] == SESSION, TM_SAMPLES["error 400"]
    assert "sessionId" not in tm(FACE_LIVENESS, {"sessionId": 5, "faceImageBase": plain}, 400)
    tm(VERIFY, {"probe": {"imageBase64": 5}}, 400)
    tm(VERIFY, {"reference": [plain]}, 400)
    tm(FACE_LIVENESS, {"faceImageBase": {"url": "http://127.0.0.1:9/"}}, 400)
    tm(DOCUMENT_LIVENESS, {"backSideImageBase": True}, 400)
    tm(DOCUMENT_LIVENESS, {"sessionId": SESSION, "frontSideImageBase": plain, "documentImageBase": plain}, 400)
    # 401: no credentials, another scheme, not Base64 of username:password, an unknown pair; any path.
    for authorization in (None, "Bearer facesim", "Basic %%%", "Basic " + b64(b"facesim"),
                          "Basic " + b64(b"facesim:wrong"), "Basic " + b64(b"nobody:facesim")):
        tcall("POST", VERIFY, 401, {"sessionId": SESSION}, authorization=authorization)
    for path in TM_REQUESTS:
        tcall("POST", path, 401, {}, authorization=None)
        tcall("GET", path, 401, authorization=None)
        tcall("POST", path, 401, content_type="text/plain", data=b"x", authorization=None)
    tcall("GET", "/api/v1/nothing", 401, authorization=None)
    # 404 and 405, outside the operations.
    unknown = (("POST", "/api/v1/face/detect"), ("GET", "/api/v1/face"), ("POST", "/api/v1/id-verifications/face/verify"))
    for method, path in unknown:
        assert tcall(method, path, 404, {} if method == "POST" else None)["error"] == "NOT_FOUND"
    for method in ("GET", "PUT", "DELETE"):
        assert tcall(method, VERIFY, 405)["error"] == "METHOD_NOT_ALLOWED"
    assert tcall("PATCH", DOCUMENT_LIVENESS, 405, {})["error"] == "METHOD_NOT_ALLOWED"
    # 413 (over 20 MB) and 415 (not declared JSON, none included), on every operation.
    for path in TM_REQUESTS:
        assert tcall("POST", path, 413, content_type=json_type, announce=20 * 1024 * 1024 + 1)["error"] == "PAYLOAD_TOO_LARGE"
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            answer = tcall("POST", path, 415, data=json.dumps({"sessionId": SESSION}).encode(), content_type=content_type)
            assert answer["error"] == "UNSUPPORTED_MEDIA_TYPE", answer
    assert tcall("POST", FACE_LIVENESS, 200, data=b"{}", content_type="application/problem+json")["hasError"]
    assert tcall("POST", FACE_LIVENESS, 200, data=b"{}", content_type="application/json; charset=utf-8")["hasError"]


def trustmatic_statuses_seen():
    """Asserts that every status the Trustmatic document declares was answered, but 408 (it needs a body that
    stalls for server.body_read_timeout_seconds) and 500 (a fault)."""
    declared = {
        f"{op['operationId']} {status}"
        for item in DOCUMENTS["trustmatic"]["paths"].values()
        for op in item.values()
        for status in op["responses"] if status not in ("408", "500")
    }
    seen = {key for (api, key) in OPERATIONS if api == "trustmatic"}
    assert declared <= seen, f"declared but never answered: {sorted(declared - seen)}"


# --- Trustmatic: negative cases -------------------------------------------------------------------


def trustmatic_negatives():
    s = TM_SAMPLES
    passed, low, verify_error = s["verify passed"], s["verify not passed"], s["error MISSING_PROBE_IMAGE"]
    live, document_error = s["face liveness passed"], s["error DOCUMENT_CROPPED"]
    error = s["error 400"]
    cases = [
        ("face-verify.answer", mutated(passed, lambda b: b.update(score=101)), "score 101"),
        ("face-verify.answer", mutated(low, lambda b: b.update(score=-1)), "score -1"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(score=b["score"] - 0.5)), "a fractional score"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(score=str(b["score"]))), "a string score"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(passed=True)), "a pass/fail field"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(hasError=True)), "a score with hasError"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(sessionId=None)), "a null sessionId"),
        ("face-verify.answer", mutated(passed, lambda b: b.pop("hasError")), "no hasError"),
        ("face-verify.answer", mutated(passed, lambda b: b.update(error="MISSING_PROBE_IMAGE")), "a score and an error"),
        ("face-verify.answer", mutated(verify_error, lambda b: b.update(error="FACE_NOT_FOUND")), "a liveness code"),
        ("face-verify.answer", mutated(verify_error, lambda b: b.update(hasError=False)), "an error with hasError false"),
        ("face-verify.answer", mutated(verify_error, lambda b: b.update(message="no probe")), "a message in-band"),
        ("face-verify.answer", mutated(verify_error, lambda b: b.update(score=0)), "an error with a score"),
        ("face-liveness.answer", mutated(live, lambda b: b.update(score=1.0000001)), "score above 1"),
        ("face-liveness.answer", mutated(live, lambda b: b.update(score=99)), "a verify score"),
        ("face-liveness.answer", mutated(live, lambda b: b.pop("score")), "no score"),
        ("face-liveness.answer", mutated(verify_error, lambda b: None), "a verify code"),
        ("document-liveness.answer", mutated(document_error, lambda b: b.update(error="DOCUMENT_EXPIRED")), "an unknown code"),
        ("document-liveness.answer", mutated(document_error, lambda b: b.update(error="document_cropped")), "a lower-case code"),
        ("document-liveness.answer", mutated(live, lambda b: b.update(score=-0.1)), "a negative score"),
        ("error", mutated(error, lambda b: b.pop("message")), "no message"),
        ("error", mutated(error, lambda b: b.update(hasError=False)), "hasError false"),
        ("error", mutated(error, lambda b: b.update(error="MISSING_PROBE_IMAGE")), "an in-band code"),
        ("error", mutated(error, lambda b: b.update(status=400)), "an extra key"),
        ("error.bad_request", mutated(error, lambda b: b.update(error="NOT_FOUND")), "a 404 code on a 400"),
        ("error.unsupported_media_type", error, "a 400 code on a 415"),
        ("face-verify.request", {"sessionId": SESSION, "probe": {"imageBase64": ["x"]}}, "an array picture"),
        ("face-liveness.request", {"faceImageBase": 1}, "a number picture"),
        ("document-liveness.request", {"frontSideImageBase": "x", "documentImageBase": "y"}, "two front sides"),
    ]
    for component, body, why in cases:
        reject(body, component, why, "trustmatic")
    # Requests are open, and null counts as left out.
    check({"sessionId": None, "probe": {"imageBase64": None}, "extra": {"a": 1}}, "face-verify.request", "trustmatic")
    check({"frontSideImageBase": None, "documentImageBase": "x"}, "document-liveness.request", "trustmatic")


def main():
    truora_flow()
    truora_negatives()
    receiver, fa, at = checkout_flow()
    checkout_errors(fa, at)
    checkout_statuses_seen()
    kinds = webhooks(receiver)
    checkout_negatives()
    trustmatic_flow()
    trustmatic_errors()
    trustmatic_statuses_seen()
    trustmatic_negatives()
    width = max(len(f"{v} {c}") for v, c in VALID | REJECTED)
    print(f"{'schema':<{width}}  valid  rejected")
    for key in sorted(VALID | REJECTED):
        print(f"{' '.join(key):<{width}}  {VALID[key]:>5}  {REJECTED[key]:>8}")
    print(f"\n{sum(OPERATIONS.values())} answers matched their OpenAPI operation:")
    for key in sorted(OPERATIONS):
        print(f"  {' '.join(key)} x{OPERATIONS[key]}")
    print(f"\n{sum(kinds.values())} Checkout webhook events received, signed and valid:")
    for kind in sorted(kinds):
        print(f"  {kind} x{kinds[kind]}")
    print("OK")


if __name__ == "__main__":
    main()
