//! Trustmatic outcomes armed through `{root}/_facesim/trustmatic/outcomes` over real sockets:
//! forced errors and scores, their scope, listing, disarming, resets and concurrency.

mod common;

use common::*;
use serde_json::{json, Value};

fn faces() -> Value {
    verify_body(
        Some("armed"),
        Some(&selfie("subject=q")),
        Some(&reference("q")),
    )
}

#[tokio::test]
async fn an_armed_error_answers_the_next_matching_call_once() {
    let sim = Sim::start().await;
    let armed = sim
        .tm_arm(
            &json!({"operation": "face_verify", "sessionId": "armed", "error": "INTERNAL_ERROR"}),
        )
        .await;
    assert_eq!(armed.status, 201, "{}", armed.text());
    let armed = armed.json();
    assert_eq!(armed["remaining"], json!(1), "{armed}");
    let other_session = verify_body(
        Some("other"),
        Some(&selfie("subject=q")),
        Some(&reference("q")),
    );
    sim.tm(VERIFY, &other_session).await.tm_score();
    let detail = sim.tm(VERIFY, &faces()).await.tm_in_band("INTERNAL_ERROR");
    assert!(detail.contains(armed["id"].as_str().unwrap()), "{detail}");
    sim.tm(VERIFY, &faces()).await.tm_score();
}

#[tokio::test]
async fn forced_scores_and_codes_for_every_operation() {
    let sim = Sim::start().await;
    let arms = [
        json!({"operation": "face_verify", "score": 12, "times": 2}),
        json!({"operation": "face_liveness", "score": 0.42}),
        json!({"operation": "document_liveness", "error": "DOCUMENT_CROPPED"}),
    ];
    for arm in &arms {
        assert_eq!(sim.tm_arm(arm).await.status, 201);
    }
    let listed = sim
        .send(sim.http.get(sim.url("/_facesim/trustmatic/outcomes")))
        .await
        .ok();
    assert_eq!(listed["outcomes"].as_array().unwrap().len(), 3, "{listed}");
    assert_eq!(sim.tm(VERIFY, &faces()).await.tm_score(), json!(12));
    assert_eq!(
        sim.tm(VERIFY, &json!({})).await.tm_score(),
        json!(12),
        "pictures are not read"
    );
    sim.tm(VERIFY, &json!({}))
        .await
        .tm_in_band("MISSING_PROBE_IMAGE");
    assert_eq!(
        sim.tm(FACE_LIVENESS, &json!({})).await.tm_score(),
        json!(0.42)
    );
    sim.tm(DOCUMENT_LIVENESS, &json!({}))
        .await
        .tm_in_band("DOCUMENT_CROPPED");
}

#[tokio::test]
async fn outcomes_can_be_disarmed_one_by_one_all_at_once_and_by_a_reset() {
    let sim = Sim::start().await;
    let any = json!({"error": "INTERNAL_ERROR", "times": 5});
    let id = sim.tm_arm(&any).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = sim.url(&format!("/_facesim/trustmatic/outcomes/{id}"));
    assert_eq!(sim.send(sim.http.delete(&url)).await.status, 204);
    sim.send(sim.http.delete(&url))
        .await
        .control_error(404, "not_found", "no outcome");
    sim.tm_arm(&any).await;
    let all = sim.url("/_facesim/trustmatic/outcomes");
    assert_eq!(sim.send(sim.http.delete(&all)).await.status, 204);
    sim.tm(VERIFY, &faces()).await.tm_score();
    sim.tm_arm(&any).await;
    assert_eq!(
        sim.send(sim.http.post(sim.url("/_facesim/reset")))
            .await
            .status,
        200
    );
    sim.tm(FACE_LIVENESS, &json!({}))
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
}

#[tokio::test]
async fn bad_control_requests_say_what_is_wrong() {
    let sim = Sim::start().await;
    let cases = [
        (
            json!({"operation": "face_match", "error": "INTERNAL_ERROR"}),
            "face_match",
        ),
        (
            json!({"operation": "face_liveness", "error": "PROBE_FACE_NOT_FOUND"}),
            "does not answer",
        ),
        (json!({"error": "FACE_NOT_FOUND"}), "needs an operation"),
        (
            json!({"operation": "face_verify", "score": 101}),
            "from 0 to 100",
        ),
        (
            json!({"operation": "face_verify", "score": 50.5}),
            "integer",
        ),
        (json!({"operation": "face_verify"}), "exactly one"),
        (json!({"score": 0.5}), "needs an operation"),
        (json!({"error": "INTERNAL_ERROR", "times": 0}), "times"),
        (json!({"error": "INTERNAL_ERROR", "times": -1}), "times"),
        (
            json!({"error": "INTERNAL_ERROR", "session": "x"}),
            "unknown key",
        ),
        (json!({"error": 5}), "error must be a string"),
    ];
    for (body, needle) in cases {
        sim.tm_arm(&body)
            .await
            .control_error(422, "unprocessable_entity", needle);
    }
    let not_json = sim
        .http
        .post(sim.url("/_facesim/trustmatic/outcomes"))
        .header("content-type", "application/json")
        .body("{");
    sim.send(not_json)
        .await
        .control_error(400, "bad_request", "not a JSON object");
}

#[tokio::test]
async fn concurrent_calls_consume_an_armed_outcome_exactly_as_often_as_armed() {
    let sim = Sim::start().await;
    sim.tm_arm(&json!({"operation": "face_liveness", "error": "INTERNAL_ERROR", "times": 5}))
        .await;
    let body = json!({"faceImageBase": b64(&selfie("subject=c"))});
    let replies = futures::future::join_all((0..20).map(|_| sim.tm(FACE_LIVENESS, &body))).await;
    let forced = replies
        .iter()
        .filter(|r| r.ok()["hasError"] == json!(true))
        .count();
    assert_eq!(forced, 5);
}
