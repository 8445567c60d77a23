//! `GET /v1/validations/{id}?show_details=true` and the file links it returns.

mod common;

use common::*;
use serde_json::{json, Value};

/// The links of `validation_inputs.validation_input_files` and `user_response.input_files`.
fn links(detailed: &Value) -> (Vec<String>, Vec<String>) {
    let list = |pointer: &str| -> Vec<String> {
        let array = detailed.pointer(pointer).and_then(Value::as_array);
        array
            .unwrap_or_else(|| panic!("no array at {pointer}: {detailed}"))
            .iter()
            .map(|v| v.as_str().unwrap().into())
            .collect()
    };
    (
        list("/validation_inputs/validation_input_files"),
        list("/user_response/input_files"),
    )
}

/// `GET` with `show_details=true`.
async fn detailed(sim: &Sim, id: &str) -> Value {
    sim.get(
        &format!("/v1/validations/{id}?show_details=true"),
        Some(KEY),
    )
    .await
    .ok()
}

#[tokio::test]
async fn detail_links_download_the_exact_uploaded_bytes() {
    let sim = Sim::start().await;
    let (picture, probe) = (reference("alice"), selfie("subject=alice"));
    sim.enroll_with("alice", picture.clone()).await;
    let created = sim.validate("alice", &[]).await;
    sim.upload(upload_link(&created), probe.clone()).await;
    sim.advance(1.0).await;

    let body = detailed(&sim, str_at(&created, "/validation_id")).await;
    assert_eq!(body["validation_status"], json!("success"), "{body}");
    let (inputs, responses) = links(&body);
    assert_eq!((inputs.len(), responses.len()), (1, 1), "{body}");
    for (link, bytes, mime) in [
        (&inputs[0], &picture, "image/png"),
        (&responses[0], &probe, "image/jpeg"),
    ] {
        assert!(link.starts_with(&sim.api("/v1/files/FIL")), "{link}");
        assert!(
            query_param(link, "Expires").is_some() && query_param(link, "Signature").is_some(),
            "{link}"
        );
        let file = sim.fetch(link).await;
        assert_eq!(file.status, 200, "{}", file.text());
        assert_eq!(file.content_type(), mime);
        assert_eq!(
            file.bytes.as_ref(),
            bytes.as_slice(),
            "the stored bytes come back unchanged"
        );
    }
}

#[tokio::test]
async fn detail_keys_are_absent_without_show_details() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], selfie("subject=alice"))
        .await;
    let id = str_at(&done, "/validation_id");
    let explicit = sim
        .get(
            &format!("/v1/validations/{id}?show_details=false"),
            Some(KEY),
        )
        .await
        .ok();
    for body in [&done, &explicit] {
        assert!(
            body.get("validation_inputs").is_none() && body.get("user_response").is_none(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn before_the_upload_only_the_reference_is_listed() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let created = sim.validate("alice", &[]).await;
    let (inputs, responses) = links(&detailed(&sim, str_at(&created, "/validation_id")).await);
    assert_eq!((inputs.len(), responses.len()), (1, 0));
}

#[tokio::test]
async fn video_links_carry_the_video_type() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let video = fixture("alice-selfie.mp4");
    let done = sim.run_validation("alice", &[], video.clone()).await;
    let (_, responses) = links(&detailed(&sim, str_at(&done, "/validation_id")).await);
    let file = sim.fetch(&responses[0]).await;
    assert_eq!((file.status, file.content_type()), (200, "video/mp4"));
    assert_eq!(file.bytes.as_ref(), video.as_slice());
}

#[tokio::test]
async fn detail_links_expire_after_fifteen_minutes() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let probe = selfie("subject=alice");
    let done = sim.run_validation("alice", &[], probe.clone()).await;
    let id = str_at(&done, "/validation_id");
    let (inputs, responses) = links(&detailed(&sim, id).await);

    sim.advance(14.0 * 60.0).await;
    sim.assert_downloads(&responses[0], &probe).await; // still valid after 14 minutes
    sim.advance(62.0).await; // past 15 minutes
    for link in [&inputs[0], &responses[0]] {
        sim.fetch(link).await.truora_error(403, "expired");
    }
    // A new GET hands out fresh links.
    let (_, fresh) = links(&detailed(&sim, id).await);
    sim.assert_downloads(&fresh[0], &probe).await;
}

#[tokio::test]
async fn tampered_or_unsigned_file_links_are_forbidden() {
    let sim = Sim::start().await;
    sim.enrolled("alice").await;
    let done = sim
        .run_validation("alice", &[], selfie("subject=alice"))
        .await;
    let (inputs, _) = links(&detailed(&sim, str_at(&done, "/validation_id")).await);
    let link = &inputs[0];

    let expires: i64 = query_param(link, "Expires").unwrap().parse().unwrap();
    let later = with_param(link, "Expires", Some(&(expires + 86400).to_string()));
    sim.fetch(&later)
        .await
        .truora_error(403, "signature does not match");
    let forged = with_param(link, "Signature", Some(&"0".repeat(64)));
    sim.fetch(&forged)
        .await
        .truora_error(403, "signature does not match");
    let unsigned = with_param(link, "Signature", None);
    sim.fetch(&unsigned)
        .await
        .truora_error(403, "Expires and Signature parameters are required");
}

#[tokio::test]
async fn a_deleted_enrollment_takes_its_reference_file_with_it() {
    let sim = Sim::start().await;
    let enrollment = sim.enrolled("alice").await;
    let probe = selfie("subject=alice");
    let done = sim.run_validation("alice", &[], probe.clone()).await;
    let id = str_at(&done, "/validation_id");
    let (inputs, responses) = links(&detailed(&sim, id).await);

    let path = format!("/v1/enrollments/{}", str_at(&enrollment, "/enrollment_id"));
    sim.delete(&path, Some(KEY)).await.ok();
    sim.fetch(&inputs[0])
        .await
        .truora_error(404, "The file was not found");
    sim.assert_downloads(&responses[0], &probe).await; // the selfie belongs to the validation
    let (inputs_now, _) = links(&detailed(&sim, id).await);
    assert!(inputs_now.is_empty(), "{inputs_now:?}");
}
