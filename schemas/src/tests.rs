use super::*;
use serde_json::{json, Value};

const JSON: Option<&str> = Some("application/json; charset=utf-8");

fn truora() -> &'static Contract {
    contract("truora-validations").expect("embedded")
}

fn enrollment() -> Value {
    json!({
        "enrollment_id": "ENR0123456789abcdef0123456789abcdef",
        "account_id": "acc-1",
        "validation_type": "face-recognition",
        "status": "pending",
        "reason": "waiting_file_upload",
        "file_upload_link": "http://127.0.0.1:7700/truora/validations/v1/uploads/UPL1?signature=x",
        "creation_date": "2026-01-02T03:04:05.123456789Z",
        "update_date": "2026-01-02T03:04:05.123456789Z"
    })
}

fn check(status: u16, content_type: Option<&str>, body: &Value) -> Result<String, Violation> {
    truora()
        .check_response(
            "GET",
            "/v1/enrollments/ENR0123456789abcdef0123456789abcdef",
            status,
            content_type,
            body.to_string().as_bytes(),
        )
        .map(Operation::label)
}

#[test]
fn every_embedded_document_parses_with_its_operations() {
    for name in api_names() {
        let contract = contract(name).unwrap();
        assert!(!contract.operations().is_empty(), "{name}");
        assert!(openapi_text(name).unwrap().starts_with('{'));
    }
    assert_eq!(truora().base_path(), "/truora/validations");
    assert!(truora().operation("POST", "/v1/enrollments").is_some());
    assert!(truora().operation("GET", "/v1/enrollments/").is_none());
    assert!(truora().operation("GET", "/v1/enrollments/a/b").is_none());
}

#[test]
fn a_documented_answer_passes() {
    assert_eq!(
        check(200, JSON, &enrollment()).unwrap(),
        "GET /v1/enrollments/{enrollment_id}"
    );
}

#[test]
fn a_missing_required_field_is_named() {
    let mut body = enrollment();
    body.as_object_mut().unwrap().remove("status");
    let violation = check(200, JSON, &body).unwrap_err();
    let text = violation.to_string();
    assert!(
        text.contains("GET /v1/enrollments/{enrollment_id} answered 200"),
        "{text}"
    );
    assert!(text.contains("schema enrollment"), "{text}");
    assert!(text.contains("\"status\" is a required property"), "{text}");
}

#[test]
fn a_wrong_enum_value_is_located() {
    let mut body = enrollment();
    body["status"] = json!("approved");
    let Problem::Schema { errors, .. } = check(200, JSON, &body).unwrap_err().problem else {
        panic!("expected a schema problem");
    };
    assert!(
        errors.iter().any(|e| e.instance_path == "/status"
            && e.schema_path.ends_with("/enum")
            && e.message.contains("approved")),
        "{errors:?}"
    );
}

#[test]
fn an_undocumented_status_is_refused() {
    let problem = check(418, JSON, &enrollment()).unwrap_err().problem;
    assert!(
        matches!(problem, Problem::UndocumentedStatus { ref documented } if documented.contains(&"404".to_string())),
        "{problem:?}"
    );
}

#[test]
fn a_wrong_content_type_is_refused() {
    let problem = check(200, Some("text/html"), &enrollment())
        .unwrap_err()
        .problem;
    assert!(
        matches!(problem, Problem::ContentType { .. }),
        "{problem:?}"
    );
    let problem = check(200, None, &enrollment()).unwrap_err().problem;
    assert!(
        matches!(problem, Problem::ContentType { found: None, .. }),
        "{problem:?}"
    );
}

#[test]
fn a_body_that_is_not_json_is_refused() {
    let violation = truora()
        .check_response("GET", "/v1/enrollments/ENRx", 200, JSON, b"<html>")
        .unwrap_err();
    assert!(
        matches!(violation.problem, Problem::NotJson { .. }),
        "{violation}"
    );
}

#[test]
fn an_unknown_operation_is_refused() {
    let violation = truora()
        .check_response("PATCH", "/v1/enrollments", 200, JSON, b"{}")
        .unwrap_err();
    assert_eq!(violation.problem, Problem::UnknownOperation);
    assert_eq!(
        violation.to_string(),
        "PATCH /v1/enrollments answered 200: the API documents no such operation"
    );
}

#[test]
fn error_answers_are_checked_against_the_envelope() {
    let ok = json!({"code": 10404, "http_code": 404, "message": "enrollment not found"});
    assert!(check(404, JSON, &ok).is_ok());
    let wrong = json!({"code": 10404, "http_code": 404});
    let text = check(404, JSON, &wrong).unwrap_err().to_string();
    assert!(text.contains("message"), "{text}");
}

#[test]
fn components_can_be_checked_alone() {
    assert!(truora()
        .check_component("enrollment", &enrollment())
        .is_ok());
    let errors = truora()
        .check_component("enrollment", &json!({}))
        .unwrap_err();
    assert!(!errors.is_empty());
    assert!(truora().component_names().any(|n| n == "error.error"));
}

// --- Checkout.com Identity Verification -------------------------------------------------------

const FAV: &str = "fav_tkoi5db4hryu5cei5vwoabr7we";
const FATP: &str = "fatp_nk1wbmmczqumwt95k3v39mhbh2w";
const APLT: &str = "aplt_abcdefghijklmnopqrstuvwxyz";
const ROOT: &str = "http://127.0.0.1:7700/checkout";

fn checkout() -> &'static Contract {
    contract("checkout-identity-verification").expect("embedded")
}

fn applicant() -> Value {
    json!({
        "id": APLT,
        "created_on": "2025-07-21T17:32:28Z",
        "modified_on": "2025-07-21T17:40:32Z",
        "external_applicant_id": "eaplt_10000000000000000000000000",
        "email": "hannah.bret@example.com",
        "external_applicant_name": "Hannah Bret",
        "_links": {"self": {"href": format!("{ROOT}/applicants/{APLT}")}}
    })
}

fn face_authentication(status: &str, codes: Value) -> Value {
    json!({
        "id": FAV,
        "created_on": "2025-07-21T17:32:28Z",
        "modified_on": "2025-07-21T17:40:32Z",
        "applicant_id": APLT,
        "user_journey_id": "usj_t5bdzsdmi57ehhkrnmp5omjimu",
        "status": status,
        "response_codes": codes,
        "risk_labels": [],
        "face": {"image_signed_url": format!("{ROOT}/assets/fasset_x?expires=1&signature=ab")},
        "_links": {
            "self": {"href": format!("{ROOT}/face-authentications/{FAV}")},
            "applicant": {"href": format!("{ROOT}/applicants/{APLT}")}
        }
    })
}

fn attempt(status: &str, codes: Value) -> Value {
    json!({
        "id": FATP,
        "created_on": "2025-07-21T18:00:00Z",
        "modified_on": "2025-07-21T18:00:00Z",
        "status": status,
        "response_codes": codes,
        "redirect_url": "https://myweb.site?query-param=hello",
        "client_information": {"pre_selected_residence_country": "FR", "pre_selected_language": "en-US"},
        "_links": {
            "self": {"href": format!("{ROOT}/face-authentications/{FAV}/attempts/{FATP}")},
            "verification_url": {"href": format!("{ROOT}/hosted/4hryu5cei5")}
        }
    })
}

fn error_body(error_type: &str, codes: &[&str]) -> Value {
    json!({"request_id": "0f8a9c1e-5b2d-4c6e-9a7b-3d1f2e4c5b6a", "error_type": error_type, "error_codes": codes})
}

fn checkout_check(
    method: &str,
    path: &str,
    status: u16,
    body: &Value,
) -> Result<String, Violation> {
    checkout()
        .check_response(method, path, status, JSON, body.to_string().as_bytes())
        .map(Operation::label)
}

fn code(code: u32, summary: &str) -> Value {
    json!({"code": code, "summary": summary})
}

#[test]
fn the_checkout_document_serves_every_endpoint_under_its_prefix() {
    let c = checkout();
    assert_eq!(c.base_path(), "/checkout");
    let attempts = format!("/face-authentications/{FAV}/attempts");
    let expected = [
        ("POST", "/applicants".to_string(), "createApplicant"),
        ("GET", format!("/applicants/{APLT}"), "getApplicant"),
        ("PATCH", format!("/applicants/{APLT}"), "updateApplicant"),
        (
            "POST",
            format!("/applicants/{APLT}/anonymize"),
            "anonymizeApplicant",
        ),
        (
            "POST",
            "/face-authentications".to_string(),
            "createFaceAuthentication",
        ),
        (
            "GET",
            format!("/face-authentications/{FAV}"),
            "getFaceAuthentication",
        ),
        (
            "POST",
            format!("/face-authentications/{FAV}/anonymize"),
            "anonymizeFaceAuthentication",
        ),
        ("POST", attempts.clone(), "createFaceAuthenticationAttempt"),
        (
            "GET",
            format!("{attempts}?skip=0&limit=10"),
            "getFaceAuthenticationAttempts",
        ),
        (
            "GET",
            format!("{attempts}/{FATP}"),
            "getFaceAuthenticationAttempt",
        ),
        (
            "GET",
            format!("{attempts}/{FATP}/assets?limit=1"),
            "getFaceAuthenticationAttemptAssets",
        ),
    ];
    for (method, path, id) in &expected {
        let operation = c
            .operation(method, path)
            .unwrap_or_else(|| panic!("{method} {path}: no operation"));
        assert_eq!(operation.operation_id(), Some(*id), "{method} {path}");
    }
    assert_eq!(c.operations().len(), expected.len());
    // Outside the API: the capture page and the asset links.
    assert!(c.operation("GET", "/hosted/token").is_none());
    assert!(c.operation("GET", "/assets/fasset_x").is_none());
    assert!(c
        .operation("DELETE", &format!("/applicants/{APLT}"))
        .is_none());
}

