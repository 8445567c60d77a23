//! The Trustmatic suite against facesim started in-process on a real socket (one facesim for
//! the whole file): with a control API every scenario and property passes and nothing is
//! skipped; without one the scenarios forcing outcomes are reported as skipped, with the option
//! they need.

#[allow(dead_code)] // this file uses only the shared facesim and the credentials
mod self_support;

use facesim_conformance::feature_files;
use facesim_conformance::outcome::{Kind, Status};
use facesim_conformance::report::Verdict;
use facesim_conformance::trustmatic::API;
use facesim_conformance::{run, Options};
use self_support::{not_passed, shared_facesim, ONE_RUN_AT_A_TIME, TRUSTMATIC_CREDENTIALS};

fn options() -> Options {
    let root = shared_facesim();
    Options::new(API, &format!("{root}/trustmatic"), TRUSTMATIC_CREDENTIALS)
}

/// How many embedded scenarios carry `tag`, and how many there are in all.
fn scenarios_tagged(tag: &str) -> (usize, usize) {
    let features = feature_files::parse(&feature_files::embedded(API).unwrap()).unwrap();
    let all: Vec<Vec<&str>> = features
        .iter()
        .flat_map(|f| feature_files::scenarios(f))
        .map(|(_, tags)| tags)
        .collect();
    let tagged = all.iter().filter(|tags| tags.contains(&tag)).count();
    (tagged, all.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_control_api_everything_passes() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = options();
    options.control = Some(format!("{}/_facesim", shared_facesim()));
    options.cases = 6;
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    assert!(
        not_passed(&report).is_empty(),
        "{:#?}\n{summary}",
        not_passed(&report)
    );
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
    assert_eq!(report.filtered_out, 0, "{summary}");
    let scenarios = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Scenario)
        .count();
    let (_, embedded) = scenarios_tagged("control");
    assert_eq!(scenarios, embedded, "{summary}");
    assert!(scenarios > 150, "{scenarios} scenarios");
    let properties = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Property)
        .count();
    assert_eq!(properties, 6, "{summary}");
    assert!(report
        .junit()
        .contains("<testsuite name=\"Scenarios: Outcomes forced through the control API\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_control_api_the_forced_outcomes_are_skipped_and_reported() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = options();
    options.tags = Some("@control or @auth".into());
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    let totals = report.totals();
    let (control, _) = scenarios_tagged("control");
    let (auth, _) = scenarios_tagged("auth");
    assert_eq!(totals.failed, 0, "{summary}");
    assert_eq!(totals.skipped, control, "{summary}");
    assert_eq!(totals.passed, auth, "{summary}");
    let skipped_for_control = report
        .results
        .iter()
        .filter(|r| {
            matches!(&r.status, Status::Skipped { reason }
                if reason.starts_with("needs a control API to force outcomes (--control)"))
        })
        .count();
    assert_eq!(skipped_for_control, control, "{summary}");
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_run_leaves_out_what_only_facesim_does() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = options();
    options.tags = Some("not @control and not @marker and not @decision and not @same-host".into());
    options.cases = 2;
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    assert!(not_passed(&report).is_empty(), "{summary}");
    let properties: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Property)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(properties.len(), 4, "{properties:?}");
    assert!(report.results.len() > 40, "{summary}");
}
