//! Trustmatic over real sockets: authentication comes first, and every kind of bad request
//! gets a clear answer in the API's shape; duplicate concurrent calls get the same answer.

mod common;

use bytes::Bytes;
use common::*;
use futures::StreamExt;
use http_body_util::StreamBody;
use hyper::body::Frame;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use serde_json::json;
use std::convert::Infallible;

#[tokio::test]
async fn calls_need_known_basic_credentials_before_anything_else() {
    let sim = Sim::start().await;
    let url = sim.tm_url(VERIFY);
    let anonymous = sim
        .http
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body("{}");
    sim.send(anonymous).await.tm_unauthorized();
    for (user, password) in [("facesim", "wrong"), ("nobody", "facesim"), ("facesim", "")] {
        let request = sim
            .http
            .post(&url)
            .basic_auth(user, Some(password))
            .body("not even JSON");
        sim.send(request).await.tm_unauthorized();
    }
    for header in [
        "Bearer facesim:facesim",
        "Basic ***",
        "Basic",
        "ZmFjZXNpbTpmYWNlc2lt",
    ] {
        let request = sim.http.post(&url).header(AUTHORIZATION, header).body("{}");
        sim.send(request).await.tm_unauthorized();
    }
    for (method, path) in [
        (Method::GET, VERIFY),
        (Method::POST, "/api/v2/nothing"),
        (Method::POST, ""),
    ] {
        sim.send(sim.http.request(method, sim.tm_url(path)))
            .await
            .tm_unauthorized();
    }
}

#[tokio::test]
async fn unknown_paths_and_other_methods_are_named() {
    let sim = Sim::start().await;
    for path in ["/api/v1/face/compare", "", "/", "/api/v1/face/verify/extra"] {
        let request = sim
            .http
            .post(sim.tm_url(path))
            .basic_auth(TM_USER.0, Some(TM_USER.1));
        sim.send(request)
            .await
            .tm_refused(404, "NOT_FOUND", "no endpoint at");
    }
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let request = sim
            .http
            .request(method.clone(), sim.tm_url(FACE_LIVENESS))
            .basic_auth(TM_USER.0, Some(TM_USER.1));
        let reply = sim.send(request).await;
        reply.tm_refused(405, "METHOD_NOT_ALLOWED", method.as_str());
        assert_eq!(reply.headers.get("allow").unwrap(), "POST");
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_requests_are_400_or_415() {
    let sim = Sim::start().await;
    let cases = [
        ("{", "not valid JSON"),
        ("[]", "must be a JSON object, not an array"),
        ("\"text\"", "not a string"),
        (r#"{"sessionId": 7}"#, "sessionId must be a string"),
        (r#"{"probe": []}"#, "probe must be an object"),
        (
            r#"{"probe": {"imageBase64": true}}"#,
            "probe.imageBase64 must be a string",
        ),
    ];
    for (body, needle) in cases {
        sim.tm_raw(VERIFY, Some("application/json"), body)
            .await
            .tm_refused(400, "INVALID_REQUEST", needle);
    }
    let body = sim
        .tm_raw(
            FACE_LIVENESS,
            Some("application/json"),
            r#"{"sessionId":"keep","faceImageBase":{}}"#,
        )
        .await
        .tm_refused(400, "INVALID_REQUEST", "faceImageBase must be a string");
    assert_eq!(body["sessionId"], json!("keep"));
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        sim.tm_raw(VERIFY, content_type, "{}").await.tm_refused(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "application/json",
        );
    }
    let json_charset = sim
        .tm_raw(VERIFY, Some("application/json; charset=utf-8"), "{}")
        .await;
    json_charset.tm_in_band("MISSING_PROBE_IMAGE");
}

#[tokio::test]
async fn oversized_bodies_are_413_whether_announced_or_streamed() {
    let sim = Sim::configured(|c| c.trustmatic.max_body_bytes = 1024).await;
    let big = format!(r#"{{"faceImageBase":"{}"}}"#, "A".repeat(2000));
    sim.tm_raw(FACE_LIVENESS, Some("application/json"), big)
        .await
        .tm_refused(413, "PAYLOAD_TOO_LARGE", "1024 bytes");
    sim.tm_raw(FACE_LIVENESS, Some("application/json"), chunked(5000, 100))
        .await
        .tm_refused(413, "PAYLOAD_TOO_LARGE", "larger than");
    let fits = format!(r#"{{"faceImageBase":"{}"}}"#, "A".repeat(500));
    sim.tm_raw(FACE_LIVENESS, Some("application/json"), fits)
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_408() {
    let sim = Sim::configured(|c| c.server.body_read_timeout_seconds = 1).await;
    let first: Result<Frame<Bytes>, Infallible> = Ok(Frame::data(Bytes::from_static(b"{\"se")));
    let stalled = futures::stream::iter([first]).chain(futures::stream::pending());
    let request = sim
        .http
        .post(sim.tm_url(VERIFY))
        .basic_auth(TM_USER.0, Some(TM_USER.1))
        .header(CONTENT_TYPE, "application/json")
        .header(CONTENT_LENGTH, "100")
        .body(reqwest::Body::wrap(StreamBody::new(stalled)));
    sim.send(request)
        .await
        .tm_refused(408, "REQUEST_TIMEOUT", "did not arrive in time");
}

#[tokio::test]
async fn concurrent_duplicate_calls_get_the_same_answer() {
    let sim = Sim::start().await;
    let body = verify_body(
        Some("dup"),
        Some(&selfie("subject=z")),
        Some(&reference("z")),
    );
    let calls = (0..16).map(|_| sim.tm(VERIFY, &body));
    let replies = futures::future::join_all(calls).await;
    let first = replies[0].ok();
    assert_eq!(first["hasError"], json!(false), "{first}");
    for reply in &replies {
        assert_eq!(reply.ok(), first);
    }
}
