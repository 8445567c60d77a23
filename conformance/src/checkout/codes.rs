//! The response codes of docs/checkout.md ("Response codes"): each code's summary and the face
//! authentication status it leads to.

/// Every documented code, its summary and the status it leads to.
pub const RESPONSE_CODES: &[(u32, &str, &str)] = &[
    (10000, "approved", "approved"),
    (61101, "applicant_never_started", "retry_required"),
    (61111, "applicant_not_ready", "retry_required"),
    (61113, "camera_access_refused", "retry_required"),
    (61121, "applicant_drop", "retry_required"),
    (61201, "connection_insufficient", "retry_required"),
    (61202, "browser_not_supported", "retry_required"),
    (61203, "camera_not_found", "retry_required"),
    (61401, "face_video_blurry", "retry_required"),
    (61402, "face_video_lighting_issue", "retry_required"),
    (61410, "face_not_captured", "retry_required"),
    (61411, "face_partially_hidden", "retry_required"),
    (61412, "face_not_turned", "retry_required"),
    (61413, "face_challenge_timeout", "retry_required"),
    (61901, "internal_error", "retry_required"),
    (61911, "corrupted_videos", "retry_required"),
    (62304, "face_mismatch", "declined"),
    (62305, "face_not_live", "declined"),
    (62306, "face_alteration", "declined"),
    (62307, "asset_digital_alteration", "declined"),
    (62321, "face_face_mismatch", "declined"),
    (62401, "declared_identity_mismatch", "declined"),
    (62402, "suspicious_device", "declined"),
    (62403, "consent_unclear", "declined"),
    (62405, "known_fraudulent_face", "declined"),
    (63001, "applicant_refusal", "refused"),
    (64001, "forcibly_closed", "retry_required"),
];

/// The summary of a documented code.
pub fn summary(code: u32) -> Option<&'static str> {
    RESPONSE_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, summary, _)| *summary)
}

/// The `response_codes` value holding only `code`: `[{"code": …, "summary": …}]`.
pub fn response_codes(code: u32) -> Option<serde_json::Value> {
    summary(code).map(|summary| serde_json::json!([{ "code": code, "summary": summary }]))
}

/// Whether `code` is one of the documented 61xxx codes (the applicant may try again).
pub fn is_retryable(code: u32) -> bool {
    (61000..62000).contains(&code) && summary(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_documented_summary_and_family() {
        assert_eq!(summary(62321), Some("face_face_mismatch"));
        assert_eq!(summary(62103), None);
        assert_eq!(
            response_codes(10000).unwrap(),
            serde_json::json!([{"code": 10000, "summary": "approved"}])
        );
        assert!(is_retryable(61411) && !is_retryable(64001) && !is_retryable(61999));
        let declined = RESPONSE_CODES
            .iter()
            .filter(|(_, _, status)| *status == "declined")
            .count();
        assert_eq!(declined, 9);
    }
}
