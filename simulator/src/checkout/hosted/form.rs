//! Reading what the capture page's forms send: the outcome buttons (URL-encoded) and the
//! selfie upload (`multipart/form-data`).

use crate::checkout::model::{CaptureAction, CodeFamily, ResponseCode};
use bytes::Bytes;

/// The outcomes the page offers, as the form field `outcome` spells them.
pub const OUTCOMES: &[&str] = &["approve", "decline", "abort", "inconclusive", "refuse"];

/// The name of the selfie's form field.
pub const SELFIE_FIELD: &str = "selfie";

/// Reads the outcome form (`outcome`, `code`) into the action it asks for; the error is a
/// sentence naming the allowed values.
pub fn outcome_action(body: &[u8]) -> Result<CaptureAction, String> {
    let mut outcome = None;
    let mut code = None;
    for (name, value) in form_urlencoded::parse(body) {
        let slot = match name.as_ref() {
            "outcome" => &mut outcome,
            "code" => &mut code,
            _ => continue,
        };
        if slot.is_some() {
            return Err(format!("The field {name} was sent more than once."));
        }
        *slot = Some(value.into_owned());
    }
    let outcome = outcome.unwrap_or_default();
    let code = code.filter(|c| !c.trim().is_empty());
    let coded = |family: CodeFamily, default: ResponseCode| match &code {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .and_then(ResponseCode::new)
            .filter(|c| c.family() == family)
            .ok_or_else(|| {
                format!(
                    "The code {:?} is not valid for {outcome}: it must be one of {}.",
                    text,
                    codes_of(family)
                )
            }),
    };
    let uncoded = |action: CaptureAction| match &code {
        None => Ok(action),
        Some(text) => Err(format!(
            "The outcome {outcome} takes no code, but the code {text:?} was sent."
        )),
    };
    match outcome.as_str() {
        "approve" => uncoded(CaptureAction::Approve),
        "refuse" => uncoded(CaptureAction::Refuse),
        "decline" => {
            coded(CodeFamily::Declined, ResponseCode::FACE_MISMATCH).map(CaptureAction::Decline)
        }
        "abort" => {
            coded(CodeFamily::RetryRequired, ResponseCode::APPLICANT_DROP).map(CaptureAction::Abort)
        }
        "inconclusive" => coded(
            CodeFamily::RetryRequired,
            ResponseCode::FACE_PARTIALLY_HIDDEN,
        )
        .map(CaptureAction::Inconclusive),
        "" => Err(format!(
            "No outcome was chosen: the outcome must be one of {}.",
            OUTCOMES.join(", ")
        )),
        other => Err(format!(
            "The outcome {other:?} is not valid: it must be one of {}.",
            OUTCOMES.join(", ")
        )),
    }
}

/// The documented codes of a family, for messages: `61101, 61111, …`.
fn codes_of(family: CodeFamily) -> String {
    ResponseCode::all_of(family)
        .map(|c| c.code().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a selfie upload carries no usable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelfieFormError {
    /// The body is not `multipart/form-data` with a boundary.
    NotMultipart,
    /// The multipart body is broken.
    Malformed(String),
    /// No `selfie` field, or one without any byte.
    NoFile,
    /// The `selfie` field is larger than the limit.
    TooLarge,
}

/// The bytes of the `selfie` field of a buffered `multipart/form-data` body whose
/// `Content-Type` is `content_type`; the field may hold at most `limit` bytes.
pub async fn selfie_file(
    content_type: Option<&str>,
    body: Bytes,
    limit: u64,
) -> Result<Bytes, SelfieFormError> {
    let boundary = content_type
        .and_then(|t| multer::parse_boundary(t).ok())
        .ok_or(SelfieFormError::NotMultipart)?;
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().for_field(SELFIE_FIELD, limit));
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut selfie: Option<Bytes> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(part_error(e)),
        };
        let is_selfie = field.name() == Some(SELFIE_FIELD);
        let bytes = field.bytes().await.map_err(part_error)?;
        if is_selfie && selfie.is_none() {
            selfie = Some(bytes);
        }
    }
    selfie
        .filter(|b| !b.is_empty())
        .ok_or(SelfieFormError::NoFile)
}

