//! Properties checked with proptest against a target of the Truora Validations API:
//! generated requests, valid and invalid, get documented answers (and the documented verdict);
//! GETs are idempotent; random operation sequences follow a reference model of the documented
//! state machine. Every property is one [`CaseResult`]; a failure carries the shrunk input,
//! curl commands replaying its exchanges, and the seed to rerun it.
//!
//! Properties use fresh account ids unique to the run, never the control API, so they can run
//! against any implementation and next to other checks.

mod context;
mod enrollment_forms;
mod forms;
mod idempotence;
mod judge;
mod lookups;
mod model;
mod operations;
mod payload;
mod resources;
mod runner;
mod sequences;
mod uploads;
mod validation_forms;

pub use runner::SEED_VARIABLE;

use crate::fixtures::Fixtures;
use crate::outcome::{CaseResult, Kind, Status};
use crate::target::Target;
use context::Context;
use futures::future::BoxFuture;
use runner::Plan;
use std::sync::Arc;
use std::time::Instant;

/// The group every property is reported under.
pub const GROUP: &str = "properties";

/// The API whose contract the properties know.
const API: &str = "truora-validations";

/// One property.
struct Property {
    /// Its stable name, as reports and known deviations use it.
    name: &'static str,
    /// Its tags; `property` first.
    tags: &'static [&'static str],
    /// Cases per `--cases` (cheap properties run more).
    scale: u32,
    /// Runners working at the same time.
    shards: u32,
    /// Most shrinking steps after a failure.
    shrink_iterations: u32,
    /// Runs the property.
    check: fn(Arc<Context>, Plan) -> BoxFuture<'static, Result<(), String>>,
}

const PROPERTIES: &[Property] = &[
    enrollment_forms::PROPERTY,
    validation_forms::PROPERTY,
    lookups::PROPERTY,
    uploads::PROPERTY,
    idempotence::PROPERTY,
    sequences::PROPERTY,
];

/// Every property as (name, tags), in the order they run.
pub fn list() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    PROPERTIES.iter().map(|p| (p.name, p.tags))
}

/// Runs the properties that `selected(name, tags)` selects against `target`, all at once
/// (most of their time is spent waiting for the target). The model-based property runs
/// `cases` sequences; the cheaper ones run a multiple of `cases` requests. The seed comes
/// from [`SEED_VARIABLE`] when set, else it is random; failures print it. Properties of
/// another API than the Truora Validations API are reported as skipped.
pub async fn run(
    target: &Target,
    fixtures: &Fixtures,
    cases: u32,
    selected: &dyn Fn(&str, &[&str]) -> bool,
) -> Vec<CaseResult> {
    let chosen: Vec<&Property> = PROPERTIES
        .iter()
        .filter(|p| selected(p.name, p.tags))
        .collect();
    if target.contract.name() != API {
        let reason = format!(
            "the properties know the {API} API, not {}",
            target.contract.name()
        );
        return chosen
            .iter()
            .map(|p| result(p, skipped(&reason), Instant::now()))
            .collect();
    }
    let seed = runner::seed();
    let context = Arc::new(Context::new(target.clone(), fixtures.clone()));
    let checks = chosen.into_iter().map(|property| {
        let (context, seed) = (context.clone(), seed.clone());
        async move {
            let start = Instant::now();
            let outcome = match seed {
                Err(problem) => Err(problem),
                Ok(seed) => {
                    let plan = Plan {
                        cases: cases.saturating_mul(property.scale).max(1),
                        shards: property.shards,
                        seed,
                        shrink_iterations: property.shrink_iterations,
                    };
                    (property.check)(context, plan).await
                }
            };
            let status = match outcome {
                Ok(()) => Status::Passed,
                Err(message) => Status::Failed { message },
            };
            result(property, status, start)
        }
    });
    futures::future::join_all(checks).await
}

fn skipped(reason: &str) -> Status {
    Status::Skipped {
        reason: reason.to_string(),
    }
}

fn result(property: &Property, status: Status, start: Instant) -> CaseResult {
    CaseResult {
        kind: Kind::Property,
        group: GROUP.to_string(),
        name: property.name.to_string(),
        status,
        duration: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_property_is_tagged_property() {
        let names: std::collections::BTreeSet<&str> = list().map(|(name, _)| name).collect();
        assert_eq!(names.len(), PROPERTIES.len());
        assert!(list().all(|(_, tags)| tags.first() == Some(&"property")));
    }

    #[tokio::test]
    async fn unselected_properties_are_left_out() {
        let target = Target::new(
            "http://127.0.0.1:9",
            "k",
            "Truora-API-Key",
            facesim_schemas::contract(API).unwrap(),
            None,
        );
        let none = run(&target, &Fixtures::embedded(), 1, &|_, _| false).await;
        assert!(none.is_empty());
        let model_only = |_: &str, tags: &[&str]| tags.contains(&"model");
        assert_eq!(list().filter(|(n, t)| model_only(n, t)).count(), 1);
    }
}
