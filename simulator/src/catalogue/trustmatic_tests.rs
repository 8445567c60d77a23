//! Runs every Trustmatic trigger of the catalogue through Trustmatic's request parsing, check
//! and armed outcomes, and reads the answer body.

use super::trustmatic::{outcomes, ARM, SESSION};
use super::{How, Outcome, Trigger};
use crate::config::Config;
use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};
use crate::scenario::file::Api;
use crate::scenario::outcome::takes_outcome;
use crate::scenario::ScenarioFile;
use crate::trustmatic::check::{self, Picture, Verdict};
use crate::trustmatic::control::arm_request;
use crate::trustmatic::model::{ErrorCode, Operation};
use crate::trustmatic::outcomes::Outcomes;
use crate::trustmatic::picture::{self, Source};
use crate::trustmatic::request;
use crate::trustmatic::views::verdict_body;
use base64::Engine;
use serde_json::{json, Value};

fn base64_picture(marker: &str) -> String {
    let bytes = render(&FixtureSpec {
        marker: Marker::parse(marker).unwrap(),
        format: FixtureFormat::Png,
        variant: 0,
    });
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The request body of a marker or request example: `sessionId` and the pictures sent.
fn body(example: &Value) -> Value {
    let mut body = json!({ "sessionId": SESSION });
    for (field, marker) in example["pictures"].as_object().unwrap() {
        let Some(marker) = marker.as_str() else {
            continue;
        };
        let mut at = &mut body;
        let path: Vec<&str> = field.split('.').collect();
        for part in &path[..path.len() - 1] {
            at = at
                .as_object_mut()
                .unwrap()
                .entry(*part)
                .or_insert_with(|| json!({}));
        }
        at[path[path.len() - 1]] = base64_picture(marker).into();
    }
    body
}

/// Parses, loads, analyses and judges a call as the HTTP adapter does.
fn check(operation: Operation, body: &Value, config: &Config) -> Verdict {
    let request = request::parse(operation, body.to_string().as_bytes()).unwrap();
    let pictures: Vec<(&'static str, Option<Picture>)> =
        request
            .pictures
            .iter()
            .map(|field| {
                let picture = field.text.as_deref().map(|text| {
                    match picture::read(field.name, text, false)? {
                        Source::Bytes(bytes) => DeterministicMatcher
                            .analyze(&bytes, false)
                            .map_err(|e| e.to_string()),
                        Source::Url(url) => Err(format!("{url} is not fetched here")),
                    }
                });
                (field.name, picture)
            })
            .collect();
    check::judge(
        operation,
        pictures,
        &DeterministicMatcher,
        config.trustmatic.match_similarity,
    )
}

/// Runs one trigger for a call of `operation`; answers the JSON body of the answer.
fn run(operation: Operation, trigger: &Trigger, config: &Config) -> Value {
    let example = &trigger.example;
    let verdict = match trigger.how {
        How::Marker | How::Request => {
            assert_eq!(example["operation"], format!("POST {}", operation.path()));
            check(operation, &body(example), config)
        }
        How::Control => {
            assert_eq!(example["request"], ARM);
            let request = arm_request(example["body"].as_object().unwrap()).unwrap();
            let mut armed = Outcomes::default();
            armed.arm(request).unwrap();
            armed
                .take(operation, Some(SESSION))
                .expect("the armed outcome applies")
        }
        How::Scenario => {
            let file = ScenarioFile::parse(&example["scenario"].to_string()).unwrap();
            let rule = &file.rules[0];
            let path = operation.path();
            assert!(rule
                .when
                .operation
                .as_ref()
                .unwrap()
                .matches("POST", path)
                .is_some());
            assert!(takes_outcome(Api::Trustmatic, "POST", path));
            let code = ErrorCode::parse(rule.then.outcome.as_deref().unwrap()).unwrap();
            assert!(operation.errors().contains(&code));
            Verdict::Failed {
                code,
                detail: String::new(),
            }
        }
        How::Sandbox => panic!("Trustmatic has no sandbox convention"),
    };
    serde_json::from_str(&verdict_body(Some(SESSION.into()), &verdict)).unwrap()
}

fn assert_outcome(outcome: &Outcome, trigger: &Trigger, config: &Config) {
    let operation = Operation::parse(outcome.operation.unwrap()).unwrap();
    let answer = run(operation, trigger, config);
    let context = format!(
        "{} {}: {} → {answer}",
        outcome.kind, outcome.name, trigger.example
    );
    match outcome.kind {
        "error" => {
            assert_eq!(answer["hasError"], true, "{context}");
            assert_eq!(answer["error"], outcome.name.as_str(), "{context}");
        }
        "score" => {
            assert_eq!(answer["hasError"], false, "{context}");
            let score = answer["score"].as_f64().unwrap();
            let passed = score >= operation.default_threshold();
            assert_eq!(passed, outcome.name == "passed", "{context}");
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_trustmatic_trigger_produces_its_outcome() {
    let config = Config::load(None).unwrap();
    for outcome in outcomes(&config) {
        for trigger in &outcome.triggers {
            assert_outcome(&outcome, trigger, &config);
        }
    }
}

#[test]
fn every_error_of_every_operation_is_catalogued() {
    let config = Config::load(None).unwrap();
    let listed = outcomes(&config);
    for operation in Operation::ALL {
        for code in operation.errors() {
            assert!(
                listed.iter().any(|o| o.kind == "error"
                    && o.operation == Some(operation.as_str())
                    && o.name == code.as_str()),
                "{operation} {code}"
            );
        }
    }
    for code in ErrorCode::ALL {
        assert!(listed.iter().any(|o| o.name == code.as_str()), "{code}");
    }
}