#[test]
fn checkout_operations_document_only_the_statuses_facesim_gives() {
    let statuses = |id: &str| -> Vec<&str> {
        let op = checkout()
            .operations()
            .iter()
            .find(|op| op.operation_id() == Some(id))
            .unwrap();
        op.statuses().collect()
    };
    // Reading a body: 400, 408, 413; validating it: 422; naming a resource: 404.
    let expected: [(&str, &[&str]); 11] = [
        (
            "createApplicant",
            &["201", "400", "401", "408", "413", "422", "500"],
        ),
        ("getApplicant", &["200", "401", "404", "500"]),
        (
            "updateApplicant",
            &["200", "400", "401", "404", "408", "413", "422", "500"],
        ),
        (
            "anonymizeApplicant",
            &["200", "401", "404", "408", "413", "500"],
        ),
        (
            "createFaceAuthentication",
            &["201", "400", "401", "408", "413", "422", "500"],
        ),
        ("getFaceAuthentication", &["200", "401", "404", "500"]),
        (
            "anonymizeFaceAuthentication",
            &["200", "401", "404", "408", "413", "422", "500"],
        ),
        (
            "createFaceAuthenticationAttempt",
            &[
                "201", "400", "401", "404", "408", "409", "413", "422", "500",
            ],
        ),
        (
            "getFaceAuthenticationAttempts",
            &["200", "401", "404", "422", "500"],
        ),
        (
            "getFaceAuthenticationAttempt",
            &["200", "401", "404", "500"],
        ),
        (
            "getFaceAuthenticationAttemptAssets",
            &["200", "401", "404", "422", "500"],
        ),
    ];
    for (id, want) in expected {
        assert_eq!(statuses(id), want, "{id}");
    }
}

#[test]
fn every_checkout_answer_declares_the_request_id_header() {
    let document = checkout().document();
    let mut seen = 0;
    for item in document["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => document.pointer(&r[1..]).unwrap(),
                    None => response,
                };
                assert_eq!(
                    response.pointer("/headers/Cko-Request-Id/$ref"),
                    Some(&json!("#/components/headers/Cko-Request-Id")),
                    "{method} {status}"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 40, "{seen}");
    assert_eq!(
        document.pointer("/components/securitySchemes/ApiSecretKey/scheme"),
        Some(&json!("bearer"))
    );
}

#[test]
fn documented_checkout_answers_pass() {
    let fa = format!("/face-authentications/{FAV}");
    assert_eq!(
        checkout_check("POST", "/applicants", 201, &applicant()).unwrap(),
        "POST /applicants"
    );
    let mut anonymized = applicant();
    let object = anonymized.as_object_mut().unwrap();
    object.remove("email");
    object.remove("external_applicant_name");
    checkout_check(
        "POST",
        &format!("/applicants/{APLT}/anonymize"),
        200,
        &anonymized,
    )
    .unwrap();
    for (status, codes) in [
        ("created", json!([])),
        ("pending", json!([])),
        ("capture_in_progress", json!([])),
        ("checks_in_progress", json!([])),
        ("approved", json!([code(10000, "approved")])),
        ("declined", json!([code(62321, "face_face_mismatch")])),
        (
            "retry_required",
            json!([code(61101, "applicant_never_started")]),
        ),
        ("retry_required", json!([code(64001, "forcibly_closed")])),
        (
            "inconclusive",
            json!([code(61411, "face_partially_hidden")]),
        ),
        ("refused", json!([code(63001, "applicant_refusal")])),
    ] {
        let body = face_authentication(status, codes);
        checkout_check("GET", &fa, 200, &body).unwrap_or_else(|v| panic!("{v}"));
    }
    for (status, codes) in [
        ("pending_redirection", json!([])),
        ("completed", json!([code(10000, "approved")])),
        ("completed", json!([code(62405, "known_fraudulent_face")])),
        ("expired", json!([code(61101, "applicant_never_started")])),
        ("expired", json!([code(64001, "forcibly_closed")])),
        ("capture_aborted", json!([code(61121, "applicant_drop")])),
        ("capture_refused", json!([code(63001, "applicant_refusal")])),
        (
            "checks_inconclusive",
            json!([code(61901, "internal_error")]),
        ),
    ] {
        let body = attempt(status, codes);
        checkout_check("GET", &format!("{fa}/attempts/{FATP}"), 200, &body)
            .unwrap_or_else(|v| panic!("{v}"));
    }
    let page = json!({
        "total_count": 11, "skip": 10, "limit": 10,
        "data": [attempt("pending_redirection", json!([]))],
        "_links": {
            "self": {"href": format!("{ROOT}{fa}/attempts?skip=10&limit=10")},
            "previous": {"href": format!("{ROOT}{fa}/attempts?skip=0&limit=10")}
        }
    });
    checkout_check("GET", &format!("{fa}/attempts?skip=10"), 200, &page).unwrap();
    let assets = json!({
        "total_count": 1, "skip": 0, "limit": 10,
        "data": [{"type": "face_image", "_links": {"asset_url": {"href": format!("{ROOT}/assets/fasset_a?expires=1&signature=ab")}}}],
        "_links": {"self": {"href": format!("{ROOT}{fa}/attempts/{FATP}/assets")}}
    });
    checkout_check("GET", &format!("{fa}/attempts/{FATP}/assets"), 200, &assets).unwrap();
    let errors = [
        (
            "POST",
            "/applicants".to_string(),
            400,
            error_body("request_malformed", &["request_body_malformed"]),
        ),
        (
            "GET",
            format!("/applicants/{APLT}"),
            404,
            error_body("resource_not_found", &["applicant_not_found"]),
        ),
        (
            "GET",
            format!("{fa}/attempts/{FATP}"),
            404,
            error_body("resource_not_found", &["attempt_not_found"]),
        ),
        (
            "POST",
            format!("{fa}/attempts"),
            409,
            error_body("conflict", &["face_authentication_status_approved"]),
        ),
        (
            "POST",
            "/face-authentications".to_string(),
            413,
            error_body("request_too_large", &["request_body_too_large"]),
        ),
        (
            "PATCH",
            format!("/applicants/{APLT}"),
            408,
            error_body("request_timeout", &["request_body_timeout"]),
        ),
        (
            "GET",
            format!("{fa}/attempts/{FATP}/assets"),
            500,
            error_body("internal_server_error", &["internal_error"]),
        ),
        (
            "POST",
            format!("{fa}/attempts"),
            422,
            error_body(
                "request_invalid",
                &[
                    "redirect_url_invalid",
                    "client_information.pre_selected_residence_country_invalid",
                ],
            ),
        ),
        (
            "POST",
            "/face-authentications".to_string(),
            422,
            error_body("request_invalid", &["applicant_not_found"]),
        ),
    ];
    for (method, path, status, body) in &errors {
        checkout_check(method, path, *status, body).unwrap_or_else(|v| panic!("{v}"));
    }
    // 401 has no body and no content type.
    checkout()
        .check_response("GET", &fa, 401, None, b"")
        .unwrap();
}

#[test]
fn a_status_with_codes_of_another_family_is_named() {
    let path = format!("/face-authentications/{FAV}");
    let body = face_authentication("approved", json!([code(62304, "face_mismatch")]));
    let violation = checkout_check("GET", &path, 200, &body).unwrap_err();
    let text = violation.to_string();
    assert!(
        text.starts_with(
            "GET /face-authentications/{face_authentication_id} answered 200 with a body that breaks schema face-authentication"
        ),
        "{text}"
    );
    let Problem::Schema { errors, .. } = violation.problem else {
        panic!("{text}");
    };
    assert!(
        errors
            .iter()
            .any(|e| e.instance_path == "/response_codes/0/code"
                && e.schema_path
                    .ends_with("common.approved_code/properties/code/const")
                && e.message.contains("10000")),
        "{errors:?}"
    );

    let pending = face_authentication("pending", json!([code(10000, "approved")]));
    assert!(checkout_check("GET", &path, 200, &pending).is_err());
    let attempt_path = format!("{path}/attempts/{FATP}");
    for (status, codes) in [
        (
            "pending_redirection",
            json!([code(64001, "forcibly_closed")]),
        ),
        ("completed", json!([])),
        ("completed", json!([code(61121, "applicant_drop")])),
        ("expired", json!([code(61121, "applicant_drop")])),
        ("capture_refused", json!([code(62304, "face_mismatch")])),
        (
            "checks_inconclusive",
            json!([code(64001, "forcibly_closed")]),
        ),
    ] {
        let body = attempt(status, codes.clone());
        assert!(
            checkout_check("GET", &attempt_path, 200, &body).is_err(),
            "{status} {codes} was accepted"
        );
    }
}

