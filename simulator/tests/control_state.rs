//! The control API's state inspection (`/_facesim/state`), per-vendor resets and
//! `/_facesim/clock/set`, over real sockets.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::{json, Value};

/// `GET {root}/_facesim{path}` whatever the status.
async fn control_get(sim: &Sim, path: &str) -> Reply {
    sim.send(sim.http.get(sim.url(&format!("/_facesim{path}"))))
        .await
}

/// `GET {root}/_facesim/state{suffix}` that must succeed.
async fn state(sim: &Sim, suffix: &str) -> Value {
    control_get(sim, &format!("/state{suffix}")).await.ok()
}

/// `POST {root}/_facesim/reset{query}`.
async fn reset(sim: &Sim, query: &str) -> Reply {
    sim.send(sim.http.post(sim.url(&format!("/_facesim/reset{query}"))))
        .await
}

/// `POST {root}/_facesim/clock/set` with a raw body.
async fn set_clock_raw(sim: &Sim, content_type: &str, body: &str) -> Reply {
    let request = sim
        .http
        .post(sim.url("/_facesim/clock/set"))
        .header("Content-Type", content_type)
        .body(body.to_string());
    sim.send(request).await
}

/// `POST {root}/_facesim/clock/set` to `at`.
async fn set_clock(sim: &Sim, at: DateTime<Utc>) -> Reply {
    let request = sim
        .http
        .post(sim.url("/_facesim/clock/set"))
        .json(&json!({ "now": at.to_rfc3339() }));
    sim.send(request).await
}

/// The virtual time of `GET {root}/_facesim/clock`.
async fn virtual_now(sim: &Sim) -> DateTime<Utc> {
    let clock = control_get(sim, "/clock").await.ok();
    assert_nanos_timestamp(str_at(&clock, "/now"))
}

/// The values at `field` of a page's items.
fn column<'a>(page: &'a Value, field: &str) -> Vec<&'a str> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or("null"))
        .collect()
}

/// A face authentication (of a fresh applicant) with one attempt waiting to be opened.
async fn waiting_attempt(sim: &Sim) -> (String, String) {
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = str_at(&fa, "/id").to_string();
    let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
    (fa_id, str_at(&attempt, "/id").to_string())
}

