//! The active rules: tried in order against each request, counting matches so `nth` and
//! `times` hold across concurrent requests.

use super::file::{Api, Rule, Then};
use serde::Serialize;
use std::collections::BTreeMap;

/// Most rules active at once.
pub const MAX_RULES: usize = 1000;

/// What is known of a request when rules are tried.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The vendor API the path is under.
    pub api: Option<Api>,
    /// The method, uppercase.
    pub method: String,
    /// The path below the API's prefix.
    pub path: String,
    /// Query parameters, form fields and JSON fields (dotted paths), as text.
    pub fields: BTreeMap<String, String>,
    /// The request's named namespace; `None` for the default one.
    pub namespace: Option<String>,
}

/// A rule in force, with where it came from and how often it matched.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveRule {
    /// Its ID, for removal.
    pub id: String,
    /// The file it was loaded from, or `control-api`.
    pub source: String,
    /// The named namespace it was added in, and the only one it applies to; rules from
    /// scenario files and from the default namespace apply everywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The rule as written.
    pub rule: Rule,
    /// Requests that met its conditions (before `nth`, `probability` and `times`).
    pub matched: u64,
    /// Requests it affected.
    pub applied: u64,
}

/// The rules in force, in the order they are tried.
#[derive(Debug, Default)]
pub struct Rules {
    active: Vec<ActiveRule>,
    next_id: u64,
}

impl Rules {
    /// Adds `rules` after those in force, applying only in `namespace` when one is named;
    /// answers their IDs, or refuses them all when that would exceed [`MAX_RULES`].
    pub fn add(
        &mut self,
        source: &str,
        namespace: Option<&str>,
        rules: Vec<Rule>,
    ) -> Result<Vec<String>, String> {
        if self.active.len() + rules.len() > MAX_RULES {
            return Err(format!(
                "at most {MAX_RULES} rules can be in force; {} are",
                self.active.len()
            ));
        }
        let ids = rules
            .into_iter()
            .map(|rule| {
                self.next_id += 1;
                let id = format!("rule_{}", self.next_id);
                self.active.push(ActiveRule {
                    id: id.clone(),
                    source: source.to_string(),
                    namespace: namespace.map(str::to_string),
                    rule,
                    matched: 0,
                    applied: 0,
                });
                id
            })
            .collect();
        Ok(ids)
    }

    /// Removes the rule `id` as seen from `namespace` (a named namespace removes only its own
    /// rules); whether there was one.
    pub fn remove(&mut self, id: &str, namespace: Option<&str>) -> bool {
        let before = self.active.len();
        self.active
            .retain(|r| !(r.id == id && owned_by(r, namespace)));
        before != self.active.len()
    }

    /// Removes every rule as seen from `namespace`: a named namespace removes only its own.
    pub fn clear(&mut self, namespace: Option<&str>) {
        self.active.retain(|r| !owned_by(r, namespace));
    }

    /// The rules in force.
    pub fn list(&self) -> &[ActiveRule] {
        &self.active
    }

    /// The rules that apply in `namespace`: every rule from the default namespace; the rules
    /// for everyone and its own from a named one.
    pub fn visible_from(&self, namespace: Option<&str>) -> Vec<ActiveRule> {
        self.active
            .iter()
            .filter(|r| namespace.is_none() || applies_in(r, namespace))
            .cloned()
            .collect()
    }

    /// Whether no rule is in force.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// Whether some rule looks at fields (so request bodies are worth reading).
    pub fn reads_fields(&self) -> bool {
        self.active.iter().any(|r| !r.rule.when.fields.is_empty())
    }

    /// The first rule that applies to `facts`, counted as applied; `roll` draws a number in
    /// 0..1 for `probability`.
    pub fn decide(
        &mut self,
        facts: &Facts,
        mut roll: impl FnMut() -> f64,
    ) -> Option<(String, Then)> {
        for active in &mut self.active {
            if !applies_in(active, facts.namespace.as_deref()) {
                continue;
            }
            let when = &active.rule.when;
            if when.api.is_some_and(|api| Some(api) != facts.api) {
                continue;
            }
            let params = match &when.operation {
                None => BTreeMap::new(),
                Some(op) => match op.matches(&facts.method, &facts.path) {
                    Some(params) => params,
                    None => continue,
                },
            };
            let takes_outcome = facts
                .api
                .is_some_and(|api| super::outcome::takes_outcome(api, &facts.method, &facts.path));
            if active.rule.then.outcome.is_some() && !takes_outcome {
                continue;
            }
            let fields_hold = when.fields.iter().all(|(name, want)| {
                params.get(name).or_else(|| facts.fields.get(name)) == Some(want)
            });
            if !fields_hold {
                continue;
            }
            active.matched += 1;
            if when.nth.is_some_and(|n| n.0 != active.matched) {
                continue;
            }
            if active
                .rule
                .then
                .times
                .is_some_and(|t| active.applied >= t.0)
            {
                continue;
            }
            if when.probability.is_some_and(|p| roll() >= p.0) {
                continue;
            }
            active.applied += 1;
            return Some((active.id.clone(), active.rule.then.clone()));
        }
        None
    }
}

/// Whether `rule` applies to requests in `namespace`.
fn applies_in(rule: &ActiveRule, namespace: Option<&str>) -> bool {
    rule.namespace.is_none() || rule.namespace.as_deref() == namespace
}

