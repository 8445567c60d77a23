//! The control API under `/_facesim` and the answer outside every prefix.

mod common;

use common::*;
use serde_json::{json, Value};

/// `GET /_facesim/clock`.
async fn clock(sim: &Sim) -> Value {
    sim.send(sim.http.get(sim.url("/_facesim/clock")))
        .await
        .ok()
}

/// `POST /_facesim/clock/advance` with a raw body.
async fn advance_raw(sim: &Sim, content_type: &str, body: &str) -> Reply {
    let request = sim
        .http
        .post(sim.url("/_facesim/clock/advance"))
        .body(body.to_string());
    sim.send(request.header("Content-Type", content_type)).await
}

#[tokio::test]
async fn the_clock_starts_at_real_time() {
    let sim = Sim::start().await;
    let body = clock(&sim).await;
    assert_nanos_timestamp(str_at(&body, "/now"));
    assert_eq!(body["offset_seconds"], json!(0.0));
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
}

#[tokio::test]
async fn advance_moves_the_clock_forward() {
    let sim = Sim::start().await;
    let before = assert_nanos_timestamp(str_at(&clock(&sim).await, "/now"));
    let advanced = sim.advance(3600.0).await;
    assert_eq!(advanced["offset_seconds"], json!(3600.0));
    let now = assert_nanos_timestamp(str_at(&advanced, "/now"));
    assert!(
        now - before >= chrono::Duration::seconds(3600),
        "{before} -> {now}"
    );

    assert_eq!(sim.advance(0.5).await["offset_seconds"], json!(3600.5));
    assert_eq!(sim.advance(0.0).await["offset_seconds"], json!(3600.5));
    let charset = advance_raw(&sim, "application/json; charset=utf-8", r#"{"seconds": 1}"#).await;
    assert_eq!(charset.ok()["offset_seconds"], json!(3601.5));
    assert_eq!(clock(&sim).await["offset_seconds"], json!(3601.5));
}

#[tokio::test]
async fn advance_rejects_bad_bodies_without_moving_the_clock() {
    let sim = Sim::start().await;
    let cases = [
        (r#"{"seconds": -1}"#, "the clock only moves forward"),
        (r#"{"seconds": -0.001}"#, "the clock only moves forward"),
        (r#"{"seconds": 1e400}"#, "expected {\"seconds\": <number>}"),
        (r#"{"seconds": NaN}"#, "expected {\"seconds\": <number>}"),
        (
            r#"{"seconds": 315360001}"#,
            "seconds must be a number from 0",
        ),
        (r#"{"seconds": "10"}"#, "invalid type: string"),
        (r#"{"seconds": null}"#, "expected {\"seconds\": <number>}"),
        (r#"{}"#, "missing field `seconds`"),
        (r#"{"seconds": 1, "minutes": 2}"#, "unknown field `minutes`"),
        ("not json", "expected {\"seconds\": <number>}"),
        ("", "expected {\"seconds\": <number>}"),
    ];
    for (body, needle) in cases {
        let reply = advance_raw(&sim, "application/json", body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        reply.control_error(400, "bad_request", needle);
    }
    let text = advance_raw(&sim, "text/plain", r#"{"seconds": 1}"#).await;
    text.control_error(
        415,
        "unsupported_media_type",
        "Content-Type must be application/json",
    );
    assert_eq!(clock(&sim).await["offset_seconds"], json!(0.0));
}

#[tokio::test]
async fn reset_empties_the_state_and_returns_the_clock() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let waiting = sim.enroll(Some("bob")).await;
    sim.advance(7200.0).await;

    let reset = sim
        .send(sim.http.post(sim.url("/_facesim/reset")))
        .await
        .ok();
    assert_eq!(reset["reset"], json!(true));
    assert_eq!(reset["clock"]["offset_seconds"], json!(0.0));
    assert_nanos_timestamp(str_at(&reset, "/clock/now"));
    assert_eq!(clock(&sim).await["offset_seconds"], json!(0.0));

    let old = sim
        .get(
            &format!("/v1/enrollments/{}", str_at(&enrollment, "/enrollment_id")),
            Some(KEY),
        )
        .await;
    old.truora_error(404, "The Enrollment was not found");
    let link = str_at(&waiting, "/file_upload_link");
    sim.put(link, reference("bob"))
        .await
        .truora_error(404, "The upload link was not found");
    sim.create_validation("alice", &[])
        .await
        .truora_error(404, "has no face enrollment");
    assert_eq!(
        sim.enroll(Some("alice")).await["account_id"],
        json!("alice"),
        "the account is free again"
    );
}

#[tokio::test]
async fn unknown_control_paths_and_methods_answer_json() {
    let sim = Sim::start().await;
    let missing = sim.send(sim.http.get(sim.url("/_facesim/nothing"))).await;
    missing.control_error(404, "not_found", "No control endpoint at /_facesim/nothing");
    let wrong = sim.send(sim.http.get(sim.url("/_facesim/reset"))).await;
    wrong.control_error(
        405,
        "method_not_allowed",
        "Method GET is not allowed on /reset",
    );
    let post_clock = sim.send(sim.http.post(sim.url("/_facesim/clock"))).await;
    post_clock.control_error(405, "method_not_allowed", "POST");
}

#[tokio::test]
async fn paths_outside_every_prefix_name_the_known_prefixes() {
    let sim = Sim::start().await;
    for path in [
        "/",
        "/v1/enrollments",
        "/truora",
        "/truora/validationsX/v1/enrollments",
        "/_facesimulator",
    ] {
        let reply = sim
            .send(sim.http.get(sim.url(path)).header("Truora-API-Key", KEY))
            .await;
        let message = reply.control_error(404, "not_found", &format!("No API is served at {path}"));
        assert!(
            message.contains("/truora/validations") && message.contains("/_facesim"),
            "{message}"
        );
        assert_eq!(
            reply.json()["known_prefixes"],
            json!([
                "/truora/validations",
                "/checkout",
                "/trustmatic",
                "/_facesim"
            ])
        );
    }
}

#[tokio::test]

async fn an_oversized_advance_body_is_too_large() {
    let sim = Sim::start().await;
    let body = format!(r#"{{"seconds": 1{}}}"#, " ".repeat(100 * 1024));
    let reply = advance_raw(&sim, "application/json", &body).await;
    let message = reply.control_error(413, "payload_too_large", "");
    assert!(!message.contains("TooLarge {"), "{message}");
}
