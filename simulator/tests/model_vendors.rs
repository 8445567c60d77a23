//! Every vendor API with the model matcher, over real sockets, on real faces
//! (`fixtures/faces/`, see CREDITS.md): the same person passes, different people do not, and a
//! picture without a face gets each vendor's no-face outcome.

mod common;

use common::*;
use facesim::media::model::runtime;
use facesim::media::{Matcher, ModelFiles, ModelMatcher};
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, OnceLock};

fn model() -> Arc<dyn Matcher> {
    static MODEL: OnceLock<Arc<ModelMatcher>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
            let files = ModelFiles::read(&models).expect("models/ has both models");
            let matcher = ModelMatcher::load(&runtime::library_path(), files);
            Arc::new(matcher.unwrap_or_else(|e| panic!("{e}")))
        })
        .clone()
}

fn face(name: &str) -> Vec<u8> {
    fixture(&format!("faces/{name}"))
}

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

#[tokio::test]
async fn truora_validations_follow_the_faces() {
    let sim = Sim::with_matcher(model()).await;
    let enrollment = sim.enroll_with("macron", face("person_a_1.jpg")).await;
    assert_eq!(
        enrollment["reason"],
        json!("waiting_face_validation"),
        "{enrollment}"
    );
    let same = sim
        .run_validation("macron", &[], face("person_a_2.jpg"))
        .await;
    assert_eq!(same["validation_status"], json!("success"), "{same}");
    let score = same["details"]["face_recognition_validations"]["confidence_score"]
        .as_f64()
        .expect("a score");
    assert!(score >= 0.65, "{score}");

    let other = sim
        .run_validation("macron", &[], face("impostor_2.jpg"))
        .await;
    assert_eq!(
        other["declined_reason"],
        json!("similarity_threshold_not_passed"),
        "{other}"
    );
    let score = other["details"]["face_recognition_validations"]["confidence_score"]
        .as_f64()
        .expect("a score");
    assert!(score < 0.65, "{score}");

    let no_face = sim.run_validation("macron", &[], face("coffee.png")).await;
    assert_eq!(
        no_face["declined_reason"],
        json!("no_face_detected"),
        "{no_face}"
    );
    let created = sim.enroll(Some("cat")).await;
    sim.upload(str_at(&created, "/file_upload_link"), face("chelsea.png"))
        .await;
    let enrollment = sim.enrollment(str_at(&created, "/enrollment_id")).await;
    assert_eq!(
        enrollment["reason"],
        json!("no_face_detected"),
        "{enrollment}"
    );
}

#[tokio::test]
async fn checkout_face_authentications_follow_the_faces() {
    let sim = Sim::with_matcher(model()).await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let applicant_id = id(&applicant).to_string();
    let reference = sim
        .http
        .put(sim.url(&format!(
            "/_facesim/checkout/applicants/{applicant_id}/reference"
        )))
        .header(CONTENT_TYPE, "image/jpeg")
        .body(face("person_b_1.jpg"));
    assert_eq!(sim.send(reference).await.status, 200);
    for (selfie, status, codes) in [
        ("person_b_2.jpg", "approved", vec![10000]),
        ("impostor_1.jpg", "declined", vec![62321]),
        ("chelsea.png", "retry_required", vec![61410]),
    ] {
        let fa = sim.cko_face_authentication(CKO_KEY, &applicant_id).await;
        let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
        sim.cko_selfie(id(&attempt), &face(selfie)).await.ok();
        sim.advance(1.0).await;
        let done = sim.cko_fa(CKO_KEY, id(&fa)).await;
        assert_eq!(
            (status_of(&done), codes_of(&done)),
            (status, codes),
            "{selfie}"
        );
    }
}

#[tokio::test]
async fn trustmatic_verifications_follow_the_faces() {
    let sim = Sim::with_matcher(model()).await;
    for (probe, reference, passes) in [
        ("person_a_2.jpg", "person_a_1.jpg", true),
        ("person_b_1.jpg", "person_b_2.jpg", true),
        ("person_a_2.jpg", "impostor_2.jpg", false),
        ("astronaut.png", "person_b_1.jpg", false),
    ] {
        let score = sim
            .tm_verify(&face(probe), &face(reference))
            .await
            .tm_score()
            .as_u64()
            .expect("an integer score");
        assert_eq!(score >= 27, passes, "{probe} vs {reference}: {score}");
    }
    sim.tm_verify(&face("coffee.png"), &face("person_a_1.jpg"))
        .await
        .tm_in_band("PROBE_FACE_NOT_FOUND");
    sim.tm_verify(&face("person_a_1.jpg"), &face("chelsea.png"))
        .await
        .tm_in_band("REFERENCE_FACE_NOT_FOUND");
    let no_face = json!({"faceImageBase": b64(&face("coffee.png"))});
    sim.tm(FACE_LIVENESS, &no_face)
        .await
        .tm_in_band("FACE_NOT_FOUND");
}
