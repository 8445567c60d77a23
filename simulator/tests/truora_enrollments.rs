//! `POST/GET/DELETE /v1/enrollments` and the reference-image upload.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use serde_json::{json, Value};

const FACE: (&str, &str) = ("type", "face-recognition");
const AUTHORIZED: (&str, &str) = ("user_authorized", "true");

#[tokio::test]
async fn create_answers_a_pending_enrollment_with_a_signed_upload_link() {
    let sim = Sim::start().await;
    let created = sim.enroll(Some("user-1")).await;

    assert_prefixed_id(str_at(&created, "/enrollment_id"), "ENR");
    assert_eq!(created["account_id"], json!("user-1"));
    assert_eq!(created["validation_type"], json!("face-recognition"));
    assert_eq!(created["status"], json!("pending"));
    assert_eq!(created["reason"], json!("waiting_file_upload"));
    let creation = assert_nanos_timestamp(str_at(&created, "/creation_date"));
    assert_eq!(created["update_date"], created["creation_date"]);

    let link = str_at(&created, "/file_upload_link");
    let upload_id = link
        .strip_prefix(&sim.api("/v1/uploads/"))
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("{link} is not under the listener's upload path"));
    assert_prefixed_id(upload_id, "UPL");
    let expires: i64 = query_param(link, "Expires")
        .expect("Expires")
        .parse()
        .expect("unix seconds");
    assert_eq!(
        expires,
        (creation + chrono::Duration::seconds(3600)).timestamp(),
        "one-hour link"
    );
    let signature = query_param(link, "Signature").expect("Signature");
    assert!(
        signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit()),
        "{signature}"
    );

    let fetched = sim.enrollment(str_at(&created, "/enrollment_id")).await;
    assert_eq!(fetched, created, "GET answers what POST created");
}

#[tokio::test]
async fn create_generates_an_account_id_when_none_is_given() {
    let sim = Sim::start().await;
    let generated = sim.enroll(None).await;
    assert_prefixed_id(str_at(&generated, "/account_id"), "ACC");
    let another = sim.enroll(None).await;
    assert_prefixed_id(str_at(&another, "/account_id"), "ACC");
    assert_ne!(another["account_id"], generated["account_id"]);
}

#[tokio::test]
async fn create_refuses_fields_sent_without_a_value() {
    let sim = Sim::start().await;
    let message = sim
        .post_form(
            "/v1/enrollments",
            Some(KEY),
            &[FACE, AUTHORIZED, ("account_id", "")],
        )
        .await
        .truora_error(400, "account_id is empty");
    assert!(
        message.contains("omit it") && message.contains("[a-zA-Z0-9_.-]+"),
        "{message}"
    );
    sim.post_form(
        "/v1/enrollments",
        Some(KEY),
        &[FACE, AUTHORIZED, ("confirmation", "")],
    )
    .await
    .truora_error(400, "confirmation is empty");
    sim.post_form(
        "/v1/enrollments",
        Some(KEY),
        &[FACE, ("user_authorized", "")],
    )
    .await
    .truora_error(400, "user_authorized is required");
}

#[tokio::test]
async fn create_requires_the_face_recognition_type() {
    let sim = Sim::start().await;
    let missing = sim
        .post_form("/v1/enrollments", Some(KEY), &[AUTHORIZED])
        .await;
    missing.truora_error(400, "type is required");
    let empty = sim
        .post_form("/v1/enrollments", Some(KEY), &[("type", ""), AUTHORIZED])
        .await;
    empty.truora_error(400, "type is required");
    let other = sim
        .post_form(
            "/v1/enrollments",
            Some(KEY),
            &[("type", "document-validation"), AUTHORIZED],
        )
        .await;
    let message = other.truora_error(400, "invalid type");
    assert!(
        message.contains("document-validation") && message.contains("face-recognition"),
        "{message}"
    );
}

#[tokio::test]
async fn create_requires_user_authorized_true() {
    let sim = Sim::start().await;
    let missing = sim.post_form("/v1/enrollments", Some(KEY), &[FACE]).await;
    missing.truora_error(400, "user_authorized is required");
    for value in ["false", "TRUE", "1", "yes"] {
        let reply = sim
            .post_form(
                "/v1/enrollments",
                Some(KEY),
                &[FACE, ("user_authorized", value)],
            )
            .await;
        let message = reply.truora_error(400, "user_authorized must be true");
        assert!(message.contains(value), "{message}");
    }
}

