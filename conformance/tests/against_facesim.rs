//! The whole suite against facesim started in-process on a real socket: with a control API and
//! both keys everything passes; without them the scenarios that need them are reported as
//! skipped, never passed and never dropped.

use facesim::config::Config;
use facesim::media::DeterministicMatcher;
use facesim::state::App;
use facesim_conformance::outcome::{Kind, Status};
use facesim_conformance::report::Verdict;
use facesim_conformance::{run, Options, RunReport};
use serde_json::Value;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex};

/// Runs share the process-wide panic hook cucumber swaps while it runs: one at a time.
static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A facesim on a free port; dropping it stops the server.
struct Facesim {
    root: String,
    _stop: oneshot::Sender<()>,
}

impl Facesim {
    async fn start() -> Facesim {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let root = facesim::server::public_url(None, listener.local_addr().expect("address"));
        let config = Config::load(None).expect("the embedded configuration");
        let app = Arc::new(App::new(
            config,
            root.clone(),
            Arc::new(DeterministicMatcher),
        ));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(facesim::server::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        Facesim { root, _stop: stop }
    }

    fn options(&self) -> Options {
        Options::new(
            "truora-validations",
            &format!("{}/truora/validations", self.root),
            "truora-sim-key",
        )
    }
}

fn statuses(report: &RunReport, pick: fn(&Status) -> bool) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| pick(&r.status))
        .map(|r| format!("[{}] {}", r.group, r.name))
        .collect()
}

