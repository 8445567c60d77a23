//! Pieces of generated requests shared by the enrollment and validation forms: the API key,
//! the body encoding, unknown fields, and the documented rules of the common fields.

use super::judge::{Expect, Verdict, UNAUTHORIZED};
use super::payload::printf_text;
use crate::target::{encode_form, Request, Target};
use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The API key a generated request carries.
#[derive(Clone, Debug)]
pub(super) enum Key {
    /// The target's key.
    Target,
    /// No key header.
    Missing,
    /// A key the target did not issue.
    Wrong(String),
}

impl Key {
    /// A request to `path` under the API carrying this key.
    pub fn request(&self, target: &Target, method: &str, path: &str) -> Request {
        match self {
            Key::Target => target.request(method, path),
            Key::Missing => target.request_with_key(method, path, None),
            Key::Wrong(key) => target.request_with_key(method, path, Some(key)),
        }
    }

    /// The answer a missing or unknown key deserves (401, documented for every keyed call),
    /// or `None` when the key is the target's.
    pub fn refusal(&self, target: &Target) -> Option<Expect> {
        match self {
            Key::Target => None,
            Key::Wrong(key) if *key == target.key => None,
            Key::Missing | Key::Wrong(_) => Some(UNAUTHORIZED),
        }
    }
}

/// Mostly the target's key; sometimes none or a made-up one.
pub(super) fn key() -> impl Strategy<Value = Key> + Clone {
    prop_oneof![
        10 => Just(Key::Target),
        1 => Just(Key::Missing),
        1 => "[A-Za-z0-9._-]{0,40}".prop_map(Key::Wrong),
    ]
}

/// How a form travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    /// `application/x-www-form-urlencoded`, as the guide says.
    Form,
    /// The same with `; charset=UTF-8`.
    FormWithCharset,
    /// A form with an extra field `pad` of this many bytes.
    PaddedForm(usize),
    /// A JSON object of the same fields.
    Json,
    /// The form text declared `text/plain`.
    TextPlain,
    /// The form text without a `Content-Type`.
    Untyped,
}

/// Padding that any form parser takes.
pub(super) const SMALL_PADDING: usize = 64 * 1024;
/// Padding past 1 MB, a size the vendor's documents do not mention.
pub(super) const LARGE_PADDING: usize = 1024 * 1024 + 1;

impl Encoding {
    /// What the guide says: "Content-Type: the value should be application/x-www-form-urlencoded".
    pub fn verdict(&self) -> (Verdict, &'static str) {
        match self {
            Encoding::Form | Encoding::FormWithCharset => (Verdict::Valid, ""),
            Encoding::PaddedForm(n) if *n <= SMALL_PADDING => (Verdict::Valid, ""),
            Encoding::PaddedForm(_) => (Verdict::Unclear, "a form over 1 MB"),
            Encoding::Json | Encoding::TextPlain | Encoding::Untyped => {
                (Verdict::Invalid, "the body is not form-urlencoded")
            }
        }
    }

    /// Whether the body is over 1 MB, so that a server may refuse it by closing the connection.
    pub fn oversized(&self) -> bool {
        matches!(self, Encoding::PaddedForm(n) if *n > SMALL_PADDING)
    }

    /// Puts `pairs` in `request` in this encoding; answers the request and, when its body is
    /// not a plain form, the shell command writing the body.
    pub fn encode(
        &self,
        request: Request,
        pairs: &[(String, String)],
    ) -> (Request, Option<String>) {
        let text = encode_form(pairs);
        let (content_type, body, source) = match self {
            Encoding::Form => return (request.form(pairs.to_vec()), None),
            Encoding::FormWithCharset => (
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
                text.clone(),
                printf_text(&text),
            ),
            Encoding::PaddedForm(n) => {
                let head = format!("{text}&pad=");
                let source = format!(
                    "{{ {}; head -c {n} /dev/zero | tr '\\0' x; }}",
                    printf_text(&head)
                );
                (
                    Some("application/x-www-form-urlencoded"),
                    head + &"x".repeat(*n),
                    source,
                )
            }
            Encoding::Json => {
                let json = json_object(pairs).to_string();
                let source = printf_text(&json);
                (Some("application/json"), json, source)
            }
            Encoding::TextPlain => (Some("text/plain"), text.clone(), printf_text(&text)),
            Encoding::Untyped => (None, text.clone(), printf_text(&text)),
        };
        (
            request.bytes(content_type, Bytes::from(body), "-"),
            Some(source),
        )
    }
}