#[test]
fn response_codes_are_the_documented_pairs() {
    let path = format!("/face-authentications/{FAV}");
    let declined = |code: Value| face_authentication("declined", json!([code]));
    assert!(checkout_check("GET", &path, 200, &declined(code(62305, "face_not_live"))).is_ok());
    for wrong in [
        code(62305, "face_mismatch"),
        code(62999, "face_mismatch"),
        json!({"code": "62305", "summary": "face_not_live"}),
        json!({"code": 62305}),
    ] {
        let violation = checkout_check("GET", &path, 200, &declined(wrong.clone())).unwrap_err();
        let Problem::Schema { errors, .. } = &violation.problem else {
            panic!("{violation}");
        };
        assert!(
            errors
                .iter()
                .any(|e| e.instance_path == "/response_codes/0"),
            "{wrong}: {violation}"
        );
    }
}

#[test]
fn broken_checkout_bodies_are_located() {
    let mut body = applicant();
    body["id"] = json!("fav_abc");
    body.as_object_mut().unwrap().remove("_links");
    let violation = checkout_check("GET", &format!("/applicants/{APLT}"), 200, &body).unwrap_err();
    let text = violation.to_string();
    assert!(
        text.contains("GET /applicants/{applicant_id} answered 200"),
        "{text}"
    );
    assert!(text.contains("schema applicant"), "{text}");
    assert!(text.contains("\"_links\" is a required property"), "{text}");
    let Problem::Schema { errors, .. } = violation.problem else {
        panic!("{text}");
    };
    assert!(
        errors
            .iter()
            .any(|e| e.instance_path == "/id" && e.schema_path.ends_with("/pattern")),
        "{errors:?}"
    );

    let mut body = face_authentication("created", json!([]));
    body["created_on"] = json!("2025-07-21T17:32:28+02:00");
    body["risk_labels"] = json!(["multiple_faces_detected", "bad_luck"]);
    let text = checkout_check("GET", &format!("/face-authentications/{FAV}"), 200, &body)
        .unwrap_err()
        .to_string();
    assert!(text.contains("at /created_on"), "{text}");
    assert!(text.contains("at /risk_labels/1"), "{text}");

    let page = json!({"total_count": 0, "skip": 0, "limit": 101, "data": [], "_links": {}});
    let text = checkout_check(
        "GET",
        &format!("/face-authentications/{FAV}/attempts"),
        200,
        &page,
    )
    .unwrap_err()
    .to_string();
    assert!(text.contains("schema attempt.list"), "{text}");
    assert!(text.contains("at /limit"), "{text}");
    assert!(text.contains("\"self\" is a required property"), "{text}");
}

#[test]
fn checkout_errors_must_name_their_type_and_codes() {
    let applicant_path = format!("/applicants/{APLT}");
    for (status, body, why) in [
        (
            404,
            error_body("resource_not_found", &["face_authentication_not_found"]),
            "another resource's code",
        ),
        (
            404,
            error_body("request_invalid", &["applicant_not_found"]),
            "the 422 type",
        ),
        (404, error_body("resource_not_found", &[]), "no code"),
        (
            404,
            json!({"error_type": "resource_not_found", "error_codes": ["applicant_not_found"]}),
            "no request_id",
        ),
        (
            422,
            error_body("request_invalid", &["email_wrong"]),
            "a code that is neither _required nor _invalid",
        ),
        (
            400,
            error_body("request_malformed", &["request_body_too_large"]),
            "a 413 code",
        ),
        (
            500,
            error_body("internal_server_error", &["applicant_not_found"]),
            "a 404 code on a 500",
        ),
        (
            408,
            error_body("request_invalid", &["email_invalid"]),
            "the 422 type on a 408",
        ),
    ] {
        let method = if status == 404 { "GET" } else { "PATCH" };
        let violation = checkout_check(method, &applicant_path, status, &body)
            .err()
            .unwrap_or_else(|| panic!("{why} was accepted"));
        assert!(
            matches!(violation.problem, Problem::Schema { ref schema, .. } if schema.starts_with("error.")),
            "{why}: {violation}"
        );
    }
    let conflict = error_body("conflict", &["face_authentication_status_pending"]);
    let path = format!("/face-authentications/{FAV}/attempts");
    assert!(checkout_check("POST", &path, 409, &conflict).is_err());
    // A status the operation cannot give.
    let problem = checkout_check("GET", &applicant_path, 409, &conflict)
        .unwrap_err()
        .problem;
    assert!(
        matches!(problem, Problem::UndocumentedStatus { ref documented } if documented == &["200", "401", "404", "500"]),
        "{problem:?}"
    );
}

#[test]
fn checkout_request_and_webhook_schemas_can_be_checked_alone() {
    let c = checkout();
    let ok = |name: &str, body: Value| {
        c.check_component(name, &body)
            .unwrap_or_else(|e| panic!("{name} refused {body}: {e:?}"))
    };
    let refused = |name: &str, body: Value| {
        assert!(
            c.check_component(name, &body).is_err(),
            "{name} accepted {body}"
        )
    };
    ok("applicant.create_request", json!({}));
    ok(
        "applicant.create_request",
        json!({"external_applicant_id": "ext_osdfdfdb4hryu5cei5vwoabrk5k", "unknown": 1}),
    );
    ok(
        "applicant.create_request",
        json!({"external_applicant_id": "eaplt_61411I10000000000000000000"}),
    );
    refused(
        "applicant.create_request",
        json!({"external_applicant_id": "aplt_x"}),
    );
    refused(
        "applicant.create_request",
        json!({"external_applicant_name": "x".repeat(256)}),
    );
    refused("applicant.create_request", json!({"email": "nobody"}));
    ok(
        "applicant.update_request",
        json!({"email": null, "external_applicant_name": null}),
    );
    ok(
        "applicant.update_request",
        json!({"external_applicant_name": " Hannah\u{3000}"}),
    );
    refused("applicant.update_request", json!({"email": 5}));
    refused(
        "applicant.update_request",
        json!({"external_applicant_name": ""}),
    );
    refused(
        "applicant.update_request",
        json!({"external_applicant_name": " \t\u{3000}\u{a0}"}),
    );
    ok(
        "applicant.update_request",
        json!({"email": format!("{}@example.com", "a".repeat(64))}),
    );
    for email in [
        "a..b@example.com",
        "a@example",
        "a@-x.example",
        "a b@example.com",
        "\u{e9}@example.com",
        &format!("{}@example.com", "a".repeat(65)),
    ] {
        refused("applicant.update_request", json!({ "email": email }));
    }
    ok(
        "face-authentication.create_request",
        json!({"applicant_id": APLT, "user_journey_id": "usj_t5bdzsdmi57ehhkrnmp5omjimu"}),
    );
    refused(
        "face-authentication.create_request",
        json!({"applicant_id": APLT, "user_journey_id": "usj_01heqt35wmjrf3wjd7w1wz33p2"}),
    );
    refused(
        "face-authentication.create_request",
        json!({"user_journey_id": "usj_t5bdzsdmi57ehhkrnmp5omjimu"}),
    );
    ok(
        "attempt.create_request",
        json!({
            "redirect_url": "https://myweb.site?query-param=hello",
            "client_information": {"pre_selected_residence_country": "FR", "pre_selected_language": "en-US"},
            "phone_number": {"country_code": "+33", "number": "612345678"}
        }),
    );
    refused("attempt.create_request", json!({}));
    ok(
        "attempt.create_request",
        json!({"redirect_url": "http://u:p@shop.example:8080/back?x=%20y#top", "client_information": null, "phone_number": null}),
    );
    for url in [
        "mailto:someone@example.com",
        "https://",
        "https://shop.example/caf\u{e9}",
        "https://shop.example/%zz",
        "https://shop.example/a b",
        "https://shop.example/{id}",
        &format!("https://shop.example/{}", "a".repeat(2030)),
    ] {
        refused("attempt.create_request", json!({ "redirect_url": url }));
    }
    refused(
        "attempt.create_request",
        json!({"redirect_url": "https://a.example", "client_information": {"pre_selected_language": "english!"}}),
    );
    refused(
        "attempt.create_request",
        json!({"redirect_url": "https://a.example", "phone_number": {"country_code": "+12345", "number": "1"}}),
    );
    refused(
        "attempt.create_request",
        json!({"redirect_url": "https://a.example", "phone_number": {"country_code": "33", "number": "1"}}),
    );
    refused(
        "attempt.create_request",
        json!({"redirect_url": "https://a.example", "client_information": {"pre_selected_residence_country": "FRA"}}),
    );

    let event = |kind: &str, status: &str, codes: Value| {
        json!({
            "id": "evt_wulgj7iilg2u3lweve5g7oc5xa",
            "type": kind,
            "version": "1.2.0",
            "created_on": "2024-12-05T17:48:25.999831Z",
            "data": {
                "applicant_id": "aplt_01jebyzk8nz6j206x4hr02xywj",
                "external_applicant_id": "eaplt_10000000000000000000000000",
                "status": status,
                "face_authentication_id": "fav_01jebyzxdkj4e2mktk36q0fpak",
                "response_codes": codes,
                "user_journey_id": "usj_01heqt35wmjrf3wjd7w1wz33p2"
            },
            "_links": {"self": {"href": "http://127.0.0.1:7700/_facesim/webhooks/events/evt_wulgj7iilg2u3lweve5g7oc5xa"}}
        })
    };
    ok(
        "webhook",
        event("face_authentication_created", "created", json!([])),
    );
    ok(
        "webhook",
        event(
            "face_authentication_checks_completed",
            "declined",
            json!([code(62402, "suspicious_device")]),
        ),
    );
    ok(
        "webhook",
        event(
            "face_authentication_anonymized",
            "approved",
            json!([code(10000, "approved")]),
        ),
    );
    refused(
        "webhook",
        event("face_authentication_opened", "created", json!([])),
    );
    refused(
        "webhook",
        event(
            "face_authentication_checks_completed",
            "approved",
            json!([code(61121, "applicant_drop")]),
        ),
    );
    refused(
        "webhook",
        event("face_authentication_deleted", "created", json!([])),
    );
    let mut wrong_version = event("face_authentication_created", "created", json!([]));
    wrong_version["version"] = json!("1.1.0");
    refused("webhook", wrong_version);
}

