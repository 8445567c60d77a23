//! Runs the Gherkin features of an API with cucumber and turns what happened into
//! [`CaseResult`]s, with the Cucumber JSON report on the side.
//!
//! Scenarios run concurrently; those tagged `@serial` (the ones that move the target's clock)
//! run alone: every scenario holds a shared lock for its whole run and a `@serial` one holds it
//! exclusively.

mod collector;
#[cfg(test)]
pub mod feature_checks;
pub mod rules;
pub mod sending;
pub mod steps;

use crate::feature_files;
use crate::fixtures::Fixtures;
use crate::outcome::{CaseResult, Kind, Status};
use crate::tags::TagFilter;
use crate::target::Target;
use crate::webhooks::Subscription;
use collector::{Collected, Collector};
use cucumber::gherkin;
use cucumber::{cli, parser, writer, Cucumber, WriterExt as _};
use futures::FutureExt as _;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use steps::{Available, Steps};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

/// What every scenario of a run shares.
pub struct Context {
    /// The API under test.
    pub target: Target,
    /// A key without special permissions, when given.
    pub limited_key: Option<String>,
    /// A key of a second account, when given.
    pub second_key: Option<String>,
    /// A key of an account with videos enabled, when given.
    pub videos_key: Option<String>,
    /// The webhook receiver of the run, started and registered by the first scenario that
    /// needs one.
    pub webhooks: tokio::sync::OnceCell<Arc<Subscription>>,
    /// The pictures and videos to upload.
    pub fixtures: Fixtures,
    /// How long to wait for asynchronous processing before failing.
    pub patience: Duration,
    /// How often to look again while waiting.
    pub poll_interval: Duration,
    run_id: String,
    counter: AtomicU64,
}

