//! Truora's error envelope `{"code","http_code","message"}`.

use serde::Serialize;

/// An error as Truora reports it: an HTTP status and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruoraError {
    /// The HTTP status.
    pub http_code: u16,
    /// A human-readable explanation.
    pub message: String,
}

/// The JSON body of every Truora error (and of upload/delete acknowledgements).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Envelope {
    /// Truora's code: 10000 + the HTTP status.
    pub code: u32,
    /// The HTTP status repeated.
    pub http_code: u16,
    /// The explanation.
    pub message: String,
}

impl Envelope {
    /// An envelope for `http_code` with `message`.
    pub fn new(http_code: u16, message: impl Into<String>) -> Envelope {
        Envelope {
            code: 10000 + u32::from(http_code),
            http_code,
            message: message.into(),
        }
    }
}

impl TruoraError {
    fn new(http_code: u16, message: impl Into<String>) -> TruoraError {
        TruoraError {
            http_code,
            message: message.into(),
        }
    }
    /// 400: invalid input.
    pub fn bad_request(message: impl Into<String>) -> TruoraError {
        Self::new(400, message)
    }
    /// 401: missing or unknown API key.
    pub fn unauthorized(message: impl Into<String>) -> TruoraError {
        Self::new(401, message)
    }
    /// 403: the key lacks a special authorization.
    pub fn insufficient_permissions() -> TruoraError {
        Self::new(403, "Insufficient permissions")
    }
    /// 403 with another reason (expired or forged links).
    pub fn forbidden(message: impl Into<String>) -> TruoraError {
        Self::new(403, message)
    }
    /// 404: unknown resource.
    pub fn not_found(message: impl Into<String>) -> TruoraError {
        Self::new(404, message)
    }
    /// 405: the path exists but not for this method.
    pub fn method_not_allowed(message: impl Into<String>) -> TruoraError {
        Self::new(405, message)
    }
    /// 408: the body did not arrive in time.
    pub fn timeout(message: impl Into<String>) -> TruoraError {
        Self::new(408, message)
    }
    /// 409: the request conflicts with the current state.
    pub fn conflict(message: impl Into<String>) -> TruoraError {
        Self::new(409, message)
    }
    /// 413: the body is larger than allowed.
    pub fn too_large(message: impl Into<String>) -> TruoraError {
        Self::new(413, message)
    }
    /// 415: a content type this endpoint does not take.
    pub fn unsupported_media_type(message: impl Into<String>) -> TruoraError {
        Self::new(415, message)
    }
    /// 500: an internal fault.
    pub fn internal(message: impl Into<String>) -> TruoraError {
        Self::new(500, message)
    }

    /// The JSON body.
    pub fn envelope(&self) -> Envelope {
        Envelope::new(self.http_code, self.message.clone())
    }
}

impl std::fmt::Display for TruoraError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.http_code, self.message)
    }
}
