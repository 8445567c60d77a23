//! The Checkout features and step definitions agree: every step has exactly one definition,
//! every definition is used, names are unique, and the tags say what each scenario needs.

use super::steps;
use crate::feature_files::{self, embedded};
use crate::fixtures::Fixtures;
use crate::scenarios::steps::{Lookup, Needs};
use cucumber::gherkin;
use std::collections::BTreeSet;

fn features() -> Vec<gherkin::Feature> {
    feature_files::parse(&embedded(super::API).unwrap()).unwrap()
}

/// Every step of every scenario (background steps first), with where it is.
fn all_steps(features: &[gherkin::Feature]) -> Vec<(String, &gherkin::Scenario, &gherkin::Step)> {
    let mut out = Vec::new();
    for feature in features {
        for (scenario, _) in feature_files::scenarios(feature) {
            let background = feature.background.iter().flat_map(|b| &b.steps);
            for step in background.chain(&scenario.steps) {
                let at = format!(
                    "{}:{}",
                    feature.path.as_ref().unwrap().display(),
                    step.position.line
                );
                out.push((at, scenario, step));
            }
        }
    }
    out
}

#[test]
fn every_step_has_exactly_one_definition() {
    let features = features();
    let problems: Vec<String> = all_steps(&features)
        .into_iter()
        .filter_map(|(at, _, step)| match steps().lookup(step) {
            Lookup::Defined(_) => None,
            other => Some(format!("{at}: {:?} {}: {other:?}", step.ty, step.value)),
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_definition_is_used() {
    let features = features();
    let used: BTreeSet<String> = all_steps(&features)
        .into_iter()
        .map(|(_, _, step)| step.value.clone())
        .collect();
    let unused: Vec<&str> = super::definitions()
        .iter()
        .map(|def| def.pattern)
        .filter(|pattern| {
            let regex = regex::Regex::new(pattern).unwrap();
            !used.iter().any(|text| regex.is_match(text))
        })
        .collect();
    assert!(unused.is_empty(), "{unused:#?}");
}

#[test]
fn scenario_names_are_unique() {
    let mut seen = BTreeSet::new();
    for feature in features() {
        for (scenario, _) in feature_files::scenarios(&feature) {
            assert!(
                seen.insert(scenario.name.clone()),
                "two scenarios are called {:?}",
                scenario.name
            );
        }
    }
    assert!(seen.len() > 150, "{} scenarios", seen.len());
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
                    Lookup::Defined(Needs::Control | Needs::Driver) => Some("control"),
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
fn every_quoted_file_is_in_the_fixture_catalogue() {
    let fixtures = Fixtures::embedded();
    let names: BTreeSet<&str> = fixtures.names().collect();
    let quoted = regex::Regex::new(r#""([a-z0-9-]+\.(?:png|jpg|mp4|webm|bmp|txt))""#).unwrap();
    let features = features();
    for (at, _, step) in all_steps(&features) {
        for capture in quoted.captures_iter(&step.value) {
            assert!(
                names.contains(&capture[1]),
                "{at}: no fixture {}",
                &capture[1]
            );
        }
    }
}

#[test]
fn outline_values_reach_doc_strings_and_tables() {
    let features = features();
    let leftovers: Vec<String> = all_steps(&features)
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
