#!/usr/bin/env python3
"""Drives a running facesim through the Truora face flow and validates every body it answers.

    python3 schemas/check_against_server.py http://127.0.0.1:7700

Resets the simulator first (POST /_facesim/reset) and moves its virtual clock, so point it at a
server used for nothing else. Each JSON answer is validated against the modular schemas
(schemas/truora/validations/*.schema.json) and against the bundled OpenAPI document of its
operation (validations.openapi.bundled.json for the API, files.openapi.bundled.json for the
pre-signed upload and file links): the status must be one the operation declares, and the body
must match that status' schema. Then mutated copies of real bodies must be REJECTED. Needs the
jsonschema package.
"""

import copy
import datetime
import http.client
import json
import re
import struct
import sys
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


# The Validations API, and facesim's stand-ins for the pre-signed links its bodies hand out.
DOCUMENTS = {name: _load(HERE / "truora" / f"{name}.openapi.bundled.json") for name in ("validations", "files")}
REGISTRY = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in map(_load, (HERE / "truora").rglob("*.schema.json"))]
    + [(f"urn:{name}", DRAFT202012.create_resource(doc)) for name, doc in DOCUMENTS.items()]
)


def validators(component, document):
    """The modular schema and the component named `component` (e.g. error.acknowledgement) of a bundle."""
    stem, _, definition = component.partition(".")
    modular = ID + f"{stem}.schema.json" + (f"#/$defs/{definition}" if definition else "")
    return [
        Draft202012Validator({"$ref": ref}, registry=REGISTRY, format_checker=FORMATS)
        for ref in (modular, f"urn:{document}#/components/schemas/{component}")
    ]


VALIDATORS = {}
VALID, REJECTED = Counter(), Counter()


def check(body, component, document="validations"):
    """Asserts body is valid against both forms of the schema; counts it."""
    for v in VALIDATORS.setdefault((component, document), validators(component, document)):
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(body)]
        assert not errors, f"{component} refused {json.dumps(body)}:\n  " + "\n  ".join(errors)
    VALID[component] += 1


def reject(body, component, why):
    """Asserts body is invalid against both forms of the schema; counts it."""
    for v in VALIDATORS.setdefault((component, "validations"), validators(component, "validations")):
        assert not v.is_valid(body), f"{component} accepted a body with {why}: {json.dumps(body)}"
    REJECTED[component] += 1


# --- HTTP ----------------------------------------------------------------------------------

BASE = sys.argv[1].rstrip("/") if len(sys.argv) == 2 else sys.exit(__doc__)
OPERATIONS = Counter()


def operation(method, url):
    """(document, operation) serving method+url: (None, None) for an unknown path, an empty
    operation for a method the path does not have."""
    path = urllib.parse.urlsplit(url).path.removeprefix(PREFIX)
    for name, doc in DOCUMENTS.items():
        for template, item in doc["paths"].items():
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
                return name, item.get(method.lower(), {})
    return None, None


def response_schema(document, op, status):
    """The name of the component the operation declares for a JSON answer of status."""
    response = op["responses"][str(status)]
    if "$ref" in response:  # a shared error response: its schema is error.error narrowed to the status
        response = DOCUMENTS[document]["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    refs = [schema] + schema.get("allOf", [])
    return next(r["$ref"].rsplit("/", 1)[1] for r in refs if "$ref" in r)


def send(method, url, data, headers, announce):
    """(status, body, media type). announce: send only the headers, with this Content-Length."""
    if announce:  # facesim refuses an announced oversize body before reading it, then closes
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.netloc)
        conn.request(method, f"{parts.path}?{parts.query}", headers=dict(headers, **{"Content-Length": str(announce)}))
        r = conn.getresponse()
        return r.status, r.read(), r.headers.get_content_type()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method)) as r:
            return r.status, r.read(), r.headers.get_content_type()
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get_content_type()


def call(method, url, expect, form=None, data=None, key=KEY, content_type=None, announce=None):
    """Sends one request, checks its status against expect and the OpenAPI, validates the body."""
    url = url if url.startswith("http") else BASE + PREFIX + url
    headers = {"Truora-API-Key": key} if key else {}
    if form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        content_type = content_type or "application/x-www-form-urlencoded"
    if content_type:
        headers["Content-Type"] = content_type
    status, raw, media = send(method, url, data, headers, announce)
    assert status == expect, f"{method} {url}: {status} (expected {expect}) {raw[:300]!r}"
    document, op = operation(method, url)
    if op:
        assert str(status) in op["responses"], f"{op['operationId']} does not declare {status}"
        OPERATIONS[f"{op['operationId']} {status}"] += 1
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


def flow():
    urllib.request.urlopen(urllib.request.Request(BASE + "/_facesim/reset", b"", method="POST")).close()
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


def negatives():
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


def main():
    flow()
    negatives()
    width = max(map(len, VALID | REJECTED))
    print(f"{'schema':<{width}}  valid  rejected")
    for name in sorted(VALID | REJECTED):
        print(f"{name:<{width}}  {VALID[name]:>5}  {REJECTED[name]:>8}")
    print(f"\n{sum(OPERATIONS.values())} answers matched their OpenAPI operation:")
    for key in sorted(OPERATIONS):
        print(f"  {key} x{OPERATIONS[key]}")
    print("OK")


if __name__ == "__main__":
    main()
