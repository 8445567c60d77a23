//! The middleware that writes one journal entry per answered request.

use super::entry::{bounded, Api, Entry, VendorErrorCode};
use crate::state::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use chrono::{SubsecRound, Utc};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

/// Middleware: records the request and its answer in [`App::journal`] once the answer's head
/// is ready. Control-API paths are passed through unrecorded; bodies pass through untouched
/// (a body sent without `Content-Length` is only counted as it streams). A request whose
/// connection closes before its answer is ready is not recorded.
pub async fn record(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if !app.journal.is_enabled() {
        return next.run(req).await;
    }
    let Some(api) = Api::of_path(req.uri().path()) else {
        return next.run(req).await;
    };
    let time = Utc::now().trunc_subsecs(3);
    let virtual_time = (time + app.clock().offset()).trunc_subsecs(3);
    let started = Instant::now();
    let method = bounded(req.method().as_str());
    let path = bounded(req.uri().path());
    let query = req.uri().query().map(bounded);
    let request_content_type = content_type(req.headers());
    let (req, body_size) = measure(req);

    let response = next.run(req).await;

    let latency_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    app.journal.record(Entry {
        seq: 0,
        time,
        virtual_time,
        method,
        path,
        query,
        api,
        namespace: app.tenant().label().to_string(),
        request_content_type,
        request_body_bytes: body_size.bytes(),
        status: response.status().as_u16(),
        latency_ms,
        response_content_type: content_type(response.headers()),
        error_code: response
            .extensions()
            .get::<VendorErrorCode>()
            .map(|code| bounded(&code.0)),
    });
    response
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .map(|v| bounded(&String::from_utf8_lossy(v.as_bytes())))
}

/// How the size of a request body is known.
enum BodySize {
    /// From `Content-Length` (0 when there is neither a length nor a transfer encoding).
    Declared(u64),
    /// Counted as the body is read.
    Counted(Arc<AtomicU64>),
}

impl BodySize {
    fn bytes(&self) -> u64 {
        match self {
            BodySize::Declared(n) => *n,
            BodySize::Counted(seen) => seen.load(Ordering::Relaxed),
        }
    }
}

/// The request, its body wrapped in a counter when no `Content-Length` declares its size.
fn measure(req: Request) -> (Request, BodySize) {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = declared {
        return (req, BodySize::Declared(length));
    }
    if !req.headers().contains_key(TRANSFER_ENCODING) {
        return (req, BodySize::Declared(0));
    }
    let seen = Arc::new(AtomicU64::new(0));
    let (parts, body) = req.into_parts();
    let counted = Body::new(Counted {
        inner: body,
        seen: seen.clone(),
    });
    (Request::from_parts(parts, counted), BodySize::Counted(seen))
}

/// A request body that adds the length of each data frame read to `seen`.
struct Counted {
    inner: Body,
    seen: Arc<AtomicU64>,
}

impl HttpBody for Counted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.seen.fetch_add(data.len() as u64, Ordering::Relaxed);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn streamed_bodies_are_counted_and_passed_on_unchanged() {
        let req = Request::builder()
            .header(TRANSFER_ENCODING, "chunked")
            .body(Body::from("twelve bytes"))
            .unwrap();
        let (req, size) = measure(req);
        assert_eq!(size.bytes(), 0, "nothing read yet");
        let bytes = req.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"twelve bytes");
        assert_eq!(size.bytes(), 12);
    }

    #[test]
    fn declared_lengths_are_taken_as_given() {
        let req = Request::builder()
            .header(CONTENT_LENGTH, "42")
            .body(Body::empty())
            .unwrap();
        assert_eq!(measure(req).1.bytes(), 42);
        let bare = Request::builder().body(Body::empty()).unwrap();
        assert_eq!(measure(bare).1.bytes(), 0);
    }
}