/// Arms an outcome that must be accepted.
async fn arm(sim: &Sim, body: Value) -> Value {
    let reply = sim.tm_arm(&body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

#[tokio::test]
async fn the_truora_listing_is_settled_like_the_api_and_ordered_by_creation() {
    let sim = Sim::start().await;
    let alice = sim.enrolled("alice").await;
    let bob = sim.enroll(Some("bob")).await;
    let passing = sim.validate("alice", &[SIMILARITY]).await;
    sim.upload(upload_link(&passing), reference("alice")).await;
    let expiring = sim
        .validate("carol", &[PASSIVE_LIVENESS, ("timeout", "60")])
        .await;
    sim.advance(61.0).await;

    // Nothing read the vendor API since the clock moved: the listing settles on its own.
    let listing = state(&sim, "/truora").await;
    assert_nanos_timestamp(str_at(&listing, "/now"));
    let enrollments = &listing["enrollments"];
    assert_eq!(enrollments["total"], json!(2));
    assert_eq!(
        column(enrollments, "enrollment_id"),
        [
            str_at(&alice, "/enrollment_id"),
            str_at(&bob, "/enrollment_id")
        ]
    );
    assert_eq!(column(enrollments, "account_id"), ["alice", "bob"]);
    assert_eq!(column(enrollments, "status"), ["success", "pending"]);
    assert_eq!(
        column(enrollments, "reason"),
        ["null", "waiting_file_upload"]
    );
    assert_nanos_timestamp(str_at(enrollments, "/items/0/creation_date"));

    let validations = &listing["validations"];
    assert_eq!(
        column(validations, "validation_id"),
        [
            str_at(&passing, "/validation_id"),
            str_at(&expiring, "/validation_id")
        ]
    );
    assert_eq!(column(validations, "account_id"), ["alice", "carol"]);
    assert_eq!(
        column(validations, "validation_status"),
        ["success", "failure"]
    );
    assert_eq!(column(validations, "failure_status"), ["null", "expired"]);
    assert_eq!(
        column(validations, "expired_reason"),
        ["null", "face_validation_not_started"]
    );
    assert_eq!(
        validations["items"][0]["enrollment_id"],
        alice["enrollment_id"]
    );

    // The vendor API agrees with the listing.
    let expired = sim.validation(str_at(&expiring, "/validation_id")).await;
    assert_eq!(expired["failure_status"], json!("expired"), "{expired}");
    let enrolled = sim.enrollment(str_at(&alice, "/enrollment_id")).await;
    assert_eq!(enrolled["status"], json!("success"), "{enrolled}");

    let failed = state(&sim, "/truora?status=failure").await;
    assert_eq!(failed["enrollments"], json!({"total": 0, "items": []}));
    assert_eq!(
        column(&failed["validations"], "validation_id"),
        [str_at(&expiring, "/validation_id")]
    );
    let first = state(&sim, "/truora?limit=1").await;
    assert_eq!(first["enrollments"]["total"], json!(2));
    assert_eq!(column(&first["enrollments"], "account_id"), ["alice"]);
}

#[tokio::test]
async fn a_declined_validation_shows_its_reason_and_fails_the_enrollment() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let declined = sim
        .run_validation("alice", &[SIMILARITY], reference("bob"))
        .await;
    assert_eq!(declined["failure_status"], json!("declined"), "{declined}");
    let listing = state(&sim, "/truora").await;
    let validation = &listing["validations"]["items"][0];
    assert_eq!(
        validation["declined_reason"],
        json!("similarity_threshold_not_passed")
    );
    assert_eq!(validation["expired_reason"], Value::Null);
    assert_eq!(
        listing["enrollments"]["items"][0]["reason"],
        json!("face_validation_failed")
    );
}

#[tokio::test]
async fn the_checkout_listing_shows_face_authentications_with_their_attempts() {
    let sim = Sim::start().await;
    let (approved_fa, approved_attempt) = waiting_attempt(&sim).await;
    sim.cko_act(&approved_attempt, json!({"action": "approve"}))
        .await;
    let (waiting_fa, waiting) = waiting_attempt(&sim).await;
    let created = sim.cko_fresh(CKO_KEY, None).await;
    sim.advance(1.0).await;

    let listing = state(&sim, "/checkout").await;
    assert_eq!(listing["applicants"]["total"], json!(3));
    assert_eq!(
        listing["applicants"]["items"][0]["has_reference"],
        json!(false)
    );
    let fas = &listing["face_authentications"];
    assert_eq!(
        column(fas, "id"),
        [
            approved_fa.as_str(),
            waiting_fa.as_str(),
            str_at(&created, "/id")
        ]
    );
    assert_eq!(column(fas, "status"), ["approved", "pending", "created"]);
    let approved = &fas["items"][0];
    assert_eq!(
        approved["response_codes"],
        json!([{"code": 10000, "summary": "approved"}])
    );
    assert_eq!(
        approved["applicant_id"],
        listing["applicants"]["items"][0]["id"]
    );
    assert_eq!(
        column(&approved["attempts"], "id"),
        [approved_attempt.as_str()]
    );
    assert_eq!(column(&approved["attempts"], "status"), ["completed"]);
    assert_eq!(
        column(&fas["items"][1]["attempts"], "id"),
        [waiting.as_str()]
    );
    assert_eq!(
        fas["items"][2]["attempts"],
        json!({"total": 0, "items": []})
    );

    let only = state(&sim, "/checkout?status=approved").await;
    assert_eq!(
        column(&only["face_authentications"], "id"),
        [approved_fa.as_str()]
    );
    assert_eq!(
        only["applicants"]["total"],
        json!(3),
        "applicants have no status"
    );
}

#[tokio::test]
async fn the_trustmatic_listing_shows_the_armed_outcomes() {
    let sim = Sim::start().await;
    arm(
        &sim,
        json!({"operation": "face_verify", "sessionId": "s-1", "error": "INTERNAL_ERROR"}),
    )
    .await;
    arm(
        &sim,
        json!({"operation": "face_liveness", "score": 0.42, "times": 2}),
    )
    .await;
    let armed = control_get(&sim, "/trustmatic/outcomes").await.ok();

    let listing = state(&sim, "/trustmatic").await;
    assert_eq!(listing["outcomes"]["total"], json!(2));
    assert_eq!(listing["outcomes"]["items"], armed["outcomes"]);
    let first = state(&sim, "/trustmatic?limit=1").await;
    assert_eq!(first["outcomes"]["items"], json!([armed["outcomes"][0]]));
    control_get(&sim, "/state/trustmatic?status=pending")
        .await
        .control_error(
            400,
            "bad_request",
            "unknown query parameter \"status\"; accepted: limit",
        );
}

#[tokio::test]
async fn the_summary_counts_every_vendor_by_status() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    sim.validate("alice", &[SIMILARITY, ("timeout", "60")])
        .await;
    waiting_attempt(&sim).await;
    arm(&sim, json!({"error": "INTERNAL_ERROR"})).await;
    let truora_armed = sim
        .http
        .post(sim.url("/_facesim/truora/outcomes"))
        .json(&json!({"account_id": "bob", "outcome": "face_in_blocklist", "times": 2}));
    sim.send(truora_armed).await.json_with(201);
    sim.advance(900.0).await;

    let summary = state(&sim, "").await;
    assert_nanos_timestamp(str_at(&summary, "/now"));
    assert_eq!(
        summary["truora"],
        json!({
            "enrollments": {"total": 1, "by_status": {"pending": 1, "success": 0, "failure": 0}},
            "validations": {"total": 1, "by_status": {"pending": 0, "success": 0, "failure": 1}},
            "armed_outcomes": 1,
        })
    );
    let listed = state(&sim, "/truora").await;
    let armed = control_get(&sim, "/truora/outcomes").await.ok();
    assert_eq!(listed["armed_outcomes"]["total"], json!(1));
    assert_eq!(listed["armed_outcomes"]["items"], armed["outcomes"]);
    assert_eq!(summary["checkout"]["armed_outcomes"], json!(0));
    let checkout = &summary["checkout"];
    assert_eq!(checkout["applicants"], json!(1));
    assert_eq!(checkout["face_authentications"]["total"], json!(1));
    assert_eq!(
        checkout["face_authentications"]["by_status"]["retry_required"],
        json!(1),
        "the link expired after 15 virtual minutes: {summary}"
    );
    assert_eq!(
        checkout["face_authentications"]["by_status"]
            .as_object()
            .map(|o| o.len()),
        Some(9)
    );
    assert_eq!(checkout["attempts"]["by_status"]["expired"], json!(1));
    assert_eq!(
        summary["trustmatic"],
        json!({"outcomes": {"total": 1, "by_operation": {
            "face_verify": 0, "face_liveness": 0, "document_liveness": 0, "any": 1}}})
    );
}

