//! Parsing of the form-urlencoded request bodies into typed requests.

use super::error::TruoraError;
use super::model::*;

/// A parsed `application/x-www-form-urlencoded` body; repeated keys are kept in order.
#[derive(Debug, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// Parses a form body (invalid UTF-8 is replaced, never an error).
    pub fn parse(body: &[u8]) -> Form {
        Form {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of `key` as sent: `Some("")` for a key sent without a value.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated key.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A `POST /v1/enrollments` request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEnrollment {
    /// The client's account id, or `None` to have one generated.
    pub account_id: Option<String>,
    /// `confirmation=none`: success right after the upload.
    pub confirmation_none: bool,
}

/// A `POST /v1/validations` request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewValidation {
    /// The enrolled account.
    pub account_id: String,
    /// Minimum similarity to pass.
    pub threshold: f64,
    /// The deprecated `liveness` option as sent.
    pub liveness: Option<LivenessMode>,
    /// The checks to run (resolved: never empty).
    pub subvalidations: Vec<Subvalidation>,
    /// Required with `speech_match`.
    pub minimum_precision: Option<MinimumPrecision>,
    /// Seconds the user has to upload, or `None` for the configured default.
    pub timeout_seconds: Option<u64>,
    /// The failed validation this one retries.
    pub retry_of_id: Option<String>,
}

impl NewValidation {
    /// Whether passive liveness is checked (`liveness=passive` or the subvalidation).
    pub fn passive_liveness(&self) -> bool {
        self.subvalidations
            .contains(&Subvalidation::PassiveLiveness)
    }
}

/// The message for a `retry_of_id` without passive liveness.
pub const RETRY_NEEDS_PASSIVE_LIVENESS: &str =
    "retry_of_id is only available with passive liveness (liveness=passive or subvalidations=passive_liveness)";

/// Longest client-supplied account id facesim accepts (docs/truora.md, Decision 24).
pub const MAX_ACCOUNT_ID_LEN: usize = 128;

/// Whether `id` matches Truora's account id pattern `[a-zA-Z0-9_.-]+` and is at most
/// [`MAX_ACCOUNT_ID_LEN`] characters long.
pub fn is_valid_account_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ACCOUNT_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A required field: missing and empty are both "required".
fn required<'a>(form: &'a Form, key: &str) -> Option<&'a str> {
    form.first(key).filter(|v| !v.is_empty())
}

/// An optional field: `None` when absent; a key sent without a value is refused, as no
/// documented value is empty (docs/truora.md, Decision 22). `instead` says what to do.
fn optional<'a>(form: &'a Form, key: &str, instead: &str) -> Result<Option<&'a str>, TruoraError> {
    match form.first(key) {
        Some("") => Err(TruoraError::bad_request(format!(
            "{key} is empty: {instead}"
        ))),
        other => Ok(other),
    }
}

