//! How a face validation ends: declined reasons, system errors and expiry.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use serde_json::{json, Value};

/// Asserts a declined validation with `reason`; answers its checks.
fn assert_declined(validation: &Value, reason: &str) -> Value {
    assert_eq!(
        validation["validation_status"],
        json!("failure"),
        "{validation}"
    );
    assert_eq!(
        validation["failure_status"],
        json!("declined"),
        "{validation}"
    );
    assert_eq!(validation["declined_reason"], json!(reason), "{validation}");
    assert!(validation.get("expired_reason").is_none(), "{validation}");
    assert_nanos_timestamp(str_at(validation, "/processing_finish_date"));
    validation["details"]["face_recognition_validations"].clone()
}

#[tokio::test]
async fn another_subject_is_declined_for_similarity() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], fixture("bob-selfie.jpg"))
        .await;
    let checks = assert_declined(&done, "similarity_threshold_not_passed");
    assert_eq!(checks["similarity_status"], json!("failure"));
    let score = checks["confidence_score"].as_f64().expect("score");
    assert!((0.0..=0.3).contains(&score), "{score}");
}

#[tokio::test]
async fn a_forced_low_score_is_declined_for_similarity() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], selfie("subject=alice;similarity=0.2"))
        .await;
    let checks = assert_declined(&done, "similarity_threshold_not_passed");
    assert_eq!(checks["confidence_score"], json!(0.2));

    sim.enrolled("alice2").await;
    let committed = sim
        .run_validation("alice2", &[], fixture("alice-forced-low.jpg"))
        .await;
    assert_eq!(
        assert_declined(&committed, "similarity_threshold_not_passed")["confidence_score"],
        json!(0.2)
    );
}

#[tokio::test]
async fn the_threshold_decides_at_its_boundary() {
    let sim = Sim::start().await;
    let probe = || selfie("subject=alice;similarity=0.95");
    sim.enrolled("strict").await;
    let strict = sim
        .run_validation("strict", &[("threshold", "0.99")], probe())
        .await;
    let checks = assert_declined(&strict, "similarity_threshold_not_passed");
    assert_eq!(
        (&checks["similarity_status"], &checks["confidence_score"]),
        (&json!("failure"), &json!(0.95))
    );

    sim.enrolled("equal").await;
    let equal = sim
        .run_validation("equal", &[("threshold", "0.95")], probe())
        .await;
    assert_eq!(
        equal["validation_status"],
        json!("success"),
        "a score equal to the threshold passes: {equal}"
    );
}

#[tokio::test]
async fn a_spoof_is_declined_for_passive_liveness() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[PASSIVE_LIVENESS], fixture("alice-spoof.jpg"))
        .await;
    let checks = assert_declined(&done, "passive_liveness_verification_not_passed");
    assert_eq!(checks["passive_liveness_status"], json!("failure"));
    assert!(
        checks.get("similarity_status").is_none(),
        "only the requested checks: {checks}"
    );

    // With both checks, each reports; a live face of someone else fails on similarity.
    let both = [PASSIVE_LIVENESS, SIMILARITY];
    sim.enrolled("bob").await;
    let done = sim
        .run_validation("bob", &both, fixture("bob-selfie.jpg"))
        .await;
    let checks = assert_declined(&done, "similarity_threshold_not_passed");
    assert_eq!(
        (
            &checks["passive_liveness_status"],
            &checks["similarity_status"]
        ),
        (&json!("success"), &json!("failure"))
    );
}

#[tokio::test]
async fn the_deprecated_liveness_option_also_checks_passive_liveness() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation(
            "alice",
            &[("liveness", "passive")],
            selfie("subject=alice;liveness=spoof"),
        )
        .await;
    let checks = assert_declined(&done, "passive_liveness_verification_not_passed");
    assert_eq!(checks["passive_liveness_status"], json!("failure"));
    assert_eq!(
        checks["similarity_status"],
        json!("success"),
        "the face itself matches: {checks}"
    );

    sim.enrolled("carol").await;
    let disabled = sim
        .run_validation(
            "carol",
            &[("liveness", "disabled")],
            selfie("subject=alice;liveness=spoof"),
        )
        .await;
    assert_eq!(
        disabled["validation_status"],
        json!("success"),
        "liveness is not checked: {disabled}"
    );
    assert!(disabled["details"]["face_recognition_validations"]
        .get("passive_liveness_status")
        .is_none());
}

#[tokio::test]
async fn a_probe_without_a_face_is_declined_with_no_face_detected() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], fixture("no-face.png"))
        .await;
    let checks = assert_declined(&done, "no_face_detected");
    assert_eq!(
        (&checks["similarity_status"], &checks["confidence_score"]),
        (&json!("failure"), &json!(0.0))
    );
}

#[tokio::test]
async fn a_blocklisted_probe_is_declined_with_face_in_blocklist() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], selfie("subject=alice;blocklist=true"))
        .await;
    assert_declined(&done, "face_in_blocklist");
}

