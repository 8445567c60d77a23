//! Truora and Checkout outcomes armed through `{root}/_facesim/truora/outcomes` and
//! `{root}/_facesim/checkout/outcomes` over real sockets: their scope, `times`, precedence over
//! markers and under scenario rules, listing, disarming, resets, refusals and concurrency.

mod common;

use common::*;
use serde_json::{json, Value};

/// `POST {root}/_facesim/<vendor>/outcomes` with a JSON body.
async fn arm(sim: &Sim, vendor: &str, body: &Value) -> Reply {
    let url = sim.url(&format!("/_facesim/{vendor}/outcomes"));
    sim.send(sim.http.post(url).json(body)).await
}

/// An outcome that must be armed; answers it.
async fn armed(sim: &Sim, vendor: &str, body: &Value) -> Value {
    let reply = arm(sim, vendor, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

/// The outcomes `GET {root}/_facesim/<vendor>/outcomes` lists.
async fn listed(sim: &Sim, vendor: &str) -> Vec<Value> {
    let url = sim.url(&format!("/_facesim/{vendor}/outcomes"));
    let body = sim.send(sim.http.get(url)).await.ok();
    body["outcomes"].as_array().unwrap().clone()
}

/// A passive-liveness validation of `account` with a live selfie of alice, finished.
async fn validated(sim: &Sim, account: &str, marker: &str) -> Value {
    sim.run_validation(account, &[PASSIVE_LIVENESS], selfie(marker))
        .await
}

/// A face authentication of a new applicant (optionally a sandbox one); answers both IDs.
async fn applicant_and_fa(sim: &Sim, external: Option<&str>) -> (String, String) {
    let applicant = sim.cko_applicant(CKO_KEY, external).await;
    let applicant = str_at(&applicant, "/id").to_string();
    let fa = sim.cko_face_authentication(CKO_KEY, &applicant).await;
    (applicant, str_at(&fa, "/id").to_string())
}

/// Creates an attempt of `fa`, opens its capture, lets the checks finish; answers the face
/// authentication.
async fn opened(sim: &Sim, fa: &str) -> Value {
    let attempt = sim.cko_attempt(CKO_KEY, fa).await;
    sim.cko_act(str_at(&attempt, "/id"), json!({"action": "open"}))
        .await;
    sim.advance(5.0).await;
    sim.cko_fa(CKO_KEY, fa).await
}

#[tokio::test]
async fn an_armed_declined_reason_decides_the_next_validation_of_that_account_only() {
    let sim = Sim::start().await;
    let outcome = armed(
        &sim,
        "truora",
        &json!({"account_id": "acc-armed", "outcome": "passive_liveness_verification_not_passed"}),
    )
    .await;
    assert_eq!(
        outcome,
        json!({"id": outcome["id"], "account_id": "acc-armed",
               "outcome": "passive_liveness_verification_not_passed", "remaining": 1})
    );
    let other = validated(&sim, "acc-other", "subject=alice").await;
    assert_eq!(other["validation_status"], "success", "{other}");
    let forced = validated(&sim, "acc-armed", "subject=alice").await;
    assert_eq!(forced["validation_status"], "failure", "{forced}");
    assert_eq!(forced["failure_status"], "declined", "{forced}");
    assert_eq!(
        forced["declined_reason"], "passive_liveness_verification_not_passed",
        "{forced}"
    );
    let next = validated(&sim, "acc-armed", "subject=alice").await;
    assert_eq!(next["validation_status"], "success", "{next}");
    assert!(listed(&sim, "truora").await.is_empty());
}

#[tokio::test]
async fn times_is_consumed_exactly_one_validation_at_a_time() {
    let sim = Sim::start().await;
    armed(
        &sim,
        "truora",
        &json!({"account_id": "acc-t", "outcome": "system_error", "times": 2}),
    )
    .await;
    let first = sim.validate("acc-t", &[PASSIVE_LIVENESS]).await;
    let left = listed(&sim, "truora").await;
    assert_eq!(left[0]["remaining"], 1, "consumed at creation: {left:?}");
    sim.upload(upload_link(&first), selfie("subject=alice"))
        .await;
    sim.advance(1.0).await;
    let first = sim.validation(str_at(&first, "/validation_id")).await;
    assert_eq!(first["failure_status"], "system_error", "{first}");
    let second = validated(&sim, "acc-t", "subject=alice").await;
    assert_eq!(second["failure_status"], "system_error", "{second}");
    let third = validated(&sim, "acc-t", "subject=alice").await;
    assert_eq!(third["validation_status"], "success", "{third}");
}

#[tokio::test]
async fn an_armed_outcome_beats_a_marker_and_yields_to_a_scenario_rule() {
    let sim = Sim::start().await;
    armed(
        &sim,
        "truora",
        &json!({"account_id": "acc-p", "outcome": "face_in_blocklist", "times": 2}),
    )
    .await;
    let marked = validated(&sim, "acc-p", "subject=alice;fault=system_error").await;
    assert_eq!(marked["declined_reason"], "face_in_blocklist", "{marked}");
    let rule = json!({"rules": [{
        "when": {"api": "truora", "operation": "POST /v1/validations", "fields": {"account_id": "acc-p"}},
        "then": {"outcome": "no_face_detected", "times": 1},
    }]});
    let added = sim
        .send(
            sim.http
                .post(sim.url("/_facesim/scenarios/rules"))
                .json(&rule),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let ruled = validated(&sim, "acc-p", "subject=alice").await;
    assert_eq!(ruled["declined_reason"], "no_face_detected", "{ruled}");
    let left = listed(&sim, "truora").await;
    assert_eq!(left[0]["remaining"], 1, "the rule left it armed: {left:?}");
    let last = validated(&sim, "acc-p", "subject=alice").await;
    assert_eq!(last["declined_reason"], "face_in_blocklist", "{last}");
}

#[tokio::test]
async fn an_armed_code_ends_the_next_attempt_of_that_applicant() {
    let sim = Sim::start().await;
    let (applicant, fa) = applicant_and_fa(&sim, None).await;
    let (_, other_fa) = applicant_and_fa(&sim, None).await;
    let outcome = armed(
        &sim,
        "checkout",
        &json!({"applicant_id": applicant, "outcome": "62304"}),
    )
    .await;
    assert_eq!(
        outcome,
        json!({"id": outcome["id"], "applicant_id": applicant, "outcome": "62304", "remaining": 1})
    );
    let other = opened(&sim, &other_fa).await;
    assert_eq!(status_of(&other), "capture_in_progress", "{other}");
    assert!(codes_of(&other).is_empty(), "{other}");
    let forced = opened(&sim, &fa).await;
    assert_eq!(status_of(&forced), "declined", "{forced}");
    assert_eq!(codes_of(&forced), [62304]);
    assert!(listed(&sim, "checkout").await.is_empty());
}

#[tokio::test]
async fn an_armed_code_beats_the_sandbox_convention_and_is_written_in_full() {
    let sim = Sim::start().await;
    let (applicant, fa) = applicant_and_fa(&sim, Some("eaplt_10000000000000000000000000")).await;
    let outcome = armed(
        &sim,
        "checkout",
        &json!({"applicant_id": applicant, "outcome": "61411", "times": 1}),
    )
    .await;
    assert_eq!(outcome["outcome"], "61411I", "{outcome}");
    let forced = opened(&sim, &fa).await;
    assert_eq!(codes_of(&forced), [61411], "{forced}");
    let next = opened(&sim, &fa).await;
    assert_eq!(codes_of(&next), [10000], "the convention again: {next}");
}

#[tokio::test]
async fn outcomes_are_listed_disarmed_one_by_one_all_at_once_and_by_resets() {
    let sim = Sim::start().await;
    let (applicant, _) = applicant_and_fa(&sim, None).await;
    let truora = json!({"account_id": "acc-l", "outcome": "no_face_detected", "times": 3});
    let checkout = json!({"applicant_id": applicant, "outcome": "63001"});
    let first = armed(&sim, "truora", &truora).await;
    armed(&sim, "truora", &truora).await;
    armed(&sim, "checkout", &checkout).await;
    let ids: Vec<Value> = listed(&sim, "truora")
        .await
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], first["id"], "oldest first");
    let one = sim.url(&format!(
        "/_facesim/truora/outcomes/{}",
        first["id"].as_str().unwrap()
    ));
    assert_eq!(sim.send(sim.http.delete(&one)).await.status, 204);
    sim.send(sim.http.delete(&one))
        .await
        .control_error(404, "not_found", "no outcome");
    assert_eq!(listed(&sim, "truora").await.len(), 1);
    let all = sim.url("/_facesim/truora/outcomes");
    assert_eq!(sim.send(sim.http.delete(&all)).await.status, 204);
    assert!(listed(&sim, "truora").await.is_empty());
    assert_eq!(listed(&sim, "checkout").await.len(), 1);

    armed(&sim, "truora", &truora).await;
    let reset = sim.url("/_facesim/reset?vendor=truora");
    assert_eq!(sim.send(sim.http.post(reset)).await.status, 200);
    assert!(listed(&sim, "truora").await.is_empty());
    assert_eq!(listed(&sim, "checkout").await.len(), 1, "another vendor");
    let reset = sim.url("/_facesim/reset");
    assert_eq!(sim.send(sim.http.post(reset)).await.status, 200);
    assert!(listed(&sim, "checkout").await.is_empty());
    let checkout_all = sim.url("/_facesim/checkout/outcomes");
    assert_eq!(sim.send(sim.http.delete(&checkout_all)).await.status, 204);
}

#[tokio::test]
async fn bad_truora_requests_say_what_is_wrong() {
    let sim = Sim::start().await;
    let cases = [
        (
            json!({"account_id": "a", "outcome": "expired"}),
            "not a declined_reason",
        ),
        (json!({"outcome": "system_error"}), "account_id is required"),
        (
            json!({"account_id": "acc 1", "outcome": "system_error"}),
            "not a Truora account id",
        ),
        (
            json!({"account_id": 7, "outcome": "system_error"}),
            "account_id must be a string",
        ),
        (
            json!({"account_id": "a", "outcome": true}),
            "outcome must be a string",
        ),
        (
            json!({"account_id": "a", "outcome": "system_error", "times": 0}),
            "times must be an integer from 1 to 1000",
        ),
        (
            json!({"account_id": "a", "outcome": "system_error", "times": 1.5}),
            "times must be an integer",
        ),
        (
            json!({"account_id": "a", "outcome": "system_error", "times": "2"}),
            "times must be an integer",
        ),
        (
            json!({"account_id": "a", "outcome": "system_error", "type": "face-recognition"}),
            "unknown key",
        ),
    ];
    for (body, needle) in cases {
        arm(&sim, "truora", &body)
            .await
            .control_error(422, "unprocessable_entity", needle);
    }
    refuses_bodies_that_are_no_json_object(&sim, "truora").await;
    assert!(listed(&sim, "truora").await.is_empty());
}

#[tokio::test]
async fn bad_checkout_requests_say_what_is_wrong() {
    let sim = Sim::start().await;
    let (applicant, _) = applicant_and_fa(&sim, None).await;
    let cases = [
        (
            json!({"applicant_id": applicant, "outcome": "62999"}),
            "not a documented response code",
        ),
        (
            json!({"applicant_id": applicant, "outcome": "64001"}),
            "not a documented response code",
        ),
        (
            json!({"applicant_id": applicant, "outcome": "62304A"}),
            "not a documented response code",
        ),
        (
            json!({"applicant_id": applicant, "outcome": 62304}),
            "outcome must be a string",
        ),
        (json!({"outcome": "10000"}), "applicant_id is required"),
        (
            json!({"applicant_id": "fav_aaaaaaaaaaaaaaaaaaaaaaaaaa", "outcome": "10000"}),
            "not an applicant ID",
        ),
        (
            json!({"applicant_id": applicant, "outcome": "10000", "times": -1}),
            "times must be an integer",
        ),
    ];
    for (body, needle) in cases {
        arm(&sim, "checkout", &body)
            .await
            .control_error(422, "unprocessable_entity", needle);
    }
    arm(
        &sim,
        "checkout",
        &json!({"applicant_id": "aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa", "outcome": "10000"}),
    )
    .await
    .control_error(404, "not_found", "no applicant");
    refuses_bodies_that_are_no_json_object(&sim, "checkout").await;
    assert!(listed(&sim, "checkout").await.is_empty());
}

/// Malformed JSON is a 400 and a body declared as another media type a 415.
async fn refuses_bodies_that_are_no_json_object(sim: &Sim, vendor: &str) {
    let url = sim.url(&format!("/_facesim/{vendor}/outcomes"));
    let malformed = sim
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"outcome\":");
    sim.send(malformed)
        .await
        .control_error(400, "bad_request", "not a JSON object");
    let array = sim.http.post(&url).json(&json!(["system_error"]));
    sim.send(array)
        .await
        .control_error(400, "bad_request", "not a JSON object");
    let text = sim
        .http
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}");
    sim.send(text)
        .await
        .control_error(415, "unsupported_media_type", "application/json");
}

