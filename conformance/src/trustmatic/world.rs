//! The state of one Trustmatic scenario: the credentials it sends, its session id, the
//! pictures it serves, the outcomes it armed and the answers of its actions. Every API request
//! goes through [`TrustmaticWorld::send`], which checks the answer against the contract and
//! [`answers::check`]; every failure names the exchange and how to replay it with curl.

use super::answers;
use super::endpoint::Endpoint;
use super::picture_host::PictureHost;
use super::pictures::{self, Form, Picture};
use crate::checkout::body;
use crate::scenarios::{sending, Context, Exclusivity};
use crate::target::{Exchange, Request};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use sha2::Digest as _;
use std::sync::Arc;

/// Which `Authorization` the scenario sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Credentials {
    /// `Basic` and the credentials given with `--key`.
    #[default]
    Main,
    /// No `Authorization` header.
    Missing,
    /// This whole header value.
    Header(String),
}

/// One scenario's world.
#[derive(Debug, Default)]
pub struct TrustmaticWorld {
    context: Option<Arc<Context>>,
    exclusivity: Option<Exclusivity>,
    session_id: Option<String>,
    pictures: Option<PictureHost>,
    /// The credentials requests carry.
    pub credentials: Credentials,
    /// The answers to the actions (`When` steps), oldest first.
    pub answers: Vec<Exchange>,
    /// What arming each outcome answered, oldest first.
    pub armed: Vec<Value>,
    /// The last answer of the control API.
    pub control_answer: Option<Exchange>,
}

crate::suite_world!(TrustmaticWorld);

