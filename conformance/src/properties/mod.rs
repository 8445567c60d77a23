//! Properties checked with proptest against a target of the Truora Validations API, of
//! Checkout.com face authentication, of Trustmatic face verification and liveness, or of
//! facesim's own control API:
//! generated requests, valid and invalid, get documented
//! answers (and the documented verdict); GETs are idempotent; pages partition what they list;
//! random operation sequences follow a reference model of the documented state machine. Every
//! property is one [`CaseResult`]; a failure carries the shrunk input, curl commands replaying
//! its exchanges, and the seed to rerun it.
//!
//! Properties work with resources of their own, unique to the run, so they can run against
//! any implementation and next to other checks. Only Checkout's model-based property uses the
//! control API, when there is one, and then it runs alone, after the others, since it moves
//! the target's clock.

mod checkout;
mod context;
mod enrollment_forms;
mod facesim_control;
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
mod trustmatic;
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
    /// Whether it runs after the others, on its own (it moves the target's clock).
    alone: bool,
    /// Runs the property.
    check: fn(Arc<Context>, Plan) -> BoxFuture<'static, Result<(), String>>,
}

/// The properties of the Truora Validations API.
const TRUORA: &[Property] = &[
    enrollment_forms::PROPERTY,
    validation_forms::PROPERTY,
    lookups::PROPERTY,
    uploads::PROPERTY,
    idempotence::PROPERTY,
    sequences::PROPERTY,
];

/// The properties of `api` (none for an API the properties do not know).
fn properties_of(api: &str) -> &'static [Property] {
    match api {
        "truora-validations" => TRUORA,
        crate::checkout::API => checkout::PROPERTIES,
        crate::trustmatic::API => trustmatic::PROPERTIES,
        crate::facesim_control::API => facesim_control::PROPERTIES,
        _ => &[],
    }
}

/// Every property of `api` as (name, tags), in the order they run.
pub fn list(api: &str) -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    properties_of(api).iter().map(|p| (p.name, p.tags))
}

/// Runs the properties of the target's API that `selected(name, tags)` selects: all at once
/// (most of their time is spent waiting for the target), then those that must run alone, one
/// after the other. Model-based properties run `cases` sequences; the cheaper ones run a
/// multiple of `cases` requests. The seed comes from [`SEED_VARIABLE`] when set, else it is
/// random; failures print it.
pub async fn run(
    target: &Target,
    fixtures: &Fixtures,
    cases: u32,
    selected: &dyn Fn(&str, &[&str]) -> bool,
) -> Vec<CaseResult> {
    let chosen: Vec<&Property> = properties_of(target.contract.name())
        .iter()
        .filter(|p| selected(p.name, p.tags))
        .collect();
    let seed = runner::seed();
    let context = Arc::new(Context::new(target.clone(), fixtures.clone()));
    let check = |property: &'static Property| {
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
    };
    let together = chosen.iter().filter(|p| !p.alone).map(|p| check(p));
    let mut results = futures::future::join_all(together).await;
    for property in chosen.iter().filter(|p| p.alone) {
        results.push(check(property).await);
    }
    let order = |r: &CaseResult| chosen.iter().position(|p| p.name == r.name);
    results.sort_by_key(order);
    results
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
        for api in [
            "truora-validations",
            crate::checkout::API,
            crate::trustmatic::API,
            crate::facesim_control::API,
        ] {
            let names: std::collections::BTreeSet<&str> = list(api).map(|(name, _)| name).collect();
            assert_eq!(names.len(), properties_of(api).len(), "{api}");
            assert!(list(api).all(|(_, tags)| tags.first() == Some(&"property")));
        }
        let truora: Vec<&str> = list("truora-validations").map(|(n, _)| n).collect();
        assert!(list(crate::checkout::API).all(|(name, _)| !truora.contains(&name)));
    }

    #[tokio::test]
    async fn unselected_properties_are_left_out() {
        let target = Target::new(
            "http://127.0.0.1:9",
            "k",
            "Truora-API-Key",
            facesim_schemas::contract("truora-validations").unwrap(),
            None,
        );
        let none = run(&target, &Fixtures::embedded(), 1, &|_, _| false).await;
        assert!(none.is_empty());
        let model_only = |_: &str, tags: &[&str]| tags.contains(&"model");
        assert_eq!(
            list("truora-validations")
                .filter(|(n, t)| model_only(n, t))
                .count(),
            1
        );
    }
}
