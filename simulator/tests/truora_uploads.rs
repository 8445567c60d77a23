//! The pre-signed upload links: signatures, sizes, bad files and reuse.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use serde_json::json;

const MEDIA_LIMIT: usize = 10 * 1024 * 1024;

/// An enrollment waiting for its reference; answers (enrollment id, upload link).
async fn waiting_enrollment(sim: &Sim) -> (String, String) {
    let created = sim.enroll(Some("alice")).await;
    (
        str_at(&created, "/enrollment_id").into(),
        str_at(&created, "/file_upload_link").into(),
    )
}

/// Asserts the link still takes a good reference and the enrollment proceeds.
async fn assert_link_still_usable(sim: &Sim, id: &str, link: &str) {
    assert_eq!(
        sim.enrollment(id).await["reason"],
        json!("waiting_file_upload"),
        "unchanged state"
    );
    sim.upload(link, reference("alice")).await;
    assert_eq!(
        sim.enrollment(id).await["reason"],
        json!("waiting_face_validation")
    );
}

#[tokio::test]
async fn an_oversized_upload_with_a_length_is_refused_and_changes_nothing() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let reply = sim.put(&link, vec![0x42; MEDIA_LIMIT + 1]).await;
    reply.truora_error(413, "larger than the maximum of 10 MB");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn an_oversized_chunked_upload_is_refused_and_changes_nothing() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let reply = sim
        .put(&link, chunked(MEDIA_LIMIT + 1024 * 1024, 1024 * 1024))
        .await;
    reply.truora_error(413, "larger than the maximum of 10 MB");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn exactly_ten_megabytes_are_accepted() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    sim.upload(&link, junk(MEDIA_LIMIT)).await;
    assert_eq!(
        sim.enrollment(&id).await["reason"],
        json!("file_format_not_supported")
    );
}

#[tokio::test]
async fn an_empty_upload_is_refused_and_the_link_stays_usable() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    sim.put(&link, Vec::new())
        .await
        .truora_error(400, "the file is empty");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn a_truncated_picture_is_refused_and_the_link_stays_usable() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let png = reference("alice");
    let message = sim
        .put(&link, png[..png.len() / 2].to_vec())
        .await
        .truora_error(400, "corrupt");
    assert!(message.contains("png"), "{message}");
    sim.put(&link, fixture("corrupt.png"))
        .await
        .truora_error(400, "corrupt");
    let mut jpeg = selfie("subject=alice");
    jpeg.truncate(600);
    sim.put(&link, jpeg).await.truora_error(400, "jpeg");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn a_malformed_marker_is_refused_naming_the_key() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let message = sim
        .put(&link, fixture("bad-marker.png"))
        .await
        .truora_error(400, "face=two");
    assert!(message.contains("none, one, many"), "{message}");

    // The same marker error in a validation's video.
    sim.enrolled("bob").await;
    let validation = sim.validate("bob", &[]).await;
    let mut video = media("subject=bob", FixtureFormat::Mp4, 0);
    let at = video
        .windows(3)
        .position(|w| w == b"bob")
        .expect("marker text")
        + 3;
    video.splice(at..at, b";similarity=2".iter().copied());
    let message = sim
        .put(upload_link(&validation), video)
        .await
        .truora_error(400, "similarity=2");
    assert!(message.contains("0 to 1"), "{message}");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn forged_or_incomplete_signatures_are_forbidden() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let forged = with_param(&link, "Signature", Some(&"ab".repeat(32)));
    sim.put(&forged, reference("alice"))
        .await
        .truora_error(403, "signature does not match");
    let not_hex = with_param(&link, "Signature", Some("zz"));
    sim.put(&not_hex, reference("alice"))
        .await
        .truora_error(403, "signature does not match");
    let unsigned = with_param(&link, "Signature", None);
    sim.put(&unsigned, reference("alice"))
        .await
        .truora_error(403, "Expires and Signature parameters are required");
    let no_expiry = with_param(&link, "Expires", None);
    sim.put(&no_expiry, reference("alice"))
        .await
        .truora_error(403, "Expires and Signature parameters are required");
    let bare = link.split('?').next().unwrap();
    sim.put(bare, reference("alice"))
        .await
        .truora_error(403, "Expires and Signature parameters are required");
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn a_tampered_expiry_is_forbidden() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let expires: i64 = query_param(&link, "Expires").unwrap().parse().unwrap();
    for tampered in [
        (expires + 1).to_string(),
        (expires + 86400 * 365).to_string(),
        "never".into(),
    ] {
        let reply = sim
            .put(
                &with_param(&link, "Expires", Some(&tampered)),
                reference("alice"),
            )
            .await;
        reply.truora_error(403, "link is not valid");
    }
    assert_link_still_usable(&sim, &id, &link).await;
}

#[tokio::test]
async fn a_signature_does_not_transfer_to_another_upload_id() {
    let sim = Sim::start().await;
    let (_, link) = waiting_enrollment(&sim).await;
    let (path, query) = link.split_once('?').unwrap();
    let (base, upload_id) = path.rsplit_once('/').unwrap();
    let other = format!("{base}/{}?{query}", upload_id.replace("UPL", "UPM"));
    sim.put(&other, reference("alice"))
        .await
        .truora_error(403, "signature does not match");
}

#[tokio::test]
async fn a_link_takes_only_one_file() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    sim.upload(&link, reference("alice")).await;
    sim.put(&link, reference("alice"))
        .await
        .truora_error(409, "already uploaded");
    assert_eq!(
        sim.enrollment(&id).await["reason"],
        json!("waiting_face_validation")
    );

    sim.enrolled("bob").await;
    let validation = sim.validate("bob", &[]).await;
    sim.upload(upload_link(&validation), selfie("subject=alice"))
        .await;
    sim.put(upload_link(&validation), selfie("subject=alice"))
        .await
        .truora_error(409, "already uploaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uploads_to_one_link_store_one_file() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    let replies =
        futures::future::join_all((0..6).map(|_| sim.put(&link, reference("alice")))).await;
    assert_eq!(
        replies.iter().filter(|r| r.status == 200).count(),
        1,
        "{replies:?}"
    );
    for reply in replies.iter().filter(|r| r.status != 200) {
        reply.truora_error(409, "already uploaded");
    }
    assert_eq!(
        sim.enrollment(&id).await["reason"],
        json!("waiting_face_validation")
    );
}

#[tokio::test]
async fn the_link_of_a_deleted_enrollment_is_gone() {
    let sim = Sim::start().await;
    let (id, link) = waiting_enrollment(&sim).await;
    sim.delete(&format!("/v1/enrollments/{id}"), Some(KEY))
        .await
        .ok();
    sim.put(&link, reference("alice"))
        .await
        .truora_error(404, "The upload link was not found");
}

#[tokio::test]
async fn upload_links_take_only_put() {
    let sim = Sim::start().await;
    let (_, link) = waiting_enrollment(&sim).await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::POST,
        reqwest::Method::DELETE,
    ] {
        let reply = sim
            .send(
                sim.http
                    .request(method.clone(), &link)
                    .body(reference("alice")),
            )
            .await;
        let message = reply.truora_error(405, "is not allowed");
        assert!(message.contains(method.as_str()), "{message}");
    }
}
