//! Scenario files: ordered rules `when` → `then`, in YAML or JSON. Their JSON Schema is
//! generated from these types (`schemas/facesim/scenario.schema.json`); values that types alone
//! cannot check are refused while reading, so every error names its line.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "facesim scenario")]
pub struct ScenarioFile {
    /// What the scenario is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The rules, tried in order: the first whose `when` matches a request applies its `then`.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A name for listings and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which requests the rule applies to; every condition given must hold.
    #[serde(default)]
    pub when: When,
    /// What happens to them.
    pub then: Then,
}

/// The conditions of a rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The vendor API: `truora`, `checkout` or `trustmatic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Api>,
    /// `METHOD /path/template` below the API's base URL (Truora: below `/truora/<host>`), e.g.
    /// `POST /v1/validations` or
    /// `GET /face-authentications/{face_authentication_id}`; a `{name}` segment matches any
    /// segment and is a field named `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
    /// Field values that must match exactly: path parameters of `operation`, query parameters,
    /// form fields and JSON fields (nested ones with dots: `probe.imageBase64`), e.g.
    /// `account_id`, `applicant_id`, `sessionId`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Only the nth request that matches the other conditions (1 is the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<Positive>,
    /// The chance (0..1) that a matching request is affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Probability>,
}

/// What a rule does to a request it matches. `respond`, `drop_connection`, `malformed_body`
/// and `outcome` exclude each other; `delay` and `advance_clock_seconds` combine with any.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Then {
    /// Answer this instead of the vendor API (which never sees the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<Respond>,
    /// Wait before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
    /// Let the vendor API answer, then cut its body in half (invalid JSON, same status).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub malformed_body: bool,
    /// Move the virtual clock forward by this many seconds before the request is handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_clock_seconds: Option<ClockStep>,
    /// Let the vendor API handle the request, with this outcome forced: the Truora validation
    /// it creates ends with this `declined_reason` (or `system_error`), the Checkout attempt it
    /// creates completes with this response code when opened (`10000`, `62xxx`, `63001`,
    /// `61xxxA` aborted, `61xxxI` inconclusive), the Trustmatic check answers this `error`.
    /// Needs `when.api`; only requests that create those resources (or Trustmatic checks) are
    /// affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// How many requests the rule affects at most (default: every one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Positive>,
}

/// A vendor API, as scenario files name it.
pub use crate::vendors::SimulatedVendor as Api;

/// A canned answer.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    /// The HTTP status (100..=599).
    pub status: Status,
    /// The body: a JSON value is sent as `application/json`, a string as `text/plain` unless
    /// `headers` says otherwise; absent, no body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Extra response headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A wait: a fixed time, or uniformly distributed between two.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delay {
    /// Milliseconds (the shortest, when `max_ms` is given).
    pub ms: Millis,
    /// The longest, for a uniformly distributed wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<Millis>,
}

/// Checked numbers: each refuses a value out of range while the file is read.
macro_rules! checked {
    ($(#[$meta:meta])* $name:ident($inner:ty), $check:expr, $expected:literal, $schema:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = <$inner>::deserialize(d)?;
                let check: fn($inner) -> bool = $check;
                if check(value) {
                    Ok($name(value))
                } else {
                    Err(serde::de::Error::custom(format!(
                        "{value} is out of range: expected {}",
                        $expected
                    )))
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = schemars::json_schema!($schema);
                schema.insert("description".into(), $expected.into());
                schema
            }
        }
    };
}

checked!(
    /// A whole number from 1.
    Positive(u64), |v| v >= 1, "a whole number from 1",
    {"type": "integer", "minimum": 1}
);
checked!(
    /// A chance from 0 to 1.
    Probability(f64), |v| (0.0..=1.0).contains(&v), "a number from 0 to 1",
    {"type": "number", "minimum": 0, "maximum": 1}
);
checked!(
    /// An HTTP status.
    Status(u16), |v| (100..=599).contains(&v), "an HTTP status from 100 to 599",
    {"type": "integer", "minimum": 100, "maximum": 599}
);
checked!(
    /// Milliseconds, at most ten minutes.
    Millis(u64), |v| v <= 600_000, "milliseconds from 0 to 600000",
    {"type": "integer", "minimum": 0, "maximum": 600000}
);
checked!(
    /// A forward clock step in seconds, at most ten years.
    ClockStep(f64), |v| v > 0.0 && v <= 10.0 * 365.0 * 86400.0,
    "seconds greater than 0, at most ten years",
    {"type": "number", "exclusiveMinimum": 0, "maximum": 315360000}
);

/// `METHOD /path/template`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct Operation {
    /// The method, uppercase.
    pub method: String,
    /// The template's segments (`{name}` for a parameter).
    pub segments: Vec<String>,
}

impl From<Operation> for String {
    fn from(op: Operation) -> String {
        format!("{} /{}", op.method, op.segments.join("/"))
    }
}