#[tokio::test]
async fn create_enforces_the_account_id_pattern() {
    let sim = Sim::start().await;
    let too_long = "a".repeat(129);
    for bad in [
        "a b",
        "a/b",
        "ñandú",
        "acc#1",
        "x;y",
        "tab\there",
        too_long.as_str(),
    ] {
        let reply = sim
            .post_form(
                "/v1/enrollments",
                Some(KEY),
                &[FACE, AUTHORIZED, ("account_id", bad)],
            )
            .await;
        let message = reply.truora_error(400, "[a-zA-Z0-9_.-]+");
        assert!(message.contains("invalid account_id"), "{message}");
    }
    let longest = "b".repeat(128);
    for good in ["a.b_c-1", "UPPER.lower", longest.as_str()] {
        let created = sim.enroll(Some(good)).await;
        assert_eq!(created["account_id"], json!(good));
    }
}

#[tokio::test]
async fn create_rejects_confirmation_values_other_than_none() {
    let sim = Sim::start().await;
    let reply = sim
        .post_form(
            "/v1/enrollments",
            Some(KEY),
            &[FACE, AUTHORIZED, ("confirmation", "always")],
        )
        .await;
    let message = reply.truora_error(400, "invalid confirmation");
    assert!(message.contains("none"), "{message}");
}

#[tokio::test]
async fn confirmation_none_needs_the_special_authorization() {
    let sim = Sim::start().await;
    let form = [
        FACE,
        AUTHORIZED,
        ("account_id", "migrated"),
        ("confirmation", "none"),
    ];
    let refused = sim
        .post_form("/v1/enrollments", Some(LIMITED_KEY), &form)
        .await;
    assert_eq!(
        refused.truora_error(403, "Insufficient permissions"),
        "Insufficient permissions"
    );

    // Nothing was created: the account is still free.
    let created = sim
        .post_form("/v1/enrollments", Some(KEY), &form)
        .await
        .ok();
    assert_eq!(created["account_id"], json!("migrated"));
}

#[tokio::test]
async fn confirmation_none_succeeds_right_after_the_upload() {
    let sim = Sim::start().await;
    let form = [
        FACE,
        AUTHORIZED,
        ("account_id", "migrated"),
        ("confirmation", "none"),
    ];
    let created = sim
        .post_form("/v1/enrollments", Some(KEY), &form)
        .await
        .ok();
    assert_eq!(
        (&created["status"], &created["reason"]),
        (&json!("pending"), &json!("waiting_file_upload"))
    );

    sim.upload(str_at(&created, "/file_upload_link"), reference("alice"))
        .await;
    let enrollment = sim.enrollment(str_at(&created, "/enrollment_id")).await;
    assert_eq!(enrollment["status"], json!("success"));
    assert!(enrollment.get("reason").is_none(), "{enrollment}");
}

#[tokio::test]
async fn a_second_enrollment_for_an_account_conflicts() {
    let sim = Sim::start().await;
    let first = sim.enroll(Some("dup")).await;
    let form = [FACE, AUTHORIZED, ("account_id", "dup")];
    let second = sim.post_form("/v1/enrollments", Some(KEY), &form).await;
    let message = second.truora_error(409, "already has an enrollment");
    assert!(
        message.contains("dup") && message.contains(str_at(&first, "/enrollment_id")),
        "{message}"
    );

    // Still refused once the first enrollment is finished.
    sim.upload(str_at(&first, "/file_upload_link"), reference("alice"))
        .await;
    let again = sim
        .post_form("/v1/enrollments", Some(LIMITED_KEY), &form)
        .await;
    again.truora_error(409, "already has an enrollment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_for_one_account_admit_exactly_one() {
    let sim = Sim::start().await;
    let form = [FACE, AUTHORIZED, ("account_id", "racer")];
    let replies = futures::future::join_all(
        (0..8).map(|_| sim.post_form("/v1/enrollments", Some(KEY), &form)),
    )
    .await;

    let winners: Vec<Value> = replies
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.json())
        .collect();
    assert_eq!(winners.len(), 1, "{replies:?}");
    let winner = str_at(&winners[0], "/enrollment_id");
    for loser in replies.iter().filter(|r| r.status != 200) {
        let message = loser.truora_error(409, "already has an enrollment");
        assert!(
            message.contains(winner),
            "every loser names the one enrollment: {message}"
        );
    }
    let enrollment = sim.enrollment(winner).await;
    assert_eq!(enrollment["account_id"], json!("racer"));
}

