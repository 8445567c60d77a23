//! Trustmatic's outcomes, per operation: a score that passes or not, and each in-band error
//! code the operation answers.

use super::{forced_by_scenario, How, Outcome, Trigger};
use crate::config::Config;
use crate::scenario::file::Api;
use crate::trustmatic::check::PASS_MARK;
use crate::trustmatic::model::{ErrorCode, Operation};
use serde_json::{json, Map, Value};

/// The control route that arms outcomes.
pub const ARM: &str = "POST /_facesim/trustmatic/outcomes";
/// The `sessionId` of the control examples.
pub const SESSION: &str = "s-1";

/// Every Trustmatic outcome with its triggers.
pub fn outcomes(config: &Config) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for operation in Operation::ALL.iter().copied() {
        outcomes.push(score(operation, true, config));
        outcomes.push(score(operation, false, config));
        outcomes.extend(
            operation
                .errors()
                .iter()
                .map(|code| error(operation, *code)),
        );
    }
    outcomes
}

/// A call of `operation` with these picture fields (field name → marker text; `None`: not sent).
fn call(operation: Operation, pictures: &[(&str, Option<&str>)]) -> Value {
    let pictures: Map<String, Value> = pictures
        .iter()
        .map(|(field, marker)| ((*field).to_string(), (*marker).into()))
        .collect();
    json!({ "operation": format!("POST {}", operation.path()), "pictures": pictures })
}

/// A call of `operation` whose one picture (or both faces, for verify) carries `marker`.
fn one_picture(operation: Operation, marker: &str) -> Value {
    match operation {
        Operation::FaceVerify => call(
            operation,
            &[
                ("probe.imageBase64", Some(marker)),
                ("reference.imageBase64", Some("subject=alice")),
            ],
        ),
        Operation::FaceLiveness => call(operation, &[("faceImageBase", Some(marker))]),
        Operation::DocumentLiveness => call(operation, &[("frontSideImageBase", Some(marker))]),
    }
}

fn arm(body: Value, description: &str) -> Trigger {
    Trigger::new(
        How::Control,
        json!({ "request": ARM, "body": body }),
        description,
    )
}

fn score(operation: Operation, passed: bool, config: &Config) -> Outcome {
    let threshold = operation.default_threshold();
    let (name, compare) = if passed {
        ("passed", "at or above")
    } else {
        ("not_passed", "below")
    };
    let forced: Value = match (operation, passed) {
        (Operation::FaceVerify, true) => PASS_MARK.into(),
        (Operation::FaceVerify, false) => (PASS_MARK - 1).into(),
        (_, true) => 0.95.into(),
        (_, false) => 0.05.into(),
    };
    let pictures = match (operation, passed) {
        (Operation::FaceVerify, true) => {
            [("subject=alice", "the same subject in probe and reference")]
        }
        (Operation::FaceVerify, false) => [("subject=bob", "another subject in the probe")],
        (Operation::FaceLiveness, true) => [("subject=alice", "a live face (no marker works too)")],
        (Operation::FaceLiveness, false) => [(
            "subject=alice;liveness=spoof",
            "a face marked liveness=spoof",
        )],
        (Operation::DocumentLiveness, true) => [(
            "document=genuine",
            "a genuine document (no marker works too)",
        )],
        (Operation::DocumentLiveness, false) => {
            [("document=spoof", "a document marked document=spoof")]
        }
    };
    let mut triggers: Vec<Trigger> = pictures
        .iter()
        .map(|(marker, what)| Trigger::new(How::Marker, one_picture(operation, marker), *what))
        .collect();
    if operation == Operation::FaceVerify && !passed {
        let similarity = config.trustmatic.match_similarity / 2.0;
        triggers.push(Trigger::new(
            How::Marker,
            one_picture(operation, &format!("subject=alice;similarity={similarity}")),
            "a probe that forces its similarity below trustmatic.match_similarity",
        ));
    }
    if operation != Operation::FaceVerify {
        let forced_marker = format!("liveness_score={forced}");
        triggers.push(Trigger::new(
            How::Marker,
            one_picture(operation, &forced_marker),
            "a picture that forces its liveness score",
        ));
    }
    triggers.push(arm(
        json!({ "operation": operation.as_str(), "sessionId": SESSION, "score": forced }),
        "arm this score for the next call of the operation with this sessionId",
    ));
    let mut o = Outcome::new(
        name,
        "score",
        format!(
            "hasError false with a score {compare} the documented default threshold {threshold}"
        ),
    );
    o.operation = Some(operation.as_str());
    o.triggers = triggers;
    o
}