impl Operation {
    /// Parses `METHOD /path/template`.
    pub fn parse(text: &str) -> Result<Operation, String> {
        let (method, path) = text.trim().split_once(' ').ok_or_else(|| {
            format!("{text:?} is not `METHOD /path`, e.g. `POST /v1/validations`")
        })?;
        let method = method.trim().to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!("{method:?} is not an HTTP method"));
        }
        let path = path.trim();
        let Some(rest) = path.strip_prefix('/') else {
            return Err(format!("the path {path:?} must start with /"));
        };
        Ok(Operation {
            method,
            segments: rest.split('/').map(str::to_string).collect(),
        })
    }

    /// Whether `method` and the path below the API prefix match; the path parameters when so.
    pub fn matches(&self, method: &str, path: &str) -> Option<BTreeMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let actual: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if actual.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (want, got) in self.segments.iter().zip(actual) {
            match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !got.is_empty() => {
                    params.insert(name.to_string(), got.to_string());
                }
                Some(_) => return None,
                None if want == got => {}
                None => return None,
            }
        }
        Some(params)
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Operation::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Operation {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Operation".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z]+ /",
            "description": "METHOD /path/template below the API's prefix, e.g. POST /v1/validations",
            "examples": ["POST /v1/validations", "GET /face-authentications/{face_authentication_id}", "POST /api/v1/face/verify"]
        })
    }
}

/// A refusal of the reader's `message` at `path` (`rules[0].then.delay`), said once: without
/// the reader's own location suffix, and with the full path in place of the shorter one the
/// message may start with.
fn refused(path: &serde_path_to_error::Path, message: &str, line: Option<usize>) -> ScenarioError {
    let message = message.split(" at line ").next().unwrap_or("");
    let path = path.to_string();
    // The YAML reader names where some problems are (`rules[1].when: …`); the full path says more.
    let message = match message.split_once(": ") {
        Some((place, rest)) if path.starts_with(place) => rest,
        _ => message,
    };
    let reason = if path == "." {
        message.to_string()
    } else {
        format!("{path}: {message}")
    };
    ScenarioError { line, reason }
}

/// Why a scenario file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ScenarioError {
    /// The line (1-based), when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl ScenarioFile {
    /// Reads a scenario from YAML (JSON is YAML too, but JSON text is read as JSON for its
    /// error messages).
    pub fn parse(text: &str) -> Result<ScenarioFile, ScenarioError> {
        let file: ScenarioFile = if text.trim_start().starts_with('{') {
            let mut json = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut json).map_err(|e| {
                let line = e.inner().line();
                refused(e.path(), &e.inner().to_string(), Some(line))
            })?
        } else {
            let yaml = serde_norway::Deserializer::from_str(text);
            serde_path_to_error::deserialize(yaml).map_err(|e| {
                let line = e.inner().location().map(|l| l.line());
                refused(e.path(), &e.inner().to_string(), line)
            })?
        };
        file.check()?;
        Ok(file)
    }

    /// Rules that cannot work as written.
    fn check(&self) -> Result<(), ScenarioError> {
        for (i, rule) in self.rules.iter().enumerate() {
            let then = &rule.then;
            let endings = [
                then.respond.is_some(),
                then.drop_connection,
                then.malformed_body,
                then.outcome.is_some(),
            ];
            let label = rule.name.as_ref().map_or_else(
                || format!("rule {}", i + 1),
                |n| format!("rule {} ({n})", i + 1),
            );
            if endings.iter().filter(|e| **e).count() > 1 {
                return Err(ScenarioError {
                    line: None,
                    reason: format!(
                        "{label}: respond, drop_connection, malformed_body and outcome exclude each other"
                    ),
                });
            }
            if let Some(name) = &then.outcome {
                let problem = match rule.when.api {
                    None => Some("an outcome needs when.api".to_string()),
                    Some(api) => super::outcome::check(api, name).err(),
                };
                if let Some(problem) = problem {
                    return Err(ScenarioError {
                        line: None,
                        reason: format!("{label}: {problem}"),
                    });
                }
            }
            if let Some(Delay {
                ms,
                max_ms: Some(max),
            }) = then.delay
            {
                if max.0 < ms.0 {
                    return Err(ScenarioError {
                        line: None,
                        reason: format!("{label}: delay.max_ms is below delay.ms"),
                    });
                }
            }
            if then == &Then::default() {
                return Err(ScenarioError {
                    line: None,
                    reason: format!("{label}: `then` does nothing"),
                });
            }
        }
        Ok(())
    }
}

