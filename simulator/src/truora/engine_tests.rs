//! The state machine alone: transitions driven by explicit times, no HTTP.

use super::engine::{Caller, Settings, Store};
use super::form::{NewEnrollment, NewValidation};
use super::model::*;
use crate::config::TruoraConfig;
use crate::media::{DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};

const ALL: Caller = Caller {
    confirmation_none: true,
    delete_enrollment: true,
};
const NONE: Caller = Caller {
    confirmation_none: false,
    delete_enrollment: false,
};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .into()
}

fn store() -> Store {
    Store::new(Settings::from_config(&TruoraConfig::default()))
}

fn picture(marker: &str, variant: u32) -> Bytes {
    let spec = FixtureSpec {
        marker: Marker::parse(marker).unwrap(),
        format: FixtureFormat::Png,
        variant,
    };
    Bytes::from(crate::media::render(&spec))
}

fn upload(
    s: &mut Store,
    upload_id: &str,
    bytes: Bytes,
    now: DateTime<Utc>,
) -> Result<String, super::error::TruoraError> {
    let m = DeterministicMatcher;
    let analysis = m.analyze(&bytes, true);
    s.accept_upload(upload_id, bytes, analysis, &m, now)
}

fn new_validation(account: &str) -> NewValidation {
    NewValidation {
        account_id: account.into(),
        threshold: DEFAULT_THRESHOLD,
        liveness: None,
        subvalidations: vec![Subvalidation::Similarity],
        minimum_precision: None,
        timeout_seconds: None,
        retry_of_id: None,
    }
}

/// Enrolls `account` with a picture of `subject`; answers the enrollment id.
fn enrolled(s: &mut Store, account: &str, subject: &str) -> String {
    let e = s
        .create_enrollment(
            NewEnrollment {
                account_id: Some(account.into()),
                confirmation_none: false,
            },
            NONE,
            t0(),
        )
        .unwrap()
        .clone();
    upload(
        s,
        &e.upload.id,
        picture(&format!("subject={subject}"), 0),
        t0(),
    )
    .unwrap();
    e.id
}

#[test]
fn enrollment_goes_from_waiting_upload_to_waiting_validation_to_success() {
    let mut s = store();
    let eid = enrolled(&mut s, "acc", "alice");
    let e = s.enrollment(&eid, t0()).unwrap();
    assert_eq!(
        (e.status, e.reason),
        (
            EnrollmentStatus::Pending,
            Some(EnrollmentReason::WaitingFaceValidation)
        )
    );
    let v = s
        .create_validation(new_validation("acc"), "1.2.3.4".into(), t0())
        .unwrap()
        .clone();
    upload(&mut s, &v.upload.id, picture("subject=alice", 1), t0()).unwrap();
    assert_eq!(
        s.validation(&v.id, t0()).unwrap().status,
        ValidationStatus::Pending
    );
    let later = t0() + Duration::seconds(1);
    let v = s.validation(&v.id, later).unwrap();
    assert_eq!(v.status, ValidationStatus::Success);
    assert!(v.checks.confidence_score.unwrap() >= 0.9);
    assert_eq!(
        s.enrollment(&eid, later).unwrap().status,
        EnrollmentStatus::Success
    );
}

#[test]
fn declined_validation_fails_a_waiting_enrollment_but_not_a_successful_one() {
    let mut s = store();
    let eid = enrolled(&mut s, "acc", "alice");
    let v = s
        .create_validation(new_validation("acc"), String::new(), t0())
        .unwrap()
        .clone();
    upload(&mut s, &v.upload.id, picture("subject=bob", 0), t0()).unwrap();
    let later = t0() + Duration::seconds(5);
    let v = s.validation(&v.id, later).unwrap();
    assert_eq!(v.failure_status, Some(FailureStatus::Declined));
    assert_eq!(
        v.declined_reason,
        Some(DeclinedReason::SimilarityThresholdNotPassed)
    );
    let e = s.enrollment(&eid, later).unwrap();
    assert_eq!(
        (e.status, e.reason),
        (
            EnrollmentStatus::Failure,
            Some(EnrollmentReason::FaceValidationFailed)
        )
    );

    let mut s = store();
    let e = s
        .create_enrollment(
            NewEnrollment {
                account_id: Some("acc".into()),
                confirmation_none: true,
            },
            ALL,
            t0(),
        )
        .unwrap()
        .clone();
    upload(&mut s, &e.upload.id, picture("subject=alice", 0), t0()).unwrap();
    assert_eq!(
        s.enrollment(&e.id, t0()).unwrap().status,
        EnrollmentStatus::Success
    );
    let v = s
        .create_validation(new_validation("acc"), String::new(), t0())
        .unwrap()
        .clone();
    upload(&mut s, &v.upload.id, picture("subject=bob", 0), t0()).unwrap();
    assert_eq!(
        s.enrollment(&e.id, t0() + Duration::seconds(5))
            .unwrap()
            .status,
        EnrollmentStatus::Success
    );
}

