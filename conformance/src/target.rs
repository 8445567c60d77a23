//! The implementation under test: its base URL, key and optional control API, and every
//! request sent to it kept as an [`Exchange`] that can be checked against the contract and
//! replayed with curl.

mod expect_continue;

use bytes::Bytes;
use facesim_schemas::{Contract, Violation};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::time::Duration;

/// An API implementation at a base URL.
#[derive(Clone)]
pub struct Target {
    /// Base URL of the API, without a trailing slash (`http://127.0.0.1:7700/truora/validations`).
    pub base: String,
    /// The API key sent in the API's key header.
    pub key: String,
    /// The header carrying the key (`Truora-API-Key`, `Authorization`).
    pub key_header: &'static str,
    /// What comes before the key in that header (`Bearer `), usually nothing.
    pub key_prefix: &'static str,
    /// The contract the API must honour.
    pub contract: &'static Contract,
    /// A control API (facesim's `/_facesim`), when the target has one.
    pub control: Option<Control>,
    /// The configuration every resource that needs one is created with (Checkout: the user
    /// journey id of face authentications); `None` for the suite's default.
    pub configuration: Option<String>,
    /// The facesim namespace every request is sent in (`Facesim-Namespace`), if any.
    pub namespace: Option<String>,
    http: reqwest::Client,
}

/// The header naming a facesim namespace.
pub const NAMESPACE_HEADER: &str = "Facesim-Namespace";

/// The headers every request carries: the namespace's, if there is one.
fn namespace_headers(namespace: &Option<String>) -> Vec<(String, String)> {
    namespace
        .iter()
        .map(|name| (NAMESPACE_HEADER.to_string(), name.clone()))
        .collect()
}

/// A control API able to move the clock and reset state.
#[derive(Clone)]
pub struct Control {
    /// Its base URL, without a trailing slash (`http://127.0.0.1:7700/_facesim`).
    pub base: String,
    /// The facesim namespace its requests act in, if any.
    pub namespace: Option<String>,
    http: reqwest::Client,
}

/// What is sent as a request body.
#[derive(Clone, Debug)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/x-www-form-urlencoded` pairs, in order.
    Form(Vec<(String, String)>),
    /// Raw bytes with a declared content type; `label` names them in curl commands
    /// (`@alice-selfie.jpg`).
    Bytes {
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The bytes.
        bytes: Bytes,
        /// A file name for the curl reproduction.
        label: String,
    },
}

/// A request to send.
#[derive(Clone, Debug)]
pub struct Request {
    /// Upper-case method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Extra headers, in order (the key header included when the request is authenticated).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

/// A request and the answer it got.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// What was sent.
    pub request: Request,
    /// Path relative to the target's base when the URL is under it (query included).
    pub api_path: Option<String>,
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// Every header of the answer, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

/// A transport failure: no HTTP answer at all.
#[derive(Debug)]
pub struct TransportError {
    /// The request that failed, as curl.
    pub curl: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no answer ({}) to: {}", self.message, self.curl)
    }
}

impl std::error::Error for TransportError {}

/// Bodies over this many bytes go with `Expect: 100-continue` (plain HTTP only).
const LARGE_BODY: usize = 64 * 1024;

/// The HTTP client. It opens a connection per request: a server that answers before reading
/// a request body may close the connection afterwards without saying so, and a pooled
/// connection would then fail the next request sent on it, whatever that request is.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client builds")
}

impl Target {
    /// A target for `contract` at `base` using `key` in `key_header`.
    pub fn new(
        base: &str,
        key: &str,
        key_header: &'static str,
        contract: &'static Contract,
        control: Option<&str>,
    ) -> Self {
        let http = client();
        Target {
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
            key_header,
            key_prefix: "",
            contract,
            control: control.map(|c| Control {
                base: c.trim_end_matches('/').to_string(),
                namespace: None,
                http: http.clone(),
            }),
            configuration: None,
            namespace: None,
            http,
        }
    }

    /// The same target sending every request, control requests included, in facesim's
    /// `namespace` (`Facesim-Namespace`), so several runs can share one facesim.
    pub fn with_namespace(mut self, namespace: Option<String>) -> Self {
        if let Some(control) = &mut self.control {
            control.namespace = namespace.clone();
        }
        self.namespace = namespace;
        self
    }

    /// The same target with `prefix` written before every key (`Bearer `).
    pub fn with_key_prefix(mut self, prefix: &'static str) -> Self {
        self.key_prefix = prefix;
        self
    }

