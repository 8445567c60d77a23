//! Rules every Validations API request follows: the API key, content types, form limits,
//! routing and hostile paths.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const ENROLL_FORM: &str = "type=face-recognition&user_authorized=true";

/// Every keyed endpoint, as (method, path).
fn keyed_endpoints() -> Vec<(Method, String)> {
    let enrollment = "/v1/enrollments/ENR00000000000000000000000000000000".to_string();
    vec![
        (Method::POST, "/v1/enrollments".into()),
        (Method::GET, enrollment.clone()),
        (Method::DELETE, enrollment),
        (Method::POST, "/v1/validations".into()),
        (
            Method::GET,
            "/v1/validations/VLD00000000000000000000000000000000".into(),
        ),
    ]
}

#[tokio::test]
async fn a_missing_api_key_is_unauthorized() {
    let sim = Sim::start().await;
    for (method, path) in keyed_endpoints() {
        let request = sim
            .http
            .request(method, sim.api(&path))
            .header("Content-Type", FORM)
            .body(ENROLL_FORM);
        let message = sim
            .send(request)
            .await
            .truora_error(401, "Missing Truora-API-Key header");
        assert_eq!(message, "Missing Truora-API-Key header");
    }
}

#[tokio::test]
async fn an_unknown_api_key_is_unauthorized() {
    let sim = Sim::start().await;
    for key in ["wrong-key", "", "truora-sim-key-limited-not"] {
        for (method, path) in keyed_endpoints() {
            let request = sim
                .http
                .request(method, sim.api(&path))
                .header("Truora-API-Key", key)
                .header("Content-Type", FORM);
            sim.send(request.body(ENROLL_FORM))
                .await
                .truora_error(401, "Invalid Truora-API-Key");
        }
    }
}

#[tokio::test]
async fn a_key_that_is_not_text_is_unauthorized() {
    let sim = Sim::start().await;
    let key = reqwest::header::HeaderValue::from_bytes(b"truora-sim-key\xff").unwrap();
    let request = sim
        .http
        .get(sim.api("/v1/enrollments/ENR1"))
        .header("Truora-API-Key", key);
    sim.send(request)
        .await
        .truora_error(401, "Invalid Truora-API-Key");
}