fn error(operation: Operation, code: ErrorCode) -> Outcome {
    let marker =
        |marker: &str, what: &str| Trigger::new(How::Marker, one_picture(operation, marker), what);
    let absent = |pictures: &[(&str, Option<&str>)], what: &str| {
        Trigger::new(How::Request, call(operation, pictures), what)
    };
    let (description, mut triggers) = match code {
        ErrorCode::MissingProbeImage => (
            "probe.imageBase64 is absent, empty, not Base64 or not a decodable picture",
            vec![absent(
                &[
                    ("probe.imageBase64", None),
                    ("reference.imageBase64", Some("subject=alice")),
                ],
                "send no probe picture",
            )],
        ),
        ErrorCode::MissingReferenceImage => (
            "reference.imageBase64 is absent, empty, not Base64 or not a decodable picture",
            vec![absent(
                &[
                    ("probe.imageBase64", Some("subject=alice")),
                    ("reference.imageBase64", None),
                ],
                "send no reference picture",
            )],
        ),
        ErrorCode::ProbeFaceNotFound => (
            "no face in the probe",
            vec![marker("face=none", "a probe marked face=none")],
        ),
        ErrorCode::ReferenceFaceNotFound => (
            "no face in the reference",
            vec![Trigger::new(
                How::Marker,
                call(
                    operation,
                    &[
                        ("probe.imageBase64", Some("subject=alice")),
                        ("reference.imageBase64", Some("face=none")),
                    ],
                ),
                "a reference marked face=none",
            )],
        ),
        ErrorCode::MissingFaceImage => (
            "faceImageBase is absent, empty, not Base64, not a picture, or its URL was not fetched",
            vec![
                absent(&[("faceImageBase", None)], "send no picture"),
                marker(
                    "liveness_score=2",
                    "a picture whose marker cannot be read (liveness_score out of range)",
                ),
            ],
        ),
        ErrorCode::FaceNotFound => (
            "no face in the picture",
            vec![marker("face=none", "a picture marked face=none")],
        ),
        ErrorCode::MissingFrontSideImage => (
            "the front side is absent or unreadable",
            vec![
                absent(&[("frontSideImageBase", None)], "send no front side"),
                marker(
                    "document=torn",
                    "a front side whose marker cannot be read (unknown document value)",
                ),
            ],
        ),
        ErrorCode::MissingBackSideImage => (
            "a back side was given but is unreadable",
            vec![Trigger::new(
                How::Marker,
                call(
                    operation,
                    &[
                        ("frontSideImageBase", Some("document=genuine")),
                        ("backSideImageBase", Some("document=torn")),
                    ],
                ),
                "a back side whose marker cannot be read (unknown document value)",
            )],
        ),
        ErrorCode::DocumentTooSmall => (
            "either side's document is too small in the picture",
            vec![marker(
                "document=too_small",
                "a side marked document=too_small",
            )],
        ),
        ErrorCode::DocumentCropped => (
            "either side's document is cut by the picture's edge",
            vec![marker("document=cropped", "a side marked document=cropped")],
        ),
        ErrorCode::InternalError => (
            "a fault of the vendor",
            vec![arm(
                json!({ "error": code.as_str() }),
                "arm it for the next call of any operation",
            )],
        ),
    };
    triggers.push(arm(
        json!({ "operation": operation.as_str(), "sessionId": SESSION, "error": code.as_str() }),
        "arm it for the next call of the operation with this sessionId",
    ));
    let path = format!("POST {}", operation.path());
    triggers.extend(forced_by_scenario(
        Api::Trustmatic,
        &path,
        code.as_str(),
        one_picture(operation, "subject=alice"),
        "call it with any picture",
    ));
    let mut o = Outcome::new(code.as_str(), "error", description);
    o.operation = Some(operation.as_str());
    o.triggers = triggers;
    o
}