#[tokio::test]
async fn the_reference_upload_moves_the_enrollment_to_waiting_face_validation() {
    let sim = Sim::start().await;
    let created = sim.enroll(Some("alice")).await;
    let reply = sim
        .put(str_at(&created, "/file_upload_link"), reference("alice"))
        .await;
    let ack = reply.ok();
    assert_eq!(
        (&ack["code"], &ack["http_code"]),
        (&json!(10200), &json!(200)),
        "{ack}"
    );
    assert!(str_at(&ack, "/message").contains("uploaded"), "{ack}");

    let enrollment = sim.enrollment(str_at(&created, "/enrollment_id")).await;
    assert_eq!(enrollment["status"], json!("pending"));
    assert_eq!(enrollment["reason"], json!("waiting_face_validation"));
    assert_eq!(enrollment["creation_date"], created["creation_date"]);
    let updated = assert_nanos_timestamp(str_at(&enrollment, "/update_date"));
    assert!(updated >= assert_nanos_timestamp(str_at(&created, "/creation_date")));
}

#[tokio::test]
async fn jpeg_and_webp_references_are_accepted() {
    let sim = Sim::start().await;
    for (account, picture) in [("jpeg", selfie("subject=carol")), ("webp", webp())] {
        let enrollment = sim.enroll_with(account, picture).await;
        assert_eq!(
            enrollment["reason"],
            json!("waiting_face_validation"),
            "{account}: {enrollment}"
        );
    }
}

/// Enrolls `picture` and asserts the enrollment failed for `reason`.
async fn assert_enrollment_fails(sim: &Sim, account: &str, picture: Vec<u8>, reason: &str) {
    let enrollment = sim.enroll_with(account, picture).await;
    assert_eq!(
        enrollment["status"],
        json!("failure"),
        "{account}: {enrollment}"
    );
    assert_eq!(
        enrollment["reason"],
        json!(reason),
        "{account}: {enrollment}"
    );
}

#[tokio::test]
async fn a_reference_without_a_face_fails_with_no_face_detected() {
    let sim = Sim::start().await;
    assert_enrollment_fails(
        &sim,
        "a",
        media("face=none", FixtureFormat::Png, 0),
        "no_face_detected",
    )
    .await;
    assert_enrollment_fails(&sim, "b", fixture("no-face.png"), "no_face_detected").await;
}

#[tokio::test]
async fn a_blocklisted_reference_fails_with_face_in_blocklist() {
    let sim = Sim::start().await;
    assert_enrollment_fails(
        &sim,
        "a",
        media("subject=mallory;blocklist=true", FixtureFormat::Png, 0),
        "face_in_blocklist",
    )
    .await;
    assert_enrollment_fails(&sim, "b", fixture("blocklisted.png"), "face_in_blocklist").await;
}

#[tokio::test]
async fn unsupported_reference_formats_fail_with_file_format_not_supported() {
    let sim = Sim::start().await;
    let cases = [
        ("bmp", fixture("unsupported.bmp")),
        ("gif", gif()),
        ("random", junk(4096)),
        ("text", fixture("not-media.txt")),
        ("mp4", fixture("alice-selfie.mp4")),
        ("webm", media("subject=alice", FixtureFormat::Webm, 0)),
    ];
    for (account, picture) in cases {
        assert_enrollment_fails(&sim, account, picture, "file_format_not_supported").await;
    }
}

#[tokio::test]
async fn a_faulty_reference_fails_with_system_error() {
    let sim = Sim::start().await;
    assert_enrollment_fails(
        &sim,
        "a",
        media("subject=alice;fault=system_error", FixtureFormat::Png, 0),
        "system_error",
    )
    .await;
}