#[tokio::test]
async fn broken_encodings_in_a_form_are_bad_requests() {
    let sim = Sim::start().await;
    let bad_utf8 = sim
        .post_raw(
            "/v1/enrollments",
            FORM,
            "type=face%FFrecognition&user_authorized=true",
        )
        .await;
    bad_utf8.truora_error(400, "invalid type");
    let bad_escape = sim
        .post_raw(
            "/v1/enrollments",
            FORM,
            format!("{ENROLL_FORM}&account_id=%ZZ"),
        )
        .await;
    bad_escape.truora_error(400, "invalid account_id \"%ZZ\"");
    let raw_bytes = sim
        .post_raw(
            "/v1/enrollments",
            FORM,
            b"type=\xff\xfe&user_authorized=true".to_vec(),
        )
        .await;
    raw_bytes.truora_error(400, "invalid type");
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_unsupported() {
    let sim = Sim::start().await;
    let json_body = json!({"type": "face-recognition", "user_authorized": true}).to_string();
    let reply = sim
        .post_raw("/v1/enrollments", "application/json", json_body)
        .await;
    let message = reply.truora_error(
        415,
        "Content-Type must be application/x-www-form-urlencoded",
    );
    assert!(message.contains("got application/json"), "{message}");
    sim.post_raw("/v1/validations", "text/plain", ENROLL_FORM)
        .await
        .truora_error(415, "got text/plain");

    let untyped = sim
        .http
        .post(sim.api("/v1/enrollments"))
        .header("Truora-API-Key", KEY)
        .body(ENROLL_FORM);
    sim.send(untyped).await.truora_error(415, "got none");

    let with_charset = sim
        .post_raw(
            "/v1/enrollments",
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
            ENROLL_FORM,
        )
        .await;
    assert_eq!(with_charset.ok()["status"], json!("pending"));
}

#[tokio::test]
async fn the_api_key_is_checked_before_the_body() {
    let sim = Sim::start().await;
    let request = sim
        .http
        .post(sim.api("/v1/enrollments"))
        .header("Content-Type", "application/json")
        .body("{");
    sim.send(request)
        .await
        .truora_error(401, "Missing Truora-API-Key header");
}

#[tokio::test]
async fn a_form_over_one_megabyte_is_too_large() {
    let sim = Sim::start().await;
    let padding = format!("{ENROLL_FORM}&note={}", "x".repeat(1024 * 1024));
    let reply = sim.post_raw("/v1/enrollments", FORM, padding).await;
    reply.truora_error(413, "larger than the maximum of 1 MB");

    sim.post_raw("/v1/validations", FORM, chunked(1536 * 1024, 512 * 1024))
        .await
        .truora_error(413, "1 MB");

    // Nothing was created by the refused forms.
    sim.enroll(Some("after")).await;
}

#[tokio::test]
async fn unknown_paths_under_the_prefix_answer_a_truora_404() {
    let sim = Sim::start().await;
    for path in [
        "/v1/nothing",
        "/v2/enrollments",
        "/v1/enrollments/ENR1/extra",
        "/v1/enrollments/",
    ] {
        let reply = sim.get(path, Some(KEY)).await;
        // The message names the path as the vendor host would see it (without the prefix).
        let message = reply.truora_error(404, "No endpoint at");
        assert!(message.ends_with(path), "{path}: {message}");
    }
    sim.get("", Some(KEY))
        .await
        .truora_error(404, "No endpoint at");
}

#[tokio::test]

async fn the_prefix_with_a_trailing_slash_answers_a_truora_404() {
    let sim = Sim::start().await;
    sim.get("/", Some(KEY))
        .await
        .truora_error(404, "No endpoint at");
}

#[tokio::test]
async fn wrong_methods_answer_a_truora_405() {
    let sim = Sim::start().await;
    let cases = [
        (Method::PUT, "/v1/enrollments"),
        (Method::GET, "/v1/enrollments"),
        (Method::PATCH, "/v1/enrollments/ENR1"),
        (Method::DELETE, "/v1/validations/VLD1"),
        (Method::PUT, "/v1/validations"),
        (Method::POST, "/v1/files/FIL1"),
    ];
    for (method, path) in cases {
        let reply = sim
            .send(
                sim.http
                    .request(method.clone(), sim.api(path))
                    .header("Truora-API-Key", KEY),
            )
            .await;
        let message = reply.truora_error(405, "is not allowed");
        assert!(
            message.contains(method.as_str()) && message.contains(path),
            "{message}"
        );
    }
}

#[tokio::test]
async fn odd_ids_are_not_found_never_a_server_error() {
    let sim = Sim::start().await;
    let long = "ENR".to_string() + &"f".repeat(4000);
    let odd = [
        "%00",
        "%2F..%2F..%2Fetc%2Fpasswd",
        "%F0%9F%98%80",
        "...",
        "ENR%20",
        "a%3Fb%3Dc",
        "%25FF",
        long.as_str(),
    ];
    for id in odd {
        let enrollment = sim.get(&format!("/v1/enrollments/{id}"), Some(KEY)).await;
        enrollment.truora_error(404, "The Enrollment was not found");
        let validation = sim.get(&format!("/v1/validations/{id}"), Some(KEY)).await;
        validation.truora_error(404, "The Validation was not found");
        sim.delete(&format!("/v1/enrollments/{id}"), Some(KEY))
            .await
            .truora_error(404, "not found");
        let file = sim
            .fetch(&sim.api(&format!("/v1/files/{id}?Expires=1&Signature=00")))
            .await;
        file.truora_error(403, "signature does not match");
    }
}

#[tokio::test]

async fn ids_that_decode_to_invalid_utf8_answer_a_truora_envelope() {
    let sim = Sim::start().await;
    for id in ["%FF%FE", "%C3%28", "ENR%80"] {
        let enrollment = sim.get(&format!("/v1/enrollments/{id}"), Some(KEY)).await;
        enrollment.truora_error(404, "The Enrollment was not found");
        let validation = sim.get(&format!("/v1/validations/{id}"), Some(KEY)).await;
        validation.truora_error(404, "The Validation was not found");
        sim.delete(&format!("/v1/enrollments/{id}"), Some(KEY))
            .await
            .truora_error(404, "not found");
        let upload = sim
            .put(
                &sim.api(&format!("/v1/uploads/{id}?Expires=1&Signature=00")),
                vec![1],
            )
            .await;
        upload.truora_error(403, "signature does not match");
        let file = sim
            .fetch(&sim.api(&format!("/v1/files/{id}?Expires=1&Signature=00")))
            .await;
        file.truora_error(403, "signature does not match");
    }
}
