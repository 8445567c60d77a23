//! A cucumber writer that keeps, for every scenario, when it started and finished, the first
//! failing step with its message, and the first skipped step.

use cucumber::event::{self, HookType, Retries};
use cucumber::gherkin;
use cucumber::{cli, parser, Event, World, Writer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Identifies a scenario: its feature's path and its line (outline rows have their own).
pub type ScenarioKey = (String, usize);

/// What happened to one scenario.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    started: Option<SystemTime>,
    finished: Option<SystemTime>,
    /// The first failure: the step (or hook) and its message.
    pub failure: Option<String>,
    /// The first step cucumber skipped because no available definition matched it.
    pub skipped: Option<gherkin::Step>,
}

impl Progress {
    /// Whether the scenario finished.
    pub fn finished(&self) -> bool {
        self.finished.is_some()
    }

    /// From its start to its end.
    pub fn duration(&self) -> Duration {
        match (self.started, self.finished) {
            (Some(start), Some(end)) => end.duration_since(start).unwrap_or_default(),
            _ => Duration::ZERO,
        }
    }
}

/// The progress of every scenario seen, shared with whoever reads it after the run.
pub type Collected = Arc<Mutex<HashMap<ScenarioKey, Progress>>>;

/// The writer.
#[derive(Debug, Default)]
pub struct Collector {
    collected: Collected,
}

impl Collector {
    /// A collector filling `collected`.
    pub fn new(collected: Collected) -> Self {
        Collector { collected }
    }
}

/// The key of a scenario of `feature`.
pub fn key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioKey {
    let path = feature
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| feature.name.clone());
    (path, scenario.position.line)
}

impl<W: World> Writer<W> for Collector {
    type Cli = cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<event::Cucumber<W>>>,
        _: &cli::Empty,
    ) {
        let Ok(event) = event else { return };
        let at = event.at;
        let (feature, scenario, happened) = match event.value {
            event::Cucumber::Feature(feature, event::Feature::Scenario(scenario, ev)) => {
                (feature, scenario, ev)
            }
            event::Cucumber::Feature(
                feature,
                event::Feature::Rule(_, event::Rule::Scenario(scenario, ev)),
            ) => (feature, scenario, ev),
            _ => return,
        };
        if happened.retries.is_some_and(|r: Retries| r.current > 0) {
            return;
        }
        let location = |step: &gherkin::Step| {
            format!(
                "{}:{}",
                feature
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                step.position.line
            )
        };
        let mut collected = self.collected.lock().expect("collector lock");
        let progress = collected.entry(key(&feature, &scenario)).or_default();
        let undecided = progress.failure.is_none();
        let unskipped = undecided && progress.skipped.is_none();
        match happened.event {
            event::Scenario::Started => progress.started = Some(at),
            event::Scenario::Finished => progress.finished = Some(at),
            event::Scenario::Step(step, event::Step::Skipped)
            | event::Scenario::Background(step, event::Step::Skipped)
                if unskipped =>
            {
                progress.skipped = Some(gherkin::Step::clone(&step));
            }
            event::Scenario::Step(step, event::Step::Failed(_, _, _, error))
            | event::Scenario::Background(step, event::Step::Failed(_, _, _, error))
                if undecided =>
            {
                progress.failure = Some(format!(
                    "Step \"{}{}\" ({}) failed: {}",
                    step.keyword,
                    step.value,
                    location(&step),
                    step_error(&error)
                ));
            }
            event::Scenario::Hook(which, event::Hook::Failed(_, info)) if undecided => {
                let which = match which {
                    HookType::Before => "before",
                    HookType::After => "after",
                };
                progress.failure = Some(format!("The {which} hook failed: {}", panic_text(&info)));
            }
            _ => {}
        }
    }
}

/// The message of a failed step.
fn step_error(error: &event::StepError) -> String {
    match error {
        event::StepError::Panic(info) => panic_text(info),
        other => other.to_string(),
    }
}

/// The text of a panic payload.
pub fn panic_text(info: &event::Info) -> String {
    if let Some(text) = info.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = info.downcast_ref::<&str>() {
        text.to_string()
    } else {
        "(a panic without a message)".to_string()
    }
}
