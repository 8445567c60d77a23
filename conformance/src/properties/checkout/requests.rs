//! Pieces of generated Checkout requests: fields that are left out or valid, invalid or
//! unclear by the documents; how the JSON body travels; and the answer a request deserves.

use crate::checkout::body::object_text;
use crate::properties::context::{Context, Transcript};
use crate::properties::forms::Key;
use crate::properties::payload::printf_text;
use crate::target::{Exchange, Request, Target};
use bytes::Bytes;
use proptest::prelude::*;
use proptest::strategy::{SBoxedStrategy, Union};
use serde_json::Value;
use std::fmt;

/// A generated field.
#[derive(Clone, Debug)]
pub(super) enum Gen {
    /// Not in the body.
    Omitted,
    /// A value the documents accept.
    Valid(Value),
    /// A value the documents refuse.
    Invalid(Value),
    /// A value the documents say nothing clear about (`null`, an empty string, a length
    /// past a limit only the simulator sets).
    Unclear(Value),
}

impl Gen {
    /// The value sent, if any.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Gen::Omitted => None,
            Gen::Valid(v) | Gen::Invalid(v) | Gen::Unclear(v) => Some(v),
        }
    }

    /// Whether the documents say nothing clear about it.
    pub fn is_unclear(&self) -> bool {
        matches!(self, Gen::Unclear(_))
    }
}

/// Strings matching a regular expression, as JSON.
pub(super) fn text(pattern: &'static str) -> SBoxedStrategy<Value> {
    pattern.prop_map(Value::from).sboxed()
}

/// One of these JSON values.
pub(super) fn one_of(values: Vec<Value>) -> SBoxedStrategy<Value> {
    proptest::sample::select(values).sboxed()
}

/// A field: left out with weight `omitted`, else mostly valid, sometimes invalid or unclear.
pub(super) fn field(
    omitted: u32,
    valid: Vec<SBoxedStrategy<Value>>,
    invalid: Vec<SBoxedStrategy<Value>>,
    unclear: Vec<SBoxedStrategy<Value>>,
) -> SBoxedStrategy<Gen> {
    // Omission first: shrinking moves towards the first choice, the simplest body.
    let mut choices: Vec<(u32, SBoxedStrategy<Gen>)> = Vec::new();
    if omitted > 0 {
        choices.push((omitted, Just(Gen::Omitted).sboxed()));
    }
    let weight = |n: usize, each: u32| u32::try_from(n).unwrap_or(1) * each;
    let (nv, ni, nu) = (valid.len(), invalid.len(), unclear.len());
    if nv > 0 {
        choices.push((
            weight(nv, 4),
            Union::new(valid).prop_map(Gen::Valid).sboxed(),
        ));
    }
    if ni > 0 {
        choices.push((
            weight(ni, 1),
            Union::new(invalid).prop_map(Gen::Invalid).sboxed(),
        ));
    }
    if nu > 0 {
        choices.push((
            weight(nu, 1),
            Union::new(unclear).prop_map(Gen::Unclear).sboxed(),
        ));
    }
    Union::new_weighted(choices).sboxed()
}

/// How a JSON body travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::properties) enum Encoding {
    /// `application/json`, as documented.
    Json,
    /// `application/json; charset=utf-8`.
    JsonWithCharset,
    /// The JSON declared `text/plain`.
    TextPlain,
    /// The JSON without a `Content-Type`.
    Untyped,
    /// The JSON cut before its end.
    Truncated,
    /// The fields' values in a JSON array instead of an object.
    Array,
    /// The JSON object with a field `pad` of over 1 MB.
    Oversized,
}

/// Padding past the 1 MB limit.
const OVERSIZED_PADDING: usize = 1024 * 1024 + 1;

/// Mostly plain JSON.
pub(in crate::properties) fn encoding() -> impl Strategy<Value = Encoding> + Clone {
    prop_oneof![
        24 => Just(Encoding::Json),
        1 => Just(Encoding::JsonWithCharset),
        1 => Just(Encoding::TextPlain),
        1 => Just(Encoding::Untyped),
        1 => Just(Encoding::Truncated),
        1 => Just(Encoding::Array),
        1 => Just(Encoding::Oversized),
    ]
}

impl Encoding {
    /// The answer the encoding alone deserves from Checkout, when it is refused.
    pub(super) fn refusal(&self) -> Option<Outcome> {
        match self {
            Encoding::Json | Encoding::JsonWithCharset => None,
            Encoding::TextPlain | Encoding::Untyped => {
                Some(Outcome::refused(400, &["content_type_invalid"]))
            }
            Encoding::Truncated | Encoding::Array => {
                Some(Outcome::refused(400, &["request_body_malformed"]))
            }
            Encoding::Oversized => Some(Outcome::refused(413, &["request_body_too_large"])),
        }
    }

