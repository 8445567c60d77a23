//! The state of one Checkout scenario: the key it uses, the applicants, face authentications
//! and attempts it created, and the answers of its last actions. Every API request goes
//! through [`CheckoutWorld::send`], which checks the answer against the contract, the
//! `Cko-Request-Id` header and the error body; every failure names the exchange and how to
//! replay it with curl.

use super::codes;
use crate::scenarios::{sending, Context, Exclusivity};
use crate::target::{Exchange, Request};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// The header every answer carries, repeated as `request_id` in error bodies.
pub const REQUEST_ID: &str = "Cko-Request-Id";

/// Which `Authorization` the scenario sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Key {
    /// `Bearer` and the key given with `--key`.
    #[default]
    Main,
    /// `Bearer` and the key given with `--second-key`.
    Second,
    /// `Bearer` and the key given with `--videos-key`.
    Videos,
    /// No `Authorization` header.
    Missing,
    /// This whole header value.
    Header(String),
}

/// An attempt the scenario created, with its face authentication.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The id of its face authentication.
    pub face_authentication: String,
    /// What creating it answered.
    pub created: Value,
}

/// One scenario's world.
#[derive(Debug, Default)]
pub struct CheckoutWorld {
    context: Option<Arc<Context>>,
    exclusivity: Option<Exclusivity>,
    /// The ids of the scenario rules forcing outcomes that the scenario added.
    pub forced_rules: Vec<String>,
    /// The key requests carry.
    pub key: Key,
    /// What creating each applicant answered; the last is "the applicant".
    pub applicants: Vec<Value>,
    /// What creating each face authentication answered; the last is "the face authentication".
    pub face_authentications: Vec<Value>,
    /// Every attempt created, oldest first.
    pub attempts: Vec<Attempt>,
    /// The answers to the actions (`When` steps), oldest first.
    pub answers: Vec<Exchange>,
    /// The last answer of the control API.
    pub control_answer: Option<Exchange>,
    /// The asset links downloaded so far.
    pub asset_links: Vec<String>,
}

crate::suite_world!(CheckoutWorld);

/// Statuses that change without a request: the capture of an opened attempt (the sandbox
/// completes it on its own) and the checks.
const TRANSIENT: &[&str] = &["capture_in_progress", "checks_in_progress"];

impl CheckoutWorld {
    /// The `Authorization` value the scenario's key stands for, if any.
    fn authorization(&self) -> Option<String> {
        let context = self.context();
        let bearer = |key: &Option<String>, option: &str| match key {
            Some(key) => format!("Bearer {key}"),
            None => self.fail(None, format!("no key was given with {option}")),
        };
        match &self.key {
            Key::Main => Some(format!("Bearer {}", context.target.key)),
            Key::Second => Some(bearer(&context.second_key, "--second-key")),
            Key::Videos => Some(bearer(&context.videos_key, "--videos-key")),
            Key::Missing => None,
            Key::Header(value) => Some(value.clone()),
        }
    }

    /// A request to an API path carrying the scenario's key.
    pub fn request(&self, method: &str, path: &str) -> Request {
        let mut request = self.context().target.request_with_key(method, path, None);
        if let Some(value) = self.authorization() {
            request = request.header("Authorization", &value);
        }
        request
    }

    /// A request to an API path with a JSON body.
    pub fn json_request(&self, method: &str, path: &str, body: &str) -> Request {
        self.request(method, path)
            .text(Some("application/json"), body)
    }

    /// Sends a request to a documented operation; fails the step when there is no answer or
    /// the answer breaks the contract.
    pub async fn send(&mut self, request: Request) -> Exchange {
        let exchange = self.transmit(request, true).await;
        let context = self.context();
        if let Err(violation) = exchange.check(context.target.contract) {
            self.fail(
                Some(&exchange),
                format!("The answer breaks the API contract: {violation}"),
            );
        }
        self.check_envelope(&exchange);
        exchange
    }

    /// Sends a request that no operation documents (an unknown path, another method): the
    /// answer must still carry the request id and, for an error, the platform's error body.
    pub async fn send_undocumented(&mut self, request: Request) -> Exchange {
        let exchange = self.transmit(request, false).await;
        self.check_envelope(&exchange);
        if exchange.status >= 400 && exchange.status != 401 {
            let body = self.json(&exchange);
            let contract = self.context().target.contract;
            if let Err(errors) = contract.check_component("error", &body) {
                let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                self.fail(
                    Some(&exchange),
                    format!("not the platform's error body: {}", lines.join("; ")),
                );
            }
        }
        exchange
    }

    /// Sends a request to a link the API handed out (a verification URL, an asset): no
    /// contract applies, only the step's own checks.
    pub async fn send_link(&mut self, request: Request) -> Exchange {
        self.transmit(request, false).await
    }

