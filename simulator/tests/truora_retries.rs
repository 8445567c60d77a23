//! `retry_of_id`: retrying a failed validation with passive liveness.

mod common;

use common::*;
use serde_json::{json, Value};

/// A simulator with alice enrolled without confirmation (so declines leave the enrollment alone).
async fn confirmed_alice() -> Sim {
    let sim = Sim::start().await;
    let form = [
        ("type", "face-recognition"),
        ("user_authorized", "true"),
        ("account_id", "alice"),
        ("confirmation", "none"),
    ];
    let created = sim
        .post_form("/v1/enrollments", Some(KEY), &form)
        .await
        .ok();
    sim.upload(str_at(&created, "/file_upload_link"), reference("alice"))
        .await;
    assert_eq!(
        sim.enrollment(str_at(&created, "/enrollment_id")).await["status"],
        json!("success")
    );
    sim
}

/// A validation declined for liveness, retrying `retry_of` when given.
async fn spoofed(sim: &Sim, retry_of: Option<&str>) -> Value {
    let mut extra = vec![PASSIVE_LIVENESS, SIMILARITY];
    extra.extend(retry_of.map(|id| ("retry_of_id", id)));
    let done = sim
        .run_validation("alice", &extra, selfie("subject=alice;liveness=spoof"))
        .await;
    assert_eq!(
        done["declined_reason"],
        json!("passive_liveness_verification_not_passed"),
        "{done}"
    );
    done
}

#[tokio::test]
async fn a_failed_liveness_validation_can_be_retried() {
    let sim = confirmed_alice().await;
    let failed = spoofed(&sim, None).await;
    let failed_id = str_at(&failed, "/validation_id");

    let retry = sim
        .validate(
            "alice",
            &[PASSIVE_LIVENESS, SIMILARITY, ("retry_of_id", failed_id)],
        )
        .await;
    assert_eq!(retry["retry_of_id"], json!(failed_id));
    assert_eq!(retry["validation_status"], json!("pending"));
    assert_ne!(retry["validation_id"], failed["validation_id"]);
    sim.upload(upload_link(&retry), selfie("subject=alice"))
        .await;
    sim.advance(1.0).await;
    let done = sim.validation(str_at(&retry, "/validation_id")).await;
    assert_eq!(done["validation_status"], json!("success"), "{done}");
    assert_eq!(done["retry_of_id"], json!(failed_id));
}

#[tokio::test]
async fn the_deprecated_liveness_option_also_allows_retries() {
    let sim = confirmed_alice().await;
    let failed = spoofed(&sim, None).await;
    let retry = sim
        .validate(
            "alice",
            &[
                ("liveness", "passive"),
                ("retry_of_id", str_at(&failed, "/validation_id")),
            ],
        )
        .await;
    assert_eq!(retry["retry_of_id"], failed["validation_id"]);
}

#[tokio::test]
async fn an_expired_validation_can_be_retried_while_the_enrollment_waits() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let first = sim.validate("alice", &[PASSIVE_LIVENESS, SIMILARITY]).await;
    sim.advance(301.0).await;
    let id = str_at(&first, "/validation_id");
    assert_eq!(sim.validation(id).await["failure_status"], json!("expired"));
    let retry = sim
        .validate(
            "alice",
            &[PASSIVE_LIVENESS, SIMILARITY, ("retry_of_id", id)],
        )
        .await;
    assert_eq!(retry["retry_of_id"], json!(id));
}

#[tokio::test]
async fn retries_need_passive_liveness() {
    let sim = confirmed_alice().await;
    let failed = spoofed(&sim, None).await;
    let id = str_at(&failed, "/validation_id");
    for extra in [
        vec![("retry_of_id", id)],
        vec![SIMILARITY, ("liveness", "disabled"), ("retry_of_id", id)],
    ] {
        let reply = sim.create_validation("alice", &extra).await;
        reply.truora_error(400, "retry_of_id is only available with passive liveness");
    }
    // A form rule: refused before the account or the original is looked up.
    let reply = sim
        .create_validation(
            "nobody",
            &[("retry_of_id", "VLD00000000000000000000000000000000")],
        )
        .await;
    reply.truora_error(400, "retry_of_id is only available with passive liveness");
}