    /// Sends the fields `body` in `request` this way, recorded in `transcript` under `label`.
    /// `None`: an oversized body the server refused by closing the connection.
    pub async fn send(
        &self,
        context: &Context,
        transcript: &mut Transcript,
        label: &str,
        request: Request,
        body: &[(String, Value)],
    ) -> Result<Option<Exchange>, String> {
        let values: Vec<Value> = body.iter().map(|(_, v)| v.clone()).collect();
        let (request, source) = self.encode(request, &object_text(body), &values);
        if *self == Encoding::Oversized {
            transcript
                .send_oversized(context, label, request, source.as_deref(), true)
                .await
        } else {
            transcript
                .send(context, label, request, source.as_deref())
                .await
                .map(Some)
        }
    }

    /// Puts the JSON object `text` (made of `values`) in `request` this way; answers the
    /// request and, when its body is not shown inline, the shell command writing it.
    pub fn encode(
        &self,
        request: Request,
        text: &str,
        values: &[Value],
    ) -> (Request, Option<String>) {
        let json = Some("application/json");
        match self {
            Encoding::Json => (request.text(json, text), None),
            Encoding::JsonWithCharset => (
                request.text(Some("application/json; charset=utf-8"), text),
                None,
            ),
            Encoding::TextPlain => (request.text(Some("text/plain"), text), None),
            Encoding::Untyped => (request.text(None, text), None),
            Encoding::Truncated => {
                let cut: String = text
                    .chars()
                    .take(text.chars().count().saturating_sub(1))
                    .collect();
                (request.text(json, &cut), None)
            }
            Encoding::Array => (
                request.text(json, &Value::from(values.to_vec()).to_string()),
                None,
            ),
            Encoding::Oversized => {
                let head = match text.strip_suffix('}') {
                    Some(fields) if fields.trim() != "{" => format!("{fields}, \"pad\": \""),
                    _ => "{\"pad\": \"".to_string(),
                };
                let body = format!("{head}{}\"}}", "x".repeat(OVERSIZED_PADDING));
                let source = format!(
                    "{{ {}; head -c {OVERSIZED_PADDING} /dev/zero | tr '\\0' x; printf '\"}}'; }}",
                    printf_text(&head)
                );
                (request.bytes(json, Bytes::from(body), "-"), Some(source))
            }
        }
    }
}

/// The answer a request deserves.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Outcome {
    /// This success status.
    Success(u16),
    /// This error status with exactly these error codes (any codes when empty).
    Refused(u16, Vec<String>),
    /// This error status with at least these error codes, in this order (other codes may
    /// come between them, for fields the documents are unclear about).
    RefusedIncluding(u16, Vec<String>),
    /// Any of these answers.
    Either(Vec<Outcome>),
}

impl Outcome {
    /// An error status with its codes.
    pub fn refused(status: u16, codes: &[&str]) -> Outcome {
        Outcome::Refused(status, codes.iter().map(|c| c.to_string()).collect())
    }

    /// 401 for a missing or unknown key.
    pub fn unauthorized() -> Outcome {
        Outcome::Refused(401, Vec::new())
    }

    /// Whether `exchange` is this answer.
    pub fn admits(&self, exchange: &Exchange) -> bool {
        match self {
            Outcome::Success(status) => exchange.status == *status,
            Outcome::Refused(status, codes) => {
                exchange.status == *status && (codes.is_empty() || error_codes(exchange) == *codes)
            }
            Outcome::RefusedIncluding(status, codes) => {
                exchange.status == *status && is_subsequence(codes, &error_codes(exchange))
            }
            Outcome::Either(outcomes) => outcomes.iter().any(|o| o.admits(exchange)),
        }
    }

    /// Fails with what was expected and why, unless `exchange` is this answer.
    pub fn check(&self, exchange: &Exchange, why: &str) -> Result<(), String> {
        if self.admits(exchange) {
            return Ok(());
        }
        let got = match exchange.status {
            status @ 400.. if exchange.status != 401 => {
                format!("{status} {:?}", error_codes(exchange))
            }
            status => status.to_string(),
        };
        let because = if why.is_empty() {
            String::new()
        } else {
            format!(" ({why})")
        };
        Err(format!("expected {self}, got {got}{because}"))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Success(status) => write!(f, "{status}"),
            Outcome::Refused(status, codes) if codes.is_empty() => write!(f, "{status}"),
            Outcome::Refused(status, codes) => write!(f, "{status} {codes:?}"),
            Outcome::RefusedIncluding(status, codes) => {
                write!(f, "{status} with at least {codes:?} in this order")
            }
            Outcome::Either(outcomes) => {
                let all: Vec<String> = outcomes.iter().map(|o| o.to_string()).collect();
                write!(f, "one of {}", all.join(", "))
            }
        }
    }
}