#[test]
fn the_schemathesis_configuration_names_the_checkout_document() {
    // schemathesis.toml configures the Checkout run through a [[project]] named by the
    // document's info.title: renaming the document must rename the project too.
    let title = checkout().document()["info"]["title"].as_str().unwrap();
    let configuration = include_str!("../schemathesis.toml");
    assert!(
        configuration.contains(&format!("title = \"{title}\"")),
        "schemathesis.toml has no [[project]] titled {title:?}"
    );
}

// --- Trustmatic face verification and liveness ------------------------------------------------

const SESSION: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const VERIFY: &str = "/api/v1/face/verify";
const FACE_LIVENESS: &str = "/api/v1/face/liveness";
const DOCUMENT_LIVENESS: &str = "/api/v1/document/liveness";

fn trustmatic() -> &'static Contract {
    contract("trustmatic-verification").expect("embedded")
}

fn trustmatic_check(path: &str, status: u16, body: &Value) -> Result<String, Violation> {
    trustmatic()
        .check_response("POST", path, status, JSON, body.to_string().as_bytes())
        .map(Operation::label)
}

fn transport_error(code: &str) -> Value {
    json!({"sessionId": SESSION, "hasError": true, "error": code, "message": "what went wrong"})
}

/// The errors of a refused Trustmatic answer.
fn trustmatic_errors(path: &str, status: u16, body: &Value) -> Vec<SchemaError> {
    match trustmatic_check(path, status, body) {
        Err(Violation {
            problem: Problem::Schema { errors, .. },
            ..
        }) => errors,
        other => panic!("{body} on {path}: expected a schema violation, got {other:?}"),
    }
}

#[test]
fn the_trustmatic_document_serves_every_endpoint_under_its_prefix() {
    let t = trustmatic();
    assert_eq!(t.base_path(), "/trustmatic");
    for (path, id) in [
        (VERIFY, "faceVerify"),
        (FACE_LIVENESS, "faceLiveness"),
        (DOCUMENT_LIVENESS, "documentLiveness"),
    ] {
        let operation = t
            .operation("POST", path)
            .unwrap_or_else(|| panic!("POST {path}: no operation"));
        assert_eq!(operation.operation_id(), Some(id), "{path}");
        assert!(t.operation("GET", path).is_none(), "GET {path}");
    }
    assert_eq!(t.operations().len(), 3);
    assert!(t.operation("POST", "/api/v1/face").is_none());
    assert!(t
        .operation("POST", "/api/v1/id-verifications/face/verify")
        .is_none());
}

#[test]
fn trustmatic_operations_document_only_the_statuses_facesim_gives() {
    // 404 (unknown path) and 405 (another method) are no answer of a POST to an endpoint.
    for operation in trustmatic().operations() {
        assert_eq!(
            operation.statuses().collect::<Vec<_>>(),
            ["200", "400", "401", "408", "413", "415", "500"],
            "{operation:?}"
        );
    }
    let document = trustmatic().document();
    for (name, code) in [
        ("NotFound", "not_found"),
        ("MethodNotAllowed", "method_not_allowed"),
    ] {
        assert_eq!(
            document.pointer(&format!(
                "/components/responses/{name}/content/application~1json/schema/$ref"
            )),
            Some(&json!(format!("#/components/schemas/error.{code}"))),
            "{name}"
        );
    }
    assert_eq!(
        document.pointer("/components/responses/MethodNotAllowed/headers/Allow/$ref"),
        Some(&json!("#/components/headers/Allow"))
    );
}

#[test]
fn every_trustmatic_operation_needs_basic_credentials() {
    let document = trustmatic().document();
    assert_eq!(document["security"], json!([{"BasicAuth": []}]));
    let scheme = &document["components"]["securitySchemes"]["BasicAuth"];
    assert_eq!(
        (&scheme["type"], &scheme["scheme"]),
        (&json!("http"), &json!("basic"))
    );
    for item in document["paths"].as_object().unwrap().values() {
        let op = &item["post"];
        assert!(op.get("security").is_none(), "{op}");
        assert_eq!(
            op.pointer("/responses/401/$ref"),
            Some(&json!("#/components/responses/Unauthorized"))
        );
        assert_eq!(
            op.pointer("/responses/200/headers/Facesim-Detail/$ref"),
            Some(&json!("#/components/headers/Facesim-Detail"))
        );
    }
    let unauthorized = &document["components"]["responses"]["Unauthorized"];
    assert!(unauthorized.get("content").is_none(), "{unauthorized}");
    assert_eq!(
        document.pointer("/components/headers/WWW-Authenticate/schema/const"),
        Some(&json!("Basic realm=\"trustmatic\""))
    );
    // 401 has no body and no content type.
    trustmatic()
        .check_response("POST", VERIFY, 401, None, b"")
        .unwrap();
}

#[test]
fn trustmatic_answers_name_their_default_threshold() {
    let schemas = &trustmatic().document()["components"]["schemas"];
    for (name, threshold) in [
        ("face-verify.answer", json!(27)),
        ("face-liveness.answer", json!(0.8)),
        ("document-liveness.answer", json!(0.5)),
    ] {
        assert_eq!(schemas[name]["x-default-threshold"], threshold, "{name}");
    }
}