#[tokio::test]
async fn unsupported_probes_are_declined_with_file_format_not_supported() {
    let sim = Sim::start().await;
    for (account, probe) in [
        ("bmp", fixture("unsupported.bmp")),
        ("gif", gif()),
        ("random", junk(2048)),
    ] {
        sim.enrolled(account).await;
        let done = sim.run_validation(account, &[], probe).await;
        assert_declined(&done, "file_format_not_supported");
    }
}

#[tokio::test]
async fn a_mismatched_speech_is_declined_for_speech_match() {
    let sim = Sim::start().await;
    let extra = [
        SIMILARITY,
        ("subvalidations", "speech_match"),
        ("minimum_precision", "high"),
    ];
    sim.enrolled("alice").await;
    let probe = media("subject=alice;speech=mismatch", FixtureFormat::Mp4, 0);
    let done = sim.run_validation("alice", &extra, probe).await;
    let checks = assert_declined(&done, "speech_match_not_passed");
    assert_eq!(
        (&checks["speech_match_status"], &checks["similarity_status"]),
        (&json!("failure"), &json!("success"))
    );

    sim.enrolled("bob").await;
    let spoken = sim
        .run_validation(
            "bob",
            &extra,
            media("subject=alice", FixtureFormat::Webm, 0),
        )
        .await;
    let checks = &spoken["details"]["face_recognition_validations"];
    assert_eq!(checks["speech_match_status"], json!("success"), "{spoken}");
}

#[tokio::test]
async fn a_processing_fault_fails_with_system_error_and_spares_the_enrollment() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], selfie("subject=alice;fault=system_error"))
        .await;
    assert_eq!(done["validation_status"], json!("failure"), "{done}");
    assert_eq!(done["failure_status"], json!("system_error"));
    assert!(
        done.get("declined_reason").is_none() && done.get("expired_reason").is_none(),
        "{done}"
    );

    let after = sim.enrollment(str_at(&enrollment, "/enrollment_id")).await;
    assert_eq!(after["reason"], json!("waiting_face_validation"), "{after}");
}

#[tokio::test]
async fn no_upload_before_the_timeout_expires_as_not_started() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    let id = str_at(&created, "/validation_id");
    sim.advance(299.0).await;
    assert_eq!(
        sim.validation(id).await["validation_status"],
        json!("pending")
    );
    sim.advance(2.0).await;

    let expired = sim.validation(id).await;
    assert_eq!(expired["validation_status"], json!("failure"), "{expired}");
    assert_eq!(expired["failure_status"], json!("expired"));
    assert_eq!(
        expired["expired_reason"],
        json!("face_validation_not_started")
    );
    assert!(expired.get("declined_reason").is_none(), "{expired}");
    let deadline =
        assert_nanos_timestamp(str_at(&created, "/creation_date")) + chrono::Duration::seconds(300);
    assert_eq!(
        assert_nanos_timestamp(str_at(&expired, "/processing_finish_date")),
        deadline
    );

    let after = sim.enrollment(str_at(&enrollment, "/enrollment_id")).await;
    assert_eq!(
        after["reason"],
        json!("waiting_face_validation"),
        "expiry leaves the enrollment: {after}"
    );
}

#[tokio::test]
async fn a_rejected_upload_then_the_timeout_expires_as_not_uploaded() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    sim.put(upload_link(&created), Vec::new())
        .await
        .truora_error(400, "empty");
    sim.advance(301.0).await;
    let expired = sim.validation(str_at(&created, "/validation_id")).await;
    assert_eq!(expired["failure_status"], json!("expired"), "{expired}");
    assert_eq!(expired["expired_reason"], json!("input_file_not_uploaded"));
}

#[tokio::test]
async fn a_custom_timeout_is_honoured() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[("timeout", "60")]).await;
    let id = str_at(&created, "/validation_id");
    sim.advance(59.0).await;
    assert_eq!(
        sim.validation(id).await["validation_status"],
        json!("pending")
    );
    sim.advance(2.0).await;
    assert_eq!(
        sim.validation(id).await["expired_reason"],
        json!("face_validation_not_started")
    );

    let long = sim.validate("alice", &[("timeout", "3600")]).await;
    sim.advance(600.0).await;
    assert_eq!(
        sim.validation(str_at(&long, "/validation_id")).await["validation_status"],
        json!("pending")
    );
    sim.upload(upload_link(&long), selfie("subject=alice"))
        .await;
}

#[tokio::test]
async fn an_upload_after_expiry_is_forbidden() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    sim.advance(301.0).await;
    sim.put(upload_link(&created), selfie("subject=alice"))
        .await
        .truora_error(403, "expired");
    let expired = sim.validation(str_at(&created, "/validation_id")).await;
    assert_eq!(
        expired["expired_reason"],
        json!("face_validation_not_started"),
        "{expired}"
    );
}

#[tokio::test]
async fn an_upload_in_time_is_judged_even_if_read_after_the_timeout() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[("timeout", "10")]).await;
    sim.upload(upload_link(&created), selfie("subject=alice"))
        .await;
    sim.advance(3600.0).await;
    let done = sim.validation(str_at(&created, "/validation_id")).await;
    assert_eq!(done["validation_status"], json!("success"), "{done}");
}
