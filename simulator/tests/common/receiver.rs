//! A webhook receiver on a real socket that records every request and answers with scripted
//! status codes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};

/// One request a [`WebhookReceiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request headers.
    pub headers: HeaderMap,
    /// The exact body bytes.
    pub body: Bytes,
    /// When it arrived.
    pub at: Instant,
}

impl Received {
    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON webhook body")
    }
}

#[derive(Default)]
struct Log {
    received: Mutex<Vec<Received>>,
    statuses: Mutex<VecDeque<u16>>,
    delay: Duration,
    arrived: Notify,
}

/// A local HTTP server that takes webhook `POST`s on any path.
pub struct WebhookReceiver {
    /// `http://127.0.0.1:<port>/hooks`.
    pub url: String,
    log: Arc<Log>,
    _stop: oneshot::Sender<()>,
}

impl WebhookReceiver {
    /// A receiver that answers 200 to everything.
    pub async fn start() -> WebhookReceiver {
        WebhookReceiver::scripted(&[], Duration::ZERO).await
    }

    /// A receiver that answers `statuses` in turn, then 200, each after `delay`.
    pub async fn scripted(statuses: &[u16], delay: Duration) -> WebhookReceiver {
        let log = Arc::new(Log {
            statuses: Mutex::new(statuses.iter().copied().collect()),
            delay,
            ..Log::default()
        });
        let app = axum::Router::new().fallback(record).with_state(log.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hooks", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .expect("receiver serves");
        });
        WebhookReceiver {
            url,
            log,
            _stop: stop,
        }
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.received.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until `count` requests arrived and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.log.arrived.notified();
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "expected {count} webhook requests, got {}",
                received.len()
            );
            let _ = tokio::time::timeout(left, arrived).await;
        }
    }
}

async fn record(State(log): State<Arc<Log>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    log.received.lock().unwrap().push(Received {
        headers,
        body,
        at: Instant::now(),
    });
    log.arrived.notify_waiters();
    let status = log.statuses.lock().unwrap().pop_front().unwrap_or(200);
    tokio::time::sleep(log.delay).await;
    StatusCode::from_u16(status).expect("a valid scripted status")
}

/// An `http://` URL on which nothing listens (connections are refused).
pub async fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}/hooks")
}
