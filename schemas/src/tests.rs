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
