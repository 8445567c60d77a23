//! Checkout.com's outcomes: every documented response code, and the risk labels.

use super::{forced_by_scenario, scenario_file, How, Outcome, Trigger};
use crate::checkout::model::{CodeFamily, ResponseCode, RiskLabel, RESPONSE_CODES};
use crate::checkout::sandbox;
use crate::config::Config;
use crate::scenario::file::Api;
use serde_json::{json, Value};

/// The control route of the capture actions.
pub const ACT: &str = "POST /_facesim/checkout/attempts/{attempt_id}";
/// The control route that arms outcomes per applicant.
pub const ARM: &str = "POST /_facesim/checkout/outcomes";
/// The control route of manual audits.
pub const AUDIT: &str =
    "POST /_facesim/checkout/face-authentications/{face_authentication_id}/audit";

/// Every Checkout outcome with its triggers.
pub fn outcomes(config: &Config) -> Vec<Outcome> {
    let link_ttl = config.checkout.attempt_link_ttl_seconds;
    let mut outcomes: Vec<Outcome> = RESPONSE_CODES
        .iter()
        .filter_map(|(number, _)| ResponseCode::new(*number))
        .map(|code| response_code(code, link_ttl))
        .collect();
    outcomes.extend(RiskLabel::ALL.iter().map(|label| risk_label(*label)));
    outcomes
}

/// A sandbox `external_applicant_id` whose first attempt ends with `code` (and `letter`).
pub fn sandbox_id(code: ResponseCode, letter: &str) -> String {
    let steps = format!("{}{letter}", code.code());
    format!("{}{steps:0<26}", sandbox::PREFIX)
}

fn act(body: Value, description: impl Into<String>) -> Trigger {
    Trigger::new(
        How::Control,
        json!({ "request": ACT, "body": body }),
        description,
    )
}

fn selfie(marker: &str, description: &str) -> Trigger {
    Trigger::new(
        How::Marker,
        json!({ "pictures": { "reference": "subject=alice", "selfie": marker } }),
        format!("{description}, compared with the applicant's reference picture (subject=alice)"),
    )
}

fn sandboxed(code: ResponseCode, letter: &str, what: &str) -> Trigger {
    Trigger::new(
        How::Sandbox,
        json!({ "external_applicant_id": sandbox_id(code, letter) }),
        format!("create the applicant with this external_applicant_id; opening its first attempt {what}"),
    )
}

fn audit(status: &str, code: ResponseCode) -> Trigger {
    let body = if code == ResponseCode::APPROVED {
        json!({ "status": status })
    } else {
        json!({ "status": status, "code": code.code() })
    };
    Trigger::new(
        How::Control,
        json!({ "request": AUDIT, "body": body }),
        "record a manual audit of a finished face authentication",
    )
}

fn response_code(code: ResponseCode, link_ttl: u64) -> Outcome {
    let number = code.code();
    let (status, mut triggers) = match code.family() {
        CodeFamily::Approved => (
            "approved",
            vec![
                selfie("subject=alice", "a selfie of the same subject"),
                act(
                    json!({ "action": "approve" }),
                    "complete the capture; the checks approve it",
                ),
                sandboxed(code, "", "approves it"),
                audit("approved", code),
            ],
        ),
        CodeFamily::RetryRequired => (
            "retry_required (inconclusive once the allowed attempts are used up)",
            vec![
                act(
                    json!({ "action": "abort", "code": number }),
                    "the applicant abandons the capture",
                ),
                act(
                    json!({ "action": "inconclusive", "code": number }),
                    "complete the capture; the checks cannot conclude",
                ),
                sandboxed(code, "A", "aborts it"),
                sandboxed(code, "I", "ends it inconclusive"),
            ],
        ),
        CodeFamily::Declined => (
            "declined",
            vec![
                act(
                    json!({ "action": "decline", "code": number }),
                    "complete the capture; the checks decline it",
                ),
                sandboxed(code, "", "declines it"),
                audit("declined", code),
            ],
        ),
        CodeFamily::Refused => (
            "refused",
            vec![
                act(
                    json!({ "action": "refuse" }),
                    "the applicant refuses to start",
                ),
                sandboxed(code, "", "refuses it"),
            ],
        ),
        CodeFamily::ForciblyClosed => (
            "retry_required",
            vec![act(
                json!({ "action": "close" }),
                "close the attempt's flow by force",
            )],
        ),
    };
    triggers.extend(picture_triggers(code));
    let letters: &[&str] = if code.family() == CodeFamily::RetryRequired {
        &["A", "I"]
    } else {
        &[""]
    };
    triggers.extend(letters.iter().filter_map(|letter| armed(code, letter)));
    triggers.extend(letters.iter().filter_map(|letter| forced(code, letter)));
    if code == ResponseCode::NEVER_STARTED {
        triggers.extend(never_opened(link_ttl));
    }
    let mut o = Outcome::new(
        number.to_string(),
        "response_code",
        format!(
            "{}; the face authentication becomes {status}",
            code.summary()
        ),
    );
    o.triggers = triggers;
    o
}

