//! Scenario rules loaded through `{root}/_facesim/scenarios/rules`, over real sockets: canned
//! answers, waits, dropped connections, malformed bodies and clock steps, chosen by API,
//! operation, fields and position; listing, removal and bad scenarios.

mod common;

use common::*;
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

impl Sim {
    async fn load_rules(&self, yaml: &str) -> Reply {
        let request = self
            .http
            .post(self.url("/_facesim/scenarios/rules"))
            .header(CONTENT_TYPE, "application/yaml")
            .body(yaml.to_string());
        self.send(request).await
    }
}

fn verify(session: &str) -> Value {
    verify_body(
        Some(session),
        Some(&selfie("subject=a")),
        Some(&reference("a")),
    )
}

#[tokio::test]
async fn a_canned_answer_replaces_the_vendor_for_the_chosen_session_only() {
    let sim = Sim::start().await;
    let loaded = sim
        .load_rules(
            "rules:
  - name: trustmatic down for one session
    when: { api: trustmatic, operation: POST /api/v1/face/verify, fields: { sessionId: down } }
    then:
      respond: { status: 503, body: { hasError: true, error: INTERNAL_ERROR }, headers: { retry-after: '5' } }
",
        )
        .await;
    assert_eq!(loaded.status, 201, "{}", loaded.text());
    let down = sim.tm(VERIFY, &verify("down")).await;
    assert_eq!(down.status, 503);
    assert_eq!(
        down.json(),
        json!({"hasError": true, "error": "INTERNAL_ERROR"})
    );
    assert_eq!(down.headers["retry-after"], "5");
    sim.tm(VERIFY, &verify("up")).await.tm_score();
}

#[tokio::test]
async fn nth_and_times_pick_requests_by_position() {
    let sim = Sim::start().await;
    sim.load_rules(
        "rules:
  - when: { api: checkout, operation: 'GET /applicants/{applicant_id}', nth: 2 }
    then: { respond: { status: 502 } }
",
    )
    .await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let path = format!("/applicants/{}", str_at(&applicant, "/id"));
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(sim.cko_get(&path).await.status);
        }
        out
    };
    assert_eq!(statuses, [200, 502, 200]);
}

#[tokio::test]
async fn waits_dropped_connections_and_malformed_bodies() {
    let sim = Sim::start().await;
    sim.load_rules(
        "rules:
  - when: { api: trustmatic, fields: { sessionId: slow } }
    then: { delay: { ms: 300 } }
  - when: { api: trustmatic, fields: { sessionId: drop } }
    then: { drop_connection: true }
  - when: { api: trustmatic, fields: { sessionId: garbled } }
    then: { malformed_body: true }
",
    )
    .await;
    let start = Instant::now();
    sim.tm(VERIFY, &verify("slow")).await.tm_score();
    assert!(start.elapsed() >= Duration::from_millis(300));

    let dropped = sim
        .http
        .post(sim.tm_url(VERIFY))
        .basic_auth(TM_USER.0, Some(TM_USER.1))
        .json(&verify("drop"))
        .send()
        .await;
    assert!(dropped.is_err(), "no answer: {dropped:?}");

    let garbled = sim.tm(VERIFY, &verify("garbled")).await;
    assert_eq!(garbled.status, 200);
    assert!(
        serde_json::from_slice::<Value>(&garbled.bytes).is_err(),
        "{}",
        garbled.text()
    );
    assert!(!garbled.bytes.is_empty());
    sim.tm(VERIFY, &verify("fine")).await.tm_score();
}

#[tokio::test]
async fn a_rule_moves_the_clock_before_the_request_is_handled() {
    let sim = Sim::start().await;
    sim.load_rules(
        "rules:
  - when: { api: truora, operation: 'GET /v1/enrollments/{enrollment_id}' }
    then: { advance_clock_seconds: 3600, times: 1 }
",
    )
    .await;
    let created = sim.enroll(Some("clock")).await;
    sim.get(
        &format!("/v1/enrollments/{}", str_at(&created, "/enrollment_id")),
        Some(KEY),
    )
    .await
    .ok();
    let clock = sim
        .send(sim.http.get(sim.url("/_facesim/clock")))
        .await
        .ok();
    assert!(
        clock["offset_seconds"].as_f64().unwrap() >= 3600.0,
        "{clock}"
    );
}

