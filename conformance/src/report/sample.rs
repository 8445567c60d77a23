//! A report with one case of every kind, for the writers' tests.

use super::RunReport;
use crate::outcome::{CaseResult, Kind, Status};
use std::time::{Duration, UNIX_EPOCH};

fn case(kind: Kind, group: &str, name: &str, status: Status) -> CaseResult {
    CaseResult {
        kind,
        group: group.into(),
        name: name.into(),
        status,
        duration: Duration::from_millis(1500),
    }
}

/// Two features and a property group, with a pass, a failure (with characters to escape), a
/// skip, an expected failure and an unexpected pass.
pub fn report() -> RunReport {
    RunReport {
        api: "truora-validations".into(),
        target: "http://127.0.0.1:7700/truora/validations".into(),
        control: None,
        namespace: None,
        tags: None,
        started: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        duration: Duration::from_millis(12_345),
        results: vec![
            case(Kind::Scenario, "Face enrollments", "A new enrollment waits", Status::Passed),
            case(
                Kind::Scenario,
                "Face enrollments",
                "A <second> enrollment & \"conflict\" | pipe",
                Status::Failed {
                    message: "Step \"Then the request is refused with status 409\" (e.feature:9) failed: expected status 409, got 400\n  answer: POST /v1/enrollments → 400 {\"code\":10400}\n  reproduce: curl -sS -i -X POST 'http://h/v1/enrollments' -H \"Truora-API-Key: $API_KEY\"\u{1}".into(),
                },
            ),
            case(
                Kind::Scenario,
                "Upload links",
                "An upload link expires after an hour",
                Status::Skipped {
                    reason: "needs a control API to move the clock (--control)".into(),
                },
            ),
            case(
                Kind::Scenario,
                "Upload links",
                "A corrupt picture is refused",
                Status::ExpectedFailure {
                    reason: "the sandbox accepts it".into(),
                    message: "expected status 400, got 200".into(),
                },
            ),
            case(
                Kind::Property,
                "Enrollment forms",
                "invalid forms are refused",
                Status::UnexpectedPass {
                    reason: "was broken".into(),
                },
            ),
        ],
        filtered_out: 3,
        cucumber_json: "[]".into(),
    }
}
