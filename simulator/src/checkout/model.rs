//! The wire vocabulary of face authentication: statuses, response codes, webhook event types and
//! the capture actions an applicant (or a test) can take on an attempt.

use crate::slug_enum;

slug_enum! {
    /// `status` of a face authentication.
    pub enum FaceAuthenticationStatus {
        Created = "created",
        Pending = "pending",
        CaptureInProgress = "capture_in_progress",
        ChecksInProgress = "checks_in_progress",
        Approved = "approved",
        Declined = "declined",
        RetryRequired = "retry_required",
        Refused = "refused",
        Inconclusive = "inconclusive",
    }
}

impl FaceAuthenticationStatus {
    /// Whether a new attempt is accepted in this status once an attempt exists (the 409 rule).
    pub fn accepts_new_attempt(self) -> bool {
        matches!(
            self,
            Self::Created | Self::Pending | Self::CaptureInProgress | Self::RetryRequired
        )
    }

    /// Whether the face authentication can change no more through attempts.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::Declined | Self::Refused | Self::Inconclusive
        )
    }
}

slug_enum! {
    /// `status` of a face-authentication attempt.
    pub enum AttemptStatus {
        PendingRedirection = "pending_redirection",
        CaptureInProgress = "capture_in_progress",
        ChecksInProgress = "checks_in_progress",
        Completed = "completed",
        Expired = "expired",
        CaptureAborted = "capture_aborted",
        CaptureRefused = "capture_refused",
        ChecksInconclusive = "checks_inconclusive",
    }
}

slug_enum! {
    /// `type` of a face-authentication webhook event.
    pub enum EventType {
        Created = "face_authentication_created",
        Opened = "face_authentication_opened",
        Started = "face_authentication_started",
        CaptureCompleted = "face_authentication_capture_completed",
        ChecksCompleted = "face_authentication_checks_completed",
        LinkExpired = "face_authentication_link_expired",
        CaptureRefused = "face_authentication_capture_refused",
        CaptureAborted = "face_authentication_capture_aborted",
        RetryRequested = "face_authentication_retry_requested",
        Reset = "face_authentication_reset",
        ChecksInconclusive = "face_authentication_checks_inconclusive",
        Closed = "face_authentication_closed",
        AuditCompleted = "face_authentication_audit_completed",
        Anonymized = "face_authentication_anonymized",
    }
}

slug_enum! {
    /// A risk label of a face authentication's checks.
    pub enum RiskLabel { MultipleFacesDetected = "multiple_faces_detected" }
}

slug_enum! {
    /// `type` of an attempt asset.
    pub enum AssetType { FaceImage = "face_image", FaceVideo = "face_video" }
}

/// The family of a response code, which decides the status it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFamily {
    /// `10000`.
    Approved,
    /// `61xxx`: the applicant may try again.
    RetryRequired,
    /// `62xxx`.
    Declined,
    /// `63001`.
    Refused,
    /// `64001`.
    ForciblyClosed,
}

/// The documented response codes and their summaries.
pub const RESPONSE_CODES: &[(u32, &str)] = &[
    (10000, "approved"),
    (61101, "applicant_never_started"),
    (61111, "applicant_not_ready"),
    (61113, "camera_access_refused"),
    (61121, "applicant_drop"),
    (61201, "connection_insufficient"),
    (61202, "browser_not_supported"),
    (61203, "camera_not_found"),
    (61401, "face_video_blurry"),
    (61402, "face_video_lighting_issue"),
    (61410, "face_not_captured"),
    (61411, "face_partially_hidden"),
    (61412, "face_not_turned"),
    (61413, "face_challenge_timeout"),
    (61901, "internal_error"),
    (61911, "corrupted_videos"),
    (62304, "face_mismatch"),
    (62305, "face_not_live"),
    (62306, "face_alteration"),
    (62307, "asset_digital_alteration"),
    (62321, "face_face_mismatch"),
    (62401, "declared_identity_mismatch"),
    (62402, "suspicious_device"),
    (62403, "consent_unclear"),
    (62405, "known_fraudulent_face"),
    (63001, "applicant_refusal"),
    (64001, "forcibly_closed"),
];

/// A documented response code: `{"code": …, "summary": …}` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ResponseCode(u32);

impl TryFrom<u32> for ResponseCode {
    type Error = String;

    /// Only documented codes convert.
    fn try_from(code: u32) -> Result<ResponseCode, String> {
        ResponseCode::new(code).ok_or_else(|| format!("{code} is not a documented response code"))
    }
}

impl From<ResponseCode> for u32 {
    fn from(code: ResponseCode) -> u32 {
        code.0
    }
}

