//! The outcome catalogue, `GET {root}/_facesim/catalogue`: for each simulated API, every outcome
//! facesim can produce and every way to trigger it, each with an example a tester can run.
//!
//! The outcomes come from the vendors' own enumerations (Truora's reasons, Checkout's response
//! codes, Trustmatic's error codes per operation), and the tests next to each vendor's listing
//! run every example through that vendor's engine, so the catalogue cannot drift from the code.
//! An outcome without a trigger says why in `untriggered`.
//!
//! Trigger examples, by `how`:
//! - `marker`: `{"operation"?, "fields"?, "pictures": {slot: marker text}}`: upload pictures
//!   carrying these `facesim` markers (a `null` slot is left out of the request).
//! - `request`: the same shape, where the request itself decides (a picture left out, a file
//!   that is no picture: `"files": {slot: body text}`).
//! - `control`: `{"request": "METHOD /_facesim/…", "body": …}`, after the vendor steps the
//!   example names, or before them when it arms an outcome (`…/outcomes`); a `{name}` in the
//!   body stands for the ID of the resource the vendor steps create.
//! - `sandbox`: `{"external_applicant_id": …}`, Checkout's own sandbox convention.
//! - `scenario`: `{"scenario": <a scenario file>}` for `POST /_facesim/scenarios/rules`.

mod checkout;
mod routes;
mod scenario;
mod truora;
mod trustmatic;

#[cfg(test)]
mod checkout_tests;
#[cfg(test)]
mod truora_tests;
#[cfg(test)]
mod trustmatic_tests;

pub use routes::router;
pub use scenario::ScenarioAction;

use crate::config::Config;
use crate::vendors::SimulatedVendor;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The whole catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// Per API (`truora`, `checkout`, `trustmatic`), its outcomes.
    pub apis: BTreeMap<&'static str, ApiCatalogue>,
    /// The actions a scenario rule's `then` takes, for any API.
    pub scenario_actions: Vec<ScenarioAction>,
}

/// The outcomes of one API.
#[derive(Debug, Clone, Serialize)]
pub struct ApiCatalogue {
    /// Every outcome, in the order of the vendor's enumerations.
    pub outcomes: Vec<Outcome>,
}

/// One outcome and the ways to make it happen.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The value on the wire: a reason slug, a response code, an error code.
    pub name: String,
    /// What kind of value it is: `declined_reason`, `response_code`, `error`, …
    pub kind: &'static str,
    /// The operation it belongs to, where the name alone is ambiguous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<&'static str>,
    /// What it means.
    pub description: String,
    /// The ways to trigger it.
    pub triggers: Vec<Trigger>,
    /// Why no trigger exists yet, when `triggers` is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untriggered: Option<&'static str>,
}

/// How a trigger works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// A `facesim` marker inside an uploaded picture.
    Marker,
    /// The vendor request itself: a missing picture, a file that is no picture.
    Request,
    /// A call to the control API.
    Control,
    /// The vendor's own sandbox convention.
    Sandbox,
    /// A scenario rule.
    Scenario,
}

/// One way to trigger an outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Trigger {
    /// The mechanism.
    pub how: How,
    /// An executable example (see the module documentation for its shape).
    pub example: Value,
    /// What to do, in words.
    pub description: String,
}

impl Trigger {
    /// A trigger of `how` with `example`.
    pub fn new(how: How, example: Value, description: impl Into<String>) -> Trigger {
        Trigger {
            how,
            example,
            description: description.into(),
        }
    }
}

impl Outcome {
    /// An outcome without triggers yet.
    fn new(name: impl Into<String>, kind: &'static str, description: impl Into<String>) -> Self {
        Outcome {
            name: name.into(),
            kind,
            operation: None,
            description: description.into(),
            triggers: Vec::new(),
            untriggered: None,
        }
    }
}

/// The catalogue of `vendors` (all of them when empty), for a simulator run with `config`.
pub fn build(config: &Config, vendors: &[SimulatedVendor]) -> Catalogue {
    let wanted = |v: SimulatedVendor| vendors.is_empty() || vendors.contains(&v);
    let apis = SimulatedVendor::ALL
        .iter()
        .copied()
        .filter(|v| wanted(*v))
        .map(|vendor| {
            let outcomes = match vendor {
                SimulatedVendor::Truora => truora::outcomes(),
                SimulatedVendor::Checkout => checkout::outcomes(config),
                SimulatedVendor::Trustmatic => trustmatic::outcomes(config),
            };
            (vendor.as_str(), ApiCatalogue { outcomes })
        })
        .collect();
    Catalogue {
        apis,
        scenario_actions: scenario::actions(),
    }
}

/// A scenario file with one rule.
fn scenario_file(rule: Value) -> Value {
    serde_json::json!({ "rules": [rule] })
}

/// A scenario trigger whose rule forces the outcome `name` on the next `operation` of `api`,
/// when the scenario rules take that name; `base` holds the rest of the example.
fn forced_by_scenario(
    api: crate::scenario::file::Api,
    operation: &str,
    name: &str,
    mut base: Value,
    steps: &str,
) -> Option<Trigger> {
    crate::scenario::outcome::check(api, name).ok()?;
    let api_name = serde_json::to_value(api).ok()?;
    base["scenario"] = scenario_file(serde_json::json!({
        "when": { "api": api_name, "operation": operation },
        "then": { "outcome": name, "times": 1 },
    }));
    Some(Trigger::new(
        How::Scenario,
        base,
        format!("a rule forces it on the next {operation}; {steps}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_config() -> Config {
        Config::load(None).expect("the embedded configuration loads")
    }

    #[test]
    fn every_outcome_has_a_trigger_or_says_why_not() {
        let catalogue = build(&default_config(), &[]);
        assert_eq!(catalogue.apis.len(), SimulatedVendor::ALL.len());
        for (api, listing) in &catalogue.apis {
            assert!(!listing.outcomes.is_empty(), "{api}");
            for outcome in &listing.outcomes {
                assert_ne!(
                    outcome.triggers.is_empty(),
                    outcome.untriggered.is_none(),
                    "{api} {}: give triggers, or the reason there are none",
                    outcome.name
                );
            }
        }
    }

    #[test]
    fn outcomes_are_unique_per_api() {
        let catalogue = build(&default_config(), &[]);
        for (api, listing) in &catalogue.apis {
            let mut seen = std::collections::HashSet::new();
            for o in &listing.outcomes {
                assert!(
                    seen.insert((o.kind, o.operation, o.name.as_str())),
                    "{api}: {} {} twice",
                    o.kind,
                    o.name
                );
            }
        }
    }

    #[test]
    fn a_filter_keeps_only_the_vendors_asked_for() {
        let catalogue = build(&default_config(), &[SimulatedVendor::Checkout]);
        assert_eq!(
            catalogue.apis.keys().copied().collect::<Vec<_>>(),
            ["checkout"]
        );
        assert!(!catalogue.scenario_actions.is_empty());
    }
}