/// Whether a request in `namespace` may remove `rule`: the default namespace any, a named one
/// its own.
fn owned_by(rule: &ActiveRule, namespace: Option<&str>) -> bool {
    namespace.is_none() || rule.namespace.as_deref() == namespace
}

/// The fields of a JSON value, nested objects as dotted paths; scalars as text.
pub fn json_fields(value: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                json_fields(inner, &path, out);
            }
        }
        Value::String(s) if !prefix.is_empty() => {
            out.insert(prefix.to_string(), s.clone());
        }
        Value::Number(_) | Value::Bool(_) if !prefix.is_empty() => {
            out.insert(prefix.to_string(), value.to_string());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file::ScenarioFile;

    fn rules(text: &str) -> Rules {
        let mut rules = Rules::default();
        rules
            .add("test", None, ScenarioFile::parse(text).unwrap().rules)
            .unwrap();
        rules
    }

    fn facts(api: Api, method: &str, path: &str, fields: &[(&str, &str)]) -> Facts {
        Facts {
            api: Some(api),
            method: method.into(),
            path: path.into(),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            namespace: None,
        }
    }

    #[test]
    fn conditions_select_requests_and_the_first_rule_wins() {
        let mut rules = rules(
            "rules:
  - when: { api: checkout, operation: 'GET /applicants/{applicant_id}', fields: { applicant_id: aplt_1 } }
    then: { respond: { status: 500 } }
  - when: { api: trustmatic, fields: { sessionId: s1 } }
    then: { drop_connection: true }
  - when: { api: trustmatic }
    then: { malformed_body: true }",
        );
        let never = || 1.0;
        let hit = rules.decide(
            &facts(Api::Checkout, "GET", "/applicants/aplt_1", &[]),
            never,
        );
        assert_eq!(hit.unwrap().1.respond.unwrap().status.0, 500);
        assert!(rules
            .decide(
                &facts(Api::Checkout, "GET", "/applicants/aplt_2", &[]),
                never
            )
            .is_none());
        let s1 = facts(
            Api::Trustmatic,
            "POST",
            "/api/v1/face/verify",
            &[("sessionId", "s1")],
        );
        assert!(rules.decide(&s1, never).unwrap().1.drop_connection);
        let s2 = facts(
            Api::Trustmatic,
            "POST",
            "/api/v1/face/verify",
            &[("sessionId", "s2")],
        );
        assert!(rules.decide(&s2, never).unwrap().1.malformed_body);
        assert!(rules
            .decide(&facts(Api::Truora, "GET", "/v1/x", &[]), never)
            .is_none());
    }

    #[test]
    fn nth_times_and_probability_count_matches() {
        let mut rules = rules(
            "rules:
  - when: { api: truora, nth: 2 }
    then: { respond: { status: 502 } }
  - when: { api: checkout }
    then: { respond: { status: 503 }, times: 2 }
  - when: { api: trustmatic, probability: 0.5 }
    then: { respond: { status: 504 } }",
        );
        let truora = facts(Api::Truora, "GET", "/v1/x", &[]);
        let seen: Vec<bool> = (0..4)
            .map(|_| rules.decide(&truora, || 0.0).is_some())
            .collect();
        assert_eq!(seen, [false, true, false, false]);
        let checkout = facts(Api::Checkout, "GET", "/x", &[]);
        let seen: Vec<bool> = (0..4)
            .map(|_| rules.decide(&checkout, || 0.0).is_some())
            .collect();
        assert_eq!(seen, [true, true, false, false]);
        let trustmatic = facts(Api::Trustmatic, "POST", "/x", &[]);
        assert!(rules.decide(&trustmatic, || 0.49).is_some());
        assert!(rules.decide(&trustmatic, || 0.5).is_none());
        assert_eq!(rules.list()[0].matched, 4);
        assert_eq!(rules.list()[1].applied, 2);
    }

    #[test]
    fn a_namespace_rule_applies_and_is_removable_in_its_namespace_only() {
        let mut rules = Rules::default();
        let text = "rules:\n  - then: { respond: { status: 500 } }";
        let ids = rules
            .add("test", Some("a"), ScenarioFile::parse(text).unwrap().rules)
            .unwrap();
        let in_ns = |name: Option<&str>| Facts {
            namespace: name.map(str::to_string),
            ..facts(Api::Truora, "GET", "/v1/x", &[])
        };
        assert!(rules.decide(&in_ns(Some("b")), || 0.0).is_none());
        assert!(rules.decide(&in_ns(None), || 0.0).is_none());
        assert!(rules.decide(&in_ns(Some("a")), || 0.0).is_some());
        assert!(rules.visible_from(Some("b")).is_empty());
        assert_eq!(rules.visible_from(None).len(), 1);
        assert!(!rules.remove(&ids[0], Some("b")));
        rules.clear(Some("b"));
        assert_eq!(rules.list().len(), 1);
        assert!(rules.remove(&ids[0], Some("a")));
    }

    #[test]
    fn json_fields_flatten_with_dots() {
        let mut out = BTreeMap::new();
        let body = serde_json::json!({"sessionId": "s", "probe": {"imageBase64": "AA"}, "n": 3, "list": [1]});
        json_fields(&body, "", &mut out);
        assert_eq!(out["sessionId"], "s");
        assert_eq!(out["probe.imageBase64"], "AA");
        assert_eq!(out["n"], "3");
        assert!(!out.contains_key("list"));
    }
}
