//! Support for testing the suite itself: facesim in-process on a real socket, and a proxy in
//! front of it that breaks one contract on purpose.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use axum::Router;
use facesim::config::Config;
use facesim::media::DeterministicMatcher;
use facesim::state::App;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The key facesim accepts with every permission.
pub const KEY: &str = "truora-sim-key";
/// The key facesim accepts without special permissions.
pub const LIMITED_KEY: &str = "truora-sim-key-limited";
/// The secret key of facesim's default Checkout account.
pub const CHECKOUT_KEY: &str = "sk_sbox_facesimsandboxsecretkeyaaaa";
/// The secret key of facesim's second Checkout account, with videos enabled.
pub const CHECKOUT_VIDEOS_KEY: &str = "sk_sbox_facesimvideosenabledkeyaaaa";
/// The username and password of facesim's Trustmatic user.
pub const TRUSTMATIC_CREDENTIALS: &str = "facesim:facesim";

/// A server on a real socket; dropping it stops the server.
pub struct Running {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    _stop: oneshot::Sender<()>,
}

/// facesim with its embedded configuration.
pub async fn facesim() -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = facesim::server::public_url(None, listener.local_addr().expect("address"));
    let config = Config::load(None).expect("the embedded configuration loads");
    let app = Arc::new(App::new(
        config,
        base.clone(),
        Arc::new(DeterministicMatcher),
    ));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(facesim::server::serve(listener, app, async move {
        let _ = stopped.await;
    }));
    Running { base, _stop: stop }
}

/// facesim with its embedded configuration on a thread of its own, started once per test
/// binary and shared by its tests (each `#[tokio::test]` has a runtime that ends with it).
/// Answers its root URL.
pub fn shared_facesim() -> &'static str {
    static ROOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let running = facesim().await;
                sender
                    .send(running.base.clone())
                    .expect("the root is awaited");
                std::future::pending::<()>().await;
                drop(running);
            });
        });
        receiver.recv().expect("facesim starts")
    })
}

/// The one contract a [`proxy`] breaks.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Removes a top-level field from every 200 JSON object that has it.
    DropField(&'static str),
    /// Replaces a top-level string value `from` with `to` in every 200 JSON object.
    WrongEnum {
        /// The field.
        field: &'static str,
        /// The value to replace.
        from: &'static str,
        /// The value put instead.
        to: &'static str,
    },
    /// Answers a second enrollment for an account with a new enrollment instead of 409.
    AcceptSecondEnrollment,
    /// Swaps any API key (Truora's header, Checkout's `Authorization`) for the valid one, so a
    /// wrong key gets 200.
    AcceptAnyKey,
    /// Removes `status` from every Checkout face authentication created or read.
    DropFaceAuthenticationStatus,
    /// Answers a Checkout attempt refused with 409 with the face authentication's latest
    /// attempt and 201.
    AcceptConflictingAttempt,
    /// Adds a `next` link to every Checkout page of attempts that has none.
    NextLinkOnLastPage,
    /// Writes every integer `score` of a 200 JSON object as a float (`99` as `99.0`).
    ScoreAsFloat,
    /// Answers a `POST /_facesim/clock/set` refused with 409 (a time in the past) with the
    /// clock and 200, as if the clock had gone back.
    AcceptClockSetBack,
    /// Drops the query of every `GET /_facesim/journal`, so its filters and limit are ignored.
    JournalIgnoresFilters,
    /// Drops the `Facesim-Namespace` header of every request, so every namespace is the
    /// default one.
    DropNamespaceHeader,
}

struct Proxy {
    upstream: String,
    fault: Fault,
    http: reqwest::Client,
    renamed: AtomicU64,
}

/// A proxy on a real socket that forwards everything to `upstream` and breaks `fault`.
pub async fn proxy(upstream: &str, fault: Fault) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = Arc::new(Proxy {
        upstream: upstream.to_string(),
        fault,
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        renamed: AtomicU64::new(0),
    });
    let router = Router::new().fallback(forward).with_state(state);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .expect("proxy serves");
    });
    Running { base, _stop: stop }
}

/// One forwarded answer.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 64 << 20)
        .await
        .expect("request body")
        .to_vec();
    let mut path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    if matches!(proxy.fault, Fault::JournalIgnoresFilters)
        && parts.method == "GET"
        && path.starts_with("/_facesim/journal?")
    {
        path = "/_facesim/journal".into();
    }
    let mut headers = parts.headers.clone();
    if matches!(proxy.fault, Fault::DropNamespaceHeader) {
        headers.remove("facesim-namespace");
    }
    if matches!(proxy.fault, Fault::AcceptAnyKey) && headers.contains_key("truora-api-key") {
        headers.insert("truora-api-key", HeaderValue::from_static(KEY));
    }
    if matches!(proxy.fault, Fault::AcceptAnyKey) && headers.contains_key("authorization") {
        let valid = format!("Bearer {CHECKOUT_KEY}");
        headers.insert(
            "authorization",
            HeaderValue::from_str(&valid).expect("a header"),
        );
    }
    let mut answer = proxy
        .send(&parts.method, &path, &headers, body.clone())
        .await;
    let creates_enrollment = parts.method == "POST" && path.ends_with("/v1/enrollments");
    if matches!(proxy.fault, Fault::AcceptSecondEnrollment)
        && creates_enrollment
        && answer.status == StatusCode::CONFLICT
    {
        answer = proxy
            .second_enrollment(&parts.method, &path, &headers, &body)
            .await;
    }
    if matches!(proxy.fault, Fault::AcceptConflictingAttempt)
        && parts.method == "POST"
        && path.ends_with("/attempts")
        && answer.status == StatusCode::CONFLICT
    {
        answer = proxy.latest_attempt(&path, &headers).await;
    }
    if matches!(proxy.fault, Fault::AcceptClockSetBack)
        && parts.method == "POST"
        && path == "/_facesim/clock/set"
        && answer.status == StatusCode::CONFLICT
    {
        answer = proxy
            .send(
                &axum::http::Method::GET,
                "/_facesim/clock",
                &HeaderMap::new(),
                Vec::new(),
            )
            .await;
    }
    proxy.mutate(&parts.method, &path, &mut answer);
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = answer.status;
    *response.headers_mut() = answer.headers;
    response
}