/// A threshold in plain decimal notation from 0 to 1 (`0`, `0.65`, `.5`, `1`, `1.00`); no sign,
/// exponent or special value (docs/truora.md, Decision 23).
pub fn parse_threshold(v: &str) -> Option<f64> {
    let (int, frac) = match v.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (v, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let syntax = digits(int)
        && match frac {
            None => !int.is_empty(),
            Some(f) => !f.is_empty() && digits(f),
        };
    let in_range = match (int, frac) {
        ("" | "0", _) | ("1", None) => true,
        ("1", Some(f)) => f.bytes().all(|b| b == b'0'),
        _ => false,
    };
    (syntax && in_range).then(|| v.parse().ok()).flatten()
}

/// A timeout in whole seconds from 1 to [`MAX_TIMEOUT_SECONDS`], digits only without a sign or
/// leading zeros (docs/truora.md, Decision 23).
pub fn parse_timeout(v: &str) -> Option<u64> {
    let plain = v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0');
    v.parse()
        .ok()
        .filter(|t| plain && (1..=MAX_TIMEOUT_SECONDS).contains(t))
}

fn require_face_type(form: &Form) -> Result<(), TruoraError> {
    match required(form, "type") {
        None => Err(TruoraError::bad_request("type is required; use type=face-recognition")),
        Some(FACE_RECOGNITION) => Ok(()),
        Some(other) => Err(TruoraError::bad_request(format!(
            "invalid type {other:?}: facesim serves the face-recognition flow; use type=face-recognition"
        ))),
    }
}

fn require_user_authorized(form: &Form) -> Result<(), TruoraError> {
    match required(form, "user_authorized") {
        Some("true") => Ok(()),
        None => Err(TruoraError::bad_request(
            "user_authorized is required and must be true (the person authorized the validation)",
        )),
        Some(other) => Err(TruoraError::bad_request(format!(
            "user_authorized must be true, got {other:?}"
        ))),
    }
}

fn checked_account_id(id: &str) -> Result<String, TruoraError> {
    if is_valid_account_id(id) {
        Ok(id.to_string())
    } else {
        Err(TruoraError::bad_request(format!(
            "invalid account_id {id:?}: only IDs matching [a-zA-Z0-9_.-]+ (at most {MAX_ACCOUNT_ID_LEN} characters) are supported"
        )))
    }
}

fn one_of<T>(
    form: &Form,
    key: &str,
    parse: fn(&str) -> Option<T>,
    names: String,
) -> Result<Option<T>, TruoraError> {
    match optional(form, key, &format!("omit it or use one of {names}"))? {
        None => Ok(None),
        Some(v) => parse(v).map(Some).ok_or_else(|| {
            TruoraError::bad_request(format!("invalid {key} {v:?}: allowed values are {names}"))
        }),
    }
}

impl NewEnrollment {
    /// Validates the form of `POST /v1/enrollments`.
    pub fn from_form(form: &Form) -> Result<NewEnrollment, TruoraError> {
        require_face_type(form)?;
        require_user_authorized(form)?;
        let account_id = optional(
            form,
            "account_id",
            "omit it to have one generated, or send an id matching [a-zA-Z0-9_.-]+",
        )?
        .map(checked_account_id)
        .transpose()?;
        let confirmation_none = match optional(
            form,
            "confirmation",
            "omit it, or send none to skip the validation",
        )? {
            None => false,
            Some("none") => true,
            Some(other) => {
                return Err(TruoraError::bad_request(format!(
                    "invalid confirmation {other:?}: the only allowed value is none"
                )))
            }
        };
        Ok(NewEnrollment {
            account_id,
            confirmation_none,
        })
    }
}

impl NewValidation {
    /// Validates the form of `POST /v1/validations` (face-recognition).
    pub fn from_form(form: &Form) -> Result<NewValidation, TruoraError> {
        require_face_type(form)?;
        require_user_authorized(form)?;
        let account_id = required(form, "account_id")
            .ok_or_else(|| {
                TruoraError::bad_request(
                    "account_id is required: use the account_id of the enrollment",
                )
            })
            .and_then(checked_account_id)?;
        let threshold = match optional(
            form,
            "threshold",
            "omit it for the default 0.65, or send a decimal number from 0 to 1",
        )? {
            None => DEFAULT_THRESHOLD,
            Some(v) => parse_threshold(v).ok_or_else(|| {
                TruoraError::bad_request(format!(
                    "invalid threshold {v:?}: must be a decimal number from 0 to 1 such as 0.65 (no sign or exponent)"
                ))
            })?,
        };
        let liveness = one_of(form, "liveness", LivenessMode::parse, LivenessMode::names())?;
        let mut subvalidations = Vec::new();
        for v in form.all("subvalidations") {
            if v.is_empty() {
                return Err(TruoraError::bad_request(format!(
                    "subvalidations has an empty value: omit it for similarity, or repeat it with values from {}",
                    Subvalidation::names()
                )));
            }
            let s = Subvalidation::parse(v).ok_or_else(|| {
                TruoraError::bad_request(format!(
                    "invalid subvalidations value {v:?}: allowed values are {}",
                    Subvalidation::names()
                ))
            })?;
            if !subvalidations.contains(&s) {
                subvalidations.push(s);
            }
        }
        if subvalidations.is_empty() {
            subvalidations.push(Subvalidation::Similarity);
        }
        if liveness == Some(LivenessMode::Passive)
            && !subvalidations.contains(&Subvalidation::PassiveLiveness)
        {
            subvalidations.push(Subvalidation::PassiveLiveness);
        }
        let minimum_precision = one_of(
            form,
            "minimum_precision",
            MinimumPrecision::parse,
            MinimumPrecision::names(),
        )?;
        if subvalidations.contains(&Subvalidation::SpeechMatch) && minimum_precision.is_none() {
            return Err(TruoraError::bad_request(format!(
                "minimum_precision is required with the speech_match subvalidation: one of {}",
                MinimumPrecision::names()
            )));
        }
        let timeout_seconds = match optional(
            form,
            "timeout",
            "omit it for the configured default, or send whole seconds",
        )? {
            None => None,
            Some(v) => Some(parse_timeout(v).ok_or_else(|| {
                TruoraError::bad_request(format!(
                    "invalid timeout {v:?}: must be a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}, digits only"
                ))
            })?),
        };
        let retry_of_id = optional(
            form,
            "retry_of_id",
            "omit it, or send the validation_id of the failed validation to retry",
        )?
        .map(str::to_string);
        if retry_of_id.is_some() && !subvalidations.contains(&Subvalidation::PassiveLiveness) {
            return Err(TruoraError::bad_request(RETRY_NEEDS_PASSIVE_LIVENESS));
        }
        Ok(NewValidation {
            account_id,
            threshold,
            liveness,
            subvalidations,
            minimum_precision,
            timeout_seconds,
            retry_of_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str) -> Form {
        Form::parse(s.as_bytes())
    }

    #[test]
    fn enrollment_requires_type_and_authorization() {
        let err = NewEnrollment::from_form(&form("user_authorized=true")).unwrap_err();
        assert!(err.message.contains("type is required"));
        let err = NewEnrollment::from_form(&form("type=document-validation&user_authorized=true"))
            .unwrap_err();
        assert!(err.message.contains("invalid type"));
        let err = NewEnrollment::from_form(&form("type=face-recognition&user_authorized=false"))
            .unwrap_err();
        assert!(err.message.contains("must be true"));
        let ok = NewEnrollment::from_form(&form(
            "type=face-recognition&user_authorized=true&confirmation=none",
        ))
        .unwrap();
        assert_eq!(
            ok,
            NewEnrollment {
                account_id: None,
                confirmation_none: true
            }
        );
    }

    #[test]
    fn account_id_pattern_is_enforced() {
        assert!(is_valid_account_id("user_1.a-b"));
        assert!(!is_valid_account_id("a b"));
        assert!(!is_valid_account_id("ñ"));
        assert!(!is_valid_account_id(&"a".repeat(129)));
        let err = NewEnrollment::from_form(&form(
            "type=face-recognition&user_authorized=true&account_id=a%2Fb",
        ))
        .unwrap_err();
        assert!(err.message.contains("[a-zA-Z0-9_.-]+"), "{}", err.message);
    }

    #[test]
    fn validation_defaults_and_repeated_subvalidations() {
        let v = NewValidation::from_form(&form(
            "type=face-recognition&user_authorized=true&account_id=a",
        ))
        .unwrap();
        assert_eq!(v.threshold, DEFAULT_THRESHOLD);
        assert_eq!(v.subvalidations, [Subvalidation::Similarity]);
        assert_eq!(v.timeout_seconds, None);
        let v = NewValidation::from_form(&form(
            "type=face-recognition&user_authorized=true&account_id=a&subvalidations=similarity&subvalidations=passive_liveness&timeout=21600&threshold=0.8",
        ))
        .unwrap();
        assert_eq!(
            v.subvalidations,
            [Subvalidation::Similarity, Subvalidation::PassiveLiveness]
        );
        assert_eq!(v.timeout_seconds, Some(21600));
        assert_eq!(v.threshold, 0.8);
        let v = NewValidation::from_form(&form(
            "type=face-recognition&user_authorized=true&account_id=a&liveness=passive",
        ))
        .unwrap();
        assert!(v.passive_liveness());
    }

    #[test]
    fn validation_rejects_bad_values() {
        let base = "type=face-recognition&user_authorized=true&account_id=a";
        for (extra, needle) in [
            ("&threshold=1.5", "threshold"),
            ("&threshold=abc", "threshold"),
            ("&timeout=0", "timeout"),
            ("&timeout=21601", "timeout"),
            ("&liveness=active", "liveness"),
            ("&subvalidations=face", "subvalidations"),
            (
                "&subvalidations=speech_match",
                "minimum_precision is required",
            ),
            (
                "&subvalidations=speech_match&minimum_precision=ultra",
                "minimum_precision",
            ),
        ] {
            let err = NewValidation::from_form(&form(&format!("{base}{extra}"))).unwrap_err();
            assert_eq!(err.http_code, 400);
            assert!(err.message.contains(needle), "{extra}: {}", err.message);
        }
        let err = NewValidation::from_form(&form("type=face-recognition&user_authorized=true"))
            .unwrap_err();
        assert!(err.message.contains("account_id is required"));
        let err = NewValidation::from_form(&form(&format!(
            "{base}&retry_of_id=VLD00000000000000000000000000000000"
        )))
        .unwrap_err();
        assert_eq!(err.message, RETRY_NEEDS_PASSIVE_LIVENESS);
    }

    #[test]
    fn a_key_sent_without_a_value_is_refused_not_taken_as_absent() {
        assert_eq!(form("a=&a=x").first("a"), Some(""));
        assert_eq!(form("a&b=1").first("a"), Some(""));
        assert_eq!(form("b=1").first("a"), None);
        let enrollment = "type=face-recognition&user_authorized=true";
        for (extra, needle) in [
            ("&account_id=", "account_id is empty"),
            ("&account_id", "account_id is empty"),
            ("&confirmation=", "confirmation is empty"),
        ] {
            let err = NewEnrollment::from_form(&form(&format!("{enrollment}{extra}"))).unwrap_err();
            assert_eq!(err.http_code, 400);
            assert!(err.message.contains(needle), "{extra}: {}", err.message);
        }
        for (body, needle) in [
            ("type=&user_authorized=true", "type is required"),
            (
                "type=face-recognition&user_authorized=",
                "user_authorized is required",
            ),
        ] {
            let err = NewEnrollment::from_form(&form(body)).unwrap_err();
            assert!(err.message.contains(needle), "{body}: {}", err.message);
        }
        let validation = "type=face-recognition&user_authorized=true&account_id=a";
        for (extra, needle) in [
            ("&threshold=", "threshold is empty"),
            ("&timeout=", "timeout is empty"),
            ("&liveness=", "liveness is empty"),
            ("&minimum_precision=", "minimum_precision is empty"),
            ("&retry_of_id=", "retry_of_id is empty"),
            ("&subvalidations=", "subvalidations has an empty value"),
        ] {
            let err = NewValidation::from_form(&form(&format!("{validation}{extra}"))).unwrap_err();
            assert_eq!(err.http_code, 400);
            assert!(err.message.contains(needle), "{extra}: {}", err.message);
        }
        let err = NewValidation::from_form(&form(
            "type=face-recognition&user_authorized=true&account_id=",
        ))
        .unwrap_err();
        assert!(err.message.contains("account_id is required"));
    }

    #[test]
    fn thresholds_are_plain_decimals_from_0_to_1() {
        for (text, value) in [
            ("0", 0.0),
            ("0.65", 0.65),
            (".5", 0.5),
            ("1", 1.0),
            ("1.000", 1.0),
            ("0.0000", 0.0),
        ] {
            assert_eq!(parse_threshold(text), Some(value), "{text}");
        }
        for text in [
            "",
            ".",
            "0.",
            "1.",
            "00.5",
            "01",
            "2",
            "1.5",
            "1.0000000000000000001",
            "-0",
            "+0.5",
            "1e-1",
            "0.5e0",
            "inf",
            "NaN",
            "0x1p-2",
            " 0.5",
            "0.5 ",
            "0,5",
            "½",
        ] {
            assert_eq!(parse_threshold(text), None, "{text:?}");
        }
    }

    #[test]
    fn timeouts_are_plain_whole_seconds_from_1_to_21600() {
        for (text, value) in [("1", 1), ("300", 300), ("21600", 21600)] {
            assert_eq!(parse_timeout(text), Some(value), "{text}");
        }
        for text in [
            "",
            "0",
            "00",
            "007",
            "+5",
            "-5",
            "1.0",
            "1e3",
            "21601",
            " 5",
            "5 ",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_timeout(text), None, "{text:?}");
        }
    }

    #[test]
    fn account_ids_are_at_most_128_characters() {
        assert!(is_valid_account_id(&"a".repeat(MAX_ACCOUNT_ID_LEN)));
        assert!(!is_valid_account_id(&"a".repeat(MAX_ACCOUNT_ID_LEN + 1)));
        assert!(!is_valid_account_id(""));
    }
}
