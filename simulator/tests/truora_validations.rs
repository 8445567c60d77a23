//! `POST/GET /v1/validations`: input rules, preconditions, defaults and the success path.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use serde_json::json;

#[tokio::test]
async fn create_requires_type_authorization_and_account_id() {
    let sim = Sim::start().await;
    let missing_type = sim
        .post_form("/v1/validations", Some(KEY), &[("user_authorized", "true")])
        .await;
    missing_type.truora_error(400, "type is required");
    let unauthorized = sim
        .post_form(
            "/v1/validations",
            Some(KEY),
            &[("type", "face-recognition"), ("user_authorized", "false")],
        )
        .await;
    unauthorized.truora_error(400, "user_authorized must be true");
    let no_account = sim
        .post_form(
            "/v1/validations",
            Some(KEY),
            &[("type", "face-recognition"), ("user_authorized", "true")],
        )
        .await;
    no_account.truora_error(400, "account_id is required");
    sim.create_validation("not valid", &[])
        .await
        .truora_error(400, "invalid account_id");
}

#[tokio::test]
async fn create_needs_a_ready_enrollment() {
    let sim = Sim::start().await;
    let unknown = sim.create_validation("nobody", &[]).await;
    let message = unknown.truora_error(404, "The Enrollment was not found");
    assert!(
        message.contains("nobody") && message.contains("POST /v1/enrollments"),
        "{message}"
    );

    let waiting = sim.enroll(Some("waiting")).await;
    let message = sim
        .create_validation("waiting", &[])
        .await
        .truora_error(409, "has no reference image yet");
    assert!(
        message.contains(str_at(&waiting, "/enrollment_id")),
        "{message}"
    );

    let failed = sim
        .enroll_with("failed", media("face=none", FixtureFormat::Png, 0))
        .await;
    let message = sim
        .create_validation("failed", &[])
        .await
        .truora_error(409, "failed (no_face_detected)");
    assert!(
        message.contains(str_at(&failed, "/enrollment_id")),
        "{message}"
    );
}

#[tokio::test]
async fn create_rejects_bad_options_naming_the_field() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("threshold", "1.5")], "invalid threshold \"1.5\""),
        (&[("threshold", "-0.1")], "invalid threshold"),
        (&[("threshold", "abc")], "invalid threshold"),
        (&[("threshold", "NaN")], "invalid threshold"),
        (&[("threshold", "inf")], "invalid threshold"),
        (&[("threshold", "1e-1")], "invalid threshold \"1e-1\""),
        (&[("threshold", "+0.5")], "invalid threshold"),
        (&[("threshold", "00.5")], "invalid threshold"),
        (&[("threshold", "0.")], "invalid threshold"),
        (&[("threshold", "1.0001")], "invalid threshold"),
        (&[("threshold", "0,5")], "invalid threshold"),
        (&[("threshold", " 0.5")], "invalid threshold"),
        (&[("liveness", "active")], "invalid liveness \"active\""),
        (
            &[("subvalidations", "face")],
            "invalid subvalidations value \"face\"",
        ),
        (
            &[("subvalidations", "similarity,passive_liveness")],
            "invalid subvalidations value",
        ),
        (
            &[
                ("subvalidations", "similarity"),
                ("subvalidations", "bogus"),
            ],
            "invalid subvalidations value \"bogus\"",
        ),
        (&[("timeout", "0")], "invalid timeout \"0\""),
        (&[("timeout", "21601")], "invalid timeout"),
        (&[("timeout", "1.5")], "invalid timeout"),
        (&[("timeout", "-5")], "invalid timeout"),
        (&[("timeout", "soon")], "invalid timeout"),
        (&[("timeout", "+5")], "invalid timeout \"+5\""),
        (&[("timeout", "007")], "invalid timeout"),
        (&[("timeout", "1e3")], "invalid timeout"),
        (&[("timeout", "99999999999999999999999")], "invalid timeout"),
        (
            &[("subvalidations", "speech_match")],
            "minimum_precision is required",
        ),
        (
            &[
                ("subvalidations", "speech_match"),
                ("minimum_precision", "ultra"),
            ],
            "invalid minimum_precision \"ultra\"",
        ),
    ];
    for (extra, needle) in cases {
        let reply = sim.create_validation("alice", extra).await;
        assert_eq!(reply.status, 400, "{extra:?}: {}", reply.text());
        reply.truora_error(400, needle);
    }
    let message = sim
        .create_validation("alice", &[("timeout", "0")])
        .await
        .truora_error(400, "21600");
    assert!(message.contains("seconds"), "{message}");
}

