//! What the journal keeps of one request.

use crate::slug_enum;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

slug_enum! {
    /// The API a request was sent to, told from its path.
    pub enum Api {
        TruoraValidations = "truora-validations",
        TruoraFiles = "truora-files",
        Checkout = "checkout",
        Trustmatic = "trustmatic",
        Unknown = "unknown",
    }
}

/// Paths of the Truora file API below the Truora prefix (`schemas/truora/files.openapi.json`).
const TRUORA_FILE_PATHS: &[&str] = &["/v1/uploads", "/v1/files"];

impl Api {
    /// The API `path` belongs to; `None` for the control API, which is not journaled.
    pub fn of_path(path: &str) -> Option<Api> {
        if below(path, crate::control::PREFIX).is_some() {
            return None;
        }
        let api = if let Some(rest) = below(path, crate::truora::views::PREFIX) {
            if TRUORA_FILE_PATHS.iter().any(|p| below(rest, p).is_some()) {
                Api::TruoraFiles
            } else {
                Api::TruoraValidations
            }
        } else if below(path, crate::checkout::views::PREFIX).is_some() {
            Api::Checkout
        } else if below(path, crate::trustmatic::views::PREFIX).is_some() {
            Api::Trustmatic
        } else {
            Api::Unknown
        };
        Some(api)
    }
}

/// The rest of `path` when it is `prefix` itself or below it.
fn below<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    path.strip_prefix(prefix)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A response extension naming the vendor's error code of an error answer (`10404`,
/// `applicant_not_found`, `PROBE_FACE_NOT_FOUND` …), so the journal can record it without
/// reading the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorErrorCode(pub String);

impl VendorErrorCode {
    /// `response` carrying `code`; an empty code leaves it unchanged.
    pub fn attach(mut response: Response, code: impl Into<String>) -> Response {
        let code = code.into();
        if !code.is_empty() {
            response.extensions_mut().insert(VendorErrorCode(code));
        }
        response
    }
}

/// One journaled request. Texts taken from the request are cut to [`Entry::MAX_TEXT`] bytes.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Position in the journal: 1 for the first answer completed, never reused.
    pub seq: u64,
    /// Real time the request arrived, to the millisecond.
    #[serde(serialize_with = "millis")]
    pub time: DateTime<Utc>,
    /// The virtual clock's time when the request arrived, to the millisecond.
    #[serde(serialize_with = "millis")]
    pub virtual_time: DateTime<Utc>,
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// The API the path belongs to.
    pub api: Api,
    /// The namespace the request lived in (`default` for the default namespace).
    pub namespace: String,
    /// The request's `Content-Type`.
    pub request_content_type: Option<String>,
    /// The request body's `Content-Length`, or the bytes read of a body sent without one.
    pub request_body_bytes: u64,
    /// The answer's status.
    pub status: u16,
    /// Milliseconds until the answer's head was ready.
    pub latency_ms: f64,
    /// The answer's `Content-Type`.
    pub response_content_type: Option<String>,
    /// The vendor's error code, when the answer is an error that carries one.
    pub error_code: Option<String>,
}

impl Entry {
    /// The longest path, query or content type kept, in bytes; longer ones end with `…`.
    pub const MAX_TEXT: usize = 2048;
}

/// `text` cut to at most [`Entry::MAX_TEXT`] bytes at a character boundary, marked with `…`.
pub(crate) fn bounded(text: &str) -> String {
    if text.len() <= Entry::MAX_TEXT {
        return text.to_string();
    }
    let mut end = Entry::MAX_TEXT - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn millis<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_api() {
        let cases = [
            (
                "/truora/validations/v1/enrollments",
                Some(Api::TruoraValidations),
            ),
            ("/truora/validations", Some(Api::TruoraValidations)),
            ("/truora/validations/v1/uploads/abc", Some(Api::TruoraFiles)),
            ("/truora/validations/v1/files/abc", Some(Api::TruoraFiles)),
            (
                "/truora/validations/v1/filesX",
                Some(Api::TruoraValidations),
            ),
            ("/checkout/applicants", Some(Api::Checkout)),
            ("/checkout/hosted/att_1", Some(Api::Checkout)),
            ("/trustmatic/api/v1/face/verify", Some(Api::Trustmatic)),
            ("/truora", Some(Api::Unknown)),
            ("/checkoutX", Some(Api::Unknown)),
            ("/", Some(Api::Unknown)),
            ("/_facesimulator", Some(Api::Unknown)),
            ("/_facesim", None),
            ("/_facesim/journal", None),
        ];
        for (path, api) in cases {
            assert_eq!(Api::of_path(path), api, "{path}");
        }
    }

    #[test]
    fn long_texts_are_cut_at_a_character_boundary() {
        assert_eq!(bounded("/short"), "/short");
        let long = "é".repeat(Entry::MAX_TEXT);
        let cut = bounded(&long);
        assert!(cut.len() <= Entry::MAX_TEXT, "{}", cut.len());
        assert!(cut.ends_with('…'));
        assert!(cut.trim_end_matches('…').chars().all(|c| c == 'é'));
    }

    #[test]
    fn empty_error_codes_are_not_attached() {
        let tagged = VendorErrorCode::attach(Response::default(), "10404");
        assert_eq!(
            tagged.extensions().get::<VendorErrorCode>(),
            Some(&VendorErrorCode("10404".into()))
        );
        let untagged = VendorErrorCode::attach(Response::default(), "");
        assert!(untagged.extensions().get::<VendorErrorCode>().is_none());
    }
}