    async fn transmit(&self, request: Request, api: bool) -> Exchange {
        sending::transmit(&self.context(), request, api).await
    }

    /// What every answer of the API must be besides its schema: a `Cko-Request-Id`, repeated
    /// as the error body's `request_id`, and an empty body for 401.
    fn check_envelope(&self, exchange: &Exchange) {
        let id = match exchange.header(REQUEST_ID) {
            Some(id) if !id.trim().is_empty() => id.to_string(),
            _ => self.fail(
                Some(exchange),
                format!("the answer has no {REQUEST_ID} header"),
            ),
        };
        if exchange.status == 401 {
            if !exchange.body.is_empty() {
                self.fail(Some(exchange), "a 401 answer must have an empty body");
            }
            return;
        }
        if exchange.status >= 400 {
            let body = self.json(exchange);
            let repeated = body.get("request_id").and_then(Value::as_str);
            if repeated != Some(id.as_str()) {
                self.fail(
                    Some(exchange),
                    format!(
                        "the error's request_id {:?} is not the {REQUEST_ID} header {id:?}",
                        repeated.unwrap_or("(none)")
                    ),
                );
            }
        }
    }

    /// Sends the request of an action; its answer is what `Then the request …` steps check.
    pub async fn act(&mut self, request: Request) -> Exchange {
        let exchange = self.send(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// [`CheckoutWorld::act`] for a request no operation documents.
    pub async fn act_undocumented(&mut self, request: Request) -> Exchange {
        let exchange = self.send_undocumented(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// The answer to the last action.
    pub fn answer(&self) -> Exchange {
        sending::last_answer(&self.context(), &self.answers)
    }

    /// `GET` a resource that must be answered with 200; answers the exchange and its body.
    pub async fn read(&mut self, path: &str) -> (Exchange, Value) {
        let exchange = self.send(self.request("GET", path)).await;
        self.expect_status(&exchange, 200, &format!("reading {path}"));
        let body = self.json(&exchange);
        (exchange, body)
    }

    /// The current applicant's creation answer.
    pub fn applicant(&self) -> Value {
        self.applicants
            .last()
            .cloned()
            .unwrap_or_else(|| self.fail(None, "no applicant yet: start with `Given an applicant`"))
    }

    /// The current applicant's id.
    pub fn applicant_id(&self) -> String {
        id_of(&self.applicant()).unwrap_or_else(|| self.fail(None, "the applicant has no id"))
    }

    /// The current face authentication's creation answer.
    pub fn face_authentication(&self) -> Value {
        self.face_authentications
            .last()
            .cloned()
            .unwrap_or_else(|| {
                self.fail(
                None,
                "no face authentication yet: add `Given a face authentication for the applicant`",
            )
            })
    }

    /// The current face authentication's id.
    pub fn face_authentication_id(&self) -> String {
        id_of(&self.face_authentication())
            .unwrap_or_else(|| self.fail(None, "the face authentication has no id"))
    }

    /// The attempts of the current face authentication, oldest first.
    pub fn attempts_of_current(&self) -> Vec<Attempt> {
        let id = self.face_authentication_id();
        self.attempts
            .iter()
            .filter(|a| a.face_authentication == id)
            .cloned()
            .collect()
    }

    /// Attempt `ordinal` (1 is the first) of the current face authentication; the latest
    /// when `None`.
    pub fn attempt(&self, ordinal: Option<usize>) -> Attempt {
        let attempts = self.attempts_of_current();
        let found = match ordinal {
            Some(n) => n.checked_sub(1).and_then(|i| attempts.get(i)),
            None => attempts.last(),
        };
        found.cloned().unwrap_or_else(|| {
            self.fail(
                None,
                "that attempt was not created: add `Given an attempt for the face authentication`",
            )
        })
    }

    /// The path of attempt `ordinal` (the latest when `None`).
    pub fn attempt_path(&self, ordinal: Option<usize>) -> String {
        let attempt = self.attempt(ordinal);
        let id =
            id_of(&attempt.created).unwrap_or_else(|| self.fail(None, "the attempt has no id"));
        attempt_path(&attempt.face_authentication, &id)
    }

    /// Reads the current face authentication until it leaves the transient statuses or is
    /// `wanted`; fails when the patience runs out first.
    pub async fn settled_face_authentication(&mut self, wanted: &str) -> (Exchange, Value) {
        let path = face_authentication_path(&self.face_authentication_id());
        self.settled(&path, wanted).await
    }

    /// Reads attempt `ordinal` (the latest when `None`) until it leaves the transient
    /// statuses or is `wanted`.
    pub async fn settled_attempt(
        &mut self,
        ordinal: Option<usize>,
        wanted: &str,
    ) -> (Exchange, Value) {
        let path = self.attempt_path(ordinal);
        self.settled(&path, wanted).await
    }

    async fn settled(&mut self, path: &str, wanted: &str) -> (Exchange, Value) {
        let context = self.context();
        let deadline = Instant::now() + context.patience;
        loop {
            let (exchange, body) = self.read(path).await;
            let status = body.get("status").and_then(Value::as_str).unwrap_or("");
            let moving = TRANSIENT.contains(&status) && status != wanted;
            if !moving || Instant::now() >= deadline {
                return (exchange, body);
            }
            tokio::time::sleep(context.poll_interval).await;
        }
    }

    /// Fails unless `body` shows `status` with `code` (`Some(None)`: no code; `None`: any).
    pub fn expect_outcome(
        &self,
        exchange: &Exchange,
        body: &Value,
        what: &str,
        status: &str,
        code: Option<Option<u32>>,
    ) {
        let shown = body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("(none)");
        if shown != status {
            self.fail(
                Some(exchange),
                format!("{what} is {shown:?}, expected {status:?}"),
            );
        }
        let Some(code) = code else { return };
        let expected = match code {
            None => Value::Array(Vec::new()),
            Some(code) => codes::response_codes(code).unwrap_or_else(|| {
                self.fail(None, format!("{code} is not a documented response code"))
            }),
        };
        let codes = body.get("response_codes").cloned().unwrap_or(Value::Null);
        if codes != expected {
            self.fail(
                Some(exchange),
                format!("{what}'s response_codes are {codes}, expected {expected}"),
            );
        }
    }

    /// The control API of the run; its steps are registered only when there is one.
    pub fn control_request(&self, method: &str, path: &str) -> Request {
        sending::control_request(&self.context(), method, path)
    }

    /// Sends a request to the control API; fails unless it answers `expected`.
    pub async fn control(&mut self, request: Request, expected: u16, what: &str) -> Exchange {
        let exchange = self.send_link(request).await;
        self.control_answer = Some(exchange.clone());
        if exchange.status != expected {
            self.fail(
                Some(&exchange),
                format!(
                    "the control API did not {what}: expected status {expected}, got {}",
                    exchange.status
                ),
            );
        }
        exchange
    }
}

/// The `id` of a resource body.
pub fn id_of(body: &Value) -> Option<String> {
    body.get("id").and_then(Value::as_str).map(str::to_string)
}

/// `/applicants/{id}`.
pub fn applicant_path(id: &str) -> String {
    format!("/applicants/{id}")
}

/// `/face-authentications/{id}`.
pub fn face_authentication_path(id: &str) -> String {
    format!("/face-authentications/{id}")
}

/// `/face-authentications/{face_authentication}/attempts/{attempt}`.
pub fn attempt_path(face_authentication: &str, attempt: &str) -> String {
    format!("/face-authentications/{face_authentication}/attempts/{attempt}")
}

/// The string at a dotted path (`_links.self.href`, `response_codes.0.code`).
pub fn at<'v>(value: &'v Value, dotted: &str) -> Option<&'v Value> {
    value.pointer(&pointer(dotted))
}

/// Why `body` does not hold the JSON `expected` (its text) at the dotted path `field`; `None`
/// when it does.
pub fn field_mismatch(body: &Value, field: &str, expected: &str) -> Option<String> {
    let expected: Value = match serde_json::from_str(expected) {
        Ok(value) => value,
        Err(e) => return Some(format!("{expected} is not JSON: {e}")),
    };
    let shown = at(body, field);
    (shown != Some(&expected))
        .then(|| format!("the answer's {field:?} is {shown:?}, expected {expected}"))
}

/// A JSON pointer for a dotted path.
pub fn pointer(dotted: &str) -> String {
    dotted
        .split('.')
        .map(|part| format!("/{}", part.replace('~', "~0").replace('/', "~1")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_reach_nested_fields_and_items() {
        let body = json!({"_links": {"self": {"href": "h"}}, "response_codes": [{"code": 1}]});
        assert_eq!(at(&body, "_links.self.href"), Some(&json!("h")));
        assert_eq!(at(&body, "response_codes.0.code"), Some(&json!(1)));
        assert_eq!(at(&body, "missing"), None);
        assert_eq!(pointer("a/b.c"), "/a~1b/c");
        assert_eq!(field_mismatch(&body, "response_codes.0.code", "1"), None);
        let wrong = field_mismatch(&body, "_links.self.href", "\"x\"").unwrap();
        assert!(wrong.contains("expected \"x\""), "{wrong}");
        assert!(field_mismatch(&body, "missing", "x")
            .unwrap()
            .contains("not JSON"));
    }

    #[test]
    fn paths_name_their_resources() {
        assert_eq!(applicant_path("aplt_x"), "/applicants/aplt_x");
        assert_eq!(
            attempt_path("fav_x", "fatp_y"),
            "/face-authentications/fav_x/attempts/fatp_y"
        );
        assert_eq!(id_of(&json!({"id": "fav_x"})).as_deref(), Some("fav_x"));
    }
}