#[tokio::test]
async fn rules_are_listed_removed_and_cleared() {
    let sim = Sim::start().await;
    let ids = sim
        .load_rules("rules:\n  - name: a\n    then: { delay: { ms: 1 } }\n  - name: b\n    then: { delay: { ms: 1 } }\n")
        .await
        .json()["ids"]
        .clone();
    let first = ids[0].as_str().unwrap().to_string();
    let list = sim
        .send(sim.http.get(sim.url("/_facesim/scenarios/rules")))
        .await
        .ok();
    assert_eq!(list["rules"].as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list["rules"][0]["rule"]["name"], json!("a"));
    let one = sim.url(&format!("/_facesim/scenarios/rules/{first}"));
    assert_eq!(sim.send(sim.http.delete(&one)).await.status, 204);
    sim.send(sim.http.delete(&one))
        .await
        .control_error(404, "not_found", "no rule");
    let all = sim.url("/_facesim/scenarios/rules");
    assert_eq!(sim.send(sim.http.delete(&all)).await.status, 204);
    let list = sim.send(sim.http.get(&all)).await.ok();
    assert_eq!(list["rules"], json!([]));
}

#[tokio::test]
async fn a_bad_scenario_is_refused_with_its_line() {
    let sim = Sim::start().await;
    sim.load_rules("rules:\n  - when: { api: truora }\n    then:\n      respond: { status: 42 }\n")
        .await
        .control_error(422, "unprocessable_entity", "line 4");
    sim.load_rules("rules: [")
        .await
        .control_error(422, "unprocessable_entity", "scenario refused");
    let list = sim
        .send(sim.http.get(sim.url("/_facesim/scenarios/rules")))
        .await
        .ok();
    assert_eq!(
        list["rules"],
        json!([]),
        "nothing of a refused scenario is kept"
    );
}

#[tokio::test]
async fn concurrent_requests_consume_times_exactly() {
    let sim = Sim::start().await;
    sim.load_rules(
        "rules:\n  - when: { api: trustmatic }\n    then: { respond: { status: 503 }, times: 3 }\n",
    )
    .await;
    let body = verify("many");
    let replies = futures::future::join_all((0..12).map(|_| sim.tm(VERIFY, &body))).await;
    assert_eq!(replies.iter().filter(|r| r.status == 503).count(), 3);
    assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 9);
}

#[tokio::test]
async fn a_rule_forces_each_vendor_outcome_by_name() {
    let sim = Sim::start().await;
    let loaded = sim
        .load_rules(
            "rules:
  - when: { api: truora, fields: { account_id: forced } }
    then: { outcome: passive_liveness_verification_not_passed }
  - when: { api: checkout, operation: 'POST /face-authentications/{face_authentication_id}/attempts' }
    then: { outcome: '62304', times: 1 }
  - when: { api: trustmatic, operation: POST /api/v1/face/liveness }
    then: { outcome: FACE_NOT_FOUND, times: 1 }
",
        )
        .await;
    assert_eq!(loaded.status, 201, "{}", loaded.text());

    // Truora: the enrollment of the account is not affected, its validation is.
    sim.enrolled("forced").await;
    let done = sim
        .run_validation("forced", &[], fixture("alice-selfie.jpg"))
        .await;
    assert_eq!(
        done["declined_reason"],
        json!("passive_liveness_verification_not_passed"),
        "{done}"
    );

    // Checkout: the attempt completes with the forced code when opened.
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = str_at(&fa, "/id").to_string();
    let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
    let opened = sim
        .cko_act(str_at(&attempt, "/id"), json!({"action": "open"}))
        .await;
    assert_eq!(status_of(&opened), "checks_in_progress");
    sim.advance(1.0).await;
    let done = sim.cko_fa(CKO_KEY, &fa_id).await;
    assert_eq!(
        (status_of(&done), codes_of(&done)),
        ("declined", vec![62304])
    );

    // Trustmatic: the next liveness check answers the forced error, then checks again.
    let live = json!({"faceImageBase": b64(&selfie("subject=l"))});
    sim.tm(FACE_LIVENESS, &live)
        .await
        .tm_in_band("FACE_NOT_FOUND");
    sim.tm(FACE_LIVENESS, &live).await.tm_score();
    let rules = sim
        .send(sim.http.get(sim.url("/_facesim/scenarios/rules")))
        .await
        .ok();
    assert_eq!(rules["rules"][2]["applied"], json!(1), "{rules}");
}
