//! The Truora features and step definitions agree: every step has exactly one definition,
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
    let definitions = super::definitions();
    let unused: Vec<&str> = definitions
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
    assert!(seen.len() > 100, "{} scenarios", seen.len());
}

#[test]
fn tags_say_what_each_scenario_needs() {
    let features = features();
    for feature in &features {
        for (scenario, tags) in feature_files::scenarios(feature) {
            let background = feature.background.iter().flat_map(|b| &b.steps);
            let needs: BTreeSet<String> = background
                .chain(&scenario.steps)
                .filter_map(|step| match steps().lookup(step) {
                    Lookup::Defined(Needs::Control) => Some("control".to_string()),
                    Lookup::Defined(Needs::LimitedKey) => Some("limited-key".to_string()),
                    _ => None,
                })
                .collect();
            let tagged: BTreeSet<String> = tags
                .iter()
                .filter(|t| ["control", "limited-key"].contains(t))
                .map(|t| t.to_string())
                .collect();
            assert_eq!(needs, tagged, "{}", scenario.name);
            if needs.contains("control") {
                assert!(
                    tags.contains(&"serial"),
                    "{} moves the clock: tag it @serial",
                    scenario.name
                );
                let first = &scenario.steps[0];
                assert_eq!(
                    steps().lookup(first),
                    Lookup::Defined(Needs::Control),
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