/// The form as a JSON object; repeated keys become arrays.
fn json_object(pairs: &[(String, String)]) -> Value {
    let mut object = Map::new();
    for (key, value) in pairs {
        let value = Value::String(value.clone());
        match object.get_mut(key) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                object.insert(key.clone(), value);
            }
        }
    }
    Value::Object(object)
}

/// Mostly a plain form.
pub(super) fn encoding() -> impl Strategy<Value = Encoding> + Clone {
    prop_oneof![
        14 => Just(Encoding::Form),
        1 => Just(Encoding::FormWithCharset),
        1 => Just(Encoding::PaddedForm(SMALL_PADDING)),
        1 => Just(Encoding::PaddedForm(LARGE_PADDING)),
        1 => Just(Encoding::Json),
        1 => Just(Encoding::TextPlain),
        1 => Just(Encoding::Untyped),
    ]
}

/// Field names the Validations API documents for any product; unknown fields avoid them.
const KNOWN_FIELDS: &[&str] = &[
    "type",
    "user_authorized",
    "account_id",
    "confirmation",
    "threshold",
    "liveness",
    "subvalidations",
    "minimum_precision",
    "timeout",
    "retry_of_id",
    "email",
    "phone",
    "phone_number",
    "country",
    "document_type",
    "language",
    "pad",
];

/// Up to three fields no document mentions, with arbitrary values.
pub(super) fn unknown_fields() -> impl Strategy<Value = Vec<(String, String)>> + Clone {
    let name = "[a-z][a-z_]{0,11}".prop_filter("a documented field", |n| {
        !KNOWN_FIELDS.contains(&n.as_str())
    });
    proptest::collection::vec((name, ".{0,24}"), 0..3)
}

/// Chooses `Some(value)` from `valid` most of the time, else from `invalid` or `unclear`, or
/// omits the field.
pub(super) fn field(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    unclear: &'static [&'static str],
    omitted: u32,
) -> SBoxedStrategy<Option<String>> {
    let pick = |values: &'static [&'static str]| {
        proptest::sample::select(values).prop_map(|v| Some(v.to_string()))
    };
    // Omission first: shrinking moves towards the first choice, the simplest form.
    let mut choices: Vec<(u32, SBoxedStrategy<Option<String>>)> = Vec::new();
    if omitted > 0 {
        choices.push((omitted, Just(None).sboxed()));
    }
    choices.push((8, pick(valid).sboxed()));
    if !invalid.is_empty() {
        choices.push((2, pick(invalid).sboxed()));
    }
    if !unclear.is_empty() {
        choices.push((1, pick(unclear).sboxed()));
    }
    proptest::strategy::Union::new_weighted(choices).sboxed()
}

/// `type`: required, `face-recognition`.
pub(super) fn validation_type() -> SBoxedStrategy<Option<String>> {
    field(
        &["face-recognition"],
        &[
            "",
            "document-validation",
            "email-verification",
            "phone-verification",
            "electronic-signature",
            "face_recognition",
            "selfie",
        ],
        &[],
        1,
    )
}

/// `user_authorized`: required, `true`.
pub(super) fn user_authorized() -> SBoxedStrategy<Option<String>> {
    field(&["true"], &["false", "0", "no", "", "yes"], LENIENT_TRUE, 1)
}

/// Spellings of true that a lenient boolean parser (Go's `strconv.ParseBool`) also takes.
const LENIENT_TRUE: &[&str] = &["TRUE", "True", "1", "t"];

/// The first value of `key`.
pub(super) fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Every value of `key`.
pub(super) fn all<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Whether `id` matches `[a-zA-Z0-9_.-]+`, the only account ids the guide supports.
pub(super) fn is_account_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The verdicts of the parts of one form, with why each part is not plainly valid.
#[derive(Debug, Default)]
pub(super) struct Assessment {
    notes: Vec<(Verdict, String)>,
}

