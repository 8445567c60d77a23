//! The Truora features and step definitions agree: every step has exactly one definition,
//! every definition is used, names are unique, and the tags say what each scenario needs.

use super::steps;
use crate::feature_files;
use crate::scenarios::feature_checks;
use crate::scenarios::steps::{Lookup, Needs};
use cucumber::gherkin;
use std::collections::BTreeSet;

crate::feature_check_tests!(100);

fn features() -> Vec<gherkin::Feature> {
    feature_checks::features(super::API)
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
                    Lookup::Defined(Needs::Control) => Some("clock".to_string()),
                    Lookup::Defined(Needs::Outcomes) => Some("control".to_string()),
                    Lookup::Defined(Needs::LimitedKey) => Some("limited-key".to_string()),
                    _ => None,
                })
                .collect();
            let moves_clock = needs.contains("clock");
            let mut needs = needs;
            if needs.remove("clock") {
                needs.insert("control".to_string());
            }
            let tagged: BTreeSet<String> = tags
                .iter()
                .filter(|t| ["control", "limited-key"].contains(t))
                .map(|t| t.to_string())
                .collect();
            assert_eq!(needs, tagged, "{}", scenario.name);
            if moves_clock {
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