#[test]
fn documented_trustmatic_answers_pass() {
    let answers = [
        (
            VERIFY,
            json!({"sessionId": SESSION, "score": 99, "hasError": false}),
        ),
        (
            VERIFY,
            json!({"sessionId": SESSION, "score": 23, "hasError": false}),
        ),
        (VERIFY, json!({"score": 0, "hasError": false})),
        (VERIFY, json!({"score": 100, "hasError": false})),
        (
            FACE_LIVENESS,
            json!({"sessionId": SESSION, "score": 0.9997104, "hasError": false}),
        ),
        (
            FACE_LIVENESS,
            json!({"sessionId": SESSION, "score": 0.002324, "hasError": false}),
        ),
        (FACE_LIVENESS, json!({"score": 1, "hasError": false})),
        (
            DOCUMENT_LIVENESS,
            json!({"sessionId": SESSION, "score": 0.9731002, "hasError": false}),
        ),
        (
            DOCUMENT_LIVENESS,
            json!({"sessionId": "", "score": 0.0, "hasError": false}),
        ),
    ];
    for (path, body) in &answers {
        trustmatic_check(path, 200, body).unwrap_or_else(|v| panic!("{v}"));
    }
    for (path, codes) in [
        (
            VERIFY,
            &[
                "MISSING_PROBE_IMAGE",
                "MISSING_REFERENCE_IMAGE",
                "PROBE_FACE_NOT_FOUND",
                "REFERENCE_FACE_NOT_FOUND",
                "INTERNAL_ERROR",
            ][..],
        ),
        (
            FACE_LIVENESS,
            &["MISSING_FACE_IMAGE", "FACE_NOT_FOUND", "INTERNAL_ERROR"],
        ),
        (
            DOCUMENT_LIVENESS,
            &[
                "MISSING_FRONT_SIDE_IMAGE",
                "MISSING_BACK_SIDE_IMAGE",
                "DOCUMENT_TOO_SMALL",
                "DOCUMENT_CROPPED",
                "INTERNAL_ERROR",
            ],
        ),
    ] {
        for code in codes {
            let body = json!({"sessionId": SESSION, "hasError": true, "error": code});
            assert_eq!(
                trustmatic_check(path, 200, &body).unwrap(),
                format!("POST {path}")
            );
            // No sessionId in, no sessionId out (Decision 5).
            trustmatic_check(path, 200, &json!({"hasError": true, "error": code}))
                .unwrap_or_else(|v| panic!("{v}"));
        }
    }
    for (status, code) in [
        (400, "INVALID_REQUEST"),
        (408, "REQUEST_TIMEOUT"),
        (413, "PAYLOAD_TOO_LARGE"),
        (415, "UNSUPPORTED_MEDIA_TYPE"),
        (500, "INTERNAL_ERROR"),
    ] {
        trustmatic_check(DOCUMENT_LIVENESS, status, &transport_error(code))
            .unwrap_or_else(|v| panic!("{v}"));
        let mut without_session = transport_error(code);
        without_session.as_object_mut().unwrap().remove("sessionId");
        trustmatic_check(VERIFY, status, &without_session).unwrap_or_else(|v| panic!("{v}"));
    }
    let t = trustmatic();
    for (name, code) in [
        ("error.not_found", "NOT_FOUND"),
        ("error.method_not_allowed", "METHOD_NOT_ALLOWED"),
    ] {
        t.check_component(name, &transport_error(code))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

#[test]
fn broken_trustmatic_answers_are_located() {
    let verify = |score: Value| json!({"sessionId": SESSION, "score": score, "hasError": false});
    let cases = [
        (VERIFY, verify(json!(101)), "/score", "/maximum"),
        (VERIFY, verify(json!(-1)), "/score", "/minimum"),
        (VERIFY, verify(json!(99.5)), "/score", "/type"),
        (VERIFY, verify(json!("99")), "/score", "/type"),
        (
            FACE_LIVENESS,
            json!({"score": 1.5, "hasError": false}),
            "/score",
            "/maximum",
        ),
        (
            DOCUMENT_LIVENESS,
            json!({"score": -0.1, "hasError": false}),
            "/score",
            "/minimum",
        ),
        (
            VERIFY,
            json!({"hasError": true, "error": "FACE_NOT_FOUND"}),
            "/error",
            "/enum",
        ),
        (
            FACE_LIVENESS,
            json!({"hasError": true, "error": "MISSING_PROBE_IMAGE"}),
            "/error",
            "/enum",
        ),
        (
            DOCUMENT_LIVENESS,
            json!({"hasError": true, "error": "DOCUMENT_EXPIRED"}),
            "/error",
            "/enum",
        ),
        (
            VERIFY,
            json!({"sessionId": null, "score": 99, "hasError": false}),
            "/sessionId",
            "/type",
        ),
        (
            VERIFY,
            json!({"score": 99, "hasError": "false"}),
            "/hasError",
            "/type",
        ),
    ];
    for (path, body, at, keyword) in &cases {
        let errors = trustmatic_errors(path, 200, body);
        assert!(
            errors
                .iter()
                .any(|e| e.instance_path == *at && e.schema_path.ends_with(keyword)),
            "{body} on {path}: {errors:?}"
        );
    }
    // An extra key is drift: the answers are closed (Decision 5).
    let extra = [
        json!({"sessionId": SESSION, "score": 99, "hasError": false, "passed": true}),
        json!({"hasError": true, "error": "MISSING_PROBE_IMAGE", "message": "no probe"}),
    ];
    for body in &extra {
        let errors = trustmatic_errors(VERIFY, 200, body);
        assert!(
            errors
                .iter()
                .any(|e| e.instance_path.is_empty()
                    && e.schema_path.ends_with("/additionalProperties")),
            "{body}: {errors:?}"
        );
    }
    let text = trustmatic_check(VERIFY, 200, &extra[0])
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with(
            "POST /api/v1/face/verify answered 200 with a body that breaks schema face-verify.answer"
        ),
        "{text}"
    );
    assert!(text.contains("passed"), "{text}");
    // The shape must be one of the two: a score and no error, or an error and no score.
    for body in [
        json!({"score": 99, "hasError": true}),
        json!({"hasError": false, "error": "MISSING_PROBE_IMAGE"}),
        json!({"score": 99, "hasError": false, "error": "MISSING_PROBE_IMAGE"}),
        json!({"score": 99, "hasError": true, "error": "MISSING_PROBE_IMAGE"}),
        json!({"hasError": false}),
        json!({"score": 99}),
        json!({"sessionId": SESSION}),
        json!([]),
    ] {
        for path in [VERIFY, FACE_LIVENESS, DOCUMENT_LIVENESS] {
            assert!(
                trustmatic_check(path, 200, &body).is_err(),
                "{body} on {path} was accepted"
            );
        }
    }
}

#[test]
fn trustmatic_transport_errors_must_match_their_status() {
    for (status, body, why) in [
        (400, transport_error("NOT_FOUND"), "a 404 code on a 400"),
        (
            415,
            transport_error("INVALID_REQUEST"),
            "a 400 code on a 415",
        ),
        (
            500,
            transport_error("FACE_NOT_FOUND"),
            "an in-band code on a 500",
        ),
        (
            400,
            json!({"hasError": true, "error": "INVALID_REQUEST"}),
            "no message",
        ),
        (
            400,
            json!({"hasError": true, "error": "INVALID_REQUEST", "message": ""}),
            "an empty message",
        ),
        (
            413,
            json!({"hasError": false, "error": "PAYLOAD_TOO_LARGE", "message": "too large"}),
            "hasError false",
        ),
        (
            408,
            json!({"hasError": true, "error": "REQUEST_TIMEOUT", "message": "late", "code": 408}),
            "an extra key",
        ),
        (
            400,
            json!({"sessionId": 5, "hasError": true, "error": "INVALID_REQUEST", "message": "x"}),
            "a number sessionId",
        ),
    ] {
        let violation = trustmatic_check(VERIFY, status, &body)
            .err()
            .unwrap_or_else(|| panic!("{why} was accepted"));
        assert!(
            matches!(violation.problem, Problem::Schema { ref schema, .. } if schema.starts_with("error.")),
            "{why}: {violation}"
        );
    }
    // No operation answers 404 or 405; the in-band error shape is no transport error.
    for status in [404, 405] {
        let problem = trustmatic_check(VERIFY, status, &transport_error("NOT_FOUND"))
            .unwrap_err()
            .problem;
        assert!(
            matches!(problem, Problem::UndocumentedStatus { .. }),
            "{problem:?}"
        );
    }
    let in_band = json!({"hasError": true, "error": "INTERNAL_ERROR"});
    assert!(trustmatic_check(FACE_LIVENESS, 500, &in_band).is_err());
}

#[test]
fn trustmatic_request_schemas_can_be_checked_alone() {
    let t = trustmatic();
    let ok = |name: &str, body: Value| {
        t.check_component(name, &body)
            .unwrap_or_else(|e| panic!("{name} refused {body}: {e:?}"))
    };
    let refused = |name: &str, body: Value| {
        assert!(
            t.check_component(name, &body).is_err(),
            "{name} accepted {body}"
        )
    };
    ok(
        "face-verify.request",
        json!({"sessionId": SESSION, "probe": {"imageBase64": "/9j/4AAQSkZJRg"}, "reference": {"imageBase64": "iVBORw0KGgo"}}),
    );
    // Missing pictures are in-band errors, unknown fields are ignored.
    ok("face-verify.request", json!({}));
    ok(
        "face-verify.request",
        json!({"sessionId": null, "probe": null, "reference": {}, "extra": [1]}),
    );
    ok(
        "face-verify.request",
        json!({"probe": {"imageBase64": null, "format": "jpeg"}}),
    );
    refused("face-verify.request", json!({"sessionId": 5}));
    refused("face-verify.request", json!({"probe": "/9j/4AAQ"}));
    refused(
        "face-verify.request",
        json!({"reference": {"imageBase64": 5}}),
    );
    refused("face-verify.request", json!([]));
    ok(
        "face-liveness.request",
        json!({"sessionId": SESSION, "faceImageBase": "data:image/png;base64,/9j/4AAQ"}),
    );
    ok(
        "face-liveness.request",
        json!({"faceImageBase": "http://127.0.0.1:9/face.jpg"}),
    );
    ok("face-liveness.request", json!({"faceImageBase": null}));
    refused(
        "face-liveness.request",
        json!({"faceImageBase": {"url": "x"}}),
    );
    refused("face-liveness.request", json!("data:image/png;base64,/9j/"));
    ok(
        "document-liveness.request",
        json!({"sessionId": SESSION, "frontSideImageBase": "/9j/", "backSideImageBase": "/9j/"}),
    );
    ok(
        "document-liveness.request",
        json!({"documentImageBase": "/9j/"}),
    );
    // A null field counts as left out: only two pictures make the pair a 400 (Decision 11).
    ok(
        "document-liveness.request",
        json!({"frontSideImageBase": null, "documentImageBase": "/9j/"}),
    );
    refused(
        "document-liveness.request",
        json!({"frontSideImageBase": "/9j/", "documentImageBase": "/9j/"}),
    );
    refused(
        "document-liveness.request",
        json!({"backSideImageBase": true}),
    );
    refused("document-liveness.request", json!({"sessionId": ["a"]}));
}

const NANOS: &str = "2030-01-01T12:00:00.123456789Z";
const MILLIS: &str = "2030-01-01T12:00:00.123Z";
const WHR: &str = "whr_0123456789abcdef0123456789abcdef";
const EVT: &str = "evt_wulgj7iilg2u3lweve5g7oc5xa";

fn control() -> &'static Contract {
    contract("facesim-control").expect("embedded")
}

fn control_check(method: &str, path: &str, status: u16, body: &Value) -> Result<String, Violation> {
    control()
        .check_response(method, path, status, JSON, body.to_string().as_bytes())
        .map(Operation::label)
}

fn control_error(name: &str) -> Value {
    json!({"error": name, "message": "what is wrong"})
}

fn clock_body() -> Value {
    json!({"now": NANOS, "offset_seconds": 86400.5})
}

fn outcome(operation: Value, forced: (&str, Value)) -> Value {
    let mut body =
        json!({"id": "outcome_1", "operation": operation, "sessionId": null, "remaining": 1});
    body[forced.0] = forced.1;
    body
}

fn delivery(status: &str, next_try_at: Value, tries: Value) -> Value {
    json!({
        "id": "whd_0123456789abcdef0123456789abcdef",
        "vendor": "checkout",
        "receiver_id": WHR,
        "url": "http://127.0.0.1:9/hook",
        "event_id": EVT,
        "event_type": "face_authentication_created",
        "status": status,
        "tries": tries,
        "next_try_at": next_try_at
    })
}

fn journal_entry() -> Value {
    json!({
        "seq": 7,
        "time": MILLIS,
        "virtual_time": MILLIS,
        "method": "POST",
        "path": "/checkout/applicants",
        "query": null,
        "api": "checkout",
        "namespace": "default",
        "request_content_type": "application/json",
        "request_body_bytes": 2,
        "status": 401,
        "latency_ms": 0.25,
        "response_content_type": null,
        "error_code": null
    })
}