fn part_error(error: multer::Error) -> SelfieFormError {
    match error {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            SelfieFormError::TooLarge
        }
        other => SelfieFormError::Malformed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outcome_becomes_its_action_with_the_default_code() {
        assert_eq!(
            outcome_action(b"outcome=approve"),
            Ok(CaptureAction::Approve)
        );
        assert_eq!(
            outcome_action(b"outcome=refuse&code="),
            Ok(CaptureAction::Refuse)
        );
        assert_eq!(
            outcome_action(b"outcome=decline"),
            Ok(CaptureAction::Decline(ResponseCode::FACE_MISMATCH))
        );
        assert_eq!(
            outcome_action(b"outcome=abort"),
            Ok(CaptureAction::Abort(ResponseCode::APPLICANT_DROP))
        );
        assert_eq!(
            outcome_action(b"code=&outcome=inconclusive"),
            Ok(CaptureAction::Inconclusive(
                ResponseCode::FACE_PARTIALLY_HIDDEN
            ))
        );
    }

    #[test]
    fn chosen_codes_must_belong_to_the_outcome() {
        assert_eq!(
            outcome_action(b"outcome=decline&code=62405"),
            Ok(CaptureAction::Decline(ResponseCode::KNOWN_FRAUDULENT_FACE))
        );
        assert_eq!(
            outcome_action(b"outcome=abort&code=61203"),
            Ok(CaptureAction::Abort(ResponseCode::new(61203).unwrap()))
        );
        let wrong_family = outcome_action(b"outcome=decline&code=61121").unwrap_err();
        assert!(wrong_family.contains("62304, 62305"), "{wrong_family}");
        assert!(wrong_family.contains("62405."), "{wrong_family}");
        let undocumented = outcome_action(b"outcome=inconclusive&code=61999").unwrap_err();
        assert!(undocumented.contains("61101, 61111"), "{undocumented}");
        assert!(outcome_action(b"outcome=abort&code=x").is_err());
        let coded_approve = outcome_action(b"outcome=approve&code=10000").unwrap_err();
        assert!(coded_approve.contains("takes no code"), "{coded_approve}");
    }

    #[test]
    fn unknown_missing_or_repeated_outcomes_name_the_allowed_values() {
        let allowed = "approve, decline, abort, inconclusive, refuse";
        assert!(outcome_action(b"outcome=accept")
            .unwrap_err()
            .contains(allowed));
        assert!(outcome_action(b"").unwrap_err().contains(allowed));
        assert!(outcome_action(b"outcome=approve&outcome=refuse")
            .unwrap_err()
            .contains("more than once"));
    }

    fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Bytes {
        let mut body = Vec::new();
        for (name, filename, bytes) in parts {
            body.extend_from_slice(b"--XyZ\r\n");
            let disposition = match filename {
                Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        Bytes::from(body)
    }

    const MULTIPART: Option<&str> = Some("multipart/form-data; boundary=XyZ");

    #[tokio::test]
    async fn the_selfie_field_is_found_among_others() {
        let body = multipart(&[
            ("note", None, b"hello"),
            ("selfie", Some("me.jpg"), b"\xff\xd8\xffpicture\r\n--almost"),
        ]);
        let file = selfie_file(MULTIPART, body, 1024).await.unwrap();
        assert_eq!(file.as_ref(), b"\xff\xd8\xffpicture\r\n--almost");
    }

    #[tokio::test]
    async fn missing_empty_oversize_and_broken_uploads_are_told_apart() {
        let no_field = multipart(&[("other", Some("a.jpg"), b"x")]);
        assert_eq!(
            selfie_file(MULTIPART, no_field, 1024).await,
            Err(SelfieFormError::NoFile)
        );
        let empty = multipart(&[("selfie", Some(""), b"")]);
        assert_eq!(
            selfie_file(MULTIPART, empty, 1024).await,
            Err(SelfieFormError::NoFile)
        );
        let big = multipart(&[("selfie", Some("a.jpg"), &[7u8; 2048])]);
        assert_eq!(
            selfie_file(MULTIPART, big.clone(), 1024).await,
            Err(SelfieFormError::TooLarge)
        );
        assert_eq!(
            selfie_file(Some("application/x-www-form-urlencoded"), big, 4096).await,
            Err(SelfieFormError::NotMultipart)
        );
        let truncated = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"selfie\"\r\n\r\nabc",
        );
        assert!(matches!(
            selfie_file(MULTIPART, truncated, 1024).await,
            Err(SelfieFormError::Malformed(_))
        ));
    }
}