#[tokio::test]
async fn create_refuses_fields_sent_without_a_value() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("threshold", "")], "threshold is empty"),
        (&[("timeout", "")], "timeout is empty"),
        (&[("liveness", "")], "liveness is empty"),
        (&[("minimum_precision", "")], "minimum_precision is empty"),
        (&[("retry_of_id", "")], "retry_of_id is empty"),
        (
            &[("subvalidations", "")],
            "subvalidations has an empty value",
        ),
        (
            &[("subvalidations", "similarity"), ("subvalidations", "")],
            "subvalidations has an empty value",
        ),
    ];
    for (extra, needle) in cases {
        let message = sim
            .create_validation("alice", extra)
            .await
            .truora_error(400, needle);
        assert!(message.contains("omit it"), "{extra:?}: {message}");
    }
    sim.create_validation("", &[])
        .await
        .truora_error(400, "account_id is required");
}

#[tokio::test]
async fn create_accepts_plain_decimal_thresholds_and_timeouts() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    for (threshold, value) in [
        ("0", 0.0),
        (".5", 0.5),
        ("0.8", 0.8),
        ("0.999999", 0.999999),
        ("1", 1.0),
        ("1.000", 1.0),
    ] {
        let created = sim.validate("alice", &[("threshold", threshold)]).await;
        assert_eq!(created["threshold"], json!(value), "{threshold}");
    }
    for timeout in [1, 60, 21600] {
        let text = timeout.to_string();
        let created = sim.validate("alice", &[("timeout", &text)]).await;
        assert_eq!(created["timeout"], json!(timeout));
    }
}

#[tokio::test]
async fn create_applies_the_documented_defaults() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;

    assert_prefixed_id(str_at(&created, "/validation_id"), "VLD");
    assert_eq!(created["type"], json!("face-recognition"));
    assert_eq!(created["account_id"], json!("alice"));
    assert_eq!(created["validation_status"], json!("pending"));
    assert_eq!(created["threshold"], json!(0.65));
    assert_eq!(created["timeout"], json!(300));
    assert_eq!(created["subvalidations"], json!(["similarity"]));
    assert_eq!(created["ip_address"], json!("127.0.0.1"));
    assert_eq!(
        created["details"],
        json!({"face_recognition_validations": {"enrollment_id": enrollment["enrollment_id"]}})
    );
    let creation = assert_nanos_timestamp(str_at(&created, "/creation_date"));
    assert_eq!(created["update_date"], created["creation_date"]);
    for absent in [
        "failure_status",
        "declined_reason",
        "expired_reason",
        "retry_of_id",
        "processing_start_date",
        "processing_finish_date",
        "validation_inputs",
        "user_response",
    ] {
        assert!(created.get(absent).is_none(), "{absent} in {created}");
    }

    let link = upload_link(&created);
    assert!(link.starts_with(&sim.api("/v1/uploads/UPL")), "{link}");
    let expires: i64 = query_param(link, "Expires")
        .expect("Expires")
        .parse()
        .expect("unix seconds");
    assert_eq!(
        expires,
        (creation + chrono::Duration::seconds(300)).timestamp(),
        "the link lives as long as the timeout"
    );
    assert_eq!(
        sim.validation(str_at(&created, "/validation_id")).await,
        created
    );
}