#[tokio::test]
async fn only_failed_validations_can_be_retried() {
    let sim = confirmed_alice().await;
    let pending = sim.validate("alice", &[PASSIVE_LIVENESS]).await;
    let pending_id = str_at(&pending, "/validation_id");
    let message = sim
        .create_validation("alice", &[PASSIVE_LIVENESS, ("retry_of_id", pending_id)])
        .await
        .truora_error(409, "must refer to a failed validation");
    assert!(
        message.contains(pending_id) && message.contains("pending"),
        "{message}"
    );

    let passed = sim
        .run_validation(
            "alice",
            &[PASSIVE_LIVENESS, SIMILARITY],
            selfie("subject=alice"),
        )
        .await;
    let passed_id = str_at(&passed, "/validation_id");
    let message = sim
        .create_validation("alice", &[PASSIVE_LIVENESS, ("retry_of_id", passed_id)])
        .await
        .truora_error(409, "must refer to a failed validation");
    assert!(message.contains("success"), "{message}");
}

#[tokio::test]
async fn a_validation_is_retried_only_once() {
    let sim = confirmed_alice().await;
    let failed = spoofed(&sim, None).await;
    let id = str_at(&failed, "/validation_id");
    let first = sim
        .validate("alice", &[PASSIVE_LIVENESS, ("retry_of_id", id)])
        .await;
    let message = sim
        .create_validation("alice", &[PASSIVE_LIVENESS, ("retry_of_id", id)])
        .await
        .truora_error(409, "already retried");
    assert!(
        message.contains(str_at(&first, "/validation_id")),
        "names the retry: {message}"
    );
}

#[tokio::test]
async fn a_chain_allows_two_retries() {
    let sim = confirmed_alice().await;
    let original = spoofed(&sim, None).await;
    let first_retry = spoofed(&sim, Some(str_at(&original, "/validation_id"))).await;
    let second_retry = spoofed(&sim, Some(str_at(&first_retry, "/validation_id"))).await;
    let reply = sim
        .create_validation(
            "alice",
            &[
                PASSIVE_LIVENESS,
                ("retry_of_id", str_at(&second_retry, "/validation_id")),
            ],
        )
        .await;
    let message = reply.truora_error(409, "No retries left");
    assert!(message.contains("allows 2 retries"), "{message}");
}

#[tokio::test]
async fn retries_close_after_the_retry_window() {
    let sim = confirmed_alice().await;
    let failed = spoofed(&sim, None).await;
    sim.advance(301.0).await;
    let reply = sim
        .create_validation(
            "alice",
            &[
                PASSIVE_LIVENESS,
                ("retry_of_id", str_at(&failed, "/validation_id")),
            ],
        )
        .await;
    let message = reply.truora_error(409, "retry window");
    assert!(message.contains("300 seconds"), "{message}");
}

#[tokio::test]
async fn retrying_an_unknown_or_foreign_validation_is_refused() {
    let sim = confirmed_alice().await;
    let unknown = "VLD00000000000000000000000000000000";
    let message = sim
        .create_validation("alice", &[PASSIVE_LIVENESS, ("retry_of_id", unknown)])
        .await
        .truora_error(404, "the Validation was not found");
    assert!(message.contains(unknown), "{message}");

    let failed = spoofed(&sim, None).await;
    let reply = sim
        .create_validation(
            "mallory",
            &[
                PASSIVE_LIVENESS,
                ("retry_of_id", str_at(&failed, "/validation_id")),
            ],
        )
        .await;
    reply.truora_error(409, "belongs to another account_id");
}