#[test]
fn the_control_document_serves_every_route_under_its_prefix() {
    let c = control();
    assert_eq!(c.base_path(), "/_facesim");
    let server = &c.document()["servers"][0];
    assert_eq!(server["url"], json!("{root}/_facesim"));
    assert_eq!(
        server.pointer("/variables/root/default"),
        Some(&json!("http://127.0.0.1:7700"))
    );
    let expected = [
        ("GET", "/clock".to_string(), "getClock"),
        ("POST", "/clock/advance".into(), "advanceClock"),
        ("POST", "/clock/set".into(), "setClock"),
        ("POST", "/reset?vendor=checkout".into(), "reset"),
        ("GET", "/state".into(), "getStateSummary"),
        ("GET", "/state/truora?limit=5".into(), "getVendorState"),
        (
            "GET",
            "/openapi/facesim-control.json".into(),
            "getOpenApiDocument",
        ),
        ("GET", "/webhooks".into(), "listWebhookReceivers"),
        ("POST", "/webhooks".into(), "addWebhookReceiver"),
        (
            "GET",
            "/webhooks/deliveries".into(),
            "listWebhookDeliveries",
        ),
        ("GET", format!("/webhooks/events/{EVT}"), "getWebhookEvent"),
        (
            "DELETE",
            format!("/webhooks/{WHR}"),
            "removeWebhookReceiver",
        ),
        ("GET", "/journal?api=checkout".into(), "readJournal"),
        ("DELETE", "/journal".into(), "emptyJournal"),
        (
            "POST",
            format!("/checkout/attempts/{FATP}"),
            "actOnCheckoutAttempt",
        ),
        (
            "PUT",
            format!("/checkout/applicants/{APLT}/reference"),
            "setCheckoutReference",
        ),
        (
            "POST",
            format!("/checkout/face-authentications/{FAV}/audit"),
            "auditCheckoutFaceAuthentication",
        ),
        ("GET", "/truora/outcomes".into(), "listTruoraOutcomes"),
        ("POST", "/truora/outcomes".into(), "armTruoraOutcome"),
        ("DELETE", "/truora/outcomes".into(), "disarmTruoraOutcomes"),
        (
            "DELETE",
            "/truora/outcomes/outcome_1".into(),
            "disarmTruoraOutcome",
        ),
        ("GET", "/checkout/outcomes".into(), "listCheckoutOutcomes"),
        ("POST", "/checkout/outcomes".into(), "armCheckoutOutcome"),
        (
            "DELETE",
            "/checkout/outcomes".into(),
            "disarmCheckoutOutcomes",
        ),
        (
            "DELETE",
            "/checkout/outcomes/outcome_1".into(),
            "disarmCheckoutOutcome",
        ),
        (
            "GET",
            "/trustmatic/outcomes".into(),
            "listTrustmaticOutcomes",
        ),
        (
            "POST",
            "/trustmatic/outcomes".into(),
            "armTrustmaticOutcome",
        ),
        (
            "DELETE",
            "/trustmatic/outcomes".into(),
            "disarmTrustmaticOutcomes",
        ),
        (
            "DELETE",
            "/trustmatic/outcomes/outcome_1".into(),
            "disarmTrustmaticOutcome",
        ),
        ("GET", "/catalogue".into(), "readCatalogue"),
        ("GET", "/namespaces".into(), "listNamespaces"),
        ("GET", "/scenarios/rules".into(), "listScenarioRules"),
        ("POST", "/scenarios/rules".into(), "addScenario"),
        ("DELETE", "/scenarios/rules".into(), "clearScenarioRules"),
        (
            "DELETE",
            "/scenarios/rules/rule_1".into(),
            "removeScenarioRule",
        ),
    ];
    for (method, path, id) in &expected {
        let operation = c
            .operation(method, path)
            .unwrap_or_else(|| panic!("{method} {path}: no operation"));
        assert_eq!(operation.operation_id(), Some(*id), "{method} {path}");
    }
    assert_eq!(c.operations().len(), expected.len());
    assert!(c.operation("PUT", "/clock").is_none());
    assert!(c.operation("GET", "/state/truora/x").is_none());
    assert!(c.operation("GET", "/").is_none());
}

#[test]
fn control_operations_document_only_the_statuses_facesim_gives() {
    let statuses = |id: &str| -> Vec<&str> {
        let op = control()
            .operations()
            .iter()
            .find(|op| op.operation_id() == Some(id))
            .unwrap_or_else(|| panic!("no operation {id}"));
        op.statuses().collect()
    };
    let body = ["400", "408", "413", "415"];
    let with = |first: &[&'static str], more: &[&'static str]| -> Vec<&'static str> {
        let mut all: Vec<&str> = first.iter().chain(more).copied().collect();
        all.sort_unstable();
        all
    };
    assert_eq!(statuses("getClock"), ["200", "400"]);
    assert_eq!(statuses("advanceClock"), with(&["200"], &body));
    assert_eq!(statuses("setClock"), with(&["200", "409"], &body));
    assert_eq!(statuses("reset"), ["200", "400"]);
    assert_eq!(statuses("getStateSummary"), ["200", "400"]);
    assert_eq!(statuses("getVendorState"), ["200", "400", "404"]);
    assert_eq!(statuses("getOpenApiDocument"), ["200", "400", "404"]);
    assert_eq!(statuses("listWebhookReceivers"), ["200", "400"]);
    assert_eq!(statuses("addWebhookReceiver"), with(&["201", "422"], &body));
    assert_eq!(statuses("listWebhookDeliveries"), ["200", "400"]);
    assert_eq!(statuses("getWebhookEvent"), ["200", "400", "404"]);
    assert_eq!(statuses("removeWebhookReceiver"), ["204", "400", "404"]);
    assert_eq!(statuses("readJournal"), ["200", "400"]);
    assert_eq!(statuses("emptyJournal"), ["204", "400"]);
    assert_eq!(
        statuses("actOnCheckoutAttempt"),
        with(&["200", "404", "409", "422"], &body)
    );
    assert_eq!(
        statuses("setCheckoutReference"),
        ["200", "400", "404", "408", "413", "422", "500"]
    );
    assert_eq!(
        statuses("auditCheckoutFaceAuthentication"),
        with(&["200", "404", "409", "422"], &body)
    );
    assert_eq!(statuses("listTruoraOutcomes"), ["200", "400"]);
    assert_eq!(statuses("armTruoraOutcome"), with(&["201", "422"], &body));
    assert_eq!(statuses("disarmTruoraOutcomes"), ["204", "400"]);
    assert_eq!(statuses("disarmTruoraOutcome"), ["204", "400", "404"]);
    assert_eq!(statuses("listCheckoutOutcomes"), ["200", "400"]);
    assert_eq!(
        statuses("armCheckoutOutcome"),
        with(&["201", "404", "422"], &body)
    );
    assert_eq!(statuses("disarmCheckoutOutcomes"), ["204", "400"]);
    assert_eq!(statuses("disarmCheckoutOutcome"), ["204", "400", "404"]);
    assert_eq!(statuses("listTrustmaticOutcomes"), ["200", "400"]);
    assert_eq!(
        statuses("armTrustmaticOutcome"),
        with(&["201", "422"], &body)
    );
    assert_eq!(statuses("disarmTrustmaticOutcomes"), ["204", "400"]);
    assert_eq!(statuses("disarmTrustmaticOutcome"), ["204", "400", "404"]);
    assert_eq!(statuses("listScenarioRules"), ["200", "400"]);
    assert_eq!(statuses("listNamespaces"), ["200", "400"]);
    assert_eq!(statuses("addScenario"), ["201", "400", "408", "413", "422"]);
    assert_eq!(statuses("clearScenarioRules"), ["204", "400"]);
    assert_eq!(statuses("removeScenarioRule"), ["204", "400", "404"]);
    // Every operation may answer 400 for a Facesim-Namespace it cannot use.
    for op in control().operations() {
        let has_400 = op.statuses().any(|status| status == "400");
        assert!(has_400, "{:?} documents no 400", op.operation_id());
    }
    // A path without an endpoint and a method an endpoint does not take answer no operation.
    let document = control().document();
    for (name, error) in [
        ("NoEndpoint", "not_found"),
        ("MethodNotAllowed", "method_not_allowed"),
    ] {
        assert_eq!(
            document.pointer(&format!(
                "/components/responses/{name}/content/application~1json/schema/$ref"
            )),
            Some(&json!(format!(
                "#/components/schemas/control-error.{error}"
            ))),
            "{name}"
        );
    }
}

