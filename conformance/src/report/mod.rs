//! What a run found, and its renderings: a text summary for the terminal, Markdown a vendor can
//! publish, JUnit XML for CI, and the Cucumber JSON of the scenarios.

mod junit;
mod markdown;
mod text;

use crate::outcome::{CaseResult, Kind, Status};
use std::time::{Duration, SystemTime};

/// Everything a run found.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The API checked (`truora-validations`).
    pub api: String,
    /// The base URL checked.
    pub target: String,
    /// The control API, when one was given.
    pub control: Option<String>,
    /// The facesim namespace the run was sent in, when one was given.
    pub namespace: Option<String>,
    /// The `--tags` expression, when one was given.
    pub tags: Option<String>,
    /// When the run started.
    pub started: SystemTime,
    /// How long it took.
    pub duration: Duration,
    /// Every selected scenario, then every selected property, with deviations applied.
    pub results: Vec<CaseResult>,
    /// How many scenarios and properties `--tags` left out.
    pub filtered_out: usize,
    /// The Cucumber JSON report of the scenarios.
    pub cucumber_json: String,
}

/// Counts of each way a case can end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Not run.
    pub skipped: usize,
    /// Failed as a deviation entry says.
    pub expected_failures: usize,
    /// Passed despite a deviation entry.
    pub unexpected_passes: usize,
}

impl Tally {
    fn add(&mut self, status: &Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed { .. } => self.failed += 1,
            Status::Skipped { .. } => self.skipped += 1,
            Status::ExpectedFailure { .. } => self.expected_failures += 1,
            Status::UnexpectedPass { .. } => self.unexpected_passes += 1,
        }
    }

    /// How many cases ran (everything but the skipped ones).
    pub fn executed(&self) -> usize {
        self.passed + self.failed + self.expected_failures + self.unexpected_passes
    }

    /// All cases.
    pub fn total(&self) -> usize {
        self.executed() + self.skipped
    }
}

/// How a run ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Something ran and nothing failed.
    Passed,
    /// This many cases failed.
    Failed(usize),
    /// Nothing ran; the message says why.
    NothingExecuted(String),
}

/// One group of cases: a feature or a property group.
#[derive(Clone, Debug)]
pub struct Group<'r> {
    /// Scenarios or properties.
    pub kind: Kind,
    /// The feature name or property group.
    pub name: &'r str,
    /// Its cases, in run order.
    pub cases: Vec<&'r CaseResult>,
    /// Their counts.
    pub tally: Tally,
}

impl RunReport {
    /// The counts over every case.
    pub fn totals(&self) -> Tally {
        let mut tally = Tally::default();
        for result in &self.results {
            tally.add(&result.status);
        }
        tally
    }

    /// The cases grouped by feature or property group, in order of first appearance.
    pub fn groups(&self) -> Vec<Group<'_>> {
        let mut groups: Vec<Group<'_>> = Vec::new();
        for result in &self.results {
            let index = match groups
                .iter()
                .position(|g| g.kind == result.kind && g.name == result.group)
            {
                Some(index) => index,
                None => {
                    groups.push(Group {
                        kind: result.kind,
                        name: &result.group,
                        cases: Vec::new(),
                        tally: Tally::default(),
                    });
                    groups.len() - 1
                }
            };
            groups[index].cases.push(result);
            groups[index].tally.add(&result.status);
        }
        groups
    }

    /// Passed only when something ran and nothing failed.
    pub fn verdict(&self) -> Verdict {
        let totals = self.totals();
        if totals.failed > 0 {
            return Verdict::Failed(totals.failed);
        }
        if totals.executed() == 0 {
            let filter = match &self.tags {
                Some(tags) => format!(", {} left out by --tags {tags:?}", self.filtered_out),
                None => String::new(),
            };
            return Verdict::NothingExecuted(format!(
                "nothing was executed ({} skipped{filter}): a run that checks nothing cannot pass",
                totals.skipped
            ));
        }
        Verdict::Passed
    }

    /// The text summary printed on stdout.
    pub fn summary(&self) -> String {
        text::render(self)
    }

    /// The Markdown report.
    pub fn markdown(&self) -> String {
        markdown::render(self)
    }

    /// The JUnit XML report.
    pub fn junit(&self) -> String {
        junit::render(self)
    }

    /// The shell variables curl commands read the keys from, with the option each stands
    /// for (Trustmatic's is the Base64 the Basic scheme sends).
    pub fn key_variables(&self) -> &'static [(&'static str, &'static str)] {
        match self.api.as_str() {
            crate::checkout::API => &[
                ("$API_KEY", "--key"),
                ("$SECOND_API_KEY", "--second-key"),
                ("$VIDEOS_API_KEY", "--videos-key"),
            ],
            crate::trustmatic::API => &[("$API_KEY", "--key in Base64")],
            crate::facesim_control::API => &[],
            _ => &[("$API_KEY", "--key"), ("$LIMITED_API_KEY", "--limited-key")],
        }
    }

    /// Whether some case failed (expectedly or not), so that reports carry failure details.
    pub fn has_details(&self) -> bool {
        self.results.iter().any(|r| {
            matches!(
                r.status,
                Status::Failed { .. } | Status::ExpectedFailure { .. }
            )
        })
    }

    /// The verdict in one line.
    pub fn verdict_line(&self) -> String {
        match self.verdict() {
            Verdict::Passed => "PASSED".to_string(),
            Verdict::Failed(n) => format!("FAILED: {n} case{} failed", plural(n)),
            Verdict::NothingExecuted(message) => format!("FAILED: {message}"),
        }
    }
}

/// `s` unless `n` is 1.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The kind as reports name it.
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Scenario => "Scenarios",
        Kind::Property => "Properties",
    }
}

/// Seconds with millisecond precision.
fn seconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

#[cfg(test)]
pub(crate) mod sample;
