//! A webhook receiver the suite runs itself on `127.0.0.1`: it records every delivery (method,
//! path, headers, exact body) and answers 200, or 500 to the first delivery of a body that
//! mentions a text it was told to refuse once, so that retries can be observed.

use crate::local_http::{Answer, LocalServer, Received};
use bytes::Bytes;
use hyper::StatusCode;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The path deliveries are expected on.
const PATH: &str = "/webhooks";

/// One delivery the receiver got.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Upper-case method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Every header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The exact body.
    pub body: Bytes,
    /// The status the receiver answered.
    pub answered: u16,
    /// When it arrived.
    pub at: Instant,
}

impl Delivery {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

#[derive(Default)]
struct Log {
    deliveries: Vec<Delivery>,
    /// Texts whose first delivery of each body is refused.
    refuse_once: Vec<String>,
    /// Bodies already refused once.
    refused: HashSet<Bytes>,
}

/// A running receiver; dropping it stops it.
pub struct Receiver {
    url: String,
    log: Arc<Mutex<Log>>,
    _server: LocalServer,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("url", &self.url).finish()
    }
}

impl Receiver {
    /// Starts a receiver on a free port of `127.0.0.1`.
    pub async fn start() -> std::io::Result<Receiver> {
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = log.clone();
        let server = LocalServer::start(move |request| receive(&shared, request)).await?;
        let url = format!("{}{PATH}", server.base());
        Ok(Receiver {
            url,
            log,
            _server: server,
        })
    }

    /// The URL to register.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every delivery so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log.lock().expect("receiver log").deliveries.clone()
    }

    /// Answers 500 to the first delivery of every body that contains `text`.
    pub fn refuse_first_delivery_mentioning(&self, text: &str) {
        self.log
            .lock()
            .expect("receiver log")
            .refuse_once
            .push(text.to_string());
    }

    /// The deliveries `pick` keeps, once `done` holds for them or `patience` has passed.
    pub async fn wait_for(
        &self,
        pick: impl Fn(&Delivery) -> bool,
        done: impl Fn(&[Delivery]) -> bool,
        patience: Duration,
    ) -> Vec<Delivery> {
        let deadline = Instant::now() + patience;
        loop {
            let picked: Vec<Delivery> = self.deliveries().into_iter().filter(&pick).collect();
            if done(&picked) || Instant::now() >= deadline {
                return picked;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Records a delivery and answers it: 500 to the first delivery of a body mentioning a text
/// to refuse once, else 200.
fn receive(log: &Mutex<Log>, request: Received) -> Answer {
    let mut log = log.lock().expect("receiver log");
    let text = String::from_utf8_lossy(&request.body).into_owned();
    let refuse = log.refuse_once.iter().any(|t| text.contains(t.as_str()))
        && log.refused.insert(request.body.clone());
    let status = if refuse {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    log.deliveries.push(Delivery {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
        answered: status.as_u16(),
        at: Instant::now(),
    });
    Answer::empty(status)
}

/// A receiver registered with a target: where deliveries arrive, and what they must carry.
#[derive(Debug)]
pub struct Subscription {
    /// The running receiver.
    pub receiver: Receiver,
    /// The key deliveries are signed with.
    pub signing_key: String,
    /// The `Authorization` value deliveries carry.
    pub authorization: String,
    /// The id the target gave the registration, to remove it at the end of the run.
    pub id: Option<String>,
}

/// The lowercase hex HMAC-SHA256 of `body` with `key`.
pub fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    use hmac::{Hmac, Mac as _};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_lowercase_hex_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[tokio::test]
    async fn deliveries_are_recorded_and_refused_once_when_asked() {
        let receiver = Receiver::start().await.unwrap();
        receiver.refuse_first_delivery_mentioning("fav_flaky");
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let post = |body: &'static str| {
            http.post(receiver.url())
                .header("Cko-Signature", "abc")
                .body(body)
                .send()
        };
        assert_eq!(post(r#"{"id":"fav_ok"}"#).await.unwrap().status(), 200);
        assert_eq!(post(r#"{"id":"fav_flaky"}"#).await.unwrap().status(), 500);
        assert_eq!(post(r#"{"id":"fav_flaky"}"#).await.unwrap().status(), 200);
        let deliveries = receiver
            .wait_for(|_| true, |d| d.len() == 3, Duration::from_secs(1))
            .await;
        let answered: Vec<u16> = deliveries.iter().map(|d| d.answered).collect();
        assert_eq!(answered, [200, 500, 200]);
        assert_eq!(deliveries[0].header("cko-signature"), Some("abc"));
        assert_eq!(deliveries[0].path, "/webhooks");
        assert_eq!(deliveries[1].json().unwrap()["id"], "fav_flaky");
    }
}
