//! Results of scenarios and properties, in one shape for every report.

use std::time::Duration;

/// What was run: a Gherkin scenario or a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A scenario of a feature file.
    Scenario,
    /// A proptest property.
    Property,
}

/// How one case ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Every check held.
    Passed,
    /// A check failed; the message names the broken contract.
    Failed {
        /// What failed, with the first failing step or the shrunk input and a curl command.
        message: String,
    },
    /// Not run, and why (for example: needs a control API and none was given).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Failed, and the known-deviations file says it fails on this target.
    ExpectedFailure {
        /// The reason recorded in the deviations file.
        reason: String,
        /// The failure.
        message: String,
    },
    /// Listed as a known deviation but passed: the deviation entry is stale.
    UnexpectedPass {
        /// The reason recorded in the deviations file.
        reason: String,
    },
}

/// One scenario or property and its end.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// Scenario or property.
    pub kind: Kind,
    /// The feature name, or the property group.
    pub group: String,
    /// The scenario or property name.
    pub name: String,
    /// How it ended.
    pub status: Status,
    /// How long it took.
    pub duration: Duration,
}

impl CaseResult {
    /// Whether this case makes the run fail (an unexpected pass does not: it is reported).
    pub fn is_failure(&self) -> bool {
        matches!(self.status, Status::Failed { .. })
    }

    /// Whether the case was executed (not skipped).
    pub fn executed(&self) -> bool {
        !matches!(self.status, Status::Skipped { .. })
    }
}
