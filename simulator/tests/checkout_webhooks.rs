//! Checkout webhooks over real sockets: a local receiver gets every event of a flow, in order,
//! in the version 1.2.0 envelope, signed with `Cko-Signature`, including the events that time
//! alone triggers (checks completing, links expiring).

mod common;

use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const SIGNING_KEY: &str = "whsec-facesim-test";

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

/// Registers `receiver` for Checkout events through the control API.
async fn register(sim: &Sim, receiver: &WebhookReceiver) {
    let spec = json!({
        "vendor": "checkout",
        "url": receiver.url,
        "signing_key": SIGNING_KEY,
        "authorization": "Bearer hook-token"
    });
    let reply = sim
        .send(sim.http.post(sim.url("/_facesim/webhooks")).json(&spec))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// Checks one delivery: headers, signature, envelope; answers the body.
fn checked(sim: &Sim, received: &Received) -> Value {
    assert_eq!(received.header("content-type"), "application/json");
    assert_eq!(received.header("authorization"), "Bearer hook-token");
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_KEY.as_bytes()).unwrap();
    mac.update(&received.body);
    assert_eq!(
        received.header("cko-signature"),
        hex::encode(mac.finalize().into_bytes()),
        "lowercase hex HMAC-SHA256 of the exact body"
    );
    let body = received.json();
    let contract = facesim_schemas::contract("checkout-identity-verification").unwrap();
    if let Err(errors) = contract.check_component("webhook", &body) {
        panic!("the envelope breaks the documented webhook schema: {errors:?}\n{body}");
    }
    let event_id = str_at(&body, "/id");
    assert!(
        event_id.starts_with("evt_") && event_id.len() == 30,
        "{event_id}"
    );
    assert_eq!(body["version"], json!("1.2.0"));
    let created_on = str_at(&body, "/created_on");
    assert_eq!(
        created_on.len(),
        "2026-11-22T10:00:00.000000Z".len(),
        "{created_on}"
    );
    assert_eq!(&created_on[19..20], ".");
    assert!(created_on.ends_with('Z'));
    assert_eq!(
        str_at(&body, "/_links/self/href"),
        sim.url(&format!("/_facesim/webhooks/events/{event_id}"))
    );
    assert_eq!(body.as_object().unwrap().len(), 6, "{body}");
    body
}

fn summary(body: &Value) -> (String, String, Vec<u64>) {
    (
        str_at(body, "/type").to_string(),
        str_at(body, "/data/status").to_string(),
        codes_of(&body["data"]),
    )
}

#[tokio::test]
async fn an_approved_flow_sends_its_events_in_order() {
    let sim = Sim::start().await;
    let receiver = WebhookReceiver::start().await;
    register(&sim, &receiver).await;
    let external = "eaplt_10000000000000000000000000";
    let applicant = sim.cko_applicant(CKO_KEY, Some(external)).await;
    let fa = sim.cko_face_authentication(CKO_KEY, id(&applicant)).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    sim.cko_act(id(&attempt), json!({"action": "open"})).await;
    sim.advance(1.0).await;
    let received = receiver.wait_for(5).await;
    let bodies: Vec<Value> = received.iter().map(|r| checked(&sim, r)).collect();
    let expected = [
        ("face_authentication_created", "created", vec![]),
        ("face_authentication_opened", "pending", vec![]),
        ("face_authentication_started", "capture_in_progress", vec![]),
        (
            "face_authentication_capture_completed",
            "checks_in_progress",
            vec![],
        ),
        (
            "face_authentication_checks_completed",
            "approved",
            vec![10000],
        ),
    ];
    let got: Vec<_> = bodies.iter().map(summary).collect();
    let want: Vec<_> = expected
        .iter()
        .map(|(t, s, c)| (t.to_string(), s.to_string(), c.clone()))
        .collect();
    assert_eq!(got, want);
    for body in &bodies {
        assert_eq!(
            body["data"],
            json!({
                "applicant_id": id(&applicant),
                "external_applicant_id": external,
                "face_authentication_id": id(&fa),
                "status": body["data"]["status"],
                "response_codes": body["data"]["response_codes"],
                "user_journey_id": JOURNEY,
            })
        );
    }
    assert_eq!(
        bodies[4]["data"]["response_codes"],
        json!([{"code": 10000, "summary": "approved"}])
    );
    let stored = sim.fetch(str_at(&bodies[4], "/_links/self/href")).await;
    assert_eq!(stored.status, 200);
    assert_eq!(
        stored.bytes, received[4].body,
        "the event link serves the exact body"
    );
    let ids: std::collections::HashSet<&str> = bodies.iter().map(id).collect();
    assert_eq!(ids.len(), 5);
}

#[tokio::test]
async fn an_expired_link_is_reported_without_any_request() {
    let sim = Sim::start().await;
    let receiver = WebhookReceiver::start().await;
    register(&sim, &receiver).await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    sim.cko_attempt(CKO_KEY, id(&fa)).await;
    assert_eq!(receiver.wait_for(2).await.len(), 2);
    sim.advance(900.0).await;
    let received = receiver.wait_for(3).await;
    let expired = checked(&sim, &received[2]);
    assert_eq!(
        summary(&expired),
        (
            "face_authentication_link_expired".to_string(),
            "retry_required".to_string(),
            vec![61101]
        )
    );
    assert!(
        expired["data"].get("external_applicant_id").is_none(),
        "absent when the applicant has none: {expired}"
    );
    assert_eq!(
        expired["data"]["response_codes"],
        json!([{"code": 61101, "summary": "applicant_never_started"}])
    );
}

#[tokio::test]
async fn resets_retries_anonymization_and_audits_are_reported() {
    let sim = Sim::start().await;
    let receiver = WebhookReceiver::start().await;
    register(&sim, &receiver).await;
    let fa = sim.cko_fresh(CKO_VIDEO_KEY, None).await;
    let fa_id = id(&fa).to_string();
    sim.cko_attempt(CKO_VIDEO_KEY, &fa_id).await;
    let second = sim.cko_attempt(CKO_VIDEO_KEY, &fa_id).await;
    sim.cko_act(id(&second), json!({"action": "abort", "code": 61203}))
        .await;
    let third = sim.cko_attempt(CKO_VIDEO_KEY, &fa_id).await;
    sim.cko_act(id(&third), json!({"action": "decline", "code": 62401}))
        .await;
    sim.advance(1.0).await;
    receiver.wait_for(9).await;
    let audit = sim
        .send(
            sim.http
                .post(sim.url(&format!(
                    "/_facesim/checkout/face-authentications/{fa_id}/audit"
                )))
                .json(&json!({"status": "approved"})),
        )
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    sim.cko(
        reqwest::Method::POST,
        &format!("/face-authentications/{fa_id}/anonymize"),
        Some(CKO_VIDEO_KEY),
        None,
    )
    .await
    .cko_ok(200);
    let received = receiver.wait_for(11).await;
    let types: Vec<String> = received
        .iter()
        .map(|r| {
            summary(&checked(&sim, r))
                .0
                .trim_start_matches("face_authentication_")
                .to_string()
        })
        .collect();
    assert_eq!(
        types,
        [
            "created",
            "opened",
            "reset",
            "started",
            "capture_aborted",
            "retry_requested",
            "started",
            "capture_completed",
            "checks_completed",
            "audit_completed",
            "anonymized",
        ]
    );
}