/// The `(keyword, status)` of every step of every scenario in a Cucumber JSON report.
fn cucumber_steps(json: &str) -> Vec<(String, String)> {
    let features: Value = serde_json::from_str(json).expect("Cucumber JSON");
    let mut steps = Vec::new();
    for feature in features.as_array().expect("an array of features") {
        for element in feature["elements"].as_array().into_iter().flatten() {
            for step in element["steps"].as_array().into_iter().flatten() {
                steps.push((
                    step["name"].as_str().unwrap_or_default().to_string(),
                    step["result"]["status"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                ));
            }
        }
    }
    steps
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_control_and_both_keys_everything_passes() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let facesim = Facesim::start().await;
    let mut options = facesim.options();
    options.control = Some(format!("{}/_facesim", facesim.root));
    options.limited_key = Some("truora-sim-key-limited".into());
    options.cases = 4;
    let report = run(options).await.expect("the suite starts");

    let summary = report.summary();
    let not_passed = statuses(&report, |s| !matches!(s, Status::Passed));
    assert!(not_passed.is_empty(), "{summary}");
    assert_eq!(report.verdict(), Verdict::Passed, "{summary}");
    let scenarios = report
        .results
        .iter()
        .filter(|r| r.kind == Kind::Scenario)
        .count();
    assert!(scenarios > 100, "{scenarios} scenarios");
    assert!(
        report.results.iter().any(|r| r.kind == Kind::Property),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "Total: {} passed, 0 failed, 0 skipped",
            report.results.len()
        )),
        "{summary}"
    );
    assert!(summary.trim_end().ends_with("PASSED"), "{summary}");

    let junit = report.junit();
    assert!(
        junit.contains(&format!(
            "tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"0\"",
            report.results.len()
        )),
        "{junit}"
    );
    assert!(
        junit.contains("<testsuite name=\"Scenarios: Face enrollments\""),
        "{junit}"
    );
    assert!(report.markdown().contains("| Verdict | **passed** |"));
    let steps = cucumber_steps(&report.cucumber_json);
    assert!(steps.len() > 500, "{} steps", steps.len());
    assert!(
        steps.iter().all(|(_, status)| status == "passed"),
        "{steps:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_control_api_or_a_second_key_their_scenarios_are_skipped_and_reported() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let facesim = Facesim::start().await;
    let mut options = facesim.options();
    options.tags = Some("not @property".into());
    let report = run(options).await.expect("the suite starts");
    let summary = report.summary();

    let needs_control = statuses(
        &report,
        |s| matches!(s, Status::Skipped { reason } if reason.contains("--control")),
    );
    let needs_key = statuses(
        &report,
        |s| matches!(s, Status::Skipped { reason } if reason.contains("--limited-key")),
    );
    let totals = report.totals();
    assert_eq!((needs_control.len(), needs_key.len()), (12, 4), "{summary}");
    assert_eq!(totals.skipped, 16, "{summary}");
    assert_eq!(totals.failed, 0, "{summary}");
    assert!(totals.passed > 100, "{summary}");
    assert_eq!(
        report.verdict(),
        Verdict::Passed,
        "skips do not fail a run that checked something"
    );
    assert!(
        summary.contains(&format!(
            "Total: {} passed, 0 failed, 16 skipped",
            totals.passed
        )),
        "{summary}"
    );
    assert!(
        summary.contains("  Validation expiry               3 passed, 0 failed, 3 skipped\n"),
        "{summary}"
    );
    assert!(
        summary.contains("needs a control API to move the clock (--control): step \"Given the service's clock can be moved\""),
        "{summary}"
    );
    assert!(
        summary.contains("needs a control API to force outcomes (--control): step \"Given the control API forces the account's next validation to end with \"system_error\"\""),
        "{summary}"
    );
    assert!(
        report.filtered_out > 0,
        "the properties are left out by --tags"
    );
    assert!(
        report.results.iter().all(|r| r.kind == Kind::Scenario),
        "{summary}"
    );

    let junit = report.junit();
    assert_eq!(
        junit.matches("<skipped message=\"needs a").count(),
        16,
        "{junit}"
    );
    assert!(
        junit.contains("failures=\"0\" errors=\"0\" skipped=\"16\""),
        "{junit}"
    );
    assert!(report.markdown().contains("## Skipped"));
    let steps = cucumber_steps(&report.cucumber_json);
    let skipped_steps = steps
        .iter()
        .filter(|(_, status)| status == "skipped")
        .count();
    assert_eq!(
        skipped_steps, 16,
        "one skipped step per skipped scenario: {steps:?}"
    );
    assert!(
        steps
            .iter()
            .all(|(_, status)| status == "passed" || status == "skipped"),
        "{steps:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_where_everything_is_skipped_fails() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let facesim = Facesim::start().await;
    let mut options = facesim.options();
    options.tags = Some("@limited-key".into());
    let report = run(options).await.expect("the suite starts");
    let totals = report.totals();
    assert!(
        totals.skipped >= 4 && totals.executed() == 0,
        "{}",
        report.summary()
    );
    match report.verdict() {
        Verdict::NothingExecuted(message) => {
            assert!(message.contains("nothing was executed"), "{message}")
        }
        other => panic!("{other:?}: {}", report.summary()),
    }
    assert!(report
        .summary()
        .contains("needs an API key without special permissions (--limited-key)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deviations_turn_passes_into_unexpected_passes_and_unknown_names_into_errors() {
    let _one = ONE_RUN_AT_A_TIME.lock().await;
    let facesim = Facesim::start().await;
    let dir = std::env::temp_dir().join(format!("conformance-deviations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deviations.toml");

    std::fs::write(
        &file,
        "[[deviation]]\nscenario = \"A processing fault fails the enrollment with a system error\"\nreason = \"no faults\"\n",
    )
    .unwrap();
    let mut options = facesim.options();
    options.tags = Some("@simulated-fault".into());
    options.deviations = Some(file.clone());
    let report = run(options.clone()).await.expect("the suite starts");
    let unexpected = statuses(&report, |s| matches!(s, Status::UnexpectedPass { .. }));
    assert_eq!(unexpected.len(), 1, "{}", report.summary());
    assert!(report
        .summary()
        .contains("Unexpected passes (stale deviation entries)"));

    std::fs::write(
        &file,
        "[[deviation]]\nscenario = \"No such scenario\"\nreason = \"r\"\n",
    )
    .unwrap();
    let error = run(options).await.unwrap_err();
    assert!(error.contains("\"No such scenario\""), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
