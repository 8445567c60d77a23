//! Shared harness: an in-process simulator on a real socket, a small HTTP client for it and
//! test pictures.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code, unused_imports)]

mod checkout;
mod pictures;
mod receiver;
mod served;
mod trustmatic;
mod values;

pub use checkout::*;
pub use pictures::*;
pub use receiver::*;
pub use served::*;
pub use trustmatic::*;
pub use values::*;

use bytes::Bytes;
use facesim::config::Config;
use facesim::media::DeterministicMatcher;
use facesim::state::App;
use http_body_util::StreamBody;
use hyper::body::Frame;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::RequestBuilder;
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The embedded key with every special permission.
pub const KEY: &str = "truora-sim-key";
/// The embedded key without special permissions.
pub const LIMITED_KEY: &str = "truora-sim-key-limited";
/// Where the Validations API is served.
pub const PREFIX: &str = "/truora/validations";
/// The form media type.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The passive-liveness subvalidation as a form pair.
pub const PASSIVE_LIVENESS: (&str, &str) = ("subvalidations", "passive_liveness");
/// The similarity subvalidation as a form pair.
pub const SIMILARITY: (&str, &str) = ("subvalidations", "similarity");

/// A running simulator in strict mode; dropping it stops the server and asserts that every
/// answer it gave conformed to the OpenAPI documents (a test already failing prints the
/// violations instead).
pub struct Sim {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A client without proxies.
    pub http: reqwest::Client,
    /// The application state the server shares.
    pub app: Arc<App>,
    _stop: Arc<oneshot::Sender<()>>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let total = self.app.strict.violation_count();
        if total == 0 {
            return;
        }
        let recent: Vec<String> = self
            .app
            .strict
            .violations()
            .iter()
            .map(|v| format!("  {v}"))
            .collect();
        let report = format!(
            "{total} answer(s) broke the OpenAPI documents (strict mode); the most recent:\n{}",
            recent.join("\n")
        );
        if std::thread::panicking() {
            eprintln!("{report}");
        } else {
            panic!("{report}");
        }
    }
}

/// A response read in full.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub bytes: Bytes,
}

impl Reply {
    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The body as JSON; panics with the text otherwise.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// Asserts a 200 and answers the JSON body.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "expected 200, got: {}", self.text());
        self.json()
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts `status` and a JSON content type; answers the body.
    pub fn json_with(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text()
        );
        assert!(
            self.content_type().starts_with("application/json"),
            "{:?}",
            self.headers
        );
        self.json()
    }

    /// Asserts a Truora envelope for `status` whose message contains `needle`; answers the message.
    pub fn truora_error(&self, status: u16, needle: &str) -> String {
        let body = self.json_with(status);
        assert_eq!(body["code"], json!(10000 + u32::from(status)), "{body}");
        assert_eq!(body["http_code"], json!(status), "{body}");
        let message = mentioning(&body, needle);
        assert_eq!(
            body.as_object().map(|o| o.len()),
            Some(3),
            "only code, http_code, message: {body}"
        );
        message.to_string()
    }

    /// Asserts a control-API error `{"error": name, "message"}` whose message contains `needle`.
    pub fn control_error(&self, status: u16, name: &str, needle: &str) -> String {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text()
        );
        let body = self.json();
        assert_eq!(body["error"], json!(name), "{body}");
        let message = mentioning(&body, needle);
        message.to_string()
    }
}

impl Sim {
    /// A simulator with the embedded default configuration.
    pub async fn start() -> Sim {
        Sim::configured(|_| {}).await
    }

    /// A simulator with the default configuration changed by `change`.
    pub async fn configured(change: impl FnOnce(&mut Config)) -> Sim {
        let mut config = Config::load(None).expect("the embedded configuration loads");
        change(&mut config);
        Sim::serve(config).await
    }

    /// A simulator with a configuration text.
    pub async fn from_toml(text: &str) -> Sim {
        Sim::serve(Config::parse(text).expect("valid configuration")).await
    }

    /// A simulator with the default configuration and `matcher`.
    pub async fn with_matcher(matcher: Arc<dyn facesim::media::Matcher>) -> Sim {
        let config = Config::load(None).expect("the embedded configuration loads");
        Sim::serve_with(config, matcher).await
    }

    async fn serve(config: Config) -> Sim {
        Sim::serve_with(config, Arc::new(DeterministicMatcher)).await
    }

    async fn serve_with(mut config: Config, matcher: Arc<dyn facesim::media::Matcher>) -> Sim {
        config.server.strict = true;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let base = facesim::server::public_url(None, addr);
        let app = Arc::new(App::new(config, base.clone(), matcher));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(facesim::server::serve(listener, app.clone(), async move {
            let _ = stopped.await;
        }));
        Sim {
            base,
            http: client(),
            app,
            _stop: Arc::new(stop),
        }
    }