/// The answer a request with a missing or unknown key deserves (401; an oversized body may
/// be refused for its size first), or `None` when the key is the target's.
pub(super) fn key_refusal(
    key: &Key,
    target: &Target,
    encoding: &Encoding,
) -> Option<(Outcome, String)> {
    key.refusal(target)?;
    let outcome = match encoding {
        Encoding::Oversized => {
            Outcome::Either(vec![Outcome::unauthorized(), Outcome::refused(413, &[])])
        }
        _ => Outcome::unauthorized(),
    };
    Some((outcome, "the key is missing or unknown".into()))
}

/// Whether every item of `part` is in `whole`, in the same order.
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|item| rest.any(|w| w == item))
}

/// What a body deserves from the definite `problems` of its fields and whether some field
/// is `unclear`: `success`, a 422 with exactly the problems, or, with unclear fields, either
/// answer or a refusal listing at least the problems.
pub(super) fn by_fields(problems: Vec<String>, unclear: bool, success: Outcome) -> Outcome {
    match (problems.is_empty(), unclear) {
        (true, false) => success,
        (true, true) => Outcome::Either(vec![success, Outcome::refused(422, &[])]),
        (false, false) => Outcome::Refused(422, problems),
        (false, true) => Outcome::RefusedIncluding(422, problems),
    }
}

/// The `error_codes` of an answer.
pub(super) fn error_codes(exchange: &Exchange) -> Vec<String> {
    exchange
        .json()
        .and_then(|body| body.get("error_codes").cloned())
        .and_then(|codes| serde_json::from_value(codes).ok())
        .unwrap_or_default()
}

/// The error code a field earns: `<field>_required` when a required field is left out,
/// `<field>_invalid` when its value is refused, nothing otherwise.
pub(super) fn problem(name: &str, field: &Gen, required: bool) -> Option<String> {
    match field {
        Gen::Omitted if required => Some(format!("{name}_required")),
        Gen::Invalid(_) => Some(format!("{name}_invalid")),
        _ => None,
    }
}

/// The `(name, value)` pairs of the fields that are sent, in order.
pub(super) fn sent(fields: &[(&str, &Gen)]) -> Vec<(String, Value)> {
    fields
        .iter()
        .filter_map(|(name, field)| field.value().map(|v| (name.to_string(), v.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::body::object_text;
    use serde_json::json;

    fn request() -> Request {
        Request {
            method: "POST".into(),
            url: "http://h/applicants".into(),
            headers: Vec::new(),
            body: crate::target::Body::Empty,
        }
    }

    fn body(request: &Request) -> String {
        match &request.body {
            crate::target::Body::Bytes { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn encodings_break_the_body_as_named() {
        let fields = vec![("email".to_string(), json!("a@b.com"))];
        let text = object_text(&fields);
        let values = vec![json!("a@b.com")];
        let (truncated, _) = Encoding::Truncated.encode(request(), &text, &values);
        assert_eq!(body(&truncated), r#"{"email": "a@b.com""#);
        let (array, _) = Encoding::Array.encode(request(), &text, &values);
        assert_eq!(body(&array), r#"["a@b.com"]"#);
        let (large, source) = Encoding::Oversized.encode(request(), &text, &values);
        let parsed: Value = serde_json::from_str(&body(&large)).unwrap();
        assert_eq!(parsed["email"], "a@b.com");
        assert_eq!(parsed["pad"].as_str().unwrap().len(), OVERSIZED_PADDING);
        assert!(source.unwrap().contains("head -c 1048577 /dev/zero"));
        let (empty, _) = Encoding::Oversized.encode(request(), "{}", &[]);
        assert!(serde_json::from_str::<Value>(&body(&empty)).is_ok());
    }

    #[test]
    fn outcomes_admit_their_answers_only() {
        let exchange = |status: u16, body: &str| Exchange {
            request: request(),
            api_path: None,
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Bytes::from(body.to_string()),
        };
        let invalid = exchange(422, r#"{"error_codes": ["email_invalid"]}"#);
        assert!(Outcome::refused(422, &["email_invalid"]).admits(&invalid));
        assert!(!Outcome::refused(422, &["email_required"]).admits(&invalid));
        assert!(!Outcome::Success(201).admits(&invalid));
        let either = Outcome::Either(vec![Outcome::Success(201), Outcome::refused(422, &[])]);
        assert!(either.admits(&invalid));
        let failure = Outcome::Success(201)
            .check(&invalid, "valid fields")
            .unwrap_err();
        assert_eq!(
            failure,
            r#"expected 201, got 422 ["email_invalid"] (valid fields)"#
        );
        assert!(Outcome::unauthorized().admits(&exchange(401, "")));
    }

    #[test]
    fn problems_name_their_field() {
        assert_eq!(
            problem("a", &Gen::Omitted, true).as_deref(),
            Some("a_required")
        );
        assert_eq!(problem("a", &Gen::Omitted, false), None);
        assert_eq!(
            problem("b.c", &Gen::Invalid(json!(1)), false).as_deref(),
            Some("b.c_invalid")
        );
        assert_eq!(problem("a", &Gen::Unclear(json!(null)), true), None);
    }
}
