//! The state of one Truora scenario: its account, enrollment and validations, the key it
//! uses, and the answer of its last action. Every request goes through [`TruoraWorld::send`],
//! which checks the answer against the contract; every failure names the exchange and how to
//! replay it with curl.

use crate::fixtures::Fixture;
use crate::scenarios::{sending, Context, Exclusivity};
use crate::target::{Exchange, Request};
use cucumber::gherkin;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// Which key the scenario sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Key {
    /// The key given with `--key`.
    #[default]
    Main,
    /// The key given with `--limited-key`.
    Limited,
    /// No key header at all.
    Missing,
    /// A key the scenario chose.
    Other(String),
}

/// One scenario's world.
#[derive(Debug, Default)]
pub struct TruoraWorld {
    context: Option<Arc<Context>>,
    exclusivity: Option<Exclusivity>,
    /// The key requests carry.
    pub key: Key,
    /// The account the scenario works with.
    pub account: Option<String>,
    /// What creating the current enrollment answered.
    pub enrollment: Option<Value>,
    /// What creating each validation answered, oldest first; the last is "the validation".
    pub validations: Vec<Value>,
    /// The answer to the last action (`When` step).
    pub answer: Option<Exchange>,
    /// The last validation read with `show_details=true`.
    pub details: Option<Value>,
    /// The ids of the scenario rules forcing outcomes that the scenario added.
    pub forced_rules: Vec<String>,
}

crate::suite_world!(TruoraWorld);

impl TruoraWorld {
    /// A request to an API path carrying the scenario's key.
    pub fn request(&self, method: &str, path: &str) -> Request {
        let context = self.context();
        let key = match &self.key {
            Key::Main => Some(context.target.key.clone()),
            Key::Limited => context.limited_key.clone(),
            Key::Missing => None,
            Key::Other(key) => Some(key.clone()),
        };
        context
            .target
            .request_with_key(method, path, key.as_deref())
    }

    /// Sends an API request; fails the step when there is no answer or the answer breaks the
    /// contract.
    pub async fn send(&mut self, request: Request) -> Exchange {
        self.exchange(request, false).await
    }

    /// Sends a request to a link the API handed out (upload or file link). Links are not
    /// operations of the API, so only the step's own checks apply to the answer.
    pub async fn send_link(&mut self, request: Request) -> Exchange {
        self.exchange(request, true).await
    }

    async fn exchange(&mut self, request: Request, link: bool) -> Exchange {
        let context = self.context();
        let exchange = sending::transmit(&context, request, !link).await;
        if let Err(violation) = exchange.check(context.target.contract) {
            self.fail(
                Some(&exchange),
                format!("The answer breaks the API contract: {violation}"),
            );
        }
        exchange
    }

    /// Sends the request of an action; its answer is what `Then the request …` steps check.
    pub async fn act(&mut self, request: Request) -> Exchange {
        let exchange = self.send(request).await;
        self.answer = Some(exchange.clone());
        exchange
    }

    /// [`TruoraWorld::act`] for a request to a link.
    pub async fn act_link(&mut self, request: Request) -> Exchange {
        let exchange = self.send_link(request).await;
        self.answer = Some(exchange.clone());
        exchange
    }

    /// The answer to the last action.
    pub fn answer(&self) -> Exchange {
        match &self.answer {
            Some(answer) => answer.clone(),
            None => self.fail(
                None,
                "no request was sent yet: a `When` step must come first",
            ),
        }
    }

    /// The account; fails when the scenario has none yet.
    pub fn account(&self) -> String {
        self.account
            .clone()
            .unwrap_or_else(|| self.fail(None, "no account yet: start with `Given a new account`"))
    }

    /// A fresh account id, made the scenario's account.
    pub fn new_account(&mut self) -> String {
        let account = self.context().unique();
        self.account = Some(account.clone());
        account
    }

    /// The current enrollment's creation answer.
    pub fn enrollment(&self) -> Value {
        self.enrollment
            .clone()
            .unwrap_or_else(|| self.fail(None, "no enrollment was created yet"))
    }

    /// The current enrollment's id.
    pub fn enrollment_id(&self) -> String {
        let enrollment = self.enrollment();
        text_at(&enrollment, "/enrollment_id").unwrap_or_else(|| {
            self.fail(
                None,
                format!("the enrollment has no enrollment_id: {enrollment}"),
            )
        })
    }