#[tokio::test]
async fn a_declined_validation_fails_the_waiting_enrollment() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let validation = sim
        .run_validation("alice", &[], selfie("subject=bob"))
        .await;
    assert_eq!(
        validation["failure_status"],
        json!("declined"),
        "{validation}"
    );

    let after = sim.enrollment(str_at(&enrollment, "/enrollment_id")).await;
    assert_eq!(after["status"], json!("failure"));
    assert_eq!(after["reason"], json!("face_validation_failed"));
    assert_eq!(after["update_date"], validation["processing_finish_date"]);
}

#[tokio::test]
async fn a_successful_validation_completes_the_enrollment() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let validation = sim
        .run_validation("alice", &[], selfie("subject=alice"))
        .await;
    assert_eq!(
        validation["validation_status"],
        json!("success"),
        "{validation}"
    );

    let after = sim.enrollment(str_at(&enrollment, "/enrollment_id")).await;
    assert_eq!(after["status"], json!("success"));
    assert!(after.get("reason").is_none(), "{after}");

    // A later declined validation does not undo a successful enrollment.
    let declined = sim
        .run_validation("alice", &[], selfie("subject=bob"))
        .await;
    assert_eq!(declined["failure_status"], json!("declined"), "{declined}");
    assert_eq!(
        sim.enrollment(str_at(&enrollment, "/enrollment_id")).await["status"],
        json!("success")
    );
}

#[tokio::test]
async fn delete_needs_the_special_authorization() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let path = format!("/v1/enrollments/{}", str_at(&enrollment, "/enrollment_id"));
    let refused = sim.delete(&path, Some(LIMITED_KEY)).await;
    assert_eq!(
        refused.truora_error(403, "Insufficient permissions"),
        "Insufficient permissions"
    );
    assert_eq!(
        sim.get(&path, Some(LIMITED_KEY)).await.ok(),
        enrollment,
        "still there"
    );
}

#[tokio::test]
async fn delete_frees_the_account_for_a_new_enrollment() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let id = str_at(&enrollment, "/enrollment_id");
    let path = format!("/v1/enrollments/{id}");

    let deleted = sim.delete(&path, Some(KEY)).await.ok();
    assert_eq!(
        (&deleted["code"], &deleted["http_code"]),
        (&json!(10200), &json!(200)),
        "{deleted}"
    );
    let message = str_at(&deleted, "/message");
    assert!(
        message.contains(id) && message.contains("alice") && message.contains("deleted"),
        "{message}"
    );

    sim.get(&path, Some(KEY))
        .await
        .truora_error(404, "The Enrollment was not found");
    sim.delete(&path, Some(KEY))
        .await
        .truora_error(404, "The Enrollment was not found");
    let again = sim.enroll(Some("alice")).await;
    assert_ne!(str_at(&again, "/enrollment_id"), id);
    assert_eq!(again["reason"], json!("waiting_file_upload"));
}

#[tokio::test]
async fn unknown_enrollments_are_not_found() {
    let sim = Sim::start().await;
    let path = "/v1/enrollments/ENR00000000000000000000000000000000";
    sim.get(path, Some(KEY))
        .await
        .truora_error(404, "The Enrollment was not found");
    sim.delete(path, Some(KEY))
        .await
        .truora_error(404, "The Enrollment was not found");
    // The permission is checked before the lookup.
    sim.delete(path, Some(LIMITED_KEY))
        .await
        .truora_error(403, "Insufficient permissions");
}

#[tokio::test]
async fn the_limited_key_creates_and_reads_ordinary_enrollments() {
    let sim = Sim::start().await;
    let created = sim
        .post_form("/v1/enrollments", Some(LIMITED_KEY), &[FACE, AUTHORIZED])
        .await
        .ok();
    assert_eq!(created["reason"], json!("waiting_file_upload"));
    let path = format!("/v1/enrollments/{}", str_at(&created, "/enrollment_id"));
    assert_eq!(sim.get(&path, Some(LIMITED_KEY)).await.ok(), created);
}

#[tokio::test]
async fn the_enrollment_upload_link_expires_after_an_hour() {
    let sim = Sim::start().await;
    let created = sim.enroll(Some("late")).await;
    sim.advance(3601.0).await;
    let reply = sim
        .put(str_at(&created, "/file_upload_link"), reference("alice"))
        .await;
    reply.truora_error(403, "expired");
    let enrollment = sim.enrollment(str_at(&created, "/enrollment_id")).await;
    assert_eq!(enrollment["reason"], json!("waiting_file_upload"));
}
