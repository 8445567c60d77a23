//! The control API's features and step definitions agree: every step has exactly one
//! definition, every definition is used, names are unique, and a scenario that changes what
//! every other one sees (the clock, resets, the journal, rules without a scope) runs alone,
//! unless it does so inside a namespace of its own.

use crate::feature_files;
use crate::scenarios::feature_checks;

crate::feature_check_tests!(40);

/// Steps whose effect reaches every scenario of the run.
const GLOBAL: &[&str] = &[
    "/clock/advance",
    "/clock/set",
    "I set the clock",
    "/reset",
    "I DELETE \"/journal\"",
    "I DELETE \"/scenarios/rules\"",
    "I run the catalogue's",
    "I DELETE \"/trustmatic/outcomes\"",
    "I DELETE \"/truora/outcomes\"",
    "I DELETE \"/checkout/outcomes\"",
];

#[test]
fn scenarios_changing_what_everyone_sees_run_alone() {
    for feature in feature_checks::features(super::API) {
        for (scenario, tags) in feature_files::scenarios(&feature) {
            let background = feature.background.iter().flat_map(|b| &b.steps);
            // A step taken inside a namespace of the scenario's own reaches no other scenario.
            let mut in_own_namespace = false;
            let global = background.chain(&scenario.steps).any(|step| {
                if step.value.starts_with("I work in the namespace \"$NS") {
                    in_own_namespace = true;
                } else if step.value.starts_with("I work in the") {
                    in_own_namespace = false;
                }
                !in_own_namespace && GLOBAL.iter().any(|g| step.value.contains(g))
            });
            if global {
                assert!(
                    tags.contains(&"serial"),
                    "{}: changes what every scenario sees, tag it @serial",
                    scenario.name
                );
            }
        }
    }
}