#[test]
fn documented_control_answers_pass() {
    let pass = |method: &str, path: &str, status: u16, body: Value| {
        control_check(method, path, status, &body)
            .unwrap_or_else(|e| panic!("{method} {path} {status} refused {body}: {e}"));
    };
    pass("GET", "/clock", 200, clock_body());
    pass(
        "POST",
        "/clock/advance",
        200,
        json!({"now": NANOS, "offset_seconds": 0}),
    );
    pass("POST", "/clock/set", 409, control_error("conflict"));
    pass(
        "POST",
        "/clock/advance",
        413,
        control_error("payload_too_large"),
    );
    pass(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["truora", "checkout", "trustmatic"], "webhooks": true, "clock_reset": true, "clock": clock_body(), "namespace": "default"}),
    );
    pass(
        "POST",
        "/reset?vendor=checkout",
        200,
        json!({"reset": true, "vendors": ["checkout"], "webhooks": false, "clock_reset": false, "clock": clock_body(), "namespace": "default"}),
    );
    pass(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["truora", "checkout", "trustmatic"], "webhooks": false, "clock_reset": true, "clock": clock_body(), "namespace": "ci-job-7"}),
    );
    pass("POST", "/reset?vendor=x", 400, control_error("bad_request"));
    pass(
        "GET",
        "/namespaces",
        200,
        json!({"namespaces": [{"name": "default", "default": true, "clock_offset_seconds": 0.0}, {"name": "ci-job-7", "default": false, "clock_offset_seconds": 90.5}], "max_namespaces": 256, "namespace_per_key": false}),
    );
    let tally =
        |names: &[&str]| -> Value { names.iter().map(|n| (n.to_string(), json!(0))).collect() };
    pass(
        "GET",
        "/state",
        200,
        json!({
            "now": NANOS,
            "truora": {
                "enrollments": {"total": 0, "by_status": tally(&["pending", "success", "failure"])},
                "validations": {"total": 0, "by_status": tally(&["pending", "success", "failure"])},
                "armed_outcomes": 0
            },
            "checkout": {
                "applicants": 0,
                "face_authentications": {"total": 0, "by_status": tally(&["created", "pending", "capture_in_progress", "checks_in_progress", "approved", "declined", "retry_required", "refused", "inconclusive"])},
                "attempts": {"total": 0, "by_status": tally(&["pending_redirection", "capture_in_progress", "checks_in_progress", "completed", "expired", "capture_aborted", "capture_refused", "checks_inconclusive"])},
                "armed_outcomes": 0
            },
            "trustmatic": {"outcomes": {"total": 0, "by_operation": tally(&["face_verify", "face_liveness", "document_liveness", "any"])}}
        }),
    );
    pass(
        "GET",
        "/state/truora",
        200,
        json!({
            "now": NANOS,
            "enrollments": {"total": 1, "items": [{
                "enrollment_id": "ENR0123456789abcdef0123456789abcdef", "account_id": "acc-1",
                "status": "pending", "reason": "waiting_file_upload", "creation_date": NANOS, "update_date": NANOS
            }]},
            "validations": {"total": 2, "items": [{
                "validation_id": "VLD0123456789abcdef0123456789abcdef", "account_id": "ACC0123456789abcdef0123456789abcdef",
                "enrollment_id": null, "validation_status": "failure", "failure_status": "expired",
                "declined_reason": null, "expired_reason": "input_file_not_uploaded", "retry_of_id": null,
                "creation_date": NANOS, "update_date": NANOS
            }]},
            "armed_outcomes": {"total": 1, "items": [{
                "id": "outcome_1", "account_id": "acc-1", "outcome": "face_in_blocklist", "remaining": 2
            }]}
        }),
    );
    pass(
        "GET",
        "/state/checkout?status=approved",
        200,
        json!({
            "now": NANOS,
            "applicants": {"total": 1, "items": [{
                "id": APLT, "external_applicant_id": null, "has_reference": true, "created_on": NANOS, "modified_on": NANOS
            }]},
            "face_authentications": {"total": 1, "items": [{
                "id": FAV, "applicant_id": APLT, "status": "approved", "response_codes": [code(10000, "approved")],
                "created_on": NANOS, "modified_on": NANOS,
                "attempts": {"total": 1, "items": [{
                    "id": FATP, "status": "completed", "response_codes": [code(10000, "approved")],
                    "created_on": NANOS, "modified_on": NANOS
                }]}
            }]},
            "armed_outcomes": {"total": 1, "items": [{
                "id": "outcome_1", "applicant_id": APLT, "outcome": "61411I", "remaining": 1
            }]}
        }),
    );
    pass(
        "GET",
        "/state/trustmatic",
        200,
        json!({"now": NANOS, "outcomes": {"total": 1, "items": [outcome(json!(null), ("error", json!("INTERNAL_ERROR")))]}}),
    );
    pass("GET", "/state/acme", 404, control_error("not_found"));
    pass(
        "GET",
        "/openapi/facesim-control.json",
        200,
        serde_json::from_str(openapi_text("facesim-control").unwrap()).unwrap(),
    );
    let receiver = json!({"id": WHR, "vendor": "checkout", "url": "http://127.0.0.1:9/hook", "event_types": null, "source": "control"});
    pass("POST", "/webhooks", 201, receiver.clone());
    pass(
        "GET",
        "/webhooks",
        200,
        json!({"receivers": [receiver, {"id": "whr_config_1", "vendor": "checkout", "url": "http://hooks.local/", "event_types": ["face_authentication_created"], "source": "config"}]}),
    );
    pass(
        "POST",
        "/webhooks",
        422,
        control_error("unprocessable_entity"),
    );
    pass(
        "GET",
        "/webhooks/deliveries?status=failed",
        200,
        json!({"deliveries": [
            delivery("pending", json!(MILLIS), json!([])),
            delivery("delivered", json!(null), json!([{"at": MILLIS, "status_code": 200, "error": null, "duration_ms": 3}])),
            delivery("failed", json!(null), json!([{"at": MILLIS, "status_code": null, "error": "connection refused", "duration_ms": 0}]))
        ]}),
    );
    pass(
        "DELETE",
        &format!("/webhooks/{WHR}"),
        404,
        control_error("not_found"),
    );
    pass(
        "GET",
        "/journal",
        200,
        json!({"capacity": 1000, "dropped": 0, "entries": [journal_entry()]}),
    );
    pass("GET", "/journal?limit=0", 400, control_error("bad_request"));
    pass(
        "POST",
        &format!("/checkout/attempts/{FATP}"),
        200,
        attempt("capture_in_progress", json!([])),
    );
    pass(
        "POST",
        &format!("/checkout/attempts/{FATP}"),
        409,
        control_error("conflict"),
    );
    pass(
        "PUT",
        &format!("/checkout/applicants/{APLT}/reference"),
        200,
        json!({"applicant_id": APLT, "reference": {"media_type": "image/jpeg", "subject": "alice", "faces": "one"}}),
    );
    pass(
        "POST",
        &format!("/checkout/face-authentications/{FAV}/audit"),
        200,
        face_authentication("declined", json!([code(62304, "face_mismatch")])),
    );
    pass(
        "POST",
        "/trustmatic/outcomes",
        201,
        outcome(json!("face_verify"), ("score", json!(27))),
    );
    pass(
        "GET",
        "/trustmatic/outcomes",
        200,
        json!({"outcomes": [
            outcome(json!("face_liveness"), ("score", json!(0.42))),
            outcome(json!("document_liveness"), ("error", json!("DOCUMENT_CROPPED")))
        ]}),
    );
    pass(
        "GET",
        "/scenarios/rules",
        200,
        json!({"rules": [{
            "id": "rule_1", "source": "control-api",
            "rule": {"when": {"api": "trustmatic", "operation": "POST /api/v1/face/verify"}, "then": {"respond": {"status": 503}}},
            "matched": 2, "applied": 1
        }]}),
    );
    pass(
        "POST",
        "/scenarios/rules",
        201,
        json!({"ids": ["rule_1", "rule_2"]}),
    );
    pass(
        "DELETE",
        "/scenarios/rules/rule_9",
        404,
        control_error("not_found"),
    );
    // A path parameter that is not UTF-8 once decoded gets the web framework's plain-text 400.
    for (method, path) in [
        ("GET", "/state/%FF"),
        ("GET", "/webhooks/events/%FF"),
        ("DELETE", "/trustmatic/outcomes/%FF"),
    ] {
        control()
            .check_response(
                method,
                path,
                400,
                Some("text/plain; charset=utf-8"),
                b"Invalid URL: Invalid UTF-8 in `id`",
            )
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    }
    // 204 answers have no body.
    for (method, path) in [
        ("DELETE", "/journal"),
        ("DELETE", "/trustmatic/outcomes"),
        ("DELETE", "/scenarios/rules"),
    ] {
        control()
            .check_response(method, path, 204, None, b"")
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    }
}

