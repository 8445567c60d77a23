//! Truora's outcomes: a validation's success, its `failure_status` with the declined and expired
//! reasons, and an enrollment's failure reasons.

use super::{forced_by_scenario, scenario_file, How, Outcome, Trigger};
use crate::scenario::file::Api;
use crate::truora::engine::ForcedVerdict;
use crate::truora::model::{
    DeclinedReason, EnrollmentReason, ExpiredReason, FailureStatus, Subvalidation,
    FACE_RECOGNITION, MAX_TIMEOUT_SECONDS,
};
use serde_json::{json, Value};

/// `POST /v1/enrollments`, below the API's base URL.
pub const ENROLL: &str = "POST /v1/enrollments";
/// `POST /v1/validations`, below the API's base URL.
pub const VALIDATE: &str = "POST /v1/validations";
/// The control route that arms outcomes per account.
pub const ARM: &str = "POST /_facesim/truora/outcomes";
/// The account of the control examples.
pub const ARMED_ACCOUNT: &str = "acc-1";
/// A clock step past the longest validation timeout: every pending validation expires.
pub const EXPIRY_STEP_SECONDS: u64 = MAX_TIMEOUT_SECONDS + 1;

/// Every Truora outcome with its triggers.
pub fn outcomes() -> Vec<Outcome> {
    let mut outcomes = vec![success()];
    for status in FailureStatus::ALL {
        match status {
            FailureStatus::Declined => {
                outcomes.extend(DeclinedReason::ALL.iter().map(|r| declined(*r)))
            }
            FailureStatus::Expired => {
                outcomes.extend(ExpiredReason::ALL.iter().map(|r| expired(*r)))
            }
            FailureStatus::SystemError => outcomes.push(system_error()),
        }
    }
    outcomes.extend(
        EnrollmentReason::ALL
            .iter()
            .filter_map(|r| enrollment_failure(*r)),
    );
    outcomes
}

/// The form fields of a face-recognition request with these subvalidations, if any
/// (`account_id` aside).
fn fields(subvalidations: &[Subvalidation]) -> Value {
    let mut fields = json!({ "type": FACE_RECOGNITION, "user_authorized": "true" });
    if !subvalidations.is_empty() {
        let names: Vec<&str> = subvalidations.iter().map(|s| s.as_str()).collect();
        fields["subvalidations"] = names.into();
    }
    fields
}

/// A validation of `subvalidations` whose selfie carries `marker`; `enrolled`: the enrollment's
/// picture marker, when the validation compares against one.
fn validation(subvalidations: &[Subvalidation], enrolled: Option<&str>, marker: &str) -> Value {
    let mut pictures = serde_json::Map::new();
    if let Some(reference) = enrolled {
        pictures.insert("enrollment".into(), reference.into());
    }
    pictures.insert("validation".into(), marker.into());
    json!({ "operation": VALIDATE, "fields": fields(subvalidations), "pictures": pictures })
}

fn marker(example: Value, description: &str) -> Trigger {
    Trigger::new(How::Marker, example, description)
}

fn success() -> Outcome {
    let mut o = Outcome::new(
        "success",
        "validation_status",
        "every requested check passed: validation_status success (the enrollment too)",
    );
    o.triggers.push(marker(
        validation(
            &[Subvalidation::Similarity, Subvalidation::PassiveLiveness],
            Some("subject=alice"),
            "subject=alice",
        ),
        "enroll a picture and validate with a live picture of the same subject",
    ));
    o
}

fn declined(reason: DeclinedReason) -> Outcome {
    use Subvalidation::{PassiveLiveness, Similarity, SpeechMatch};
    let alice = Some("subject=alice");
    let (description, triggers) = match reason {
        DeclinedReason::NoFaceDetected => (
            "the selfie or video shows no face",
            vec![marker(
                validation(&[Similarity], alice, "face=none"),
                "a selfie marked face=none",
            )],
        ),
        DeclinedReason::FaceInBlocklist => (
            "the face is on the client's block list",
            vec![marker(
                validation(&[Similarity], alice, "subject=alice;blocklist=true"),
                "a selfie marked blocklist=true",
            )],
        ),
        DeclinedReason::PassiveLivenessVerificationNotPassed => (
            "passive liveness was requested and the face is a presentation attack",
            vec![marker(
                validation(&[PassiveLiveness], None, "subject=alice;liveness=spoof"),
                "a selfie marked liveness=spoof, with the passive_liveness subvalidation",
            )],
        ),
        DeclinedReason::SimilarityThresholdNotPassed => (
            "the similarity with the enrolled face is below threshold",
            vec![
                marker(
                    validation(&[Similarity], alice, "subject=bob"),
                    "a selfie of another subject than the enrolled one",
                ),
                marker(
                    validation(&[Similarity], alice, "subject=alice;similarity=0.5"),
                    "a selfie that forces its score below the default threshold 0.65",
                ),
            ],
        ),
        DeclinedReason::SpeechMatchNotPassed => {
            let mut example = validation(&[SpeechMatch], None, "subject=alice;speech=mismatch");
            example["fields"]["minimum_precision"] = "high".into();
            (
                "speech_match was requested and the speech does not match",
                vec![marker(
                    example,
                    "a video (or picture) marked speech=mismatch, with the speech_match subvalidation",
                )],
            )
        }
        DeclinedReason::FileFormatNotSupported => (
            "the file is no jpeg/png/webp picture and no webm/mp4/avi/mov video",
            vec![Trigger::new(
                How::Request,
                json!({
                    "operation": VALIDATE,
                    "fields": fields(&[PassiveLiveness]),
                    "files": { "validation": "this is not a picture" },
                }),
                "upload a file that is no supported picture or video (it is accepted with 200)",
            )],
        ),
    };
    let mut o = Outcome::new(reason.as_str(), "declined_reason", description);
    o.triggers = triggers;
    o.triggers.extend(armed(reason.as_str()));
    o.triggers.extend(forced(reason.as_str()));
    o
}

