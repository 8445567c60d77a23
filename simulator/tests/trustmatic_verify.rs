//! Trustmatic face verification over real sockets: scores, the documented pass mark, the
//! in-band errors in their order, and every form a picture may take.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use serde_json::json;

#[tokio::test]
async fn the_same_subject_passes_and_different_subjects_do_not() {
    let sim = Sim::start().await;
    let same = sim
        .tm_verify(&selfie("subject=alice"), &reference("alice"))
        .await
        .tm_score();
    let same = same.as_u64().expect("an integer score");
    assert!((76..=100).contains(&same), "{same}");
    let other = sim
        .tm_verify(&selfie("subject=bob"), &reference("alice"))
        .await
        .tm_score()
        .as_u64()
        .expect("an integer score");
    assert!(other < 27, "{other}");
    let identical = reference("carol");
    assert_eq!(
        sim.tm_verify(&identical, &identical).await.tm_score(),
        json!(100)
    );
}

#[tokio::test]
async fn the_session_id_is_echoed_or_left_out() {
    let sim = Sim::start().await;
    let (p, r) = (selfie("subject=a"), reference("a"));
    let body = sim
        .tm(
            VERIFY,
            &verify_body(Some("3fa85f64-5717"), Some(&p), Some(&r)),
        )
        .await
        .ok();
    assert_eq!(body["sessionId"], json!("3fa85f64-5717"));
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 3, "{body}");
    let body = sim
        .tm(VERIFY, &verify_body(None, Some(&p), Some(&r)))
        .await
        .ok();
    assert!(body.get("sessionId").is_none(), "{body}");
    let mut null_session = verify_body(None, Some(&p), Some(&r));
    null_session["sessionId"] = json!(null);
    let body = sim.tm(VERIFY, &null_session).await.ok();
    assert!(body.get("sessionId").is_none(), "{body}");
}

#[tokio::test]
async fn the_calibration_puts_the_forced_similarity_threshold_on_27() {
    let sim = Sim::start().await;
    let other = reference("someone-else");
    for (similarity, score) in [
        ("0.7", 27),
        ("0.69", 26),
        ("1", 100),
        ("0", 0),
        ("0.85", 63),
    ] {
        let probe = selfie(&format!("similarity={similarity}"));
        assert_eq!(
            sim.tm_verify(&probe, &other).await.tm_score(),
            json!(score),
            "similarity {similarity}"
        );
    }
}

#[tokio::test]
async fn scores_are_symmetric_and_repeatable() {
    let sim = Sim::start().await;
    let a = media("subject=x", FixtureFormat::Png, 3);
    let b = media("subject=y", FixtureFormat::Jpeg, 4);
    let ab = sim.tm_verify(&a, &b).await.tm_score();
    assert_eq!(sim.tm_verify(&b, &a).await.tm_score(), ab);
    assert_eq!(sim.tm_verify(&a, &b).await.tm_score(), ab);
}

/// A probe, a reference (absent when `None`) and the expected code.
type Case<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, &'a str);

#[tokio::test]
async fn errors_follow_the_documented_precedence() {
    let sim = Sim::start().await;
    let none = reference_with("face=none");
    let face = reference("a");
    let cases: [Case; 5] = [
        (None, None, "MISSING_PROBE_IMAGE"),
        (None, Some(&face), "MISSING_PROBE_IMAGE"),
        (Some(&none), None, "MISSING_REFERENCE_IMAGE"),
        (Some(&none), Some(&none), "PROBE_FACE_NOT_FOUND"),
        (Some(&face), Some(&none), "REFERENCE_FACE_NOT_FOUND"),
    ];
    for (probe, reference, code) in cases {
        let detail = sim
            .tm(VERIFY, &verify_body(Some("s"), probe, reference))
            .await
            .tm_in_band(code);
        assert!(!detail.is_empty());
    }
}

fn reference_with(marker: &str) -> Vec<u8> {
    media(marker, FixtureFormat::Png, 0)
}

#[tokio::test]
async fn data_uris_with_any_declared_type_and_line_broken_base64_are_read() {
    let sim = Sim::start().await;
    let jpeg = selfie("subject=dana");
    let wrapped: String = b64(&jpeg)
        .as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    let body = json!({
        "sessionId": "s",
        "probe": {"imageBase64": format!("data:image/png;base64,{}", b64(&jpeg))},
        "reference": {"imageBase64": wrapped},
    });
    assert_eq!(sim.tm(VERIFY, &body).await.tm_score(), json!(100));
}

#[tokio::test]
async fn unusable_pictures_are_missing_images_with_the_reason() {
    let sim = Sim::start().await;
    let good = b64(&reference("a"));
    let unusable = [
        ("".to_string(), "is empty"),
        ("not base64 at all!".to_string(), "is not Base64"),
        ("data:image/jpeg,abcd".to_string(), "not ;base64"),
        (
            "http://127.0.0.1:9/a.jpg".to_string(),
            "takes the picture as Base64",
        ),
        (b64(&junk(300)), "unsupported file type"),
        (b64(&fixture("corrupt.png")), "corrupt"),
        (b64(&fixture("alice-selfie.mp4")), "unsupported file type"),
        (b64(&fixture("bad-marker.png")), "marker"),
    ];
    for (text, reason) in unusable {
        let body = json!({"sessionId": "s", "probe": {"imageBase64": text}, "reference": {"imageBase64": good}});
        let detail = sim
            .tm(VERIFY, &body)
            .await
            .tm_in_band("MISSING_PROBE_IMAGE");
        assert!(detail.starts_with("probe.imageBase64"), "{detail}");
        assert!(detail.contains(reason), "{reason:?} not in {detail:?}");
        let body = json!({"probe": {"imageBase64": good}, "reference": {"imageBase64": text}});
        sim.tm(VERIFY, &body)
            .await
            .tm_in_band("MISSING_REFERENCE_IMAGE");
    }
}

#[tokio::test]
async fn every_accepted_picture_format_is_read() {
    let sim = Sim::start().await;
    let reference = reference("a");
    for picture in [
        webp(),
        gif(),
        fixture("plain-photo.png"),
        fixture("alice-selfie.jpg"),
    ] {
        let score = sim.tm_verify(&picture, &reference).await.tm_score();
        assert!(score.is_u64(), "{score}");
    }
}
