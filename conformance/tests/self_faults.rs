//! The suite itself: in front of facesim sits a proxy that breaks one contract on purpose
//! (a required field dropped, a wrong enum value, a second enrollment allowed, a wrong key
//! accepted). Each broken contract must fail the run with a message that names it.

mod self_support;

use facesim_conformance::outcome::{CaseResult, Status};
use facesim_conformance::report::Verdict;
use facesim_conformance::{run, Options, RunReport};
use self_support::{facesim, proxy, Fault, KEY, LIMITED_KEY};
use tokio::sync::Mutex;

/// Runs share the process-wide panic hook cucumber swaps while it runs: one at a time.
static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Runs the whole suite (scenarios and a few cases of every property) through a proxy
/// breaking `fault`.
async fn run_through(fault: Fault) -> RunReport {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let service = facesim().await;
    let broken = proxy(&service.base, fault).await;
    let mut options = Options::new(
        "truora-validations",
        &format!("{}/truora/validations", broken.base),
        KEY,
    );
    options.limited_key = Some(LIMITED_KEY.into());
    options.control = Some(format!("{}/_facesim", service.base));
    options.cases = 8;
    run(options).await.expect("the suite starts")
}

fn failures(report: &RunReport) -> Vec<(&CaseResult, &str)> {
    report
        .results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Failed { message } => Some((r, message.as_str())),
            _ => None,
        })
        .collect()
}

/// Asserts the run failed and answers the failure messages of the case called `name`
/// (a scenario or a property), panicking with the summary when it did not fail.
fn failed_case<'r>(report: &'r RunReport, name: &str) -> &'r str {
    assert!(
        matches!(report.verdict(), Verdict::Failed(_)),
        "{}",
        report.summary()
    );
    failures(report)
        .into_iter()
        .find(|(r, _)| r.name == name)
        .map(|(_, message)| message)
        .unwrap_or_else(|| panic!("{name} did not fail:\n{}", report.summary()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_required_field_is_named_with_its_schema() {
    let report = run_through(Fault::DropField("status")).await;
    let message = failed_case(&report, "A new enrollment waits for its reference picture");
    assert!(
        message.contains(
            "POST /v1/enrollments answered 200 with a body that breaks schema enrollment"
        ),
        "{message}"
    );
    assert!(
        message.contains("\"status\" is a required property"),
        "{message}"
    );
    assert!(message.contains("curl"), "a reproduction: {message}");
    // The properties catch it too, with a curl command that reproduces it.
    let property = failures(&report)
        .into_iter()
        .find(|(r, m)| {
            r.kind == facesim_conformance::outcome::Kind::Property
                && m.contains("\"status\" is a required property")
        })
        .unwrap_or_else(|| panic!("no property caught it:\n{}", report.summary()));
    assert!(property.1.contains("curl "), "{}", property.1);
    assert!(report
        .summary()
        .contains("\"status\" is a required property"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_enum_value_is_located_in_the_body() {
    let report = run_through(Fault::WrongEnum {
        field: "validation_status",
        from: "success",
        to: "approved",
    })
    .await;
    let message = failed_case(
        &report,
        "A selfie of the same person passes and completes the enrollment",
    );
    assert!(
        message.contains("GET /v1/validations/{validation_id} answered 200 with a body that breaks schema validation"),
        "{message}"
    );
    assert!(message.contains("at /validation_status"), "{message}");
    assert!(message.contains("\"approved\""), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_enrollment_for_an_account_fails_the_conflict_contract() {
    let report = run_through(Fault::AcceptSecondEnrollment).await;
    let message = failed_case(
        &report,
        "A second enrollment for the same account is a conflict",
    );
    assert!(message.contains("409"), "{message}");
    assert!(message.contains("200"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_that_is_accepted_fails_the_authentication_contract() {
    let report = run_through(Fault::AcceptAnyKey).await;
    let (case, message) = failures(&report)
        .into_iter()
        .find(|(_, m)| m.contains("401"))
        .unwrap_or_else(|| panic!("no failure mentions 401:\n{}", report.summary()));
    assert_eq!(case.group, "Authentication and permissions", "{message}");
    assert!(message.contains("200"), "{message}");
}