#[test]
fn reference_picture_outcomes_set_the_enrollment_reason() {
    for (marker, reason) in [
        ("subject=a;face=none", EnrollmentReason::NoFaceDetected),
        (
            "subject=a;blocklist=true",
            EnrollmentReason::FaceInBlocklist,
        ),
        (
            "subject=a;fault=system_error",
            EnrollmentReason::SystemError,
        ),
    ] {
        let mut s = store();
        let e = s
            .create_enrollment(
                NewEnrollment {
                    account_id: None,
                    confirmation_none: false,
                },
                NONE,
                t0(),
            )
            .unwrap()
            .clone();
        assert!(e.account_id.starts_with("ACC") && e.account_id.len() == 35);
        upload(&mut s, &e.upload.id, picture(marker, 0), t0()).unwrap();
        let e = s.enrollment(&e.id, t0()).unwrap();
        assert_eq!(
            (e.status, e.reason),
            (EnrollmentStatus::Failure, Some(reason)),
            "{marker}"
        );
    }
    let mut s = store();
    let e = s
        .create_enrollment(
            NewEnrollment {
                account_id: None,
                confirmation_none: false,
            },
            NONE,
            t0(),
        )
        .unwrap()
        .clone();
    upload(
        &mut s,
        &e.upload.id,
        Bytes::from_static(b"plain text is no picture"),
        t0(),
    )
    .unwrap();
    assert_eq!(
        s.enrollment(&e.id, t0()).unwrap().reason,
        Some(EnrollmentReason::FileFormatNotSupported)
    );
}

#[test]
fn permissions_duplicates_and_deletion() {
    let mut s = store();
    let req = NewEnrollment {
        account_id: Some("acc".into()),
        confirmation_none: true,
    };
    assert_eq!(
        s.create_enrollment(req.clone(), NONE, t0())
            .unwrap_err()
            .message,
        "Insufficient permissions"
    );
    let eid = s
        .create_enrollment(req.clone(), ALL, t0())
        .unwrap()
        .id
        .clone();
    assert_eq!(
        s.create_enrollment(req.clone(), ALL, t0())
            .unwrap_err()
            .http_code,
        409
    );
    assert_eq!(
        s.delete_enrollment(&eid, NONE, t0()).unwrap_err().http_code,
        403
    );
    s.delete_enrollment(&eid, ALL, t0()).unwrap();
    assert_eq!(s.enrollment(&eid, t0()).unwrap_err().http_code, 404);
    assert!(s.create_enrollment(req, ALL, t0()).is_ok());
}

#[test]
fn timeouts_expire_with_the_right_reason() {
    let mut s = store();
    enrolled(&mut s, "acc", "alice");
    let untouched = s
        .create_validation(new_validation("acc"), String::new(), t0())
        .unwrap()
        .clone();
    let attempted = s
        .create_validation(new_validation("acc"), String::new(), t0())
        .unwrap()
        .clone();
    assert_eq!(
        upload(&mut s, &attempted.upload.id, Bytes::new(), t0())
            .unwrap_err()
            .http_code,
        400
    );
    let at_deadline = t0() + Duration::seconds(300);
    assert_eq!(
        s.validation(&untouched.id, at_deadline).unwrap().status,
        ValidationStatus::Pending
    );
    let after = at_deadline + Duration::seconds(1);
    let v = s.validation(&untouched.id, after).unwrap();
    assert_eq!(v.failure_status, Some(FailureStatus::Expired));
    assert_eq!(
        v.expired_reason,
        Some(ExpiredReason::FaceValidationNotStarted)
    );
    assert_eq!(
        s.validation(&attempted.id, after).unwrap().expired_reason,
        Some(ExpiredReason::InputFileNotUploaded)
    );
    assert_eq!(
        upload(
            &mut s,
            &untouched.upload.id,
            picture("subject=alice", 1),
            after
        )
        .unwrap_err()
        .http_code,
        403
    );
}

