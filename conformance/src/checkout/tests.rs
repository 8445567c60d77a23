//! The Checkout features and step definitions agree: every step has exactly one definition,
//! every definition is used, names are unique, and the tags say what each scenario needs.

use super::steps;
use crate::feature_files;
use crate::scenarios::feature_checks;
use crate::scenarios::steps::{Lookup, Needs};
use cucumber::gherkin;
use std::collections::BTreeSet;

crate::feature_check_tests!(150);

fn features() -> Vec<gherkin::Feature> {
    feature_checks::features(super::API)
}

/// Whether a step moves the target's clock (or says it will).
fn moves_the_clock(step: &gherkin::Step) -> bool {
    step.value.contains("the service's clock")
}

#[test]
fn tags_say_what_each_scenario_needs() {
    let features = features();
    for feature in &features {
        for (scenario, tags) in feature_files::scenarios(feature) {
            let background: Vec<&gherkin::Step> =
                feature.background.iter().flat_map(|b| &b.steps).collect();
            let every = background.iter().copied().chain(&scenario.steps);
            let needs: BTreeSet<&str> = every
                .clone()
                .filter_map(|step| match steps().lookup(step) {
                    Lookup::Defined(Needs::Control | Needs::Driver | Needs::Outcomes) => {
                        Some("control")
                    }
                    Lookup::Defined(Needs::SecondKey) => Some("second-key"),
                    Lookup::Defined(Needs::VideosKey) => Some("videos-key"),
                    _ => None,
                })
                .collect();
            let tagged: BTreeSet<&str> = tags
                .iter()
                .copied()
                .filter(|t| ["control", "second-key", "videos-key"].contains(t))
                .collect();
            assert_eq!(needs, tagged, "{}", scenario.name);
            let clock = every.clone().any(moves_the_clock);
            assert_eq!(
                clock,
                tags.contains(&"serial"),
                "{}: a scenario is @serial exactly when it moves the clock",
                scenario.name
            );
            if clock {
                assert_eq!(
                    scenario.steps[0].value, "the service's clock can be moved",
                    "{} should start by saying it needs the clock",
                    scenario.name
                );
            }
        }
    }
}

#[test]
fn outline_values_reach_doc_strings_and_tables() {
    let features = features();
    let leftovers: Vec<String> = feature_checks::all_steps(&features)
        .into_iter()
        .filter(|(_, _, step)| {
            let table = step.table.iter().flat_map(|t| t.rows.iter().flatten());
            step.docstring
                .iter()
                .chain(table)
                .any(|text| text.contains('<'))
        })
        .map(|(at, _, step)| format!("{at}: {}", step.value))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:#?}");
}
