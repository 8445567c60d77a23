//! Checks every API's features and step definitions share: each step has exactly one
//! definition, each definition is used, scenario names are unique and quoted files exist.

use super::steps::{Lookup, StepDef, Steps};
use crate::feature_files::{self, embedded};
use crate::fixtures::Fixtures;
use cucumber::gherkin;
use std::collections::BTreeSet;

/// The embedded features of `api`.
pub fn features(api: &str) -> Vec<gherkin::Feature> {
    feature_files::parse(&embedded(api).unwrap()).unwrap()
}

/// Every step of every scenario (background steps first), with where it is.
pub fn all_steps(
    features: &[gherkin::Feature],
) -> Vec<(String, &gherkin::Scenario, &gherkin::Step)> {
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

/// Fails unless every step of `api` matches exactly one of `steps`.
pub fn assert_every_step_has_one_definition<W>(api: &str, steps: &Steps<W>) {
    let features = features(api);
    let problems: Vec<String> = all_steps(&features)
        .into_iter()
        .filter_map(|(at, _, step)| match steps.lookup(step) {
            Lookup::Defined(_) => None,
            other => Some(format!("{at}: {:?} {}: {other:?}", step.ty, step.value)),
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Fails if one of `definitions` matches no step of `api`.
pub fn assert_every_definition_is_used<W>(api: &str, definitions: &[StepDef<W>]) {
    let features = features(api);
    let used: BTreeSet<String> = all_steps(&features)
        .into_iter()
        .map(|(_, _, step)| step.value.clone())
        .collect();
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

/// Fails if two scenarios of `api` share a name or there are no more than `at_least` of them.
pub fn assert_scenario_names_are_unique(api: &str, at_least: usize) {
    let mut seen = BTreeSet::new();
    for feature in features(api) {
        for (scenario, _) in feature_files::scenarios(&feature) {
            assert!(
                seen.insert(scenario.name.clone()),
                "two scenarios are called {:?}",
                scenario.name
            );
        }
    }
    assert!(seen.len() > at_least, "{} scenarios", seen.len());
}

/// Fails if a step of `api` quotes a file name the fixture catalogue does not have.
pub fn assert_quoted_files_are_fixtures(api: &str) {
    let fixtures = Fixtures::embedded();
    let names: BTreeSet<&str> = fixtures.names().collect();
    let quoted = regex::Regex::new(r#""([a-z0-9-]+\.(?:png|jpg|mp4|webm|bmp|txt))""#).unwrap();
    let features = features(api);
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

/// The tests every API's features share, in that API's `tests` module (which sees its
/// `API`, `steps()` and `definitions()` as `super::…`); `$longest` is the longest scenario name
/// allowed.
#[macro_export]
macro_rules! feature_check_tests {
    ($longest:expr) => {
        #[test]
        fn every_step_has_exactly_one_definition() {
            $crate::scenarios::feature_checks::assert_every_step_has_one_definition(
                super::API,
                super::steps(),
            );
        }

        #[test]
        fn every_definition_is_used() {
            $crate::scenarios::feature_checks::assert_every_definition_is_used(
                super::API,
                &super::definitions(),
            );
        }

        #[test]
        fn scenario_names_are_unique() {
            $crate::scenarios::feature_checks::assert_scenario_names_are_unique(
                super::API,
                $longest,
            );
        }

        #[test]
        fn every_quoted_file_is_in_the_fixture_catalogue() {
            $crate::scenarios::feature_checks::assert_quoted_files_are_fixtures(super::API);
        }
    };
}
