//! The suite itself: in front of facesim sits a proxy that breaks one contract on purpose
//! (a required field dropped, a wrong enum value, a second enrollment or a conflicting attempt
//! allowed, a wrong key accepted, a link to a page that does not exist, a score written as a
//! float, a session id not repeated; in facesim's control API a clock set back, a clock
//! without its offset, journal filters ignored, the namespace header dropped). Each broken contract
//! must fail the run with a message that names the operation and the problem.

mod self_support;

use facesim_conformance::outcome::{CaseResult, Status};
use facesim_conformance::report::Verdict;
use facesim_conformance::{run, Options, RunReport};
use self_support::{facesim, proxy, shared_facesim, Fault, KEY, LIMITED_KEY, ONE_RUN_AT_A_TIME};
use self_support::{CHECKOUT_KEY, CHECKOUT_VIDEOS_KEY, TRUSTMATIC_CREDENTIALS};
use std::time::Duration;

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

/// Runs the Checkout scenarios and properties that `tags` selects (a few cases of each
/// property) through a proxy breaking `fault`, in front of the file's shared facesim.
async fn run_checkout_through(fault: Fault, tags: &str) -> RunReport {
    run_api_through(fault, tags, |broken| {
        let mut options = Options::new(
            facesim_conformance::checkout::API,
            &format!("{broken}/checkout"),
            CHECKOUT_KEY,
        );
        options.second_key = Some(CHECKOUT_VIDEOS_KEY.into());
        options.videos_key = Some(CHECKOUT_VIDEOS_KEY.into());
        options
    })
    .await
}

/// Runs the Trustmatic scenarios and properties that `tags` selects through a proxy breaking
/// `fault`, in front of the file's shared facesim.
async fn run_trustmatic_through(fault: Fault, tags: &str) -> RunReport {
    run_api_through(fault, tags, |broken| {
        Options::new(
            facesim_conformance::trustmatic::API,
            &format!("{broken}/trustmatic"),
            TRUSTMATIC_CREDENTIALS,
        )
    })
    .await
}

/// Runs what `tags` selects of facesim's control API (scenarios and a few cases of each
/// property) through a proxy breaking `fault`, in front of the file's shared facesim.
async fn run_control_through(fault: Fault, tags: &str) -> RunReport {
    run_api_through(fault, tags, |broken| {
        Options::new(
            facesim_conformance::facesim_control::API,
            &format!("{broken}/_facesim"),
            "",
        )
    })
    .await
}