    /// The same simulator, every request of it sent with `Facesim-Namespace: name`.
    pub fn in_namespace(&self, name: &str) -> Sim {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "Facesim-Namespace",
            reqwest::header::HeaderValue::from_str(name).expect("a header value"),
        );
        let http = reqwest::Client::builder()
            .no_proxy()
            .default_headers(headers)
            .build()
            .expect("client");
        Sim {
            base: self.base.clone(),
            http,
            app: self.app.clone(),
            _stop: self._stop.clone(),
        }
    }

    /// The `host:port` the server listens on.
    pub fn authority(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// An absolute URL for a path on the listener.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An absolute URL for a path of the Validations API (`/v1/...`).
    pub fn api(&self, path: &str) -> String {
        format!("{}{PREFIX}{path}", self.base)
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("response body");
        Reply {
            status,
            headers,
            bytes,
        }
    }

    fn keyed(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder {
        match key {
            Some(key) => request.header("Truora-API-Key", key),
            None => request,
        }
    }

    /// `POST` a form (repeated keys allowed) to an API path.
    pub async fn post_form(&self, path: &str, key: Option<&str>, pairs: &[(&str, &str)]) -> Reply {
        self.send(self.keyed(self.http.post(self.api(path)), key).form(pairs))
            .await
    }

    /// `POST` a raw body with a content type to an API path, with the full key.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let request = self
            .http
            .post(self.api(path))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        self.send(self.keyed(request, Some(KEY))).await
    }

    /// `GET` an API path.
    pub async fn get(&self, path: &str, key: Option<&str>) -> Reply {
        self.send(self.keyed(self.http.get(self.api(path)), key))
            .await
    }

    /// `DELETE` an API path.
    pub async fn delete(&self, path: &str, key: Option<&str>) -> Reply {
        self.send(self.keyed(self.http.delete(self.api(path)), key))
            .await
    }

    /// `GET` an absolute URL (file links) without a key.
    pub async fn fetch(&self, url: &str) -> Reply {
        self.send(self.http.get(url)).await
    }

    /// `PUT` bytes to an upload link.
    pub async fn put(&self, link: &str, bytes: impl Into<reqwest::Body>) -> Reply {
        self.send(self.http.put(link).body(bytes)).await
    }

    /// Asserts that a file link downloads exactly `bytes`.
    pub async fn assert_downloads(&self, link: &str, bytes: &[u8]) {
        let file = self.fetch(link).await;
        assert_eq!(file.status, 200, "{link}: {}", file.text());
        assert_eq!(
            file.bytes.as_ref(),
            bytes,
            "{link} serves the uploaded bytes unchanged"
        );
    }

    /// `PUT` a file that must be accepted.
    pub async fn upload(&self, link: &str, bytes: Vec<u8>) {
        let reply = self.put(link, bytes).await;
        let body = reply.ok();
        assert_eq!(body["code"], json!(10200), "{body}");
        assert_eq!(body["http_code"], json!(200), "{body}");
    }

    /// Moves the virtual clock forward; answers the clock body.
    pub async fn advance(&self, seconds: f64) -> Value {
        let request = self
            .http
            .post(self.url("/_facesim/clock/advance"))
            .json(&json!({ "seconds": seconds }));
        self.send(request).await.ok()
    }

    /// Creates an enrollment with the full key (`account` `None`: generated).
    pub async fn enroll(&self, account: Option<&str>) -> Value {
        let mut form = vec![("type", "face-recognition"), ("user_authorized", "true")];
        form.extend(account.map(|a| ("account_id", a)));
        self.post_form("/v1/enrollments", Some(KEY), &form)
            .await
            .ok()
    }

    /// Creates an enrollment, uploads `picture` and answers the enrollment afterwards.
    pub async fn enroll_with(&self, account: &str, picture: Vec<u8>) -> Value {
        let created = self.enroll(Some(account)).await;
        self.upload(str_at(&created, "/file_upload_link"), picture)
            .await;
        self.enrollment(str_at(&created, "/enrollment_id")).await
    }

    /// An enrollment of alice waiting for its face validation.
    pub async fn enrolled(&self, account: &str) -> Value {
        let enrollment = self.enroll_with(account, reference("alice")).await;
        assert_eq!(
            enrollment["reason"],
            json!("waiting_face_validation"),
            "{enrollment}"
        );
        enrollment
    }

    /// `POST /v1/validations` for `account` with `extra` fields, full key.
    pub async fn create_validation(&self, account: &str, extra: &[(&str, &str)]) -> Reply {
        let mut form = vec![
            ("type", "face-recognition"),
            ("user_authorized", "true"),
            ("account_id", account),
        ];
        form.extend_from_slice(extra);
        self.post_form("/v1/validations", Some(KEY), &form).await
    }

    /// A validation that must be created.
    pub async fn validate(&self, account: &str, extra: &[(&str, &str)]) -> Value {
        self.create_validation(account, extra).await.ok()
    }

    /// Creates a validation, uploads `probe`, lets processing finish and answers the result.
    pub async fn run_validation(
        &self,
        account: &str,
        extra: &[(&str, &str)],
        probe: Vec<u8>,
    ) -> Value {
        let created = self.validate(account, extra).await;
        self.upload(upload_link(&created), probe).await;
        self.advance(1.0).await;
        self.validation(str_at(&created, "/validation_id")).await
    }

    /// `GET /v1/enrollments/{id}` that must succeed.
    pub async fn enrollment(&self, id: &str) -> Value {
        self.get(&format!("/v1/enrollments/{id}"), Some(KEY))
            .await
            .ok()
    }

    /// `GET /v1/validations/{id}` that must succeed.
    pub async fn validation(&self, id: &str) -> Value {
        self.get(&format!("/v1/validations/{id}"), Some(KEY))
            .await
            .ok()
    }
}

/// An HTTP client that ignores proxy settings.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// A body of `total` bytes without a length (sent chunked), in pieces of `piece` bytes.
pub fn chunked(total: usize, piece: usize) -> reqwest::Body {
    let frames: Vec<Result<Frame<Bytes>, Infallible>> = (0..total)
        .step_by(piece)
        .map(|start| {
            Ok(Frame::data(Bytes::from(vec![
                b'x';
                (total - start).min(piece)
            ])))
        })
        .collect();
    reqwest::Body::wrap(StreamBody::new(futures::stream::iter(frames)))
}

/// The body's `message`, asserted to contain `needle`.
fn mentioning(body: &Value, needle: &str) -> String {
    let message = body["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {body}"));
    assert!(
        message.contains(needle),
        "message {message:?} should mention {needle:?}"
    );
    message.to_string()
}