impl Assessment {
    /// Records a part that is not plainly valid.
    pub fn note(&mut self, verdict: Verdict, why: impl Into<String>) {
        if verdict != Verdict::Valid {
            self.notes.push((verdict, why.into()));
        }
    }

    /// The verdict of the whole form.
    pub fn verdict(&self) -> Verdict {
        Verdict::all(self.notes.iter().map(|(v, _)| *v))
    }

    /// Why the form has its verdict (empty for a valid form).
    pub fn why(&self) -> String {
        let verdict = self.verdict();
        let reasons: Vec<&str> = self
            .notes
            .iter()
            .filter(|(v, _)| *v == verdict)
            .map(|(_, why)| why.as_str())
            .collect();
        reasons.join("; ")
    }

    /// Judges `type` and `user_authorized`, required by every create call.
    pub fn common_fields(&mut self, pairs: &[(String, String)]) {
        match first(pairs, "type") {
            Some("face-recognition") => {}
            Some(other) => self.note(
                Verdict::Invalid,
                format!("type {other:?} is not face-recognition"),
            ),
            None => self.note(Verdict::Invalid, "type is required"),
        }
        match first(pairs, "user_authorized") {
            Some("true") => {}
            Some(v) if LENIENT_TRUE.contains(&v) => {
                self.note(Verdict::Unclear, format!("user_authorized {v:?}"))
            }
            Some(v) => self.note(
                Verdict::Invalid,
                format!("user_authorized {v:?} must be true"),
            ),
            None => self.note(Verdict::Invalid, "user_authorized is required"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_common_fields_follow_the_guide() {
        let mut valid = Assessment::default();
        valid.common_fields(&pairs(&[
            ("type", "face-recognition"),
            ("user_authorized", "true"),
        ]));
        assert_eq!(valid.verdict(), Verdict::Valid);

        let mut lenient = Assessment::default();
        lenient.common_fields(&pairs(&[
            ("type", "face-recognition"),
            ("user_authorized", "1"),
        ]));
        assert_eq!(lenient.verdict(), Verdict::Unclear);

        let mut invalid = Assessment::default();
        invalid.common_fields(&pairs(&[("user_authorized", "1")]));
        assert_eq!(invalid.verdict(), Verdict::Invalid);
        assert_eq!(invalid.why(), "type is required");
    }

    #[test]
    fn account_ids_follow_the_documented_pattern() {
        assert!(is_account_id("a.b_c-1"));
        assert!(!is_account_id(""));
        assert!(!is_account_id("a b"));
        assert!(!is_account_id("ñandú"));
    }

    #[test]
    fn encodings_reproduce_their_bodies() {
        let target = Target::new(
            "http://h/api",
            "k",
            "Truora-API-Key",
            facesim_schemas::contract("truora-validations").unwrap(),
            None,
        );
        let form = pairs(&[("subvalidations", "a"), ("subvalidations", "b"), ("x", "1")]);
        assert_eq!(
            json_object(&form).to_string(),
            r#"{"subvalidations":["a","b"],"x":"1"}"#
        );
        let request = target.request("POST", "/v1/enrollments");
        let (padded, source) = Encoding::PaddedForm(3).encode(request, &form);
        assert_eq!(
            source.as_deref(),
            Some(
                r"{ printf '%s' 'subvalidations=a&subvalidations=b&x=1&pad='; head -c 3 /dev/zero | tr '\0' x; }"
            )
        );
        assert!(
            padded.curl().ends_with("--data-binary '@-'  # 45 bytes"),
            "{}",
            padded.curl()
        );
        let (plain, none) = Encoding::Form.encode(target.request("POST", "/v1/enrollments"), &form);
        assert!(none.is_none() && plain.curl().contains("--data-raw 'x=1'"));
    }

    #[test]
    fn a_wrong_key_equal_to_the_target_key_is_no_refusal() {
        let target = Target::new(
            "http://h",
            "secret",
            "Truora-API-Key",
            facesim_schemas::contract("truora-validations").unwrap(),
            None,
        );
        assert_eq!(Key::Wrong("secret".into()).refusal(&target), None);
        assert_eq!(
            Key::Wrong("other".into()).refusal(&target),
            Some(UNAUTHORIZED)
        );
        assert_eq!(Key::Missing.refusal(&target), Some(UNAUTHORIZED));
    }
}