#[tokio::test]
async fn create_echoes_chosen_options_and_merges_repeated_subvalidations() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let repeated = [
        ("subvalidations", "similarity"),
        ("subvalidations", "passive_liveness"),
        ("subvalidations", "similarity"),
        ("threshold", "0.8"),
        ("timeout", "21600"),
    ];
    let created = sim.validate("alice", &repeated).await;
    assert_eq!(
        created["subvalidations"],
        json!(["similarity", "passive_liveness"])
    );
    assert_eq!(
        (&created["threshold"], &created["timeout"]),
        (&json!(0.8), &json!(21600))
    );

    let deprecated = sim.validate("alice", &[("liveness", "passive")]).await;
    assert_eq!(
        deprecated["subvalidations"],
        json!(["similarity", "passive_liveness"])
    );
    let disabled = sim
        .validate(
            "alice",
            &[
                ("liveness", "disabled"),
                ("threshold", "0"),
                ("timeout", "1"),
            ],
        )
        .await;
    assert_eq!(disabled["subvalidations"], json!(["similarity"]));
    assert_eq!(
        (&disabled["threshold"], &disabled["timeout"]),
        (&json!(0.0), &json!(1))
    );
    let speech = sim
        .validate(
            "alice",
            &[
                ("subvalidations", "speech_match"),
                ("minimum_precision", "very_high"),
            ],
        )
        .await;
    assert_eq!(speech["subvalidations"], json!(["speech_match"]));
}

#[tokio::test]
async fn the_same_subject_passes_and_completes_the_enrollment() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    sim.upload(upload_link(&created), selfie("subject=alice"))
        .await;
    sim.advance(1.0).await;
    let done = sim.validation(str_at(&created, "/validation_id")).await;

    assert_eq!(done["validation_status"], json!("success"), "{done}");
    let checks = &done["details"]["face_recognition_validations"];
    assert_eq!(checks["similarity_status"], json!("success"));
    assert_eq!(checks["enrollment_id"], enrollment["enrollment_id"]);
    let score = checks["confidence_score"]
        .as_f64()
        .expect("confidence_score");
    assert!(
        (0.9..1.0).contains(&score),
        "another picture of alice scores 0.90..0.99: {score}"
    );
    assert!(
        done.get("failure_status").is_none() && done.get("declined_reason").is_none(),
        "{done}"
    );
    let started = assert_nanos_timestamp(str_at(&done, "/processing_start_date"));
    let finished = assert_nanos_timestamp(str_at(&done, "/processing_finish_date"));
    assert_eq!(
        finished - started,
        chrono::Duration::seconds(1),
        "the configured processing delay"
    );
    assert_eq!(done["update_date"], done["processing_finish_date"]);

    let after = sim.enrollment(str_at(&enrollment, "/enrollment_id")).await;
    assert_eq!(after["status"], json!("success"), "{after}");
}

#[tokio::test]
async fn the_reference_picture_itself_scores_one() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim.run_validation("alice", &[], reference("alice")).await;
    assert_eq!(
        done["details"]["face_recognition_validations"]["confidence_score"],
        json!(1.0),
        "{done}"
    );
    assert_eq!(done["validation_status"], json!("success"));
}

#[tokio::test]
async fn the_result_stays_pending_until_the_processing_delay_passes() {
    let sim = Sim::configured(|c| c.truora.processing_delay_seconds = 60).await;
    let enrollment = sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    let id = str_at(&created, "/validation_id");
    sim.upload(upload_link(&created), selfie("subject=alice"))
        .await;

    let processing = sim.validation(id).await;
    assert_eq!(
        processing["validation_status"],
        json!("pending"),
        "{processing}"
    );
    assert_nanos_timestamp(str_at(&processing, "/processing_start_date"));
    assert!(
        processing.get("processing_finish_date").is_none(),
        "{processing}"
    );
    assert!(processing["details"]["face_recognition_validations"]
        .get("similarity_status")
        .is_none());
    assert_eq!(
        sim.enrollment(str_at(&enrollment, "/enrollment_id")).await["reason"],
        json!("waiting_face_validation")
    );

    sim.advance(30.0).await;
    assert_eq!(
        sim.validation(id).await["validation_status"],
        json!("pending")
    );
    sim.advance(31.0).await;
    assert_eq!(
        sim.validation(id).await["validation_status"],
        json!("success")
    );
}

