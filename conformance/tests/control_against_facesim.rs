//! The suite of facesim's own control API against facesim started in-process on a real
//! socket: every scenario and property passes, none is skipped, and every feature of
//! `features/facesim/control/` is reported.

#[allow(dead_code)] // this file uses only the shared facesim
mod self_support;

use facesim_conformance::facesim_control::API;
use facesim_conformance::feature_files;
use facesim_conformance::outcome::Kind;
use facesim_conformance::report::Verdict;
use facesim_conformance::{run, Options};
use self_support::{not_passed, shared_facesim, ONE_RUN_AT_A_TIME};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_and_property_of_the_control_api_passes() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = Options::new(API, &format!("{}/_facesim", shared_facesim()), "");
    options.cases = 6;
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    assert!(
        not_passed(&report).is_empty(),
        "{:#?}\n{summary}",
        not_passed(&report)
    );
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
    let features = feature_files::parse(&feature_files::embedded(API).unwrap()).unwrap();
    let embedded: usize = features
        .iter()
        .map(|f| feature_files::scenarios(f).len())
        .sum();
    let scenarios = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Scenario)
        .count();
    assert_eq!(scenarios, embedded, "{summary}");
    assert!(scenarios > 60, "{scenarios} scenarios");
    let properties = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Property)
        .count();
    assert_eq!(properties, 4, "{summary}");
    assert!(
        summary.contains("control API: the target itself"),
        "{summary}"
    );
    assert!(report
        .junit()
        .contains("<testsuite name=\"Scenarios: The request journal\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_with_a_trailing_slash_works() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = Options::new(API, &format!("{}/_facesim", shared_facesim()), "");
    options.target = format!("{}/_facesim/", shared_facesim());
    options.tags = Some("@state and not @serial".into());
    options.cases = 1;
    let report = run(options).await.expect("the suite starts");
    assert_eq!(report.verdict(), Verdict::Passed, "{}", report.summary());
}
