//! The actions of a scenario rule's `then`, read from the scenario types' own JSON Schema so that
//! a new action shows up here by itself.

use crate::scenario::file::Then;
use serde::Serialize;
use serde_json::{json, Value};

/// Keys of `then` that limit a rule rather than act.
const MODIFIERS: &[&str] = &["times"];

/// One action a scenario rule can take, for any API.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioAction {
    /// The key under `then`.
    pub name: String,
    /// What it does (the type's documentation).
    pub description: String,
    /// A scenario file using it, for `POST /_facesim/scenarios/rules`.
    pub example: Value,
}

/// Every action of `then`.
pub fn actions() -> Vec<ScenarioAction> {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<Then>()
        .to_value();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|(name, _)| !MODIFIERS.contains(&name.as_str()))
        .map(|(name, property)| ScenarioAction {
            name: name.clone(),
            description: property["description"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            example: example(name),
        })
        .collect()
}

/// A one-rule scenario file that takes the action `name`; `null` for an action without one.
fn example(name: &str) -> Value {
    let then = match name {
        "respond" => {
            json!({ "respond": { "status": 503, "body": { "hasError": true, "error": "INTERNAL_ERROR" } }, "times": 1 })
        }
        "delay" => json!({ "delay": { "ms": 1500 } }),
        "drop_connection" => json!({ "drop_connection": true }),
        "malformed_body" => json!({ "malformed_body": true, "times": 1 }),
        "advance_clock_seconds" => json!({ "advance_clock_seconds": 3600, "times": 1 }),
        "outcome" => json!({ "outcome": "INTERNAL_ERROR", "times": 1 }),
        _ => return Value::Null,
    };
    json!({ "rules": [{ "when": { "api": "trustmatic", "operation": "POST /api/v1/face/verify" }, "then": then }] })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ScenarioFile;

    #[test]
    fn the_documented_actions_are_listed() {
        let names: Vec<String> = actions().into_iter().map(|a| a.name).collect();
        for name in [
            "respond",
            "delay",
            "drop_connection",
            "malformed_body",
            "advance_clock_seconds",
        ] {
            assert!(
                names.iter().any(|n| n == name),
                "{name} is missing from {names:?}"
            );
        }
        assert!(
            !names.iter().any(|n| n == "times"),
            "times limits a rule, it is no action"
        );
    }

    #[test]
    fn every_action_has_a_description_and_a_valid_example_using_it() {
        for action in actions() {
            assert!(!action.description.is_empty(), "{}", action.name);
            let text = action.example.to_string();
            let file = ScenarioFile::parse(&text)
                .unwrap_or_else(|e| panic!("{}: {e}: {text}", action.name));
            let then = serde_json::to_value(&file.rules[0].then).unwrap();
            assert!(
                then.get(&action.name).is_some(),
                "the example of {} does not use it: {text}",
                action.name
            );
        }
    }
}
