//! Reading what a handler left of a request body, so an early answer (413, 409, 403 …) reaches
//! clients that keep sending: the rest is read and discarded, up to a bound, before the answer
//! goes out; past the bound the answer says `Connection: close`, so no client reuses a
//! connection whose request was not read to the end.

use crate::state::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use parking_lot::Mutex;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The most bytes read and discarded after an early answer.
pub const DISCARD_LIMIT: u64 = 24 * 1024 * 1024;

/// How long the rest of a body may take to arrive after an early answer.
const DISCARD_DEADLINE: Duration = Duration::from_secs(10);

/// Middleware: runs the handler with a body that hands back whatever it did not read, then
/// reads and discards that rest (bounded) or marks the connection to be closed.
pub async fn settle_unread_bodies(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Response {
    if !may_have_body(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let rest = Arc::new(Mutex::new(None));
    let tracked = Body::new(Tracked {
        inner: Some(body),
        rest: rest.clone(),
    });
    let mut response = next.run(Request::from_parts(parts, tracked)).await;
    let unread = rest.lock().take();
    if let Some(unread) = unread {
        let deadline = DISCARD_DEADLINE.min(app.body_timeout());
        if !discard(unread, DISCARD_LIMIT, deadline).await {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

fn may_have_body(req: &Request) -> bool {
    let headers = req.headers();
    headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// Reads and drops `body` to its end; `false` when it is longer than `limit`, breaks or
/// takes longer than `deadline`.
async fn discard(mut body: Body, limit: u64, deadline: Duration) -> bool {
    let drain = async {
        let mut seen = 0u64;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Some(data) = frame.data_ref() {
                        seen += data.len() as u64;
                        if seen > limit {
                            return false;
                        }
                    }
                }
                Err(_) => return false,
            }
        }
        true
    };
    tokio::time::timeout(deadline, drain).await.unwrap_or(false)
}

/// A request body that, when dropped before its end, hands its rest to the middleware.
struct Tracked {
    inner: Option<Body>,
    rest: Arc<Mutex<Option<Body>>>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            self.inner = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            if !inner.is_end_stream() {
                *self.rest.lock() = Some(inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn discarding_stops_at_the_limit() {
        assert!(discard(Body::from(vec![0u8; 100]), 100, Duration::from_secs(1)).await);
        assert!(!discard(Body::from(vec![0u8; 101]), 100, Duration::from_secs(1)).await);
    }

    #[tokio::test]
    async fn an_unread_body_is_handed_back_and_a_read_one_is_not() {
        let rest = Arc::new(Mutex::new(None));
        drop(Tracked {
            inner: Some(Body::from("unread")),
            rest: rest.clone(),
        });
        let unread = rest.lock().take().expect("handed back");
        assert_eq!(&unread.collect().await.unwrap().to_bytes()[..], b"unread");

        let rest = Arc::new(Mutex::new(None));
        let read = Body::new(Tracked {
            inner: Some(Body::from("read")),
            rest: rest.clone(),
        });
        assert_eq!(&read.collect().await.unwrap().to_bytes()[..], b"read");
        assert!(rest.lock().is_none());
    }
}