impl Context {
    /// A context; `patience` bounds every wait for processing.
    pub fn new(
        target: Target,
        limited_key: Option<String>,
        fixtures: Fixtures,
        patience: Duration,
    ) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let run_id =
            radix36(u64::try_from(now.as_millis()).unwrap_or(0) ^ u64::from(std::process::id()));
        Context {
            target,
            limited_key,
            second_key: None,
            videos_key: None,
            webhooks: tokio::sync::OnceCell::new(),
            fixtures,
            patience,
            poll_interval: Duration::from_millis(150),
            run_id,
            counter: AtomicU64::new(0),
        }
    }

    /// A name no other scenario of any run uses (`conf-<run>-<n>`), for account ids.
    pub fn unique(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("conf-{}-{n}", self.run_id)
    }

    /// The secrets to keep out of reports, with the shell variable standing for each.
    pub fn secrets(&self) -> Vec<(&str, &str)> {
        let mut secrets = vec![(self.target.key.as_str(), "API_KEY")];
        // An empty key (the control API has none) stands for nothing to hide.
        secrets.retain(|(key, _)| !key.is_empty());
        secrets.extend(self.limited_key.as_deref().map(|k| (k, "LIMITED_API_KEY")));
        secrets.extend(self.second_key.as_deref().map(|k| (k, "SECOND_API_KEY")));
        secrets.extend(self.videos_key.as_deref().map(|k| (k, "VIDEOS_API_KEY")));
        secrets
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("target", &self.target.base)
            .field("control", &self.target.control.as_ref().map(|c| &c.base))
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

fn radix36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// A scenario's hold on the target: shared, or alone for `@serial` scenarios. Dropping it
/// lets the others run.
#[derive(Debug)]
pub struct Exclusivity {
    _shared: Option<OwnedRwLockReadGuard<()>>,
    _alone: Option<OwnedRwLockWriteGuard<()>>,
}

/// Makes `$world` (a `Default` struct with `context: Option<Arc<Context>>` and
/// `exclusivity: Option<Exclusivity>` fields) a cucumber world the scenario runner can use,
/// with the helpers every step module uses: `context`, `fail`, `json`, `expect_status`.
#[macro_export]
macro_rules! suite_world {
    ($world:ty) => {
        impl cucumber::World for $world {
            type Error = std::convert::Infallible;

            async fn new() -> Result<Self, Self::Error> {
                Ok(<$world>::default())
            }
        }

        impl $world {
            /// The run's context.
            pub fn context(&self) -> std::sync::Arc<$crate::scenarios::Context> {
                self.context
                    .clone()
                    .expect("the before hook attaches the context")
            }

            /// Fails the step: `message`, then the exchange and a curl command replaying it.
            pub fn fail(
                &self,
                exchange: Option<&$crate::target::Exchange>,
                message: impl std::fmt::Display,
            ) -> ! {
                $crate::scenarios::sending::fail(&self.context(), exchange, message)
            }

            /// The JSON body of `exchange`; fails the step when it is not JSON.
            pub fn json(&self, exchange: &$crate::target::Exchange) -> serde_json::Value {
                $crate::scenarios::sending::json(&self.context(), exchange)
            }

            /// Fails the step unless `exchange` answered `status`; `what` names the request.
            pub fn expect_status(
                &self,
                exchange: &$crate::target::Exchange,
                status: u16,
                what: &str,
            ) {
                $crate::scenarios::sending::expect_status(&self.context(), exchange, status, what)
            }
        }

        impl $crate::scenarios::SuiteWorld for $world {
            fn attach(&mut self, context: std::sync::Arc<$crate::scenarios::Context>) {
                self.context = Some(context);
            }

            fn exclusivity(&mut self) -> &mut Option<$crate::scenarios::Exclusivity> {
                &mut self.exclusivity
            }
        }
    };
}

/// What the scenario runner needs from an API's world.
pub trait SuiteWorld: cucumber::World + fmt::Debug {
    /// Hands a new world the run's context.
    fn attach(&mut self, context: Arc<Context>);
    /// Where the world keeps its hold on the target until the scenario ends.
    fn exclusivity(&mut self) -> &mut Option<Exclusivity>;
}

/// The scenarios of a run.
#[derive(Debug)]
pub struct ScenarioRun {
    /// One result per selected scenario, in feature-file order.
    pub results: Vec<CaseResult>,
    /// The Cucumber JSON report of the selected scenarios.
    pub cucumber_json: String,
    /// How many scenarios `--tags` left out.
    pub filtered_out: usize,
}

/// Runs the scenarios of `features` that `filter` selects, at most `concurrency` at once.
pub async fn run<W: SuiteWorld>(
    features: Vec<gherkin::Feature>,
    steps: &Steps<W>,
    context: Arc<Context>,
    available: Available,
    filter: &TagFilter,
    concurrency: usize,
) -> ScenarioRun {
    let (selected, filtered_out) = select(features, filter);
    let lock = Arc::new(RwLock::new(()));
    let runner = cucumber::runner::Basic::default()
        .max_concurrent_scenarios(concurrency.max(1))
        .steps(steps.collection(available))
        .before(move |feature, rule, scenario, world: &mut W| {
            let alone = scenario
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(&feature.tags)
                .any(|tag| tag == "serial");
            let (context, lock) = (context.clone(), lock.clone());
            async move {
                world.attach(context);
                let hold = if alone {
                    Exclusivity {
                        _shared: None,
                        _alone: Some(lock.write_owned().await),
                    }
                } else {
                    Exclusivity {
                        _shared: Some(lock.read_owned().await),
                        _alone: None,
                    }
                };
                *world.exclusivity() = Some(hold);
            }
            .boxed_local()
        })
        .after(|_, _, _, _, world: Option<&mut W>| {
            if let Some(world) = world {
                world.exclusivity().take();
            }
            async {}.boxed_local()
        });
    let json = SharedBuffer::default();
    let collected = Collected::default();
    let writer = writer::Json::raw(json.clone())
        .tee::<W, _>(Collector::new(collected.clone()))
        .normalized::<W>();
    Cucumber::<_, _, (), _, _, cli::Empty>::custom(Preparsed(selected.clone()), runner, writer)
        .with_cli(cli::Opts::<_, _, _, cli::Empty>::default())
        .run(())
        .await;

    let collected = collected.lock().expect("collector lock").clone();
    let mut results = Vec::new();
    for feature in &selected {
        for (scenario, _) in feature_files::scenarios(feature) {
            let progress = collected.get(&collector::key(feature, scenario));
            let (status, duration) = match progress {
                Some(progress) if progress.finished() => (
                    status_of(
                        progress,
                        steps,
                        available,
                        &collector::key(feature, scenario).0,
                    ),
                    progress.duration(),
                ),
                _ => (
                    Status::Failed {
                        message: "the scenario did not run to its end".into(),
                    },
                    Duration::ZERO,
                ),
            };
            results.push(CaseResult {
                kind: Kind::Scenario,
                group: feature.name.clone(),
                name: scenario.name.clone(),
                status,
                duration,
            });
        }
    }
    ScenarioRun {
        results,
        cucumber_json: json.text(),
        filtered_out,
    }
}

/// The features with only the scenarios `filter` selects (features left empty are dropped),
/// and how many scenarios were left out.
fn select(features: Vec<gherkin::Feature>, filter: &TagFilter) -> (Vec<gherkin::Feature>, usize) {
    let mut left_out = 0;
    let mut kept = Vec::new();
    for mut feature in features {
        let feature_tags = feature.tags.clone();
        let mut keep = |scenario: &gherkin::Scenario, rule_tags: &[String]| {
            let tags: Vec<&str> = feature_tags
                .iter()
                .chain(rule_tags)
                .chain(&scenario.tags)
                .map(String::as_str)
                .collect();
            let selected = filter.selects(&tags);
            if !selected {
                left_out += 1;
            }
            selected
        };
        feature.scenarios.retain(|s| keep(s, &[]));
        for rule in &mut feature.rules {
            let rule_tags = rule.tags.clone();
            rule.scenarios.retain(|s| keep(s, &rule_tags));
        }
        feature.rules.retain(|r| !r.scenarios.is_empty());
        if !feature.scenarios.is_empty() || !feature.rules.is_empty() {
            kept.push(feature);
        }
    }
    (kept, left_out)
}

/// The status of a finished scenario.
fn status_of<W>(
    progress: &collector::Progress,
    steps: &Steps<W>,
    available: Available,
    path: &str,
) -> Status {
    if let Some(message) = &progress.failure {
        return Status::Failed {
            message: message.clone(),
        };
    }
    match &progress.skipped {
        None => Status::Passed,
        Some(step) => {
            let line = step.position.line;
            match steps.skip_reason(step, available) {
                Ok(reason) => Status::Skipped {
                    reason: format!(
                        "{reason}: step \"{}{}\" ({path}:{line})",
                        step.keyword, step.value
                    ),
                },
                Err(message) => Status::Failed {
                    message: format!("{message} ({path}:{line})"),
                },
            }
        }
    }
}

/// Features parsed beforehand, handed to cucumber as they are.
struct Preparsed(Vec<gherkin::Feature>);

impl cucumber::Parser<()> for Preparsed {
    type Cli = cli::Empty;
    type Output = futures::stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, _: (), _: cli::Empty) -> Self::Output {
        futures::stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

/// An in-memory output for the Cucumber JSON writer.
#[derive(Clone, Debug, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("buffer lock")).into_owned()
    }
}