/// The route that creates attempts, below the API's base URL.
pub const CREATE_ATTEMPT: &str = "POST /face-authentications/{face_authentication_id}/attempts";

/// A scenario rule that forces `code` (with `letter`) on the next attempt.
fn forced(code: ResponseCode, letter: &str) -> Option<Trigger> {
    forced_by_scenario(
        Api::Checkout,
        CREATE_ATTEMPT,
        &format!("{}{letter}", code.code()),
        json!({}),
        "open the attempt it creates",
    )
}

/// An outcome armed through the control API for the applicant of the next attempt, when the
/// control API arms `code` (with `letter`).
fn armed(code: ResponseCode, letter: &str) -> Option<Trigger> {
    let name = format!("{}{letter}", code.code());
    sandbox::parse_step(&name)?;
    Some(Trigger::new(
        How::Control,
        json!({ "request": ARM, "body": { "applicant_id": "{applicant_id}", "outcome": name } }),
        "create the applicant and arm it for them (applicant_id), then create a face authentication and an attempt, and open it",
    ))
}

/// What a selfie's markers make of the checks.
fn picture_triggers(code: ResponseCode) -> Vec<Trigger> {
    let trigger = match code {
        ResponseCode::FACE_NOT_CAPTURED => selfie("face=none", "a selfie marked face=none"),
        ResponseCode::INTERNAL_ERROR => selfie(
            "subject=alice;fault=system_error",
            "a selfie marked fault=system_error",
        ),
        ResponseCode::FACE_NOT_LIVE => selfie(
            "subject=alice;liveness=spoof",
            "a selfie marked liveness=spoof",
        ),
        ResponseCode::KNOWN_FRAUDULENT_FACE => selfie(
            "subject=alice;blocklist=true",
            "a selfie marked blocklist=true",
        ),
        ResponseCode::FACE_FACE_MISMATCH => selfie("subject=bob", "a selfie of another subject"),
        _ => return Vec::new(),
    };
    vec![trigger]
}

/// An attempt whose link expires unopened.
fn never_opened(link_ttl: u64) -> [Trigger; 2] {
    let seconds = link_ttl + 1;
    [
        Trigger::new(
            How::Control,
            json!({ "request": "POST /_facesim/clock/advance", "body": { "seconds": seconds } }),
            "create an attempt, never open it, and move the virtual clock past its link's lifetime",
        ),
        Trigger::new(
            How::Scenario,
            json!({ "scenario": scenario_file(json!({
                "when": { "api": "checkout", "operation": "GET /face-authentications/{face_authentication_id}" },
                "then": { "advance_clock_seconds": seconds, "times": 1 },
            })) }),
            "create an attempt, never open it, then read the face authentication: the rule moves the clock past the link's lifetime first",
        ),
    ]
}

fn risk_label(label: RiskLabel) -> Outcome {
    let (description, trigger) = match label {
        RiskLabel::MultipleFacesDetected => (
            "the captured selfie shows more than one face (the checks still approve it)",
            selfie("subject=alice;face=many", "a selfie marked face=many"),
        ),
    };
    let mut o = Outcome::new(label.as_str(), "risk_label", description);
    o.triggers.push(trigger);
    o
}