impl ResponseCode {
    /// `10000 approved`.
    pub const APPROVED: ResponseCode = ResponseCode(10000);
    /// `61101 applicant_never_started`.
    pub const NEVER_STARTED: ResponseCode = ResponseCode(61101);
    /// `61121 applicant_drop`: the default abort code.
    pub const APPLICANT_DROP: ResponseCode = ResponseCode(61121);
    /// `61410 face_not_captured`.
    pub const FACE_NOT_CAPTURED: ResponseCode = ResponseCode(61410);
    /// `61411 face_partially_hidden`: the default inconclusive code.
    pub const FACE_PARTIALLY_HIDDEN: ResponseCode = ResponseCode(61411);
    /// `61901 internal_error`.
    pub const INTERNAL_ERROR: ResponseCode = ResponseCode(61901);
    /// `62304 face_mismatch`: the default decline code.
    pub const FACE_MISMATCH: ResponseCode = ResponseCode(62304);
    /// `62305 face_not_live`.
    pub const FACE_NOT_LIVE: ResponseCode = ResponseCode(62305);
    /// `62321 face_face_mismatch`.
    pub const FACE_FACE_MISMATCH: ResponseCode = ResponseCode(62321);
    /// `62405 known_fraudulent_face`.
    pub const KNOWN_FRAUDULENT_FACE: ResponseCode = ResponseCode(62405);
    /// `63001 applicant_refusal`.
    pub const APPLICANT_REFUSAL: ResponseCode = ResponseCode(63001);
    /// `64001 forcibly_closed`.
    pub const FORCIBLY_CLOSED: ResponseCode = ResponseCode(64001);

    /// The documented code with this number.
    pub fn new(code: u32) -> Option<ResponseCode> {
        RESPONSE_CODES
            .iter()
            .any(|(c, _)| *c == code)
            .then_some(ResponseCode(code))
    }

    /// The number.
    pub fn code(self) -> u32 {
        self.0
    }

    /// The documented summary.
    pub fn summary(self) -> &'static str {
        RESPONSE_CODES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map(|(_, s)| *s)
            .expect("only documented codes are constructed")
    }

    /// Which status family the code belongs to.
    pub fn family(self) -> CodeFamily {
        match self.0 {
            10000 => CodeFamily::Approved,
            61000..=61999 => CodeFamily::RetryRequired,
            62000..=62999 => CodeFamily::Declined,
            63001 => CodeFamily::Refused,
            _ => CodeFamily::ForciblyClosed,
        }
    }

    /// Every documented code of a family.
    pub fn all_of(family: CodeFamily) -> impl Iterator<Item = ResponseCode> {
        RESPONSE_CODES
            .iter()
            .map(|(c, _)| ResponseCode(*c))
            .filter(move |c| c.family() == family)
    }
}

/// What the applicant does on the capture page, or a test through the control API.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureAction {
    /// Opens the verification URL: the capture starts (and, under the sandbox convention,
    /// completes on its own).
    Open,
    /// Captures this selfie; the active matcher judges it against the applicant's reference.
    Selfie(bytes::Bytes),
    /// Completes the capture; the checks approve it.
    Approve,
    /// Completes the capture; the checks decline it with this 62xxx code.
    Decline(ResponseCode),
    /// Completes the capture; the checks cannot conclude (61xxx code).
    Inconclusive(ResponseCode),
    /// Abandons the capture (61xxx code).
    Abort(ResponseCode),
    /// Refuses to start (`63001`).
    Refuse,
    /// Forcibly closes the flow (`64001`).
    Close,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_know_their_family_and_summary() {
        assert_eq!(
            ResponseCode::new(62321).unwrap().summary(),
            "face_face_mismatch"
        );
        assert_eq!(
            ResponseCode::new(61101).unwrap().family(),
            CodeFamily::RetryRequired
        );
        assert_eq!(
            ResponseCode::APPLICANT_REFUSAL.family(),
            CodeFamily::Refused
        );
        assert_eq!(
            ResponseCode::FORCIBLY_CLOSED.family(),
            CodeFamily::ForciblyClosed
        );
        assert!(ResponseCode::new(62999).is_none());
        assert_eq!(ResponseCode::all_of(CodeFamily::Declined).count(), 9);
    }

    #[test]
    fn the_409_rule_is_the_documented_one() {
        let accepting: Vec<_> = FaceAuthenticationStatus::ALL
            .iter()
            .filter(|s| s.accepts_new_attempt())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            accepting,
            [
                "created",
                "pending",
                "capture_in_progress",
                "retry_required"
            ]
        );
    }
}
