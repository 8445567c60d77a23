//! Sending deliveries: one worker per receiver sends first tries in publish order; a failed
//! delivery's later tries run on their own timers so they never hold up newer events.
//!
//! The HTTP client is `reqwest` without default features: plain HTTP/1.1 only (receivers must be
//! `http://`), a per-request timeout, pooled connections, and no redirects or proxies, so a try
//! reaches exactly the configured URL.

use super::ledger::{Registered, Try};
use super::Shared;
use bytes::Bytes;
use chrono::Utc;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The `User-Agent` of every delivery.
pub const USER_AGENT: &str = "facesim-webhooks";

/// The client every delivery uses.
pub(super) fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap_or_else(|e| {
            tracing::error!(
                "webhook client with a timeout could not be built ({e}); using defaults"
            );
            reqwest::Client::new()
        })
}

/// Hands delivery `seq` to the receiver's worker, starting one when it has none (or the runtime
/// that ran it is gone).
pub(super) fn enqueue(shared: &Arc<Shared>, registered: &mut Registered, seq: u64) {
    if let Some(queue) = &registered.queue {
        if queue.send(seq).is_ok() {
            return;
        }
    }
    let (queue, first_tries) = mpsc::unbounded_channel();
    queue.send(seq).expect("the receiving end is alive");
    registered.queue = Some(queue);
    tokio::spawn(worker(Arc::downgrade(shared), first_tries));
}

/// Sends first tries one after the other; schedules the retries of those that fail.
async fn worker(shared: Weak<Shared>, mut first_tries: mpsc::UnboundedReceiver<u64>) {
    while let Some(seq) = first_tries.recv().await {
        if let Some(delay) = try_once(&shared, seq).await {
            tokio::spawn(retry(shared.clone(), seq, delay));
        }
    }
}

/// The later tries of delivery `seq`.
async fn retry(shared: Weak<Shared>, seq: u64, mut delay: Duration) {
    loop {
        tokio::time::sleep(delay).await;
        match try_once(&shared, seq).await {
            Some(next) => delay = next,
            None => return,
        }
    }
}

/// One try of delivery `seq`, if it is still pending; returns the wait before the next try.
async fn try_once(shared: &Weak<Shared>, seq: u64) -> Option<Duration> {
    let shared = shared.upgrade()?;
    let due = shared.ledger.lock().due(seq)?;
    let at = Utc::now();
    let started = Instant::now();
    let mut request = shared
        .client
        .post(due.receiver.url.clone())
        .header(CONTENT_TYPE, "application/json")
        .header(due.receiver.vendor.signature_header(), due.signature)
        .body(Bytes::clone(&due.body));
    if let Some(namespace) = &due.namespace {
        request = request.header(crate::namespace::HEADER, namespace.as_str());
    }
    if let Some(authorization) = &due.receiver.authorization {
        request = request.header(AUTHORIZATION, authorization.clone());
    }
    let (status_code, error) = match request.send().await {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(e) => (None, Some(describe(&e, shared.timeout))),
    };
    let done = Try {
        at,
        status_code,
        error,
        duration: started.elapsed(),
    };
    if let Some(code) = done.status_code.filter(|c| !(200..300).contains(c)) {
        tracing::info!(url = %due.receiver.url, code, "webhook delivery refused");
    }
    let next = shared.ledger.lock().record(seq, done, &shared.retry_delays);
    next
}

/// A one-line reason for a failed request.
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut text = if error.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
