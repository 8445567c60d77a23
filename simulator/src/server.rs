//! The listener: one router with a path prefix per vendor host, request logging, panic
//! containment, connection timeouts and graceful shutdown.

use crate::state::{App, ClientAddr};
use crate::{checkout, control, scenario, strict, truora, trustmatic, unread_body};
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use futures_util::FutureExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The vendor prefixes served, for the not-found answer.
pub const KNOWN_PREFIXES: &[&str] = &[
    truora::views::PREFIX,
    checkout::views::PREFIX,
    trustmatic::views::PREFIX,
    control::PREFIX,
];

/// How long in-flight requests may run after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The whole HTTP application.
pub fn router(app: Arc<App>) -> Router {
    let mut router = Router::new()
        .nest(truora::views::PREFIX, truora::http::router())
        .nest(checkout::views::PREFIX, checkout::http::router())
        .nest(trustmatic::views::PREFIX, trustmatic::http::router())
        .nest(control::PREFIX, control::router())
        .route(crate::dashboard::PATH, crate::dashboard::page_route())
        .fallback(unknown_prefix)
        .layer(middleware::from_fn(contain_panics));
    if app.config.server.strict {
        router = router.layer(middleware::from_fn_with_state(
            app.clone(),
            strict::check_answers,
        ));
    }
    // Scenario rules act outside strict mode: their canned answers are the tester's choice.
    let router = router
        .layer(middleware::from_fn_with_state(
            app.clone(),
            scenario::middleware::apply_rules,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            unread_body::settle_unread_bodies,
        ))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::journal::record,
        ))
        // Outermost: everything below, the journal included, runs inside the namespace.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::namespace::middleware::enter,
        ))
        .with_state(app);
    // Method names are made canonical before any routing happens.
    let canonical = middleware::from_fn(checkout::http::canonical_method);
    Router::new().fallback_service(tower::Layer::layer(&canonical, router))
}

async fn unknown_prefix(
    state: State<Arc<App>>,
    headers: HeaderMap,
    original: OriginalUri,
) -> Response {
    let uri = original.0.clone();
    if under(uri.path(), trustmatic::views::PREFIX) {
        return trustmatic::http::unknown_path(state, headers, original)
            .await
            .into_response();
    }
    if under(uri.path(), truora::views::PREFIX) {
        return truora::http::not_found(&uri).into_response();
    }
    if under(uri.path(), checkout::views::PREFIX) {
        return checkout::http::not_found().into_response();
    }
    if under(uri.path(), control::PREFIX) {
        return control::not_found(&uri).into_response();
    }
    let body = json!({
        "error": "not_found",
        "message": format!("No API is served at {}; the known prefixes are {}", uri.path(), KNOWN_PREFIXES.join(", ")),
        "known_prefixes": KNOWN_PREFIXES,
    });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// Whether `path` is `prefix` itself or below it.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Turns a panicking handler into a 500 in the format of the vendor whose path was called.
async fn contain_panics(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%path, "handler panicked");
            if under(&path, truora::views::PREFIX) {
                truora::error::TruoraError::internal("An internal error occurred").into_response()
            } else if under(&path, checkout::views::PREFIX) {
                checkout::error::CheckoutError::internal().into_response()
            } else if under(&path, trustmatic::views::PREFIX) {
                trustmatic::error::Refusal::internal().into_response()
            } else {
                let body = json!({"error": "internal_server_error", "message": "An internal error occurred"});
                (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
            }
        }
    }
}

async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(%method, %path, status = response.status().as_u16(), latency_ms = format!("{latency_ms:.2}"), "request");
    response
}

/// Serves `app` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let header_timeout = Duration::from_secs(app.config.server.header_read_timeout_seconds.max(1));
    if app.config.server.strict {
        let apis: Vec<_> = facesim_schemas::api_names().collect();
        tracing::info!(apis = %apis.join(", "), "strict mode: every answer is checked against its OpenAPI document");
    }
    let settler = checkout::http::spawn_settler(app.clone());
    let router = router(app);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ClientAddr(peer));
            let answer = router.clone().oneshot(req.map(Body::new));
            async move {
                let response = match answer.await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                // A scenario rule asked for the connection to be closed without an answer.
                let dropped = response
                    .extensions()
                    .get::<scenario::middleware::DropConnection>()
                    .is_some();
                if dropped {
                    let error: std::io::Error =
                        std::io::Error::other("connection dropped by a scenario rule");
                    Err(error)
                } else {
                    Ok(response)
                }
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection closed with an error");
            }
        });
    }
    drop(listener);
    settler.abort();
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections closed"),
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("shutdown grace period over; closing remaining connections"),
    }
    Ok(())
}

/// The base URL links use: `configured` if given, else the bound address.
pub fn public_url(configured: Option<&str>, bound: SocketAddr) -> String {
    match configured.map(str::trim).filter(|s| !s.is_empty()) {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let host = if bound.ip().is_unspecified() {
                SocketAddr::new([127, 0, 0, 1].into(), bound.port())
            } else {
                bound
            };
            format!("http://{host}")
        }
    }
}