/// Runs what `tags` selects of the API `options` (given the proxy's base) asks for, through a
/// proxy breaking `fault`, with the shared facesim's control API and a few cases of each
/// property.
async fn run_api_through(
    fault: Fault,
    tags: &str,
    options: impl FnOnce(&str) -> Options,
) -> RunReport {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let root = shared_facesim();
    let broken = proxy(root, fault).await;
    let mut options = options(&broken.base);
    options.control = Some(format!("{root}/_facesim"));
    options.tags = Some(tags.into());
    options.cases = 4;
    options.patience = Duration::from_secs(5);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_face_authentication_without_status_is_named_with_its_schema() {
    let report = run_checkout_through(
        Fault::DropFaceAuthenticationStatus,
        "@face-authentications or @property",
    )
    .await;
    let message = failed_case(
        &report,
        "A new face authentication is created for an applicant",
    );
    assert!(
        message.contains("POST /face-authentications answered 201 with a body that breaks schema face-authentication"),
        "{message}"
    );
    assert!(
        message.contains("\"status\" is a required property"),
        "{message}"
    );
    assert!(message.contains("curl"), "a reproduction: {message}");
    let property = failed_case(
        &report,
        "every answer to a generated face authentication request is documented",
    );
    assert!(
        property.contains("\"status\" is a required property"),
        "{property}"
    );
    assert!(property.contains("curl "), "{property}");
    assert!(property.contains("FACESIM_PROPERTY_SEED="), "{property}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_accepted_against_the_409_rule_is_caught() {
    let report = run_checkout_through(Fault::AcceptConflictingAttempt, "@conflicts").await;
    let message = failed_case(
        &report,
        "A new attempt is refused once the face authentication is approved",
    );
    assert!(
        message.contains("expected status 409, got 201"),
        "{message}"
    );
    assert!(
        message.contains("POST /face-authentications/fav_"),
        "{message}"
    );
    assert!(message.contains("/attempts → 201"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_checkout_key_that_is_accepted_is_caught() {
    let report = run_checkout_through(Fault::AcceptAnyKey, "@auth").await;
    let message = failed_case(&report, "A request with an unknown key is unauthorized");
    assert!(
        message.contains("expected status 401, got 201"),
        "{message}"
    );
    assert!(message.contains("POST /applicants → 201"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_on_the_last_page_is_caught() {
    let report = run_checkout_through(Fault::NextLinkOnLastPage, "@pagination or @property").await;
    let message = failed_case(
        &report,
        "The attempts are listed newest first on one page by default",
    );
    assert!(message.contains("the page has a next link"), "{message}");
    assert!(
        message.contains("GET /face-authentications/fav_"),
        "{message}"
    );
    let property = failed_case(
        &report,
        "pages of attempts partition the attempts newest first",
    );
    assert!(property.contains("the next link asks for"), "{property}");
    assert!(property.contains("curl "), "{property}");
    assert!(property.contains("FACESIM_PROPERTY_SEED="), "{property}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_score_written_as_a_float_is_caught() {
    let report = run_trustmatic_through(Fault::ScoreAsFloat, "@verify or @property").await;
    let message = failed_case(
        &report,
        "A selfie of the same person passes against the reference",
    );
    assert!(message.contains("POST /api/v1/face/verify"), "{message}");
    assert!(message.contains("integer"), "{message}");
    assert!(message.contains("curl"), "a reproduction: {message}");
    let property = failed_case(
        &report,
        "the verification score reaches 27 exactly when the forced similarity reaches 0.70",
    );
    assert!(property.contains("not written as an integer"), "{property}");
    assert!(property.contains("FACESIM_PROPERTY_SEED="), "{property}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_liveness_answer_without_has_error_is_caught() {
    let report = run_trustmatic_through(Fault::DropField("hasError"), "@face-liveness").await;
    let message = failed_case(&report, "A live face passes");
    assert!(message.contains("POST /api/v1/face/liveness"), "{message}");
    assert!(message.contains("hasError"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_id_that_is_not_repeated_is_caught() {
    let report = run_trustmatic_through(
        Fault::DropField("sessionId"),
        "@document-liveness or @property",
    )
    .await;
    let message = failed_case(&report, "A genuine front side passes");
    assert!(
        message.contains("POST /api/v1/document/liveness"),
        "{message}"
    );
    assert!(message.contains("sessionId"), "{message}");
    let property = failed_case(&report, "any session id is repeated exactly");
    assert!(property.contains("sessionId"), "{property}");
    assert!(property.contains("curl "), "{property}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_that_goes_back_is_caught() {
    let report = run_control_through(Fault::AcceptClockSetBack, "@clock").await;
    let message = failed_case(
        &report,
        "Setting the clock back is a conflict and leaves it where it was",
    );
    assert!(
        message.contains("the control API's refusal: expected status 409, got 200"),
        "{message}"
    );
    assert!(message.contains("POST /clock/set → 200"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_without_its_offset_is_named_with_its_schema() {
    let report = run_control_through(Fault::DropField("offset_seconds"), "@clock").await;
    let message = failed_case(
        &report,
        "Reading the clock shows the virtual time and its offset",
    );
    assert!(
        message.contains("GET /clock answered 200 with a body that breaks schema clock"),
        "{message}"
    );
    assert!(
        message.contains("\"offset_seconds\" is a required property"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journal_filters_that_are_ignored_are_caught() {
    let report = run_control_through(Fault::JournalIgnoresFilters, "@journal").await;
    let limit = failed_case(&report, "The limit caps the entries listed");
    assert!(limit.contains("expected 2"), "{limit}");
    let property = failed_case(&report, "the journal honours its limit and filters");
    assert!(
        property.contains("with a limit of") || property.contains("does not match the"),
        "{property}"
    );
    assert!(property.contains("minimal input: Query"), "{property}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_header_that_is_ignored_is_caught() {
    let report = run_control_through(Fault::DropNamespaceHeader, "@namespaces").await;
    let state = failed_case(
        &report,
        "Vendor state created in a namespace is seen there only",
    );
    assert!(state.contains("has no Facesim-Namespace header"), "{state}");
    let refused = failed_case(
        &report,
        "A namespace name that breaks the rule (has space) is refused by the control API",
    );
    assert!(
        refused.contains("expected status 400, got 200"),
        "{refused}"
    );
    let property = failed_case(
        &report,
        "namespace names are accepted exactly by the documented rule and keep clocks apart",
    );
    assert!(property.contains("minimal input:"), "{property}");
}
