//! The Checkout platform's error answer: `{"request_id", "error_type", "error_codes"}`.

use crate::slug_enum;
use serde::Serialize;

slug_enum! {
    /// `error_type` of an error body.
    pub enum ErrorType {
        RequestMalformed = "request_malformed",
        AccessDenied = "access_denied",
        ResourceNotFound = "resource_not_found",
        MethodNotAllowed = "method_not_allowed",
        RequestTimeout = "request_timeout",
        Conflict = "conflict",
        RequestTooLarge = "request_too_large",
        RequestInvalid = "request_invalid",
        InternalServerError = "internal_server_error",
    }
}

/// An error as the Checkout platform reports it. The adapter adds the request ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutError {
    /// The HTTP status.
    pub status: u16,
    /// `error_type`; `None` for 401, whose body is empty.
    pub error_type: Option<ErrorType>,
    /// `error_codes`, e.g. `applicant_id_required`.
    pub error_codes: Vec<String>,
}

/// The JSON body of every Checkout error except 401.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ErrorBody {
    /// The request's `Cko-Request-Id`.
    pub request_id: String,
    /// The error family.
    #[schemars(with = "super::views::Wire<ErrorType>")]
    pub error_type: ErrorType,
    /// Every problem found.
    pub error_codes: Vec<String>,
}

impl CheckoutError {
    fn new(status: u16, error_type: ErrorType, codes: Vec<String>) -> CheckoutError {
        CheckoutError {
            status,
            error_type: Some(error_type),
            error_codes: codes,
        }
    }

    /// 400 `request_malformed`: the body cannot be read as a JSON object.
    pub fn malformed(code: &str) -> CheckoutError {
        Self::new(400, ErrorType::RequestMalformed, vec![code.into()])
    }

    /// 401: no usable secret key (the body is empty).
    pub fn unauthorized() -> CheckoutError {
        CheckoutError {
            status: 401,
            error_type: None,
            error_codes: Vec::new(),
        }
    }

    /// 403 `access_denied`: a pre-signed link that is not (or no longer) valid.
    pub fn forbidden(code: &str) -> CheckoutError {
        Self::new(403, ErrorType::AccessDenied, vec![code.into()])
    }

    /// 404 `resource_not_found`.
    pub fn not_found(code: &str) -> CheckoutError {
        Self::new(404, ErrorType::ResourceNotFound, vec![code.into()])
    }

    /// 405 `method_not_allowed`.
    pub fn method_not_allowed() -> CheckoutError {
        Self::new(
            405,
            ErrorType::MethodNotAllowed,
            vec!["method_not_allowed".into()],
        )
    }

    /// 408 `request_timeout`: the body did not arrive in time.
    pub fn timeout() -> CheckoutError {
        Self::new(
            408,
            ErrorType::RequestTimeout,
            vec!["request_body_timeout".into()],
        )
    }

    /// 409 `conflict`.
    pub fn conflict(code: String) -> CheckoutError {
        Self::new(409, ErrorType::Conflict, vec![code])
    }

    /// 413 `request_too_large`.
    pub fn too_large() -> CheckoutError {
        Self::new(
            413,
            ErrorType::RequestTooLarge,
            vec!["request_body_too_large".into()],
        )
    }

    /// 422 `request_invalid` with every problem found.
    pub fn invalid(codes: Vec<String>) -> CheckoutError {
        Self::new(422, ErrorType::RequestInvalid, codes)
    }

    /// 500 `internal_server_error`.
    pub fn internal() -> CheckoutError {
        Self::new(
            500,
            ErrorType::InternalServerError,
            vec!["internal_error".into()],
        )
    }

    /// The JSON body under `request_id`; `None` for 401.
    pub fn body(&self, request_id: &str) -> Option<ErrorBody> {
        Some(ErrorBody {
            request_id: request_id.to_string(),
            error_type: self.error_type?,
            error_codes: self.error_codes.clone(),
        })
    }
}

impl std::fmt::Display for CheckoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.error_type {
            Some(t) => write!(f, "{} {t} [{}]", self.status, self.error_codes.join(", ")),
            None => write!(f, "{}", self.status),
        }
    }
}