#[tokio::test]
async fn concurrent_validations_consume_an_armed_outcome_exactly_as_often_as_armed() {
    let sim = Sim::start().await;
    armed(
        &sim,
        "truora",
        &json!({"account_id": "acc-c", "outcome": "speech_match_not_passed", "times": 5}),
    )
    .await;
    let created =
        futures::future::join_all((0..20).map(|_| sim.validate("acc-c", &[PASSIVE_LIVENESS])))
            .await;
    futures::future::join_all(
        created
            .iter()
            .map(|v| sim.upload(upload_link(v), selfie("subject=alice"))),
    )
    .await;
    sim.advance(1.0).await;
    let finished = futures::future::join_all(
        created
            .iter()
            .map(|v| sim.validation(str_at(v, "/validation_id"))),
    )
    .await;
    let forced = finished
        .iter()
        .filter(|v| v["declined_reason"] == "speech_match_not_passed")
        .count();
    assert_eq!(forced, 5);
    assert!(listed(&sim, "truora").await.is_empty());
}

#[tokio::test]
async fn concurrent_attempts_consume_an_armed_outcome_exactly_as_often_as_armed() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let applicant = str_at(&applicant, "/id").to_string();
    armed(
        &sim,
        "checkout",
        &json!({"applicant_id": applicant, "outcome": "62305", "times": 3}),
    )
    .await;
    let mut fas = Vec::new();
    for _ in 0..10 {
        let fa = sim.cko_face_authentication(CKO_KEY, &applicant).await;
        fas.push(str_at(&fa, "/id").to_string());
    }
    let attempts =
        futures::future::join_all(fas.iter().map(|fa| sim.cko_attempt(CKO_KEY, fa))).await;
    for attempt in &attempts {
        sim.cko_act(str_at(attempt, "/id"), json!({"action": "open"}))
            .await;
    }
    sim.advance(5.0).await;
    let mut declined = 0;
    for fa in &fas {
        let fa = sim.cko_fa(CKO_KEY, fa).await;
        if codes_of(&fa) == [62305] {
            declined += 1;
        }
    }
    assert_eq!(declined, 3);
    assert!(listed(&sim, "checkout").await.is_empty());
}
