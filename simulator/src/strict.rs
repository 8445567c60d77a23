//! Strict mode: every answer under an embedded API's base path is checked against that API's
//! OpenAPI contract (`facesim_schemas`). A breach is logged and recorded; the answer itself goes
//! out unchanged.

use crate::state::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::Response;
use facesim_schemas::{Contract, Violation};
use http_body_util::BodyExt;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Largest answer body that is buffered and checked; larger ones are skipped.
pub const MAX_CHECKED_BODY: u64 = 1024 * 1024;

/// How many violations [`StrictLog`] keeps (the most recent ones).
pub const KEPT_VIOLATIONS: usize = 100;

/// One answer that broke its contract.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request method.
    pub method: String,
    /// The request path, as received.
    pub path: String,
    /// The answer's status.
    pub status: u16,
    /// What the contract says is wrong.
    pub violation: Violation,
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {}: {}",
            self.method, self.path, self.status, self.violation
        )
    }
}

/// What strict mode saw since start: how many answers it checked, how many broke their
/// contract, and the most recent violations.
#[derive(Debug, Default)]
pub struct StrictLog {
    checked: AtomicUsize,
    violation_count: AtomicUsize,
    recent: Mutex<VecDeque<Recorded>>,
}

impl StrictLog {
    /// Counts one answer that was checked and conforms.
    pub fn conforming(&self) {
        self.checked.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one violation, forgetting the oldest kept one past [`KEPT_VIOLATIONS`].
    pub fn violation(&self, recorded: Recorded) {
        let mut recent = self.recent.lock();
        if recent.len() == KEPT_VIOLATIONS {
            recent.pop_front();
        }
        recent.push_back(recorded);
        self.violation_count.fetch_add(1, Ordering::Relaxed);
        self.checked.fetch_add(1, Ordering::Relaxed);
    }

    /// How many answers were checked (conforming or not).
    pub fn checked(&self) -> usize {
        self.checked.load(Ordering::Relaxed)
    }

    /// How many answers broke their contract.
    pub fn violation_count(&self) -> usize {
        self.violation_count.load(Ordering::Relaxed)
    }

    /// The most recent violations, oldest first.
    pub fn violations(&self) -> Vec<Recorded> {
        self.recent.lock().iter().cloned().collect()
    }
}

/// What checking one answer found.
#[derive(Debug)]
pub enum Verdict {
    /// The answer is one the contract allows for this operation (`METHOD /template`).
    Conforms(String),
    /// The answer was not checked, and why.
    Skipped(String),
    /// The answer breaks the contract.
    Breaks(Violation),
}

/// Every embedded contract whose base path `path` is under, with `path` relative to it
/// (several APIs may share a base path).
fn contracts_under(path: &str) -> impl Iterator<Item = (&'static Contract, &str)> {
    facesim_schemas::api_names()
        .filter_map(facesim_schemas::contract)
        .filter_map(move |contract| {
            let rest = path.strip_prefix(contract.base_path())?;
            (rest.starts_with('/') || rest.is_empty()).then_some((contract, rest))
        })
}

/// Whether `path` is under the base path of an embedded API.
pub fn is_checked_path(path: &str) -> bool {
    contracts_under(path).next().is_some()
}

/// The embedded contract that documents `method` on the absolute `path`, and `path` relative
/// to its base path.
pub fn contract_for<'p>(method: &str, path: &'p str) -> Option<(&'static Contract, &'p str)> {
    contracts_under(path).find(|(contract, rest)| contract.operation(method, rest).is_some())
}

/// Whether a content type is JSON (`application/json`, `…+json`).
fn is_json(content_type: Option<&str>) -> bool {
    let essence = content_type
        .and_then(|t| t.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Checks one answer to `method` on the absolute `path`. `body` is `None` when it was not
/// buffered (a non-JSON content type, or too large): only the status and content type are
/// checked then, and a JSON answer is skipped.
pub fn check(
    method: &str,
    path: &str,
    status: u16,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Verdict {
    let Some((contract, relative)) = contract_for(method, path) else {
        let under: Vec<&str> = contracts_under(path).map(|(c, _)| c.name()).collect();
        return Verdict::Skipped(if under.is_empty() {
            "no embedded API is served at this path".into()
        } else {
            format!("{} document no such operation", under.join(", "))
        });
    };
    let body = match body {
        Some(body) => body,
        None if is_json(content_type) => {
            return Verdict::Skipped(format!(
                "the JSON body is larger than {MAX_CHECKED_BODY} bytes or of unknown length"
            ))
        }
        None => &[],
    };
    match contract.check_response(method, relative, status, content_type, body) {
        Ok(operation) => Verdict::Conforms(operation.label()),
        Err(violation) => Verdict::Breaks(violation),
    }
}

/// The strict-mode middleware: checks each answer, logs a breach with `tracing::error!`,
/// records it in [`App::strict`], and passes the answer on unchanged.
pub async fn check_answers(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    if !is_checked_path(&path) {
        return response;
    }
    let status = response.status().as_u16();
    if contract_for(&method, &path).is_none() {
        tracing::debug!(%method, %path, status, "strict: not checked: no documented operation");
        return response;
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let small = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_some_and(|n| n <= MAX_CHECKED_BODY);
    let (response, body) = if is_json(content_type.as_deref()) && small {
        let (parts, body) = response.into_parts();
        match body.collect().await {
            Ok(collected) => {
                let bytes = collected.to_bytes();
                let response = Response::from_parts(parts, Body::from(bytes.clone()));
                (response, Some(bytes))
            }
            Err(error) => {
                tracing::debug!(%method, %path, %error, "strict: the body could not be read; not checked");
                let failing =
                    futures_util::stream::once(async move { Err::<bytes::Bytes, _>(error) });
                return Response::from_parts(parts, Body::from_stream(failing));
            }
        }
    } else {
        (response, None)
    };
    match check(
        &method,
        &path,
        status,
        content_type.as_deref(),
        body.as_deref(),
    ) {
        Verdict::Conforms(operation) => {
            tracing::trace!(%method, %path, status, %operation, "strict: the answer conforms");
            app.strict.conforming();
        }
        Verdict::Skipped(why) => {
            tracing::debug!(%method, %path, status, "strict: not checked: {why}")
        }
        Verdict::Breaks(violation) => {
            tracing::error!(%method, %path, status, %violation, "strict: the answer breaks its documented contract");
            app.strict.violation(Recorded {
                method,
                path,
                status,
                violation,
            });
        }
    }
    response
}

#[cfg(test)]
mod tests;