fn expired(reason: ExpiredReason) -> Outcome {
    let base =
        json!({ "operation": VALIDATE, "fields": fields(&[Subvalidation::PassiveLiveness]) });
    let (description, before) = match reason {
        ExpiredReason::FaceValidationNotStarted => (
            "the timeout passed and nobody ever called the upload link",
            "create a validation and never call its file_upload_link",
        ),
        ExpiredReason::InputFileNotUploaded => (
            "the timeout passed after upload attempts that were all refused",
            "create a validation and upload an empty file (refused with 400)",
        ),
    };
    let with_upload = |mut example: Value| {
        if reason == ExpiredReason::InputFileNotUploaded {
            example["files"] = json!({ "validation": "" });
        }
        example
    };
    let mut control = with_upload(base.clone());
    control["request"] = "POST /_facesim/clock/advance".into();
    control["body"] = json!({ "seconds": EXPIRY_STEP_SECONDS });
    let mut scenario = with_upload(base);
    let rule = json!({
        "when": { "api": "truora", "operation": "GET /v1/validations/{validation_id}" },
        "then": { "advance_clock_seconds": EXPIRY_STEP_SECONDS, "times": 1 },
    });
    scenario["scenario"] = scenario_file(rule);
    let mut o = Outcome::new(reason.as_str(), "expired_reason", description);
    o.triggers = vec![
        Trigger::new(
            How::Control,
            control,
            format!("{before}, then move the virtual clock past its timeout"),
        ),
        Trigger::new(
            How::Scenario,
            scenario,
            format!("{before}, then read it: the rule moves the clock past its timeout first"),
        ),
    ];
    o
}

fn system_error() -> Outcome {
    let mut o = Outcome::new(
        FailureStatus::SystemError.as_str(),
        "failure_status",
        "the vendor failed with a system error",
    );
    o.triggers.push(marker(
        validation(
            &[Subvalidation::PassiveLiveness],
            None,
            "subject=alice;fault=system_error",
        ),
        "a selfie marked fault=system_error",
    ));
    o.triggers
        .extend(armed(FailureStatus::SystemError.as_str()));
    o.triggers
        .extend(forced(FailureStatus::SystemError.as_str()));
    o
}

/// An outcome armed through the control API for the account of the next validation, when
/// `name` is one the control API arms.
fn armed(name: &str) -> Option<Trigger> {
    ForcedVerdict::parse(name)?;
    let mut example = validation(&[Subvalidation::PassiveLiveness], None, "subject=alice");
    example["request"] = ARM.into();
    example["body"] = json!({ "account_id": ARMED_ACCOUNT, "outcome": name });
    Some(Trigger::new(
        How::Control,
        example,
        "arm it for the account first; its next validation ends so, whatever picture it gets",
    ))
}

/// A scenario rule that forces `name` on the next validation, whatever its picture shows.
fn forced(name: &str) -> Option<Trigger> {
    let base = validation(&[Subvalidation::PassiveLiveness], None, "subject=alice");
    forced_by_scenario(
        Api::Truora,
        VALIDATE,
        name,
        base,
        "create a validation and upload any picture",
    )
}

/// An enrollment's failure reason; `None` for the reasons of a pending enrollment.
fn enrollment_failure(reason: EnrollmentReason) -> Option<Outcome> {
    let enroll = |marker: &str| json!({ "operation": ENROLL, "fields": fields(&[]), "pictures": { "enrollment": marker } });
    let (description, trigger) = match reason {
        EnrollmentReason::WaitingFileUpload | EnrollmentReason::WaitingFaceValidation => {
            return None
        }
        EnrollmentReason::NoFaceDetected => (
            "the reference picture shows no face",
            marker(enroll("face=none"), "a reference picture marked face=none"),
        ),
        EnrollmentReason::FaceInBlocklist => (
            "the reference face is on the client's block list",
            marker(
                enroll("subject=alice;blocklist=true"),
                "a reference picture marked blocklist=true",
            ),
        ),
        EnrollmentReason::FileFormatNotSupported => (
            "the reference file is no jpeg/png/webp picture",
            Trigger::new(
                How::Request,
                json!({ "operation": ENROLL, "fields": fields(&[]), "files": { "enrollment": "this is not a picture" } }),
                "upload a reference file that is no supported picture (it is accepted with 200)",
            ),
        ),
        EnrollmentReason::FaceValidationFailed => (
            "a validation comparing against the enrollment was declined",
            marker(
                validation(
                    &[Subvalidation::Similarity],
                    Some("subject=alice"),
                    "subject=bob",
                ),
                "validate the enrolled account with a selfie of another subject",
            ),
        ),
        EnrollmentReason::SystemError => (
            "the vendor failed with a system error while checking the reference",
            marker(
                enroll("subject=alice;fault=system_error"),
                "a reference picture marked fault=system_error",
            ),
        ),
    };
    let mut o = Outcome::new(reason.as_str(), "enrollment_reason", description);
    o.triggers.push(trigger);
    Some(o)
}