#[test]
fn broken_control_answers_are_refused() {
    let refused = |method: &str, path: &str, status: u16, body: Value| {
        assert!(
            control_check(method, path, status, &body).is_err(),
            "{method} {path} {status} accepted {body}"
        );
    };
    // facesim's own bodies are closed, and an error names its status.
    let mut extra = clock_body();
    extra["drift"] = json!(true);
    refused("GET", "/clock", 200, extra);
    refused(
        "GET",
        "/clock",
        200,
        json!({"now": "2030-01-01T12:00:00Z", "offset_seconds": 0}),
    );
    refused("POST", "/clock/set", 409, control_error("bad_request"));
    refused("POST", "/clock/set", 409, json!({"error": "conflict"}));
    refused(
        "POST",
        "/clock/set",
        422,
        control_error("unprocessable_entity"),
    );
    refused("GET", "/clock", 404, control_error("not_found"));
    // A full reset returns the clock to real time; a vendor reset does not.
    refused(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["truora", "checkout", "trustmatic"], "webhooks": true, "clock_reset": false, "clock": clock_body(), "namespace": "default"}),
    );
    refused(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["acme"], "webhooks": false, "clock_reset": false, "clock": clock_body(), "namespace": "default"}),
    );
    // The default namespace is always listed; names follow the header's rule.
    refused(
        "GET",
        "/namespaces",
        200,
        json!({"namespaces": [], "max_namespaces": 256, "namespace_per_key": false}),
    );
    refused(
        "GET",
        "/namespaces",
        200,
        json!({"namespaces": [{"name": "a/b", "default": false, "clock_offset_seconds": 0.0}], "max_namespaces": 256, "namespace_per_key": false}),
    );
    // A reset of the default namespace without ?vendor= forgets webhook traffic; a bad name.
    refused(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["truora", "checkout", "trustmatic"], "webhooks": false, "clock_reset": true, "clock": clock_body(), "namespace": "default"}),
    );
    refused(
        "POST",
        "/reset",
        200,
        json!({"reset": true, "vendors": ["truora"], "webhooks": false, "clock_reset": false, "clock": clock_body(), "namespace": "no spaces"}),
    );
    // Exactly one of error and score, within the operation's range and codes.
    refused(
        "POST",
        "/trustmatic/outcomes",
        201,
        outcome(json!("face_verify"), ("score", json!(27.5))),
    );
    refused(
        "POST",
        "/trustmatic/outcomes",
        201,
        outcome(json!("face_liveness"), ("score", json!(2))),
    );
    refused(
        "POST",
        "/trustmatic/outcomes",
        201,
        outcome(json!("face_liveness"), ("error", json!("DOCUMENT_CROPPED"))),
    );
    refused(
        "POST",
        "/trustmatic/outcomes",
        201,
        outcome(json!(null), ("error", json!("FACE_NOT_FOUND"))),
    );
    let mut both = outcome(json!("face_verify"), ("score", json!(27)));
    both["error"] = json!("INTERNAL_ERROR");
    refused("POST", "/trustmatic/outcomes", 201, both);
    // A pending delivery has its next try; one that is over has none.
    refused(
        "GET",
        "/webhooks/deliveries",
        200,
        json!({"deliveries": [delivery("pending", json!(null), json!([]))]}),
    );
    refused(
        "GET",
        "/webhooks/deliveries",
        200,
        json!({"deliveries": [delivery("delivered", json!(null), json!([]))]}),
    );
    let mut entry = journal_entry();
    entry.as_object_mut().unwrap().remove("error_code");
    refused(
        "GET",
        "/journal",
        200,
        json!({"capacity": 1000, "dropped": 0, "entries": [entry]}),
    );
    refused(
        "GET",
        "/state/checkout",
        200,
        json!({"now": NANOS, "outcomes": {"total": 0, "items": []}, "applicants": {"total": 0, "items": []}}),
    );
    refused(
        "POST",
        "/scenarios/rules",
        201,
        json!({"ids": ["outcome_1"]}),
    );
}

#[test]
fn armed_truora_and_checkout_outcome_answers_are_checked() {
    let pass = |method: &str, path: &str, status: u16, body: Value| {
        control_check(method, path, status, &body)
            .unwrap_or_else(|e| panic!("{method} {path} {status} refused {body}: {e}"));
    };
    let refused = |method: &str, path: &str, status: u16, body: Value| {
        assert!(
            control_check(method, path, status, &body).is_err(),
            "{method} {path} {status} accepted {body}"
        );
    };
    pass(
        "POST",
        "/truora/outcomes",
        201,
        json!({"id": "outcome_1", "account_id": "acc-1", "outcome": "system_error", "remaining": 2}),
    );
    pass(
        "GET",
        "/truora/outcomes",
        200,
        json!({"outcomes": [{"id": "outcome_2", "account_id": "acc-1", "outcome": "face_in_blocklist", "remaining": 1}]}),
    );
    pass(
        "POST",
        "/checkout/outcomes",
        201,
        json!({"id": "outcome_1", "applicant_id": APLT, "outcome": "61411I", "remaining": 1}),
    );
    pass("GET", "/checkout/outcomes", 200, json!({"outcomes": []}));
    pass(
        "POST",
        "/checkout/outcomes",
        404,
        control_error("not_found"),
    );
    // Armed Truora and Checkout outcomes are named as the control API writes them.
    refused(
        "POST",
        "/truora/outcomes",
        201,
        json!({"id": "outcome_1", "account_id": "acc-1", "outcome": "declined", "remaining": 1}),
    );
    refused(
        "POST",
        "/checkout/outcomes",
        201,
        json!({"id": "outcome_1", "applicant_id": APLT, "outcome": "61411", "remaining": 1}),
    );
}

#[test]
fn control_request_schemas_can_be_checked_alone() {
    let c = control();
    let ok = |name: &str, body: Value| {
        c.check_component(name, &body)
            .unwrap_or_else(|e| panic!("{name} refused {body}: {e:?}"))
    };
    let refused = |name: &str, body: Value| {
        assert!(
            c.check_component(name, &body).is_err(),
            "{name} accepted {body}"
        )
    };
    ok("clock.advance_request", json!({"seconds": 90.5}));
    refused("clock.advance_request", json!({"seconds": -1}));
    refused("clock.advance_request", json!({"seconds": 1, "unit": "s"}));
    ok(
        "clock.set_request",
        json!({"now": "2030-01-01T12:00:00+02:00"}),
    );
    refused("clock.set_request", json!({"now": "tomorrow"}));
    ok(
        "webhooks.create_request",
        json!({"vendor": "checkout", "url": "http://127.0.0.1:9/hook", "signing_key": "k", "authorization": "Bearer a", "event_types": ["face_authentication_closed"]}),
    );
    ok(
        "webhooks.create_request",
        json!({"vendor": "checkout", "url": "http://a/", "signing_key": "k", "authorization": null, "event_types": null}),
    );
    refused(
        "webhooks.create_request",
        json!({"vendor": "checkout", "url": "https://a/", "signing_key": "k"}),
    );
    refused(
        "webhooks.create_request",
        json!({"vendor": "checkout", "url": "http://a/", "signing_key": "", "event_types": []}),
    );
    refused(
        "webhooks.create_request",
        json!({"vendor": "checkout", "url": "http://a/", "signing_key": "k", "secret": "x"}),
    );
    ok("checkout-control.action_request", json!({"action": "open"}));
    ok(
        "checkout-control.action_request",
        json!({"action": "selfie", "image_base64": "data:image/jpeg;base64,/9j/4AAQ"}),
    );
    ok(
        "checkout-control.action_request",
        json!({"action": "decline", "code": 62305}),
    );
    ok(
        "checkout-control.action_request",
        json!({"action": "inconclusive", "code": null}),
    );
    refused(
        "checkout-control.action_request",
        json!({"action": "selfie"}),
    );
    refused(
        "checkout-control.action_request",
        json!({"action": "abort", "code": 62304}),
    );
    refused(
        "checkout-control.action_request",
        json!({"action": "approve", "code": 10000}),
    );
    refused("checkout-control.action_request", json!({"action": "wave"}));
    ok(
        "checkout-control.audit_request",
        json!({"status": "approved"}),
    );
    ok(
        "checkout-control.audit_request",
        json!({"status": "declined", "code": 62405}),
    );
    refused(
        "checkout-control.audit_request",
        json!({"status": "approved", "code": 62304}),
    );
    refused("checkout-control.audit_request", json!({"status": "retry"}));
    ok(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_verify", "sessionId": SESSION, "error": "INTERNAL_ERROR"}),
    );
    ok(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_liveness", "score": 0.42, "times": 2}),
    );
    ok(
        "trustmatic-outcomes.arm_request",
        json!({"error": "INTERNAL_ERROR", "score": null}),
    );
    refused("trustmatic-outcomes.arm_request", json!({"score": 50}));
    refused(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_verify", "score": 50, "error": "INTERNAL_ERROR"}),
    );
    refused(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_verify", "score": 101}),
    );
    refused(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_verify", "error": "FACE_NOT_FOUND"}),
    );
    refused(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_liveness", "score": 0.5, "times": 0}),
    );
    refused(
        "trustmatic-outcomes.arm_request",
        json!({"operation": "face_liveness", "score": 0.5, "session": "s"}),
    );
    ok(
        "truora-outcomes.arm_request",
        json!({"account_id": "acc-1", "outcome": "system_error", "times": null}),
    );
    ok(
        "truora-outcomes.arm_request",
        json!({"account_id": "acc-1", "outcome": "face_in_blocklist", "times": 3}),
    );
    refused(
        "truora-outcomes.arm_request",
        json!({"account_id": "acc 1", "outcome": "system_error"}),
    );
    refused(
        "truora-outcomes.arm_request",
        json!({"account_id": "acc-1", "outcome": "expired"}),
    );
    refused(
        "truora-outcomes.arm_request",
        json!({"account_id": "acc-1", "outcome": "system_error", "times": 0}),
    );
    refused(
        "truora-outcomes.arm_request",
        json!({"outcome": "system_error"}),
    );
    ok(
        "checkout-outcomes.arm_request",
        json!({"applicant_id": APLT, "outcome": "62304", "times": 2}),
    );
    ok(
        "checkout-outcomes.arm_request",
        json!({"applicant_id": APLT, "outcome": "61411"}),
    );
    refused(
        "checkout-outcomes.arm_request",
        json!({"applicant_id": APLT, "outcome": "62999"}),
    );
    refused(
        "checkout-outcomes.arm_request",
        json!({"applicant_id": APLT, "outcome": 62304}),
    );
    refused(
        "checkout-outcomes.arm_request",
        json!({"applicant_id": "fav_1", "outcome": "10000"}),
    );
    ok(
        "scenario",
        json!({"rules": [{"when": {"api": "checkout"}, "then": {"respond": {"status": 500}}}]}),
    );
    refused("scenario", json!({"rules": [{"when": {"api": "acme"}}]}));
}
