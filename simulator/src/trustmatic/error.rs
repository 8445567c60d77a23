//! Answers for requests that never reach the check (docs/trustmatic.md, "Errors outside the
//! check"): a 4xx or 500 with the in-band shape plus a `message`, or a 401 with no body.

use super::views::{HasError, Refused};
use crate::body::{describe_size, BodyError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A request refused before the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error`; empty for 401, whose body is empty.
    pub code: &'static str,
    /// `message`.
    pub message: String,
    /// `sessionId`, when it could be read.
    pub session_id: Option<String>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code,
            message: message.into(),
            session_id: None,
        }
    }

    /// 400 `INVALID_REQUEST`.
    pub fn invalid(message: impl Into<String>, session_id: Option<String>) -> Refusal {
        Refusal {
            session_id,
            ..Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
        }
    }

    /// 401 with no body.
    pub fn unauthorized() -> Refusal {
        Self::new(StatusCode::UNAUTHORIZED, "", "")
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(path: &str) -> Refusal {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!(
                "no endpoint at {path}; the endpoints are POST /api/v1/face/verify, /api/v1/face/liveness and /api/v1/document/liveness"
            ),
        )
    }

    /// 405 `METHOD_NOT_ALLOWED`.
    pub fn method_not_allowed(method: &str) -> Refusal {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("{method} is not allowed here; use POST"),
        )
    }

    /// 415 `UNSUPPORTED_MEDIA_TYPE`.
    pub fn unsupported_media_type(got: Option<&str>) -> Refusal {
        let got = got.map_or("no Content-Type".to_string(), |t| {
            format!("Content-Type {t}")
        });
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!(
                "{got} is not accepted; send the body as JSON with Content-Type: application/json"
            ),
        )
    }

    /// 500 `INTERNAL_ERROR`.
    pub fn internal() -> Refusal {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "an internal error occurred",
        )
    }

    /// The answer for a body that could not be read.
    pub fn body(error: BodyError) -> Refusal {
        match error {
            BodyError::TooLarge { limit } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the body is larger than {}", describe_size(limit)),
            ),
            BodyError::Timeout => Self::new(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                "the body did not arrive in time",
            ),
            BodyError::Broken(detail) => {
                Self::invalid(format!("the body could not be read: {detail}"), None)
            }
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED {
            return (
                self.status,
                [(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Basic realm="trustmatic""#),
                )],
            )
                .into_response();
        }
        let body = Refused {
            session_id: self.session_id,
            has_error: HasError,
            error: self.code.to_string(),
            message: self.message,
        };
        let text = serde_json::to_string(&body).expect("refusals serialize");
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response();
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        crate::journal::VendorErrorCode::attach(response, self.code)
    }
}
