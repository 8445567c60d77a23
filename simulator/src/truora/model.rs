//! The wire vocabulary of the face-recognition flow: statuses, reasons and options.

use crate::slug_enum;

slug_enum! {
    /// `status` of an enrollment.
    pub enum EnrollmentStatus { Pending = "pending", Success = "success", Failure = "failure" }
}

slug_enum! {
    /// `reason` of an enrollment: why it is pending, or why it failed.
    pub enum EnrollmentReason {
        WaitingFileUpload = "waiting_file_upload",
        WaitingFaceValidation = "waiting_face_validation",
        NoFaceDetected = "no_face_detected",
        FaceInBlocklist = "face_in_blocklist",
        FileFormatNotSupported = "file_format_not_supported",
        FaceValidationFailed = "face_validation_failed",
        SystemError = "system_error",
    }
}

slug_enum! {
    /// `validation_status`.
    pub enum ValidationStatus { Pending = "pending", Success = "success", Failure = "failure" }
}

slug_enum! {
    /// `failure_status` of a failed validation.
    pub enum FailureStatus { Declined = "declined", Expired = "expired", SystemError = "system_error" }
}

slug_enum! {
    /// `declined_reason` of a declined face-recognition validation.
    pub enum DeclinedReason {
        NoFaceDetected = "no_face_detected",
        FaceInBlocklist = "face_in_blocklist",
        PassiveLivenessVerificationNotPassed = "passive_liveness_verification_not_passed",
        SimilarityThresholdNotPassed = "similarity_threshold_not_passed",
        SpeechMatchNotPassed = "speech_match_not_passed",
        FileFormatNotSupported = "file_format_not_supported",
    }
}

slug_enum! {
    /// `expired_reason` of a face-recognition validation whose timeout passed.
    pub enum ExpiredReason {
        InputFileNotUploaded = "input_file_not_uploaded",
        FaceValidationNotStarted = "face_validation_not_started",
    }
}

slug_enum! {
    /// Outcome of one check (`similarity_status`, `passive_liveness_status`, …).
    pub enum CheckStatus { Success = "success", Failure = "failure" }
}

slug_enum! {
    /// `subvalidations` of a face-recognition validation.
    pub enum Subvalidation {
        PassiveLiveness = "passive_liveness",
        Similarity = "similarity",
        SpeechMatch = "speech_match",
    }
}

slug_enum! {
    /// The deprecated `liveness` option.
    pub enum LivenessMode { Passive = "passive", Disabled = "disabled" }
}

slug_enum! {
    /// `minimum_precision` of the speech match.
    pub enum MinimumPrecision { VeryHigh = "very_high", High = "high", Medium = "medium", Low = "low" }
}

/// The only validation/enrollment `type` this flow handles.
pub const FACE_RECOGNITION: &str = "face-recognition";

/// Default similarity threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.65;

/// Largest validation `timeout` in seconds.
pub const MAX_TIMEOUT_SECONDS: u64 = 21600;
