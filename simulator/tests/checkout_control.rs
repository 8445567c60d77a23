//! The Checkout control actions over real sockets: capture actions, reference pictures and
//! audits, with the control API's `{"error", "message"}` for every refusal.

mod common;

use base64::Engine;
use common::*;
use facesim::media::FixtureFormat;
use serde_json::{json, Value};

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn waiting_attempt(sim: &Sim) -> (Value, Value) {
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    (fa, attempt)
}

#[tokio::test]
async fn each_action_reaches_its_documented_state() {
    let sim = Sim::start().await;
    let cases = [
        (
            json!({"action": "open"}),
            "capture_in_progress",
            vec![],
            "capture_in_progress",
            vec![],
        ),
        (
            json!({"action": "approve"}),
            "completed",
            vec![10000],
            "approved",
            vec![10000],
        ),
        (
            json!({"action": "decline"}),
            "completed",
            vec![62304],
            "declined",
            vec![62304],
        ),
        (
            json!({"action": "decline", "code": 62403}),
            "completed",
            vec![62403],
            "declined",
            vec![62403],
        ),
        (
            json!({"action": "abort"}),
            "capture_aborted",
            vec![61121],
            "retry_required",
            vec![61121],
        ),
        (
            json!({"action": "abort", "code": 61113}),
            "capture_aborted",
            vec![61113],
            "retry_required",
            vec![61113],
        ),
        (
            json!({"action": "inconclusive"}),
            "checks_inconclusive",
            vec![61411],
            "retry_required",
            vec![61411],
        ),
        (
            json!({"action": "refuse"}),
            "capture_refused",
            vec![63001],
            "refused",
            vec![63001],
        ),
        (
            json!({"action": "close"}),
            "expired",
            vec![64001],
            "retry_required",
            vec![64001],
        ),
        (
            json!({"action": "selfie", "image_base64": b64(&selfie("subject=neo"))}),
            "completed",
            vec![10000],
            "approved",
            vec![10000],
        ),
    ];
    for (action, attempt_status, attempt_codes, fa_status, fa_codes) in cases {
        let (fa, attempt) = waiting_attempt(&sim).await;
        sim.cko_act(id(&attempt), action.clone()).await;
        sim.advance(1.0).await;
        let path = format!(
            "/face-authentications/{}/attempts/{}",
            id(&fa),
            id(&attempt)
        );
        let attempt = sim.cko_get(&path).await.cko_ok(200);
        assert_eq!(
            (status_of(&attempt), codes_of(&attempt)),
            (attempt_status, attempt_codes),
            "{action}"
        );
        let fa = sim.cko_fa(CKO_KEY, id(&fa)).await;
        assert_eq!(
            (status_of(&fa), codes_of(&fa)),
            (fa_status, fa_codes),
            "{action}"
        );
    }
    let (_, attempt) = waiting_attempt(&sim).await;
    sim.cko_act(id(&attempt), json!({"action": "open"})).await;
    let closed = sim.cko_act(id(&attempt), json!({"action": "close"})).await;
    assert_eq!(
        (status_of(&closed), codes_of(&closed)),
        ("capture_aborted", vec![64001])
    );
}

#[tokio::test]
async fn bad_codes_and_actions_are_422() {
    let sim = Sim::start().await;
    let (_, attempt) = waiting_attempt(&sim).await;
    let a = id(&attempt);
    for (body, needle) in [
        (json!({"action": "decline", "code": 61121}), "62xxx"),
        (json!({"action": "abort", "code": 62304}), "61xxx"),
        (json!({"action": "inconclusive", "code": 10000}), "61xxx"),
        (
            json!({"action": "decline", "code": 62999}),
            "no documented response code",
        ),
        (json!({"action": "decline", "code": "62304"}), "integer"),
        (json!({"action": "decline", "code": -1}), "integer"),
        (json!({"action": "approve", "code": 10000}), "takes no code"),
        (json!({"action": "dance"}), "unknown action"),
        (json!({"action": 3}), "string"),
        (json!({}), "action is required"),
        (json!({"action": "selfie"}), "image_base64 is required"),
        (
            json!({"action": "selfie", "image_base64": "%%% not base64 %%%"}),
            "not valid base64",
        ),
        (
            json!({"action": "selfie", "image_base64": 12}),
            "must be a string",
        ),
        (
            json!({"action": "selfie", "image_base64": b64(b"just some text")}),
            "not a picture",
        ),
        (
            json!({"action": "selfie", "image_base64": b64(&junk(300))}),
            "not a picture",
        ),
        (
            json!({"action": "selfie", "image_base64": b64(&selfie("subject=a")[..200])}),
            "corrupt",
        ),
        (json!({"action": "selfie", "image_base64": ""}), "empty"),
        (
            json!({"action": "selfie", "image_base64": b64(&media("subject=a", FixtureFormat::Mp4, 0))}),
            "not a picture",
        ),
    ] {
        sim.cko_control(a, &body)
            .await
            .control_error(422, "unprocessable_entity", needle);
    }
    let attempt = sim.cko_act(a, json!({"action": "open"})).await;
    assert_eq!(
        status_of(&attempt),
        "capture_in_progress",
        "nothing changed before"
    );
    let data_url = format!("data:image/jpeg;base64,{}", b64(&selfie("subject=a")));
    let done = sim
        .cko_act(a, json!({"action": "selfie", "image_base64": data_url}))
        .await;
    assert_eq!(status_of(&done), "checks_in_progress");
}