    /// The same target creating its resources with `configuration`.
    pub fn with_configuration(mut self, configuration: Option<String>) -> Self {
        self.configuration = configuration;
        self
    }

    /// A request to `path` under the base, carrying the key.
    pub fn request(&self, method: &str, path: &str) -> Request {
        self.request_with_key(method, path, Some(&self.key))
    }

    /// A request to `path` under the base with another key, or none.
    pub fn request_with_key(&self, method: &str, path: &str, key: Option<&str>) -> Request {
        let mut headers = key
            .map(|k| {
                vec![(
                    self.key_header.to_string(),
                    format!("{}{k}", self.key_prefix),
                )]
            })
            .unwrap_or_default();
        headers.extend(namespace_headers(&self.namespace));
        Request {
            method: method.to_ascii_uppercase(),
            url: format!("{}{}", self.base, path),
            headers,
            body: Body::Empty,
        }
    }

    /// A request to an absolute URL the API handed out (an upload or file link), no key.
    pub fn link(&self, method: &str, url: &str) -> Request {
        Request {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            headers: namespace_headers(&self.namespace),
            body: Body::Empty,
        }
    }

    /// Sends `request` and reads the whole answer.
    pub async fn send(&self, request: Request) -> Result<Exchange, TransportError> {
        self.exchange(request, true).await
    }

    /// Sends a request to a link the API handed out (an upload or file link): its exchange
    /// has no `api_path`, since such links are not operations of the API even when they are
    /// served under its base URL.
    pub async fn send_link(&self, request: Request) -> Result<Exchange, TransportError> {
        self.exchange(request, false).await
    }

    async fn exchange(&self, request: Request, api: bool) -> Result<Exchange, TransportError> {
        let fail = |request: &Request, e: reqwest::Error| TransportError {
            curl: request.curl(),
            message: error_chain(&e),
        };
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| TransportError {
                curl: request.curl(),
                message: e.to_string(),
            })?;
        if let Some(exchange) = self.send_large(&request, api).await {
            return exchange;
        }
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Form(pairs) => builder
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encode_form(pairs)),
            Body::Bytes {
                content_type,
                bytes,
                ..
            } => {
                let b = match content_type {
                    Some(ct) => builder.header("Content-Type", ct),
                    None => builder,
                };
                b.body(bytes.clone())
            }
        };
        let response = builder.send().await.map_err(|e| fail(&request, e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect();
        let body = response.bytes().await.map_err(|e| fail(&request, e))?;
        let api_path = self.api_path(&request, api);
        Ok(Exchange {
            request,
            api_path,
            status,
            content_type,
            headers,
            body,
        })
    }
}

impl Target {
    /// The path of `request` relative to the base, for API requests under it.
    fn api_path(&self, request: &Request, api: bool) -> Option<String> {
        Some(request.url.as_str())
            .filter(|_| api)
            .and_then(|url| url.strip_prefix(&self.base))
            .filter(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
            .map(str::to_string)
    }

    /// Sends a body over [`LARGE_BODY`] bytes to an `http://` URL with
    /// `Expect: 100-continue` (as curl does), so that a refusal by length is always read;
    /// `None` for other requests.
    async fn send_large(
        &self,
        request: &Request,
        api: bool,
    ) -> Option<Result<Exchange, TransportError>> {
        let url = reqwest::Url::parse(&request.url)
            .ok()
            .filter(|u| u.scheme() == "http")?;
        let mut headers = request.headers.clone();
        let body = match &request.body {
            Body::Form(pairs) => {
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                Bytes::from(encode_form(pairs))
            }
            Body::Bytes {
                content_type,
                bytes,
                ..
            } => {
                headers.extend(
                    content_type
                        .iter()
                        .map(|ct| ("Content-Type".to_string(), ct.clone())),
                );
                bytes.clone()
            }
            Body::Empty => return None,
        };
        if body.len() <= LARGE_BODY {
            return None;
        }
        let answer = expect_continue::send(
            &request.method,
            &url,
            &headers,
            &body,
            Duration::from_secs(30),
        )
        .await;
        Some(match answer {
            Ok(answer) => Ok(Exchange {
                request: request.clone(),
                api_path: self.api_path(request, api),
                status: answer.status,
                content_type: answer.content_type,
                headers: answer.headers,
                body: answer.body,
            }),
            Err(message) => Err(TransportError {
                curl: request.curl(),
                message,
            }),
        })
    }
}

impl Control {
    /// A request to `path` under the control API (no key).
    pub fn request(&self, method: &str, path: &str) -> Request {
        Request {
            method: method.to_ascii_uppercase(),
            url: format!("{}{}", self.base, path),
            headers: namespace_headers(&self.namespace),
            body: Body::Empty,
        }
    }