#[test]
fn retries_follow_the_chain_rules() {
    let mut s = store();
    enrolled(&mut s, "acc", "alice");
    let mut passive = new_validation("acc");
    passive.subvalidations.push(Subvalidation::PassiveLiveness);
    let mut failed = s
        .create_validation(passive.clone(), String::new(), t0())
        .unwrap()
        .clone();
    let mut now = t0();
    for round in 0..=2 {
        upload(
            &mut s,
            &failed.upload.id,
            picture("subject=alice;liveness=spoof", round),
            now,
        )
        .unwrap();
        now += Duration::seconds(2);
        let done = s.validation(&failed.id, now).unwrap();
        assert_eq!(
            done.declined_reason,
            Some(DeclinedReason::PassiveLivenessVerificationNotPassed)
        );
        let retry = NewValidation {
            retry_of_id: Some(failed.id.clone()),
            ..passive.clone()
        };
        if round == 2 {
            let err = s.create_validation(retry, String::new(), now).unwrap_err();
            assert!(err.message.contains("No retries left"), "{}", err.message);
            break;
        }
        let next = s
            .create_validation(retry.clone(), String::new(), now)
            .unwrap()
            .clone();
        assert_eq!(next.retry_number, round + 1);
        assert_eq!(
            s.create_validation(retry, String::new(), now)
                .unwrap_err()
                .http_code,
            409
        );
        failed = next;
    }
}

#[test]
fn a_successful_retry_rescues_the_enrollment_its_chain_failed() {
    let mut s = store();
    let eid = enrolled(&mut s, "acc", "alice");
    let mut passive = new_validation("acc");
    passive.subvalidations.push(Subvalidation::PassiveLiveness);
    let first = s
        .create_validation(passive.clone(), String::new(), t0())
        .unwrap()
        .clone();
    upload(
        &mut s,
        &first.upload.id,
        picture("subject=alice;liveness=spoof", 1),
        t0(),
    )
    .unwrap();
    let now = t0() + Duration::seconds(1);
    assert_eq!(
        s.enrollment(&eid, now).unwrap().reason,
        Some(EnrollmentReason::FaceValidationFailed)
    );
    let plain_new = s
        .create_validation(passive.clone(), String::new(), now)
        .unwrap_err();
    assert!(
        plain_new.message.contains("face_validation_failed"),
        "{}",
        plain_new.message
    );
    let retry = NewValidation {
        retry_of_id: Some(first.id),
        ..passive
    };
    let retry = s
        .create_validation(retry, String::new(), now)
        .unwrap()
        .clone();
    upload(&mut s, &retry.upload.id, picture("subject=alice", 2), now).unwrap();
    let later = now + Duration::seconds(1);
    assert_eq!(
        s.validation(&retry.id, later).unwrap().status,
        ValidationStatus::Success
    );
    let e = s.enrollment(&eid, later).unwrap();
    assert_eq!((e.status, e.reason), (EnrollmentStatus::Success, None));
}

#[test]
fn retry_window_closes_after_retry_ttl() {
    let mut s = store();
    enrolled(&mut s, "acc", "alice");
    let mut passive = new_validation("acc");
    passive.subvalidations.push(Subvalidation::PassiveLiveness);
    let first = s
        .create_validation(passive.clone(), String::new(), t0())
        .unwrap()
        .clone();
    upload(
        &mut s,
        &first.upload.id,
        picture("subject=alice;liveness=spoof", 1),
        t0(),
    )
    .unwrap();
    let retry = NewValidation {
        retry_of_id: Some(first.id),
        ..passive
    };
    let too_late = t0() + Duration::seconds(1 + 300 + 1);
    let err = s
        .create_validation(retry, String::new(), too_late)
        .unwrap_err();
    assert!(err.message.contains("retry window"), "{}", err.message);
}