#[tokio::test]
async fn inspection_refuses_bad_queries_and_unknown_vendors() {
    let sim = Sim::start().await;
    for (path, needle) in [
        (
            "/state/truora?limit=0",
            "limit must be an integer from 1 to 1000",
        ),
        (
            "/state/truora?limit=1001",
            "limit must be an integer from 1 to 1000",
        ),
        ("/state/checkout?limit=many", "not \"many\""),
        (
            "/state/truora?status=approved",
            "is not one of pending, success, failure",
        ),
        (
            "/state/checkout?status=expired",
            "is not one of created, pending",
        ),
        (
            "/state/truora?status=pending&status=success",
            "may be given once",
        ),
        (
            "/state/checkout?sort=asc",
            "unknown query parameter \"sort\"; accepted: status, limit",
        ),
        (
            "/state?limit=5",
            "unknown query parameter \"limit\"; accepted: none",
        ),
    ] {
        control_get(&sim, path)
            .await
            .control_error(400, "bad_request", needle);
    }
    control_get(&sim, "/state/onfido").await.control_error(
        404,
        "not_found",
        "No vendor \"onfido\"; the state of truora, checkout, trustmatic is listed",
    );
    let post = sim.send(sim.http.post(sim.url("/_facesim/state"))).await;
    post.control_error(405, "method_not_allowed", "POST");
}