/// A session id shaped like the documents' UUIDs, made from a name unique to the run.
fn session_id_from(unique: &str) -> String {
    let hex = hex::encode(&sha2::Sha256::digest(unique.as_bytes())[..16]);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

impl TrustmaticWorld {
    /// The username and password given with `--key` (the target holds their Base64).
    pub fn username_and_password(&self) -> (String, String) {
        let encoded = self.context().target.key.clone();
        let decoded = STANDARD
            .decode(&encoded)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default();
        match decoded.split_once(':') {
            Some((user, password)) => (user.to_string(), password.to_string()),
            None => self.fail(None, "the credentials are not username:password"),
        }
    }

    /// A request to an API path carrying the scenario's credentials.
    pub fn request(&self, method: &str, path: &str) -> Request {
        let context = self.context();
        let mut request = context.target.request_with_key(method, path, None);
        let value = match &self.credentials {
            Credentials::Main => Some(format!("Basic {}", context.target.key)),
            Credentials::Missing => None,
            Credentials::Header(value) => Some(value.clone()),
        };
        if let Some(value) = value {
            request = request.header("Authorization", &value);
        }
        request
    }

    /// The scenario's session id (the same for every request until [`Self::new_session_id`]).
    pub fn session_id(&mut self) -> String {
        if self.session_id.is_none() {
            self.new_session_id();
        }
        self.session_id.clone().expect("a session id was made")
    }

    /// Starts using a session id no other scenario uses.
    pub fn new_session_id(&mut self) {
        self.session_id = Some(session_id_from(&self.context().unique()));
    }

    /// The value a picture has in a request; a URL is served by the scenario's picture host.
    pub async fn picture(&mut self, picture: &Picture) -> String {
        let fixtures = self.context().fixtures.clone();
        let file = picture
            .file(&fixtures)
            .unwrap_or_else(|problem| self.fail(None, problem));
        if picture.form != Form::Url {
            let file = file.expect("only a URL can be missing");
            return pictures::encode(&file, &picture.form);
        }
        if self.pictures.is_none() {
            let host = PictureHost::start().await.unwrap_or_else(|e| {
                self.fail(None, format!("the picture host could not start: {e}"))
            });
            self.pictures = Some(host);
        }
        let host = self.pictures.as_ref().expect("the host was started");
        match file {
            Some(file) => host.publish(&file),
            None => host.missing(),
        }
    }

    /// The paths of the pictures the service fetched from the scenario's host.
    pub fn fetched_pictures(&self) -> Vec<String> {
        self.pictures
            .as_ref()
            .map(PictureHost::fetched)
            .unwrap_or_default()
    }

    /// The JSON value a step's cell stands for: `(the session id)`, a picture (see
    /// [`Picture::parse`]), or a table value (see [`body::cell_value`]); `None` for
    /// `(omitted)`.
    pub async fn cell(&mut self, text: &str) -> Option<Value> {
        if text == "(the session id)" {
            return Some(Value::String(self.session_id()));
        }
        match Picture::parse(text) {
            Some(picture) => Some(Value::String(self.picture(&picture).await)),
            None => body::cell_value(text),
        }
    }

    /// The fields of `(name, cell)` pairs, in order, `(omitted)` ones left out.
    pub async fn fields(&mut self, rows: &[(String, String)]) -> Vec<(String, Value)> {
        let mut fields = Vec::new();
        for (name, text) in rows {
            if let Some(value) = self.cell(text).await {
                fields.push((name.clone(), value));
            }
        }
        fields
    }

    /// Sends `fields` as the JSON object of a request to `endpoint`, as an action.
    pub async fn call(&mut self, endpoint: Endpoint, fields: &[(String, Value)]) -> Exchange {
        let request = self
            .request("POST", endpoint.path())
            .text(Some("application/json"), &body::object_text(fields));
        self.act(request).await
    }

    /// Sends a request to an operation; fails the step when there is no answer, or the answer
    /// breaks the contract or [`answers::check`].
    pub async fn send(&mut self, request: Request) -> Exchange {
        let context = self.context();
        let exchange = sending::transmit(&context, request, true).await;
        if let Err(violation) = exchange.check(context.target.contract) {
            self.fail(
                Some(&exchange),
                format!("The answer breaks the API contract: {violation}"),
            );
        }
        self.check_answer(&exchange);
        exchange
    }

    /// Sends a request no operation documents (an unknown path, another method): a refusal
    /// must still have the body the contract gives it (`error.not_found`,
    /// `error.method_not_allowed`).
    pub async fn send_undocumented(&mut self, request: Request) -> Exchange {
        let context = self.context();
        let exchange = sending::transmit(&context, request, true).await;
        self.check_answer(&exchange);
        let component = match exchange.status {
            404 => "error.not_found",
            405 => "error.method_not_allowed",
            401 => return exchange,
            _ => "error",
        };
        let body = self.json(&exchange);
        if let Err(errors) = context.target.contract.check_component(component, &body) {
            let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            self.fail(
                Some(&exchange),
                format!(
                    "the {} answer breaks schema {component}: {}",
                    exchange.status,
                    lines.join("; ")
                ),
            );
        }
        exchange
    }

    fn check_answer(&self, exchange: &Exchange) {
        if let Err(problem) = answers::check(exchange) {
            let what = format!(
                "{} {}",
                exchange.request.method,
                exchange
                    .api_path
                    .as_deref()
                    .unwrap_or(&exchange.request.url)
            );
            self.fail(Some(exchange), format!("{what}: {problem}"));
        }
    }

    /// Sends the request of an action; its answer is what `Then` steps check.
    pub async fn act(&mut self, request: Request) -> Exchange {
        let exchange = self.send(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// [`TrustmaticWorld::act`] for a request no operation documents.
    pub async fn act_undocumented(&mut self, request: Request) -> Exchange {
        let exchange = self.send_undocumented(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// The answer to the last action.
    pub fn answer(&self) -> Exchange {
        sending::last_answer(&self.context(), &self.answers)
    }

    /// The endpoint the last action called.
    pub fn endpoint(&self) -> Endpoint {
        let answer = self.answer();
        answer
            .api_path
            .as_deref()
            .and_then(Endpoint::at)
            .unwrap_or_else(|| self.fail(Some(&answer), "the last request called no endpoint"))
    }

    /// A request to the control API; its steps are registered only when there is one.
    pub fn control_request(&self, method: &str, path: &str) -> Request {
        sending::control_request(&self.context(), method, path)
    }

    /// Sends a request to the control API; fails unless it answers one of `expected`.
    pub async fn control(&mut self, request: Request, expected: &[u16], what: &str) -> Exchange {
        let exchange = sending::transmit(&self.context(), request, false).await;
        self.control_answer = Some(exchange.clone());
        if !expected.contains(&exchange.status) {
            self.fail(
                Some(&exchange),
                format!(
                    "the control API did not {what}: expected status {expected:?}, got {}",
                    exchange.status
                ),
            );
        }
        exchange
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_look_like_the_documents_uuids() {
        let id = session_id_from("conf-abc-1");
        let pattern =
            regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$")
                .unwrap();
        assert!(pattern.is_match(&id), "{id}");
        assert_ne!(id, session_id_from("conf-abc-2"));
        assert_eq!(id, session_id_from("conf-abc-1"));
    }
}
