//! Trustmatic face and document liveness over real sockets: scores from the markers, the
//! in-band errors, and pictures fetched from `http://` URLs.

mod common;

use axum::routing::get;
use axum::Router;
use common::*;
use facesim::media::FixtureFormat;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpListener;

fn fraction(score: Value) -> f64 {
    score.as_f64().expect("a number")
}

fn face(picture: &[u8]) -> Value {
    json!({"sessionId": "live-1", "faceImageBase": format!("data:image/png;base64,{}", b64(picture))})
}

#[tokio::test]
async fn face_liveness_scores_live_faces_high_and_spoofs_low() {
    let sim = Sim::start().await;
    let live = sim.tm(FACE_LIVENESS, &face(&selfie("subject=a"))).await;
    assert_eq!(live.json()["sessionId"], json!("live-1"));
    let live = fraction(live.tm_score());
    assert!((0.9..=1.0).contains(&live), "{live}");
    let decimals = live.to_string().split('.').nth(1).map_or(0, str::len);
    assert!(decimals <= 7, "{live}");
    let spoof = fraction(
        sim.tm(FACE_LIVENESS, &face(&selfie("liveness=spoof")))
            .await
            .tm_score(),
    );
    assert!(spoof < 0.1, "{spoof}");
    let many = fraction(
        sim.tm(FACE_LIVENESS, &face(&selfie("face=many")))
            .await
            .tm_score(),
    );
    assert!(many >= 0.9, "the largest face is judged: {many}");
    let forced = sim
        .tm(FACE_LIVENESS, &face(&selfie("liveness_score=0.8")))
        .await
        .tm_score();
    assert_eq!(forced, json!(0.8));
    let again = sim
        .tm(FACE_LIVENESS, &face(&selfie("subject=a")))
        .await
        .tm_score();
    assert_eq!(fraction(again), live, "the same picture, the same score");
}

#[tokio::test]
async fn face_liveness_errors() {
    let sim = Sim::start().await;
    sim.tm(FACE_LIVENESS, &face(&selfie("face=none")))
        .await
        .tm_in_band("FACE_NOT_FOUND");
    let detail = sim
        .tm(FACE_LIVENESS, &json!({"sessionId": "s"}))
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
    assert_eq!(detail, "faceImageBase is missing");
    for text in ["%%%", "", "https://example.com/a.jpg"] {
        sim.tm(FACE_LIVENESS, &json!({"faceImageBase": text}))
            .await
            .tm_in_band("MISSING_FACE_IMAGE");
    }
    let detail = sim
        .tm(FACE_LIVENESS, &face(&selfie("liveness_score=high")))
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
    assert!(detail.contains("liveness_score"), "{detail}");
}

fn document(front: Option<&[u8]>, back: Option<&[u8]>) -> Value {
    let mut body = json!({"sessionId": "doc-1"});
    if let Some(f) = front {
        body["frontSideImageBase"] = json!(b64(f));
    }
    if let Some(b) = back {
        body["backSideImageBase"] = json!(b64(b));
    }
    body
}

/// A front side, a back side (absent when `None`) and the expected code.
type Sides = (Option<Vec<u8>>, Option<Vec<u8>>, &'static str);

fn doc(marker: &str) -> Vec<u8> {
    media(marker, FixtureFormat::Jpeg, 2)
}

#[tokio::test]
async fn document_liveness_reads_the_document_marker_on_each_side() {
    let sim = Sim::start().await;
    let genuine = fraction(
        sim.tm(
            DOCUMENT_LIVENESS,
            &document(Some(&doc("document=genuine")), Some(&doc("subject=back"))),
        )
        .await
        .tm_score(),
    );
    assert!(genuine >= 0.9, "{genuine}");
    let spoof = fraction(
        sim.tm(
            DOCUMENT_LIVENESS,
            &document(Some(&doc("document=genuine")), Some(&doc("document=spoof"))),
        )
        .await
        .tm_score(),
    );
    assert!(spoof < 0.1, "the lower side is the score: {spoof}");
    let front_only = fraction(
        sim.tm(
            DOCUMENT_LIVENESS,
            &document(Some(&doc("liveness=spoof")), None),
        )
        .await
        .tm_score(),
    );
    assert!(front_only < 0.1, "{front_only}");
    let cases: [Sides; 5] = [
        (
            None,
            Some(doc("document=genuine")),
            "MISSING_FRONT_SIDE_IMAGE",
        ),
        (
            Some(doc("document=cropped")),
            Some(junk(40)),
            "MISSING_BACK_SIDE_IMAGE",
        ),
        (
            Some(doc("document=cropped")),
            Some(doc("document=too_small")),
            "DOCUMENT_TOO_SMALL",
        ),
        (
            Some(doc("document=genuine")),
            Some(doc("document=cropped")),
            "DOCUMENT_CROPPED",
        ),
        (
            Some(doc("document=folded")),
            None,
            "MISSING_FRONT_SIDE_IMAGE",
        ),
    ];
    for (front, back, code) in cases {
        sim.tm(
            DOCUMENT_LIVENESS,
            &document(front.as_deref(), back.as_deref()),
        )
        .await
        .tm_in_band(code);
    }
}

#[tokio::test]
async fn the_single_picture_variant_reads_as_the_front_side() {
    let sim = Sim::start().await;
    let picture = b64(&doc("document=cropped"));
    sim.tm(DOCUMENT_LIVENESS, &json!({"documentImageBase": picture}))
        .await
        .tm_in_band("DOCUMENT_CROPPED");
    sim.tm(
        DOCUMENT_LIVENESS,
        &json!({"sessionId": "s", "documentImageBase": picture, "frontSideImageBase": picture}),
    )
    .await
    .tm_refused(400, "INVALID_REQUEST", "not both");
}

/// Serves `/picture` (the bytes), `/missing` (404) and `/slow` (never answers) on a real socket.
async fn picture_host(bytes: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/picture", get(move || async move { bytes.clone() }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn liveness_pictures_may_be_http_urls() {
    let sim = Sim::configured(|c| {
        c.trustmatic.image_url_timeout_ms = 300;
        c.server.max_media_body_bytes = 64 * 1024;
    })
    .await;
    let host = picture_host(doc("document=too_small")).await;
    sim.tm(
        DOCUMENT_LIVENESS,
        &json!({"frontSideImageBase": format!("{host}/picture")}),
    )
    .await
    .tm_in_band("DOCUMENT_TOO_SMALL");
    let detail = sim
        .tm(
            FACE_LIVENESS,
            &json!({"faceImageBase": format!("{host}/missing")}),
        )
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
    assert!(detail.contains("404"), "{detail}");
    let detail = sim
        .tm(
            FACE_LIVENESS,
            &json!({"faceImageBase": format!("{host}/slow")}),
        )
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
    assert!(detail.contains("could not be fetched"), "{detail}");
    let big = picture_host(vec![0u8; 100 * 1024]).await;
    let detail = sim
        .tm(
            FACE_LIVENESS,
            &json!({"faceImageBase": format!("{big}/picture")}),
        )
        .await
        .tm_in_band("MISSING_FACE_IMAGE");
    assert!(detail.contains("larger than"), "{detail}");
}