    /// Moves the target's clock forward.
    pub async fn advance(&self, seconds: u64) -> Result<(), String> {
        self.post("/clock/advance", json!({ "seconds": seconds }))
            .await
    }

    /// Forgets every resource the target holds.
    pub async fn reset(&self) -> Result<(), String> {
        self.post("/reset", json!({})).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<(), String> {
        let url = format!("{}{}", self.base, path);
        let mut request = self.http.post(&url).json(&body);
        if let Some(namespace) = &self.namespace {
            request = request.header(NAMESPACE_HEADER, namespace);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("control API {url}: {}", error_chain(&e)))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            let text = response.text().await.unwrap_or_default();
            Err(format!("control API {url} answered {status}: {text}"))
        }
    }
}

impl Request {
    /// Sets a form body.
    pub fn form<K: Into<String>, V: Into<String>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.body = Body::Form(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Sets a text body sent as it is (curl reproductions show it inline).
    pub fn text(self, content_type: Option<&str>, text: &str) -> Self {
        self.bytes(content_type, Bytes::from(text.to_string()), "")
    }

    /// Sets a raw body; an empty `label` shows the body inline in curl reproductions.
    pub fn bytes(mut self, content_type: Option<&str>, bytes: Bytes, label: &str) -> Self {
        self.body = Body::Bytes {
            content_type: content_type.map(str::to_string),
            bytes,
            label: label.to_string(),
        };
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A shell command that sends the same request.
    pub fn curl(&self) -> String {
        self.curl_redacted(&[])
    }

    /// [`Request::curl`] with every header whose value is one of `secrets` written as a
    /// shell variable instead (`("truora-sim-key", "API_KEY")` gives
    /// `-H "Truora-API-Key: $API_KEY"`), so reports can be published.
    pub fn curl_redacted(&self, secrets: &[(&str, &str)]) -> String {
        let mut out = format!("curl -sS -i -X {} {}", self.method, shell_quote(&self.url));
        for (name, value) in &self.headers {
            let redacted = secrets.iter().find_map(|(secret, variable)| {
                let prefix = value.strip_suffix(secret).filter(|_| !secret.is_empty())?;
                is_plain(prefix).then_some((prefix, variable))
            });
            match redacted {
                Some((prefix, variable)) if is_token(name) => {
                    let _ = write!(out, " -H \"{name}: {prefix}${variable}\"");
                }
                _ => {
                    let _ = write!(out, " -H {}", shell_quote(&format!("{name}: {value}")));
                }
            }
        }
        match &self.body {
            Body::Empty => {}
            Body::Form(pairs) => {
                for (k, v) in pairs {
                    let pair = form_urlencoded_pair(k, v);
                    let _ = write!(out, " --data-raw {}", shell_quote(&pair));
                }
                if pairs.is_empty() {
                    out.push_str(
                        " -H 'Content-Type: application/x-www-form-urlencoded' --data-raw ''",
                    );
                }
            }
            Body::Bytes {
                content_type,
                bytes,
                label,
            } => {
                match content_type {
                    Some(ct) => {
                        let _ = write!(out, " -H {}", shell_quote(&format!("Content-Type: {ct}")));
                    }
                    None => out.push_str(" -H 'Content-Type:'"),
                }
                if label.is_empty() {
                    let text = String::from_utf8_lossy(bytes);
                    let _ = write!(out, " --data-raw {}", shell_quote(&text));
                } else {
                    let _ = write!(out, " --data-binary {}", shell_quote(&format!("@{label}")));
                    let _ = write!(out, "  # {} bytes", bytes.len());
                }
            }
        }
        out
    }
}

impl Exchange {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Checks the answer against `contract` when the request went to the API itself;
    /// answers `Ok(false)` for links outside the API (not checked).
    pub fn check(&self, contract: &Contract) -> Result<bool, Violation> {
        let Some(path) = &self.api_path else {
            return Ok(false);
        };
        contract
            .check_response(
                &self.request.method,
                path,
                self.status,
                self.content_type.as_deref(),
                &self.body,
            )
            .map(|_| true)
    }

    /// The body as text, cut to at most `limit` bytes (on a character boundary) with `…`.
    pub fn excerpt(&self, limit: usize) -> String {
        let mut body = self.text();
        if body.len() > limit {
            let cut = (0..=limit)
                .rev()
                .find(|i| body.is_char_boundary(*i))
                .unwrap_or(0);
            body.truncate(cut);
            body.push('…');
        }
        body
    }

    /// The first value of the answer's header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// One line for reports: request, status and the start of the body.
    pub fn summary(&self) -> String {
        let body = self.excerpt(300);
        format!(
            "{} {} → {} {}",
            self.request.method,
            self.api_path.as_deref().unwrap_or(&self.request.url),
            self.status,
            body
        )
    }
}

/// Encodes form pairs (`a=1&b=2`).
pub fn encode_form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| form_urlencoded_pair(k, v))
        .collect::<Vec<_>>()
        .join("&")
}

fn form_urlencoded_pair(key: &str, value: &str) -> String {
    format!("{}={}", percent_encode(key), percent_encode(value))
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// Whether `text` needs no escaping inside double quotes in a shell (`Bearer `).
fn is_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" -_.".contains(&b))
}

