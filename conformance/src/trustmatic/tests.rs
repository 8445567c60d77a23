//! The Trustmatic features and step definitions agree: every step has exactly one definition,
//! every definition is used, names are unique, and the tags say what each scenario needs or
//! relies on.

use super::steps;
use crate::feature_files;
use crate::scenarios::feature_checks;
use crate::scenarios::steps::{Lookup, Needs};
use cucumber::gherkin;

crate::feature_check_tests!(150);

/// Every step of a scenario, its feature's background first.
fn every_step<'f>(
    feature: &'f gherkin::Feature,
    scenario: &'f gherkin::Scenario,
) -> impl Iterator<Item = &'f gherkin::Step> + Clone {
    feature
        .background
        .iter()
        .flat_map(|b| &b.steps)
        .chain(&scenario.steps)
}

/// Whether a step (its text, table or doc string) mentions `text`.
fn mentions(step: &gherkin::Step, text: &str) -> bool {
    let table = step.table.iter().flat_map(|t| t.rows.iter().flatten());
    step.value.contains(text)
        || table.into_iter().any(|cell| cell.contains(text))
        || step.docstring.as_deref().is_some_and(|d| d.contains(text))
}

#[test]
fn tags_say_what_each_scenario_needs_or_relies_on() {
    for feature in feature_checks::features(super::API) {
        for (scenario, tags) in feature_files::scenarios(&feature) {
            let every = every_step(&feature, scenario);
            let name = &scenario.name;
            let control = every
                .clone()
                .any(|s| steps().lookup(s) == Lookup::Defined(Needs::Outcomes));
            assert_eq!(control, tags.contains(&"control"), "{name}: @control");
            let anyone = every
                .clone()
                .any(|s| mentions(s, "for any session") || mentions(s, "disarm every"));
            assert_eq!(anyone, tags.contains(&"serial"), "{name}: @serial");
            let url = every.clone().any(|s| mentions(s, " at a URL"));
            assert_eq!(url, tags.contains(&"same-host"), "{name}: @same-host");
            if every.clone().any(|s| mentions(s, "a picture marked")) {
                assert!(tags.contains(&"marker"), "{name}: @marker");
            }
            let fault = every
                .clone()
                .any(|s| s.value == "the answer is the error \"INTERNAL_ERROR\"");
            assert_eq!(
                fault,
                tags.contains(&"simulated-fault"),
                "{name}: @simulated-fault"
            );
        }
    }
}