#[test]
fn validation_preconditions_are_404_without_enrollment_and_409_when_it_is_not_usable() {
    let mut s = store();
    let err = s
        .create_validation(new_validation("nobody"), String::new(), t0())
        .unwrap_err();
    assert_eq!(err.http_code, 404, "{}", err.message);
    assert!(
        err.message.contains("The Enrollment was not found"),
        "{}",
        err.message
    );

    s.create_enrollment(
        NewEnrollment {
            account_id: Some("waiting".into()),
            confirmation_none: false,
        },
        NONE,
        t0(),
    )
    .unwrap();
    let err = s
        .create_validation(new_validation("waiting"), String::new(), t0())
        .unwrap_err();
    assert_eq!(err.http_code, 409, "{}", err.message);

    let failed = s
        .create_enrollment(
            NewEnrollment {
                account_id: Some("failed".into()),
                confirmation_none: false,
            },
            NONE,
            t0(),
        )
        .unwrap()
        .upload
        .id
        .clone();
    upload(&mut s, &failed, picture("subject=x;face=none", 0), t0()).unwrap();
    let err = s
        .create_validation(new_validation("failed"), String::new(), t0())
        .unwrap_err();
    assert_eq!(err.http_code, 409, "{}", err.message);
    assert!(err.message.contains("no_face_detected"), "{}", err.message);

    // Passive liveness alone compares nothing, so it needs no enrollment.
    let mut liveness_only = new_validation("nobody");
    liveness_only.subvalidations = vec![Subvalidation::PassiveLiveness];
    assert!(s
        .create_validation(liveness_only, String::new(), t0())
        .is_ok());
}

#[test]
fn retry_rules_refused_by_state_are_409() {
    let mut s = store();
    enrolled(&mut s, "acc", "alice");
    let mut passive = new_validation("acc");
    passive.subvalidations = vec![Subvalidation::PassiveLiveness];
    let pending = s
        .create_validation(passive.clone(), String::new(), t0())
        .unwrap()
        .id
        .clone();
    let retry = |of: &str, account: &str| NewValidation {
        retry_of_id: Some(of.into()),
        account_id: account.into(),
        ..passive.clone()
    };
    let err = s
        .create_validation(retry(&pending, "acc"), String::new(), t0())
        .unwrap_err();
    assert_eq!(err.http_code, 409, "{}", err.message);
    let err = s
        .create_validation(
            retry("VLD00000000000000000000000000000000", "acc"),
            String::new(),
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.http_code, 404, "{}", err.message);
    let failed = s
        .create_validation(passive.clone(), String::new(), t0())
        .unwrap()
        .clone();
    upload(
        &mut s,
        &failed.upload.id,
        picture("subject=alice;liveness=spoof", 1),
        t0(),
    )
    .unwrap();
    let now = t0() + Duration::seconds(2);
    let err = s
        .create_validation(retry(&failed.id, "other"), String::new(), now)
        .unwrap_err();
    assert_eq!(err.http_code, 409, "{}", err.message);
    let err = s
        .create_validation(
            retry(&failed.id, "acc"),
            String::new(),
            now + Duration::seconds(300),
        )
        .unwrap_err();
    assert_eq!(err.http_code, 409, "{}", err.message);
}

#[test]
fn a_shorter_timeout_created_later_still_expires_on_time() {
    let mut s = store();
    enrolled(&mut s, "acc", "alice");
    let long = s
        .create_validation(new_validation("acc"), String::new(), t0())
        .unwrap()
        .clone();
    // Reading settles and remembers that nothing changes before the long deadline.
    s.validation(&long.id, t0() + Duration::seconds(1)).unwrap();
    let mut short = new_validation("acc");
    short.timeout_seconds = Some(10);
    let short = s
        .create_validation(short, String::new(), t0() + Duration::seconds(2))
        .unwrap()
        .clone();
    let later = t0() + Duration::seconds(13);
    assert_eq!(
        s.validation(&short.id, later).unwrap().failure_status,
        Some(FailureStatus::Expired)
    );
    assert_eq!(
        s.validation(&long.id, later).unwrap().status,
        ValidationStatus::Pending
    );
    // A selfie uploaded now is processed after the delay even though the next known
    // change was the long deadline.
    let selfie = s
        .create_validation(new_validation("acc"), String::new(), later)
        .unwrap()
        .clone();
    upload(
        &mut s,
        &selfie.upload.id,
        picture("subject=alice", 1),
        later,
    )
    .unwrap();
    let processed = later + Duration::seconds(5);
    assert_eq!(
        s.validation(&selfie.id, processed).unwrap().status,
        ValidationStatus::Success
    );
}