#[tokio::test]
async fn video_selfies_are_accepted() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    for probe in [fixture("alice-selfie.mp4"), fixture("alice-selfie.webm")] {
        let done = sim.run_validation("alice", &[], probe).await;
        assert_eq!(done["validation_status"], json!("success"), "{done}");
        let score = done["details"]["face_recognition_validations"]["confidence_score"]
            .as_f64()
            .unwrap();
        assert!(score >= 0.9, "{score}");
    }
}

#[tokio::test]
async fn the_limited_key_creates_and_reads_validations() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let form = [
        ("type", "face-recognition"),
        ("user_authorized", "true"),
        ("account_id", "alice"),
    ];
    let created = sim
        .post_form("/v1/validations", Some(LIMITED_KEY), &form)
        .await
        .ok();
    let path = format!("/v1/validations/{}", str_at(&created, "/validation_id"));
    assert_eq!(sim.get(&path, Some(LIMITED_KEY)).await.ok(), created);
}

#[tokio::test]
async fn x_forwarded_for_sets_the_ip_address() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let form = [
        ("type", "face-recognition"),
        ("user_authorized", "true"),
        ("account_id", "alice"),
    ];
    let request = sim
        .http
        .post(sim.api("/v1/validations"))
        .header("Truora-API-Key", KEY)
        .header("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
        .form(&form);
    let created = sim.send(request).await.ok();
    assert_eq!(created["ip_address"], json!("203.0.113.7"));
}

#[tokio::test]
async fn passive_liveness_alone_needs_no_enrollment() {
    let sim = Sim::start().await;
    let extra = [("subvalidations", "passive_liveness")];
    let created = sim.validate("walk-in", &extra).await;
    assert!(
        created["details"]["face_recognition_validations"]
            .get("enrollment_id")
            .is_none(),
        "{created}"
    );
    sim.upload(upload_link(&created), selfie("subject=dana"))
        .await;
    sim.advance(1.0).await;
    let done = sim.validation(str_at(&created, "/validation_id")).await;
    assert_eq!(done["validation_status"], json!("success"), "{done}");
    assert_eq!(
        done["details"]["face_recognition_validations"],
        json!({"passive_liveness_status": "success"})
    );
}

#[tokio::test]
async fn unknown_validations_are_not_found() {
    let sim = Sim::start().await;
    let reply = sim
        .get(
            "/v1/validations/VLD00000000000000000000000000000000",
            Some(KEY),
        )
        .await;
    reply.truora_error(404, "The Validation was not found");
}

#[tokio::test]
async fn show_details_must_be_true_or_false() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    let path = format!(
        "/v1/validations/{}?show_details=yes",
        str_at(&created, "/validation_id")
    );
    let message = sim
        .get(&path, Some(KEY))
        .await
        .truora_error(400, "invalid show_details");
    assert!(
        message.contains("yes") && message.contains("true or false"),
        "{message}"
    );
}

#[tokio::test]
async fn show_details_sent_without_a_value_is_refused() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    let id = str_at(&created, "/validation_id");
    sim.get(&format!("/v1/validations/{id}?show_details="), Some(KEY))
        .await
        .truora_error(400, "invalid show_details \"\"");
    let plain = sim
        .get(
            &format!("/v1/validations/{id}?show_details=false"),
            Some(KEY),
        )
        .await
        .ok();
    assert!(plain.get("validation_inputs").is_none(), "{plain}");
}