#[tokio::test]
async fn actions_the_state_refuses_are_409_and_unknown_attempts_404() {
    let sim = Sim::start().await;
    let (_, attempt) = waiting_attempt(&sim).await;
    let a = id(&attempt);
    sim.cko_act(a, json!({"action": "refuse"})).await;
    for action in ["open", "approve", "close", "refuse"] {
        let message = sim
            .cko_control(a, &json!({"action": action}))
            .await
            .control_error(409, "conflict", "capture_refused");
        assert!(message.contains(action), "{message}");
    }
    sim.cko_control("fatp_unknown", &json!({"action": "open"}))
        .await
        .control_error(404, "not_found", "fatp_unknown");
    sim.cko_control("fatp_%FF", &json!({"action": "open"}))
        .await
        .control_error(404, "not_found", "attempt");
}

#[tokio::test]
async fn malformed_control_bodies() {
    let sim = Sim::start().await;
    let (_, attempt) = waiting_attempt(&sim).await;
    let url = sim.url(&format!("/_facesim/checkout/attempts/{}", id(&attempt)));
    let raw = |content_type: &'static str, body: &'static str| {
        sim.send(
            sim.http
                .post(url.clone())
                .header("Content-Type", content_type)
                .body(body),
        )
    };
    raw("application/json", "{")
        .await
        .control_error(400, "bad_request", "JSON object");
    raw("application/json", "[]")
        .await
        .control_error(400, "bad_request", "JSON object");
    raw("text/plain", "{}")
        .await
        .control_error(415, "unsupported_media_type", "application/json");
    let huge = format!(
        "{{\"action\":\"selfie\",\"image_base64\":\"{}\"}}",
        "A".repeat(16 * 1024 * 1024)
    );
    sim.send(
        sim.http
            .post(url.clone())
            .header("Content-Type", "application/json")
            .body(huge),
    )
    .await
    .control_error(413, "payload_too_large", "larger");
    sim.send(sim.http.post(sim.url("/_facesim/checkout/nothing")))
        .await
        .control_error(404, "not_found", "/_facesim/checkout/nothing");
    sim.send(sim.http.get(url.clone()))
        .await
        .control_error(405, "method_not_allowed", "GET");
}

#[tokio::test]
async fn reference_pictures_are_checked() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let url = sim.url(&format!(
        "/_facesim/checkout/applicants/{}/reference",
        id(&applicant)
    ));
    let put = |body: reqwest::Body, content_type: &'static str| {
        sim.send(
            sim.http
                .put(url.clone())
                .header("Content-Type", content_type)
                .body(body),
        )
    };
    put(
        media("face=none", FixtureFormat::Png, 0).into(),
        "image/png",
    )
    .await
    .control_error(422, "unprocessable_entity", "no face");
    put(junk(100).into(), "application/octet-stream")
        .await
        .control_error(422, "unprocessable_entity", "unsupported");
    let mut broken = reference("bob");
    broken.truncate(120);
    put(broken.into(), "image/png")
        .await
        .control_error(422, "unprocessable_entity", "corrupt");
    put(
        b"{\"image_base64\": \"@@\"}".to_vec().into(),
        "application/json",
    )
    .await
    .control_error(422, "unprocessable_entity", "base64");
    let body = json!({"image_base64": b64(&reference("bob"))}).to_string();
    let set = put(body.into(), "application/json").await.ok();
    assert_eq!(
        set["reference"],
        json!({"media_type": "image/png", "subject": "bob", "faces": "one"})
    );
    sim.send(
        sim.http
            .put(sim.url("/_facesim/checkout/applicants/aplt_nobody/reference"))
            .body(reference("x")),
    )
    .await
    .control_error(404, "not_found", "aplt_nobody");

    let fa = sim.cko_face_authentication(CKO_KEY, id(&applicant)).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    sim.cko_selfie(id(&attempt), &selfie("subject=bob"))
        .await
        .ok();
    sim.advance(1.0).await;
    assert_eq!(status_of(&sim.cko_fa(CKO_KEY, id(&fa)).await), "approved");
}
