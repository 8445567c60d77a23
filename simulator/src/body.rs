//! Reading request bodies with a size limit and a deadline, never buffering past the limit.

use axum::body::Body;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::header::{HeaderMap, CONTENT_LENGTH, CONTENT_TYPE};
use std::time::Duration;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than `limit` bytes (announced or streamed).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Not received within the deadline.
    Timeout,
    /// The client went away or sent a broken body.
    Broken(String),
}

/// Reads a whole body of at most `limit` bytes within `deadline`. A `Content-Length` over the
/// limit is refused before any byte is read.
pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
    deadline: Duration,
) -> Result<Bytes, BodyError> {
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let limited = Limited::new(body, limit as usize);
    match tokio::time::timeout(deadline, limited.collect()).await {
        Err(_) => Err(BodyError::Timeout),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            Err(BodyError::TooLarge { limit })
        }
        Ok(Err(e)) => Err(BodyError::Broken(e.to_string())),
    }
}

/// The media type of a request (`application/json`), lowercase, without parameters.
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// Human-readable size: `10 MB`.
pub fn describe_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn announced_oversize_is_refused_without_reading() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, "11".parse().unwrap());
        let err = read_limited(&headers, Body::from("x"), 10, Duration::from_secs(1)).await;
        assert_eq!(err, Err(BodyError::TooLarge { limit: 10 }));
    }

    #[tokio::test]
    async fn streamed_oversize_is_refused_and_small_bodies_pass() {
        let headers = HeaderMap::new();
        let err = read_limited(
            &headers,
            Body::from("0123456789ab"),
            10,
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(err, Err(BodyError::TooLarge { limit: 10 }));
        let ok = read_limited(&headers, Body::from("0123"), 10, Duration::from_secs(1)).await;
        assert_eq!(ok.unwrap(), Bytes::from_static(b"0123"));
    }

    #[test]
    fn media_type_strips_parameters() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            media_type(&headers).as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(describe_size(10 * 1024 * 1024), "10 MB");
    }
}
