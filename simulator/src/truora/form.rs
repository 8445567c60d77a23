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

    /// The first non-empty value of `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
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
#[derive(Debug, Clone, PartialEq)]
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

/// Whether `id` matches Truora's account id pattern `[a-zA-Z0-9_.-]+`.
pub fn is_valid_account_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn require_face_type(form: &Form) -> Result<(), TruoraError> {
    match form.first("type") {
        None => Err(TruoraError::bad_request("type is required; use type=face-recognition")),
        Some(FACE_RECOGNITION) => Ok(()),
        Some(other) => Err(TruoraError::bad_request(format!(
            "invalid type {other:?}: facesim serves the face-recognition flow; use type=face-recognition"
        ))),
    }
}

fn require_user_authorized(form: &Form) -> Result<(), TruoraError> {
    match form.first("user_authorized") {
        Some("true") => Ok(()),
        None => Err(TruoraError::bad_request(
            "user_authorized is required and must be true (the person authorized the validation)",
        )),
        Some(other) => Err(TruoraError::bad_request(format!(
            "user_authorized must be true, got {other:?}"
        ))),
    }
}

fn account_id(form: &Form) -> Result<Option<String>, TruoraError> {
    match form.first("account_id") {
        None => Ok(None),
        Some(id) if is_valid_account_id(id) => Ok(Some(id.to_string())),
        Some(id) => Err(TruoraError::bad_request(format!(
            "invalid account_id {id:?}: only IDs matching [a-zA-Z0-9_.-]+ (at most 128 characters) are supported"
        ))),
    }
}

fn one_of<T>(
    form: &Form,
    key: &str,
    parse: fn(&str) -> Option<T>,
    names: String,
) -> Result<Option<T>, TruoraError> {
    match form.first(key) {
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
        let account_id = account_id(form)?;
        let confirmation_none = match form.first("confirmation") {
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
        let account_id = account_id(form)?.ok_or_else(|| {
            TruoraError::bad_request("account_id is required: use the account_id of the enrollment")
        })?;
        let threshold = match form.first("threshold") {
            None => DEFAULT_THRESHOLD,
            Some(v) => match v.parse::<f64>() {
                Ok(t) if (0.0..=1.0).contains(&t) => t,
                _ => {
                    return Err(TruoraError::bad_request(format!(
                        "invalid threshold {v:?}: must be a number between 0 and 1"
                    )))
                }
            },
        };
        let liveness = one_of(form, "liveness", LivenessMode::parse, LivenessMode::names())?;
        let mut subvalidations = Vec::new();
        for v in form.all("subvalidations") {
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
        let timeout_seconds = match form.first("timeout") {
            None => None,
            Some(v) => match v.parse::<u64>() {
                Ok(t) if (1..=MAX_TIMEOUT_SECONDS).contains(&t) => Some(t),
                _ => {
                    return Err(TruoraError::bad_request(format!(
                        "invalid timeout {v:?}: must be a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}"
                    )))
                }
            },
        };
        let retry_of_id = form.first("retry_of_id").map(str::to_string);
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
    }
}