#[tokio::test]
async fn inspection_changes_nothing_the_api_would_not() {
    let sim = Sim::start().await;
    let (fa, attempt) = waiting_attempt(&sim).await;
    let before = state(&sim, "/checkout").await;
    let again = state(&sim, "/checkout").await;
    assert_eq!(
        before["face_authentications"], again["face_authentications"],
        "reading twice reads the same"
    );
    let body = sim.cko_fa(CKO_KEY, &fa).await;
    assert_eq!(status_of(&body), "pending");
    let page = sim
        .cko_get(&format!("/face-authentications/{fa}/attempts/{attempt}"))
        .await
        .cko_ok(200);
    assert_eq!(status_of(&page), "pending_redirection");
}

#[tokio::test]
async fn a_vendor_reset_empties_only_that_vendor_and_keeps_the_clock() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let (fa, _) = waiting_attempt(&sim).await;
    arm(&sim, json!({"error": "INTERNAL_ERROR"})).await;
    sim.advance(60.0).await;

    let body = reset(&sim, "?vendor=checkout").await.ok();
    assert_eq!(body["reset"], json!(true));
    assert_eq!(body["vendors"], json!(["checkout"]));
    assert_eq!(body["webhooks"], json!(false));
    assert_eq!(body["clock_reset"], json!(false));
    assert_eq!(body["clock"]["offset_seconds"], json!(60.0));

    let summary = state(&sim, "").await;
    assert_eq!(summary["checkout"]["applicants"], json!(0));
    assert_eq!(
        summary["checkout"]["face_authentications"]["total"],
        json!(0)
    );
    assert_eq!(summary["truora"]["enrollments"]["total"], json!(1));
    assert_eq!(summary["trustmatic"]["outcomes"]["total"], json!(1));
    sim.cko_get(&format!("/face-authentications/{fa}"))
        .await
        .cko_error(
            404,
            "resource_not_found",
            &["face_authentication_not_found"],
        );

    let both = reset(&sim, "?vendor=trustmatic&vendor=truora").await.ok();
    assert_eq!(both["vendors"], json!(["truora", "trustmatic"]));
    let summary = state(&sim, "").await;
    assert_eq!(summary["truora"]["enrollments"]["total"], json!(0));
    assert_eq!(summary["trustmatic"]["outcomes"]["total"], json!(0));
    assert_eq!(
        control_get(&sim, "/clock").await.ok()["offset_seconds"],
        json!(60.0)
    );
}

#[tokio::test]
async fn a_full_reset_says_it_reset_everything() {
    let sim = Sim::start().await;
    sim.advance(5.0).await;
    let body = reset(&sim, "").await.ok();
    assert_eq!(body["vendors"], json!(["truora", "checkout", "trustmatic"]));
    assert_eq!(body["webhooks"], json!(true));
    assert_eq!(body["clock_reset"], json!(true));
    assert_eq!(body["clock"]["offset_seconds"], json!(0.0));
}

#[tokio::test]
async fn a_reset_refuses_unknown_vendors_and_parameters_without_resetting() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    sim.advance(5.0).await;
    reset(&sim, "?vendor=onfido").await.control_error(
        400,
        "bad_request",
        "unknown vendor \"onfido\"; vendor must be one of truora, checkout, trustmatic",
    );
    reset(&sim, "?vendor=")
        .await
        .control_error(400, "bad_request", "unknown vendor \"\"");
    reset(&sim, "?vendors=truora").await.control_error(
        400,
        "bad_request",
        "unknown query parameter \"vendors\"; accepted: vendor",
    );
    reset(&sim, "?vendor=truora&vendor=x")
        .await
        .control_error(400, "bad_request", "\"x\"");
    let summary = state(&sim, "").await;
    assert_eq!(summary["truora"]["enrollments"]["total"], json!(1));
    assert_eq!(
        control_get(&sim, "/clock").await.ok()["offset_seconds"],
        json!(5.0)
    );
}