impl io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("buffer lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Vec<gherkin::Feature> {
        feature_files::parse(&[feature_files::FeatureFile {
            path: "f.feature".into(),
            text: text.into(),
        }])
        .unwrap()
    }

    #[test]
    fn selection_counts_what_it_leaves_out() {
        let text = "Feature: F\n  @a\n  Scenario: one\n    Given x\n  Scenario: two\n    Given x\n";
        let (kept, left_out) = select(features(text), &TagFilter::parse(Some("@a")).unwrap());
        assert_eq!(left_out, 1);
        assert_eq!(kept[0].scenarios.len(), 1);
        assert_eq!(kept[0].scenarios[0].name, "one");
        let (kept, left_out) = select(features(text), &TagFilter::parse(Some("@b")).unwrap());
        assert_eq!((kept.len(), left_out), (0, 2));
    }

    #[test]
    fn unique_names_differ_and_are_valid_account_ids() {
        let target = Target::new(
            "http://127.0.0.1:1/truora/validations",
            "k",
            "Truora-API-Key",
            facesim_schemas::contract("truora-validations").unwrap(),
            None,
        );
        let context = Context::new(target, None, Fixtures::embedded(), Duration::from_secs(1));
        let (a, b) = (context.unique(), context.unique());
        assert_ne!(a, b);
        assert!(
            a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'),
            "{a}"
        );
        assert_eq!(radix36(0), "0");
        assert_eq!(radix36(36 * 36 + 35), "10z");
    }
}