    /// The creation answer of validation `index` (0 is the first); the last when `None`.
    pub fn validation(&self, index: Option<usize>) -> Value {
        let found = match index {
            Some(i) => self.validations.get(i),
            None => self.validations.last(),
        };
        found
            .cloned()
            .unwrap_or_else(|| self.fail(None, "that validation was not created"))
    }

    /// The id of validation `index` (the last when `None`).
    pub fn validation_id(&self, index: Option<usize>) -> String {
        let validation = self.validation(index);
        text_at(&validation, "/validation_id").unwrap_or_else(|| {
            self.fail(
                None,
                format!("the validation has no validation_id: {validation}"),
            )
        })
    }

    /// `GET` a resource that must be answered with 200; answers the exchange and its body.
    pub async fn read(&mut self, path: &str) -> (Exchange, Value) {
        let exchange = self.send(self.request("GET", path)).await;
        self.expect_status(&exchange, 200, &format!("reading {path}"));
        let body = self.json(&exchange);
        (exchange, body)
    }

    /// The current enrollment as it reads now, waiting (within the patience) while it is
    /// still pending and not yet what `wanted` accepts: a vendor may settle uploads later.
    pub async fn settled_enrollment(
        &mut self,
        wanted: impl Fn(&Value) -> bool,
    ) -> (Exchange, Value) {
        let path = format!("/v1/enrollments/{}", self.enrollment_id());
        let context = self.context();
        let deadline = Instant::now() + context.patience;
        loop {
            let (exchange, body) = self.read(&path).await;
            let pending = body.get("status").and_then(Value::as_str) == Some("pending");
            if wanted(&body) || !pending || Instant::now() >= deadline {
                return (exchange, body);
            }
            tokio::time::sleep(context.poll_interval).await;
        }
    }

    /// The current validation as it reads now.
    pub async fn current_validation(&mut self) -> (Exchange, Value) {
        let path = format!("/v1/validations/{}", self.validation_id(None));
        self.read(&path).await
    }

    /// Reads the current validation until it is no longer pending; fails when it still is
    /// after the patience.
    pub async fn finished_validation(&mut self) -> (Exchange, Value) {
        let context = self.context();
        let started = Instant::now();
        loop {
            let (exchange, body) = self.current_validation().await;
            if body.get("validation_status").and_then(Value::as_str) != Some("pending") {
                return (exchange, body);
            }
            if started.elapsed() >= context.patience {
                self.fail(
                    Some(&exchange),
                    format!(
                        "the validation is still pending after {} s",
                        context.patience.as_secs()
                    ),
                );
            }
            tokio::time::sleep(context.poll_interval).await;
        }
    }

    /// The fixture called `name`.
    pub fn fixture(&self, name: &str) -> Fixture {
        let context = self.context();
        if !context.fixtures.names().any(|n| n == name) {
            self.fail(None, format!("there is no fixture called {name}"));
        }
        context.fixtures.get(name).clone()
    }

    /// A `PUT` of fixture `name` to `link`.
    pub fn upload_request(&self, link: &str, name: &str) -> Request {
        let fixture = self.fixture(name);
        self.context().target.link("PUT", link).bytes(
            Some(fixture.content_type),
            fixture.bytes,
            &fixture.name,
        )
    }
}

/// The string at `pointer`, if any.
pub fn text_at(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The form pairs of a step's two-column table, in order, without rows whose value is
/// `(omitted)`.
pub fn table_pairs(step: &gherkin::Step) -> Vec<(String, String)> {
    step.table
        .iter()
        .flat_map(|table| &table.rows)
        .filter(|row| row.len() >= 2 && row[1] != "(omitted)")
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect()
}

/// Whether two JSON values are equal, numbers compared by value (`300` equals `300.0`).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value() {
        assert!(same_json(
            &json!({"t": 300, "s": [0.65]}),
            &json!({"t": 300.0, "s": [0.65]})
        ));
        assert!(!same_json(&json!({"t": 300}), &json!({"t": 301})));
        assert!(!same_json(&json!({"t": 300}), &json!({"t": 300, "u": 1})));
        assert!(!same_json(&json!("300"), &json!(300)));
    }

    #[test]
    fn tables_become_form_pairs_in_order() {
        let text = "Feature: F\n  Scenario: S\n    Given x:\n      | a | 1 |\n      | b | (omitted) |\n      | a |  |\n";
        let feature = gherkin::Feature::parse(text, Default::default()).unwrap();
        let pairs = table_pairs(&feature.scenarios[0].steps[0]);
        assert_eq!(
            pairs,
            [
                ("a".to_string(), "1".to_string()),
                ("a".to_string(), String::new())
            ]
        );
    }
}
