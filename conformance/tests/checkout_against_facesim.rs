//! The Checkout suite against facesim started in-process on a real socket (one facesim for
//! the whole file): with a control API and both extra keys everything passes; without them
//! the scenarios that need them are reported as skipped, with the option they need.

#[allow(dead_code)] // this file uses only the shared facesim and the keys
mod self_support;

use facesim_conformance::checkout::API;
use facesim_conformance::feature_files;
use facesim_conformance::outcome::{Kind, Status};
use facesim_conformance::report::Verdict;
use facesim_conformance::{run, Options};
use self_support::{
    not_passed, shared_facesim, CHECKOUT_KEY, CHECKOUT_VIDEOS_KEY, ONE_RUN_AT_A_TIME,
};

fn options() -> Options {
    let root = shared_facesim();
    Options::new(API, &format!("{root}/checkout"), CHECKOUT_KEY)
}

/// How many embedded scenarios carry one of `tags`.
fn scenarios_tagged(tags: &[&str]) -> usize {
    let features = feature_files::parse(&feature_files::embedded(API).unwrap()).unwrap();
    features
        .iter()
        .flat_map(|f| feature_files::scenarios(f))
        .filter(|(_, own)| own.iter().any(|t| tags.contains(t)))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_control_api_and_both_keys_everything_passes() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let mut options = options();
    options.control = Some(format!("{}/_facesim", shared_facesim()));
    options.second_key = Some(CHECKOUT_VIDEOS_KEY.into());
    options.videos_key = Some(CHECKOUT_VIDEOS_KEY.into());
    options.cases = 6;
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    assert!(not_passed(&report).is_empty(), "{summary}");
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
    let scenarios = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Scenario)
        .count();
    let features = feature_files::parse(&feature_files::embedded(API).unwrap()).unwrap();
    let embedded: usize = features
        .iter()
        .map(|f| feature_files::scenarios(f).len())
        .sum();
    assert_eq!(scenarios, embedded);
    assert!(scenarios > 150, "{scenarios} scenarios");
    let properties: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Property)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(properties.len(), 6, "{properties:?}");
    assert!(
        summary.contains(
            "Webhooks                                        9 passed, 0 failed, 0 skipped"
        ),
        "{summary}"
    );
    assert!(report
        .junit()
        .contains("<testsuite name=\"Scenarios: Face authentication attempts\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_control_api_or_extra_keys_their_scenarios_are_skipped_and_reported() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let needs = ["control", "second-key", "videos-key"];
    let mut options = options();
    options.tags = Some("@control or @second-key or @videos-key or @applicants".into());
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();
    let skipped_for = |option: &str| {
        report
            .results
            .iter()
            .filter(|r| matches!(&r.status, Status::Skipped { reason } if reason.contains(option)))
            .count()
    };
    let totals = report.totals();
    assert_eq!(totals.failed, 0, "{summary}");
    assert_eq!(totals.skipped, scenarios_tagged(&needs), "{summary}");
    assert_eq!(
        skipped_for("--control"),
        scenarios_tagged(&["control"]),
        "{summary}"
    );
    assert_eq!(
        skipped_for("--second-key"),
        scenarios_tagged(&["second-key"]),
        "{summary}"
    );
    assert_eq!(
        skipped_for("--videos-key"),
        scenarios_tagged(&["videos-key"]),
        "{summary}"
    );
    assert!(
        totals.passed >= 20,
        "the applicants scenarios without a second key pass: {summary}"
    );
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
    assert!(
        summary.contains("needs a control API to drive captures and webhooks (--control): step \"Given the suite receives the webhooks\""),
        "{summary}"
    );
}