impl Proxy {
    async fn send(
        &self,
        method: &axum::http::Method,
        path: &str,
        headers: &HeaderMap,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.upstream))
            .body(body);
        for (name, value) in headers {
            if name != "host" && name != "content-length" {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.expect("upstream answers");
        let status = response.status();
        let mut headers = response.headers().clone();
        headers.remove("content-length");
        headers.remove("transfer-encoding");
        let body = response.bytes().await.expect("upstream body").to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Creates the enrollment under a fresh account and answers it as if it were for the
    /// account asked for.
    async fn second_enrollment(
        &self,
        method: &axum::http::Method,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let original = form
            .iter()
            .find(|(k, _)| k == "account_id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let fresh = format!(
            "{original}-again{}",
            self.renamed.fetch_add(1, Ordering::Relaxed)
        );
        let renamed: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| {
                if k == "account_id" {
                    (k.as_str(), fresh.as_str())
                } else {
                    (k.as_str(), v.as_str())
                }
            }))
            .finish();
        let mut answer = self.send(method, path, headers, renamed.into_bytes()).await;
        if let Ok(mut json) = serde_json::from_slice::<Value>(&answer.body) {
            if json.get("account_id").is_some() {
                json["account_id"] = Value::String(original);
                answer.body = json.to_string().into_bytes();
            }
        }
        answer
    }

    /// The latest attempt of the face authentication of an attempts `path`, answered as if it
    /// had just been created.
    async fn latest_attempt(&self, path: &str, headers: &HeaderMap) -> Answer {
        let list = format!("{path}?limit=1");
        let mut answer = self
            .send(&axum::http::Method::GET, &list, headers, Vec::new())
            .await;
        let latest = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|page| page.pointer("/data/0").cloned())
            .expect("the face authentication has an attempt");
        answer.status = StatusCode::CREATED;
        answer.body = latest.to_string().into_bytes();
        answer
    }

    fn mutate(&self, method: &axum::http::Method, path: &str, answer: &mut Answer) {
        if !answer.status.is_success() {
            return;
        }
        let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(&answer.body) else {
            return;
        };
        let route = path.split('?').next().unwrap_or_default();
        let under_checkout = route.split("/checkout/").nth(1).unwrap_or_default();
        let segments: Vec<&str> = under_checkout.split('/').collect();
        match &self.fault {
            Fault::DropFaceAuthenticationStatus => {
                if segments.first() == Some(&"face-authentications") && segments.len() <= 2 {
                    object.remove("status");
                }
            }
            Fault::NextLinkOnLastPage => {
                let listing = method == "GET"
                    && segments.first() == Some(&"face-authentications")
                    && segments.last() == Some(&"attempts");
                let links = object.get_mut("_links").and_then(Value::as_object_mut);
                match links {
                    Some(links) if listing && !links.contains_key("next") => {
                        let href = links["self"]["href"].as_str().unwrap_or_default();
                        let base = href.split('?').next().unwrap_or_default();
                        let next = format!("{base}?skip=1000&limit=10");
                        links.insert("next".into(), serde_json::json!({ "href": next }));
                    }
                    _ => return,
                }
            }
            _ if answer.status != StatusCode::OK => return,
            Fault::DropField(field) => {
                object.remove(*field);
            }
            Fault::WrongEnum { field, from, to } => {
                if object.get(*field).and_then(Value::as_str) == Some(from) {
                    object.insert(field.to_string(), Value::String(to.to_string()));
                }
            }
            Fault::ScoreAsFloat => match object.get("score").and_then(Value::as_u64) {
                Some(score) => {
                    object.insert("score".into(), Value::from(score as f64));
                }
                None => return,
            },
            Fault::AcceptSecondEnrollment
            | Fault::AcceptAnyKey
            | Fault::AcceptConflictingAttempt
            | Fault::AcceptClockSetBack
            | Fault::JournalIgnoresFilters
            | Fault::DropNamespaceHeader => return,
        }
        answer.body = Value::Object(object).to_string().into_bytes();
    }
}

/// Runs share the process-wide panic hook cucumber swaps while it runs: one at a time.
pub static ONE_RUN_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every case of `report` that did not pass, as `[group] name`.
#[allow(dead_code)] // the self-fault tests look at failures instead
pub fn not_passed(report: &facesim_conformance::RunReport) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| !matches!(r.status, facesim_conformance::outcome::Status::Passed))
        .map(|r| format!("[{}] {}", r.group, r.name))
        .collect()
}
