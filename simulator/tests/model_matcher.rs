//! The model matcher on real faces (simulator/fixtures/faces/, see CREDITS.md): real ONNX
//! inference through the installed ONNX Runtime library.

use facesim::media::model::{calibration, cosine, runtime};
use facesim::media::{FaceAnalysis, FaceCount, Matcher, ModelFiles, ModelMatcher};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

fn matcher() -> &'static ModelMatcher {
    static MATCHER: OnceLock<ModelMatcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let files = ModelFiles::read(&root.join("models")).expect("models/ has both models");
        ModelMatcher::load(&runtime::library_path(), files).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The analysis of a picture of `fixtures/faces/`, made once per test process.
fn face(name: &str) -> FaceAnalysis {
    static ANALYSED: Mutex<BTreeMap<String, FaceAnalysis>> = Mutex::new(BTreeMap::new());
    if let Some(known) = ANALYSED.lock().unwrap().get(name) {
        return known.clone();
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/faces")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let analysis = matcher()
        .analyze(&bytes, false)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    ANALYSED
        .lock()
        .unwrap()
        .insert(name.into(), analysis.clone());
    analysis
}

fn cos(a: &str, b: &str) -> f64 {
    let (a, b) = (face(a), face(b));
    cosine(
        a.embedding.as_deref().unwrap(),
        b.embedding.as_deref().unwrap(),
    )
}

const PEOPLE: [&str; 7] = [
    "person_a_1.jpg",
    "person_a_2.jpg",
    "person_b_1.jpg",
    "person_b_2.jpg",
    "impostor_1.jpg",
    "impostor_2.jpg",
    "astronaut.png",
];

#[test]
fn one_face_is_found_in_each_portrait_and_none_in_other_pictures() {
    for name in PEOPLE {
        assert_eq!(face(name).faces, FaceCount::One, "{name}");
    }
    for name in ["coffee.png", "chelsea.png"] {
        let analysis = face(name);
        assert_eq!(analysis.faces, FaceCount::None, "{name}");
        assert!(analysis.embedding.is_none());
    }
}

#[test]
fn same_people_match_and_different_people_do_not() {
    for (a, b) in [
        ("person_a_1.jpg", "person_a_2.jpg"),
        ("person_b_1.jpg", "person_b_2.jpg"),
    ] {
        let c = cos(a, b);
        assert!(c >= calibration::OPERATING_COSINE + 0.1, "{a} vs {b}: {c}");
        let s = matcher().similarity(&face(a), &face(b), 0.65);
        assert!(s >= 0.65, "{a} vs {b}: {s}");
    }
    for (i, a) in PEOPLE.iter().enumerate() {
        for b in &PEOPLE[i + 1..] {
            let same = a.split('_').take(2).eq(b.split('_').take(2)) && a.starts_with("person");
            if same {
                continue;
            }
            let c = cos(a, b);
            assert!(c < calibration::OPERATING_COSINE - 0.05, "{a} vs {b}: {c}");
            assert!(matcher().similarity(&face(a), &face(b), 0.70) < 0.70);
        }
    }
}

#[test]
fn a_picture_matches_itself_and_scores_are_symmetric() {
    let (a, b) = (face("person_b_1.jpg"), face("person_b_2.jpg"));
    assert!(matcher().similarity(&a, &a, 0.7) > 0.99);
    assert_eq!(
        matcher().similarity(&a, &b, 0.7),
        matcher().similarity(&b, &a, 0.7)
    );
}
