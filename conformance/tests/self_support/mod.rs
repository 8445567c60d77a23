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
    /// Swaps any API key for the valid one, so a wrong key gets 200.
    AcceptAnyKey,
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
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut headers = parts.headers.clone();
    if matches!(proxy.fault, Fault::AcceptAnyKey) && headers.contains_key("truora-api-key") {
        headers.insert("truora-api-key", HeaderValue::from_static(KEY));
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
    proxy.mutate(&mut answer);
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

    fn mutate(&self, answer: &mut Answer) {
        if answer.status != StatusCode::OK {
            return;
        }
        let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(&answer.body) else {
            return;
        };
        match &self.fault {
            Fault::DropField(field) => {
                object.remove(*field);
            }
            Fault::WrongEnum { field, from, to } => {
                if object.get(*field).and_then(Value::as_str) == Some(from) {
                    object.insert(field.to_string(), Value::String(to.to_string()));
                }
            }
            Fault::AcceptSecondEnrollment | Fault::AcceptAnyKey => return,
        }
        answer.body = Value::Object(object).to_string().into_bytes();
    }
}