#[tokio::test]
async fn setting_the_clock_expires_a_checkout_link_like_advancing_it() {
    let sim = Sim::start().await;
    let (fa, attempt) = waiting_attempt(&sim).await;
    let listing = state(&sim, "/checkout").await;
    let created = assert_nanos_timestamp(str_at(
        &listing,
        "/face_authentications/items/0/attempts/items/0/created_on",
    ));

    let almost = created + Duration::minutes(15) - Duration::seconds(1);
    let clock = set_clock(&sim, almost).await.ok();
    assert_eq!(clock.as_object().map(|o| o.len()), Some(2), "{clock}");
    let now = assert_nanos_timestamp(str_at(&clock, "/now"));
    assert!(
        now >= almost && now - almost < Duration::seconds(1),
        "{almost} -> {now}"
    );
    assert!(
        (890.0..900.0).contains(&clock["offset_seconds"].as_f64().unwrap()),
        "{clock}"
    );
    let pending = state(&sim, "/checkout").await;
    assert_eq!(
        pending["face_authentications"]["items"][0]["attempts"]["items"][0]["status"],
        json!("pending_redirection")
    );

    set_clock(&sim, created + Duration::minutes(15)).await.ok();
    let expired = state(&sim, "/checkout?status=retry_required").await;
    let item = &expired["face_authentications"]["items"][0];
    assert_eq!(item["id"], json!(fa));
    assert_eq!(
        item["response_codes"],
        json!([{"code": 61101, "summary": "applicant_never_started"}])
    );
    assert_eq!(item["attempts"]["items"][0]["id"], json!(attempt));
    assert_eq!(item["attempts"]["items"][0]["status"], json!("expired"));
    let page = sim
        .cko_get(&format!("/face-authentications/{fa}/attempts/{attempt}"))
        .await
        .cko_ok(200);
    assert_eq!(status_of(&page), "expired");
}

#[tokio::test]
async fn setting_the_clock_accepts_offsets_and_refuses_going_back() {
    let sim = Sim::start().await;
    let target = virtual_now(&sim).await + Duration::hours(2);
    let with_offset = target.with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap());
    let body = json!({ "now": with_offset.to_rfc3339() }).to_string();
    let clock = set_clock_raw(&sim, "application/json; charset=utf-8", &body)
        .await
        .ok();
    let now = assert_nanos_timestamp(str_at(&clock, "/now"));
    assert!(
        now >= target && now - target < Duration::seconds(1),
        "{target} -> {now}"
    );

    let offset = control_get(&sim, "/clock").await.ok()["offset_seconds"].clone();
    let earlier = target - Duration::minutes(1);
    let message = set_clock(&sim, earlier).await.control_error(
        409,
        "conflict",
        "the clock only moves forward",
    );
    assert!(message.contains("is before the virtual time"), "{message}");
    assert!(message.contains("/_facesim/reset"), "{message}");
    assert_eq!(
        control_get(&sim, "/clock").await.ok()["offset_seconds"],
        offset
    );
}

#[tokio::test]
async fn setting_the_clock_refuses_bad_bodies_without_moving_it() {
    let sim = Sim::start().await;
    let far = (virtual_now(&sim).await + Duration::days(365 * 101)).to_rfc3339();
    let cases = [
        (
            r#"{"now": "tomorrow"}"#.to_string(),
            "\"tomorrow\" is not an RFC 3339 time",
        ),
        (
            r#"{"now": "2030-01-01"}"#.to_string(),
            "is not an RFC 3339 time",
        ),
        (
            r#"{"now": 1893456000}"#.to_string(),
            "invalid type: integer",
        ),
        (r#"{"now": null}"#.to_string(), "invalid type: null"),
        (r#"{}"#.to_string(), "missing field `now`"),
        (
            r#"{"now": "2100-01-01T00:00:00Z", "seconds": 1}"#.to_string(),
            "unknown field `seconds`",
        ),
        ("[]".to_string(), "the body is not a JSON object"),
        ("not json".to_string(), "the body is not a JSON object"),
        (String::new(), "the body is not a JSON object"),
        (
            json!({ "now": far }).to_string(),
            "at most 3153600000 seconds (100 years) ahead",
        ),
    ];
    for (body, needle) in &cases {
        let reply = set_clock_raw(&sim, "application/json", body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        reply.control_error(400, "bad_request", needle);
    }
    set_clock_raw(&sim, "text/plain", r#"{"now": "2100-01-01T00:00:00Z"}"#)
        .await
        .control_error(415, "unsupported_media_type", "application/json");
    assert_eq!(
        control_get(&sim, "/clock").await.ok()["offset_seconds"],
        json!(0.0)
    );
}