/// The JSON Schema of scenario files, as committed in `schemas/facesim/scenario.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<ScenarioFile>()
        .to_value();
    schema["$id"] = "https://facesim.dev/schemas/facesim/scenario.schema.json".into();
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_json_schema_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../schemas/facesim/scenario.schema.json");
        let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var("FACESIM_REGENERATE_SCHEMAS").as_deref() == Ok("1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is stale; FACESIM_REGENERATE_SCHEMAS=1 cargo test -p facesim scenario rewrites it",
            path.display()
        );
    }

    #[test]
    fn a_yaml_scenario_reads_with_every_condition_and_action() {
        let text = "
description: flaky enrollments
rules:
  - name: slow then failing
    when:
      api: truora
      operation: POST /v1/enrollments
      fields: { account_id: acc-1 }
      nth: 2
      probability: 0.5
    then:
      respond: { status: 503, body: { code: 10503, message: down } }
      delay: { ms: 100, max_ms: 300 }
      advance_clock_seconds: 60
      times: 1
  - then: { drop_connection: true }
";
        let file = ScenarioFile::parse(text).unwrap();
        assert_eq!(file.rules.len(), 2);
        let when = &file.rules[0].when;
        assert_eq!(when.api, Some(Api::Truora));
        assert_eq!(when.fields["account_id"], "acc-1");
        assert_eq!(when.nth, Some(Positive(2)));
        assert_eq!(
            file.rules[0].then.respond.as_ref().unwrap().status,
            Status(503)
        );
        assert!(file.rules[1].then.drop_connection);
    }

    #[test]
    fn the_documented_example_is_a_valid_scenario() {
        let doc = include_str!("../../../docs/scenarios.md");
        let yaml = doc
            .split("```yaml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("docs/scenarios.md has a YAML example");
        assert_eq!(ScenarioFile::parse(yaml).unwrap().rules.len(), 6);
    }

    #[test]
    fn errors_name_the_line_and_the_reason() {
        let cases = [
            ("rules:\n  - then:\n      delay: { ms: 9999999 }\n", 3, "out of range"),
            ("rules:\n  - when: { api: truora, probability: 2 }\n    then: { drop_connection: true }\n", 2, "from 0 to 1"),
            ("rules:\n  - when: { api: paypal }\n    then: { drop_connection: true }\n", 2, "unknown variant"),
            ("rules:\n  - when:\n      operation: verify\n    then: { drop_connection: true }\n", 3, "METHOD /path"),
            ("rules:\n  - then:\n      bogus: 1\n", 3, "unknown field"),
            ("{\"rules\": [{\"then\": {\"respond\": {\"status\": 42}}}]}", 1, "HTTP status"),
        ];
        for (text, line, reason) in cases {
            let err = ScenarioFile::parse(text).unwrap_err();
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(err.reason.contains(reason), "{text}: {err}");
            assert!(err.to_string().starts_with(&format!("line {line}: ")));
        }
        // The reason starts with where the value is, in YAML and JSON alike, said once.
        let paths = [
            ("rules:\n  - then: { advance_clock_seconds: ten }\n", "rules[0].then.advance_clock_seconds: invalid type"),
            ("rules:\n  - then: { drop_connection: true }\n  - when: { probability: 1.5 }\n    then: { drop_connection: true }\n", "rules[1].when.probability: 1.5 is out of range"),
            ("{\"rules\": [{\"then\": {\"delay\": {\"ms\": \"x\"}}}]}", "rules[0].then.delay.ms: invalid type"),
            ("rules: 5\n", "rules: invalid type"),
        ];
        for (text, reason) in paths {
            let err = ScenarioFile::parse(text).unwrap_err();
            assert!(err.reason.starts_with(reason), "{text}: {err}");
        }
        let both = "rules:\n  - then: { drop_connection: true, malformed_body: true }\n";
        assert!(ScenarioFile::parse(both)
            .unwrap_err()
            .reason
            .contains("exclude"));
        let no_api = "rules:\n  - then: { outcome: '62304' }\n";
        assert!(ScenarioFile::parse(no_api)
            .unwrap_err()
            .reason
            .contains("when.api"));
        let wrong = "rules:\n  - when: { api: truora }\n    then: { outcome: FACE_NOT_FOUND }\n";
        assert!(ScenarioFile::parse(wrong)
            .unwrap_err()
            .reason
            .contains("declined_reason"));
        let nothing = "rules:\n  - when: { api: checkout }\n    then: {}\n";
        assert!(ScenarioFile::parse(nothing)
            .unwrap_err()
            .reason
            .contains("does nothing"));
    }

    #[test]
    fn operations_match_templates_and_capture_parameters() {
        let op = Operation::parse("get /face-authentications/{id}/attempts").unwrap();
        let params = op
            .matches("GET", "/face-authentications/fav_1/attempts")
            .unwrap();
        assert_eq!(params["id"], "fav_1");
        assert!(op
            .matches("POST", "/face-authentications/fav_1/attempts")
            .is_none());
        assert!(op
            .matches("GET", "/face-authentications//attempts")
            .is_none());
        assert!(op.matches("GET", "/face-authentications/fav_1").is_none());
        assert_eq!(
            Api::of("/checkout/applicants"),
            Some((Api::Checkout, "/applicants"))
        );
        assert_eq!(Api::of("/checkoutx"), None);
        assert_eq!(
            Api::of("/truora/validations/v1/validations"),
            Some((Api::Truora, "/v1/validations"))
        );
        assert_eq!(Api::of("/truora/validations"), Some((Api::Truora, "")));
    }
}
