//! The JSON bodies, keys in the documents' order. Keys without a value are left out.

use super::check::{Score, Verdict};
use super::model::ErrorCode;
use serde::Serialize;

/// The prefix the API is served under.
pub const PREFIX: &str = "/trustmatic";

/// `hasError`: always `B` in its body type, and documented as that constant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HasError<const B: bool>;

impl<const B: bool> Serialize for HasError<B> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(B)
    }
}

impl<const B: bool> schemars::JsonSchema for HasError<B> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("HasError{B}").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "boolean", "const": B})
    }
}

/// A check that ended with a score: `{sessionId, score, hasError: false}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scored<S> {
    /// The request's `sessionId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The score: an integer 0..=100 (verify) or a number 0..=1 (liveness).
    pub score: S,
    /// Always `false`.
    pub has_error: HasError<false>,
}

/// A check that ended with an error: `{sessionId, hasError: true, error}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Failed {
    /// The request's `sessionId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Always `true`.
    pub has_error: HasError<true>,
    /// The documented code.
    #[schemars(with = "String")]
    pub error: ErrorCode,
}

/// A request that never reached the check: the in-band shape plus a `message`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refused {
    /// The request's `sessionId`, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Always `true`.
    pub has_error: HasError<true>,
    /// `INVALID_REQUEST`, `NOT_FOUND`, ...
    pub error: String,
    /// What is wrong, in words.
    pub message: String,
}

/// The JSON text answering `verdict` for `session_id`.
pub fn verdict_body(session_id: Option<String>, verdict: &Verdict) -> String {
    let text = match *verdict {
        Verdict::Scored(Score::Points(score)) => serde_json::to_string(&Scored {
            session_id,
            score,
            has_error: HasError,
        }),
        Verdict::Scored(Score::Fraction(score)) => serde_json::to_string(&Scored {
            session_id,
            score,
            has_error: HasError,
        }),
        Verdict::Failed { code, .. } => serde_json::to_string(&Failed {
            session_id,
            has_error: HasError,
            error: code,
        }),
    };
    text.expect("answer bodies serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_the_documented_examples() {
        let passed = verdict_body(Some("bbbf9002".into()), &Verdict::Scored(Score::Points(99)));
        assert_eq!(
            passed,
            r#"{"sessionId":"bbbf9002","score":99,"hasError":false}"#
        );
        let live = verdict_body(None, &Verdict::Scored(Score::Fraction(0.9997104)));
        assert_eq!(live, r#"{"score":0.9997104,"hasError":false}"#);
        let error = verdict_body(
            Some("s".into()),
            &Verdict::Failed {
                code: ErrorCode::MissingProbeImage,
                detail: String::new(),
            },
        );
        assert_eq!(
            error,
            r#"{"sessionId":"s","hasError":true,"error":"MISSING_PROBE_IMAGE"}"#
        );
    }
}
