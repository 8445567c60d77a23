//! A small HTTP/1.1 server the suite runs on a free port of `127.0.0.1` for the target to call
//! back: the webhook receiver, the picture host. Each request is read whole and answered by a
//! function of the suite.

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A request the server got.
#[derive(Clone, Debug)]
pub struct Received {
    /// Upper-case method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Every header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The exact body.
    pub body: Bytes,
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The `Content-Type`, if any.
    pub content_type: Option<&'static str>,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// An answer with `status` and no body.
    pub fn empty(status: StatusCode) -> Self {
        Answer {
            status,
            content_type: None,
            body: Bytes::new(),
        }
    }
}

/// A running server; dropping it stops it.
pub struct LocalServer {
    base: String,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for LocalServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalServer")
            .field("base", &self.base)
            .finish()
    }
}

impl LocalServer {
    /// Starts a server on a free port of `127.0.0.1` answering every request with `answer`.
    pub async fn start(
        answer: impl Fn(Received) -> Answer + Send + Sync + 'static,
    ) -> std::io::Result<LocalServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let answer = Arc::new(answer);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let answer = answer.clone();
                let service = service_fn(move |request| {
                    let answer = answer.clone();
                    async move { serve(request, answer.as_ref()).await }
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(LocalServer { base, server })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve(
    request: hyper::Request<Incoming>,
    answer: &(dyn Fn(Received) -> Answer + Send + Sync),
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let method = request.method().as_str().to_string();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_string(), value)
        })
        .collect();
    let body = request.into_body().collect().await?.to_bytes();
    let answered = answer(Received {
        method,
        path,
        headers,
        body,
    });
    let mut response = Response::new(Full::new(answered.body));
    *response.status_mut() = answered.status;
    if let Some(content_type) = answered.content_type {
        response.headers_mut().insert(
            CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(content_type),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_request_is_answered_by_the_function() {
        let server = LocalServer::start(|received| Answer {
            status: StatusCode::CREATED,
            content_type: Some("text/plain"),
            body: Bytes::from(format!(
                "{} {} {}",
                received.method,
                received.path,
                received.body.len()
            )),
        })
        .await
        .unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let answer = http
            .post(format!("{}/a?b=1", server.base()))
            .body("xyz")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
        assert_eq!(answer.headers()["content-type"], "text/plain");
        assert_eq!(answer.text().await.unwrap(), "POST /a?b=1 3");
    }
}