/// Whether `name` is an HTTP token (safe inside double quotes in a shell).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
}

/// Single-quotes `text` for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_goes_with_every_request_and_only_then() {
        let contract = facesim_schemas::contract("truora-validations").unwrap();
        let plain = Target::new(
            "http://h/t",
            "k",
            "Truora-API-Key",
            contract,
            Some("http://h/_facesim"),
        );
        let header = |r: &Request| {
            r.headers
                .iter()
                .find(|(n, _)| n == NAMESPACE_HEADER)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(header(&plain.request("GET", "/v1/x")), None);
        assert_eq!(header(&plain.link("PUT", "http://h/up")), None);
        let spaced = plain.with_namespace(Some("ci-a".into()));
        assert_eq!(
            header(&spaced.request("GET", "/v1/x")).as_deref(),
            Some("ci-a")
        );
        assert_eq!(
            header(&spaced.request_with_key("GET", "/v1/x", None)).as_deref(),
            Some("ci-a")
        );
        assert_eq!(
            header(&spaced.link("PUT", "http://h/up")).as_deref(),
            Some("ci-a")
        );
        let control = spaced.control.as_ref().unwrap();
        assert_eq!(
            header(&control.request("POST", "/reset")).as_deref(),
            Some("ci-a")
        );
        assert!(spaced
            .request("GET", "/v1/x")
            .curl()
            .contains("Facesim-Namespace: ci-a"));
    }

    #[test]
    fn forms_are_encoded_like_browsers_do() {
        let pairs = vec![
            ("account_id".to_string(), "a b&c=d".to_string()),
            ("type".to_string(), "face-recognition".to_string()),
        ];
        assert_eq!(
            encode_form(&pairs),
            "account_id=a+b%26c%3Dd&type=face-recognition"
        );
    }

    #[test]
    fn curl_reproductions_can_keep_keys_out() {
        let request = Request {
            method: "GET".into(),
            url: "http://h/v1/enrollments/E".into(),
            headers: vec![("Truora-API-Key".into(), "secret".into())],
            body: Body::Empty,
        };
        assert_eq!(
            request.curl_redacted(&[("secret", "API_KEY")]),
            "curl -sS -i -X GET 'http://h/v1/enrollments/E' -H \"Truora-API-Key: $API_KEY\""
        );
        let bearer = Request {
            method: "GET".into(),
            url: "http://h/applicants/A".into(),
            headers: vec![("Authorization".into(), "Bearer sk_1".into())],
            body: Body::Empty,
        };
        assert_eq!(
            bearer.curl_redacted(&[("sk_1", "API_KEY")]),
            "curl -sS -i -X GET 'http://h/applicants/A' -H \"Authorization: Bearer $API_KEY\""
        );
        let quoted = Request {
            headers: vec![("Authorization".into(), "$(x) sk_1".into())],
            ..bearer
        };
        assert!(!quoted.curl_redacted(&[("sk_1", "K")]).contains("$K"));
        let text = request.text(Some("application/json"), "{\"a\":1}");
        assert!(
            text.curl()
                .ends_with(" -H 'Content-Type: application/json' --data-raw '{\"a\":1}'"),
            "{}",
            text.curl()
        );
    }

    #[test]
    fn curl_reproductions_quote_everything() {
        let request = Request {
            method: "POST".into(),
            url: "http://h/v1/enrollments".into(),
            headers: vec![("Truora-API-Key".into(), "it's".into())],
            body: Body::Form(vec![("account_id".into(), "x y".into())]),
        };
        assert_eq!(
            request.curl(),
            "curl -sS -i -X POST 'http://h/v1/enrollments' -H 'Truora-API-Key: it'\\''s' --data-raw 'account_id=x+y'"
        );
    }
}
