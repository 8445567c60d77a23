//! The state machine of docs/checkout.md, row by row, in virtual time.

use super::engine::*;
use super::error::CheckoutError;
use super::model::*;
use super::request::{NewApplicant, NewAttempt, NewFaceAuthentication, PhoneNumber};
use crate::media::{
    render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher, MediaKind,
};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use AttemptStatus as A;
use FaceAuthenticationStatus as F;

const JOURNEY: &str = "usj_t5bdzsdmi57ehhkrnmp5omjimu";

fn settings() -> Settings {
    Settings {
        attempt_link_ttl: Duration::seconds(900),
        checks_duration: Duration::seconds(1),
        allowed_attempts: 3,
        match_threshold: 0.70,
        accounts: vec![
            AccountSettings {
                secret_key: "sk_sbox_plain".into(),
                videos: false,
            },
            AccountSettings {
                secret_key: "sk_sbox_videos".into(),
                videos: true,
            },
        ],
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn secs(s: i64) -> Duration {
    Duration::seconds(s)
}

fn code(n: u32) -> ResponseCode {
    ResponseCode::new(n).unwrap()
}

fn picture(marker: &str, variant: u32) -> Bytes {
    Bytes::from(render(&FixtureSpec {
        marker: Marker::parse(marker).unwrap(),
        format: FixtureFormat::Png,
        variant,
    }))
}

/// A store, its two accounts and the browser on the capture page.
struct World {
    store: Store,
    plain: AccountId,
    videos: AccountId,
    session: SessionInfo,
}

impl World {
    fn new() -> World {
        let store = Store::new(settings());
        World {
            plain: store.account("sk_sbox_plain").unwrap(),
            videos: store.account("sk_sbox_videos").unwrap(),
            store,
            session: SessionInfo {
                ip_address: "203.0.113.7".into(),
                user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0".into()),
            },
        }
    }

    fn applicant(&mut self, account: AccountId, external: Option<&str>) -> String {
        let req = NewApplicant {
            external_applicant_id: external.map(str::to_owned),
            email: Some("hannah.bret@example.com".into()),
            external_applicant_name: Some("Hannah Bret".into()),
        };
        self.store.create_applicant(account, req, t0()).id.clone()
    }

    fn fa(&mut self, account: AccountId, applicant: &str) -> String {
        let req = NewFaceAuthentication {
            applicant_id: Ok(applicant.into()),
            user_journey_id: Ok(JOURNEY.into()),
        };
        self.store
            .create_face_authentication(account, req, t0())
            .unwrap()
            .id
            .clone()
    }

    /// A face authentication of a fresh applicant of the plain account, its events drained.
    fn fresh(&mut self, external: Option<&str>) -> String {
        let applicant = self.applicant(self.plain, external);
        let fa = self.fa(self.plain, &applicant);
        self.store.drain_events();
        fa
    }

    fn try_attempt(&mut self, fa: &str, at: DateTime<Utc>) -> Result<String, CheckoutError> {
        let account = self.store.any_face_authentication(fa).unwrap().account;
        let req = NewAttempt {
            redirect_url: "https://merchant.example/done".into(),
            client_information: None,
            phone_number: Some(PhoneNumber {
                country_code: "+33".into(),
                number: "612345678".into(),
            }),
        };
        self.store
            .create_attempt(account, fa, req, at)
            .map(|a| a.id.clone())
    }

    fn attempt(&mut self, fa: &str, at: DateTime<Utc>) -> String {
        self.try_attempt(fa, at).unwrap()
    }

    fn act(
        &mut self,
        attempt: &str,
        action: CaptureAction,
        at: DateTime<Utc>,
    ) -> Result<AttemptStatus, ActError> {
        let session = self.session.clone();
        self.store
            .act(attempt, action, &session, &DeterministicMatcher, at)
            .map(|a| a.status)
    }

    fn status(&mut self, fa: &str, at: DateTime<Utc>) -> (F, Vec<u32>) {
        self.store.settle(at);
        let fa = self.store.any_face_authentication(fa).unwrap();
        (
            fa.status,
            fa.response_codes.iter().map(|c| c.code()).collect(),
        )
    }

    fn attempt_state(&mut self, attempt: &str, at: DateTime<Utc>) -> (A, Vec<u32>) {
        self.store.settle(at);
        let a = self.store.any_attempt(attempt).unwrap();
        (
            a.status,
            a.response_codes.iter().map(|c| c.code()).collect(),
        )
    }

    fn events(&mut self) -> Vec<EventType> {
        self.store
            .drain_events()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    /// An attempt ended with a `61xxx` abort.
    fn aborted(&mut self, fa: &str, at: DateTime<Utc>) -> String {
        let attempt = self.attempt(fa, at);
        self.act(
            &attempt,
            CaptureAction::Abort(ResponseCode::APPLICANT_DROP),
            at,
        )
        .unwrap();
        attempt
    }
}

#[test]
fn the_approved_path_walks_every_status_and_event() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, None);
    let fa = w.fa(w.plain, &applicant);
    assert_eq!(w.events(), [EventType::Created]);
    assert_eq!(w.status(&fa, t0()), (F::Created, vec![]));

    let attempt = w.attempt(&fa, t0());
    assert_eq!(w.events(), [EventType::Opened]);
    assert_eq!(w.status(&fa, t0()), (F::Pending, vec![]));
    assert_eq!(
        w.attempt_state(&attempt, t0()),
        (A::PendingRedirection, vec![])
    );

    assert_eq!(
        w.act(&attempt, CaptureAction::Open, t0() + secs(5)),
        Ok(A::CaptureInProgress)
    );
    assert_eq!(w.events(), [EventType::Started]);
    assert_eq!(
        w.status(&fa, t0() + secs(5)),
        (F::CaptureInProgress, vec![])
    );

    let at = t0() + secs(10);
    assert_eq!(
        w.act(&attempt, CaptureAction::Approve, at),
        Ok(A::ChecksInProgress)
    );
    assert_eq!(w.events(), [EventType::CaptureCompleted]);
    assert_eq!(
        w.status(&fa, at + Duration::milliseconds(999)),
        (F::ChecksInProgress, vec![])
    );
    assert_eq!(w.store.next_due(), Some(at + secs(1)));

    assert_eq!(w.status(&fa, at + secs(1)), (F::Approved, vec![10000]));
    assert_eq!(
        w.attempt_state(&attempt, at + secs(1)),
        (A::Completed, vec![10000])
    );
    let events = w.store.drain_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventType::ChecksCompleted);
    assert_eq!(
        events[0].at,
        at + secs(1),
        "the event is dated when the checks ended"
    );
    assert_eq!(events[0].status, F::Approved);
    assert_eq!(events[0].response_codes, [ResponseCode::APPROVED]);
    assert_eq!(events[0].user_journey_id, JOURNEY);
    assert_eq!(w.store.next_due(), None, "nothing left to time");
    assert_eq!(
        w.store.any_face_authentication(&fa).unwrap().modified_on,
        at + secs(1)
    );
}

#[test]
fn declines_refusals_aborts_and_inconclusive_checks() {
    let mut w = World::new();
    let cases: [(CaptureAction, F, A, Vec<u32>, EventType, bool); 5] = [
        (
            CaptureAction::Decline(code(62402)),
            F::Declined,
            A::Completed,
            vec![62402],
            EventType::ChecksCompleted,
            true,
        ),
        (
            CaptureAction::Inconclusive(code(61411)),
            F::RetryRequired,
            A::ChecksInconclusive,
            vec![61411],
            EventType::ChecksInconclusive,
            true,
        ),
        (
            CaptureAction::Abort(code(61203)),
            F::RetryRequired,
            A::CaptureAborted,
            vec![61203],
            EventType::CaptureAborted,
            false,
        ),
        (
            CaptureAction::Refuse,
            F::Refused,
            A::CaptureRefused,
            vec![63001],
            EventType::CaptureRefused,
            false,
        ),
        (
            CaptureAction::Close,
            F::RetryRequired,
            A::Expired,
            vec![64001],
            EventType::Closed,
            false,
        ),
    ];
    for (action, fa_status, attempt_status, codes, event, through_checks) in cases {
        let name = action.name();
        let fa = w.fresh(None);
        let attempt = w.attempt(&fa, t0());
        w.events();
        w.act(&attempt, action, t0()).unwrap();
        let done = t0() + secs(1);
        assert_eq!(w.status(&fa, done), (fa_status, codes.clone()), "{name}");
        assert_eq!(
            w.attempt_state(&attempt, done),
            (attempt_status, codes),
            "{name}"
        );
        let mut expected = Vec::new();
        if name != "close" {
            expected.push(EventType::Started);
        }
        if through_checks {
            expected.push(EventType::CaptureCompleted);
        }
        expected.push(event);
        assert_eq!(w.events(), expected, "{name}");
    }
}

#[test]
fn a_new_attempt_replaces_an_open_one_with_64001() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let never_opened = w.attempt(&fa, t0());
    let second = w.attempt(&fa, t0() + secs(1));
    assert_eq!(w.events(), [EventType::Opened, EventType::Reset]);
    assert_eq!(
        w.attempt_state(&never_opened, t0() + secs(1)),
        (A::Expired, vec![64001])
    );
    assert_eq!(w.status(&fa, t0() + secs(1)), (F::Pending, vec![]));

    w.act(&second, CaptureAction::Open, t0() + secs(2)).unwrap();
    let third = w.attempt(&fa, t0() + secs(3));
    assert_eq!(w.events(), [EventType::Started, EventType::Reset]);
    assert_eq!(
        w.attempt_state(&second, t0() + secs(3)),
        (A::CaptureAborted, vec![64001])
    );
    assert_eq!(
        w.attempt_state(&third, t0() + secs(3)),
        (A::PendingRedirection, vec![])
    );
    assert_eq!(w.status(&fa, t0() + secs(3)), (F::Pending, vec![]));
    assert_eq!(
        w.store.any_face_authentication(&fa).unwrap().retries_used,
        0,
        "64001 uses up no attempt"
    );
}

#[test]
fn retry_required_then_a_new_attempt_is_retry_requested() {
    let mut w = World::new();
    let fa = w.fresh(None);
    w.aborted(&fa, t0());
    assert_eq!(w.status(&fa, t0()), (F::RetryRequired, vec![61121]));
    w.events();
    let retry = w.attempt(&fa, t0() + secs(1));
    assert_eq!(w.events(), [EventType::RetryRequested]);
    assert_eq!(
        w.status(&fa, t0() + secs(1)),
        (F::Pending, vec![]),
        "codes clear"
    );
    assert_eq!(
        w.attempt_state(&retry, t0() + secs(1)).0,
        A::PendingRedirection
    );
}

#[test]
fn the_409_rule_holds_for_every_status() {
    let mut w = World::new();
    let reach = |w: &mut World, target: F| -> String {
        let fa = w.fresh(None);
        if target == F::Created {
            return fa;
        }
        let attempt = w.attempt(&fa, t0());
        let action = match target {
            F::Created | F::Pending => return fa,
            F::CaptureInProgress => CaptureAction::Open,
            F::ChecksInProgress | F::Approved => CaptureAction::Approve,
            F::Declined => CaptureAction::Decline(ResponseCode::FACE_MISMATCH),
            F::RetryRequired => CaptureAction::Abort(ResponseCode::APPLICANT_DROP),
            F::Refused => CaptureAction::Refuse,
            F::Inconclusive => {
                w.act(
                    &attempt,
                    CaptureAction::Abort(ResponseCode::APPLICANT_DROP),
                    t0(),
                )
                .unwrap();
                w.aborted(&fa, t0());
                let last = w.attempt(&fa, t0());
                w.act(
                    &last,
                    CaptureAction::Abort(ResponseCode::APPLICANT_DROP),
                    t0(),
                )
                .unwrap();
                return fa;
            }
        };
        w.act(&attempt, action, t0()).unwrap();
        if target != F::ChecksInProgress {
            w.store.settle(t0() + secs(1));
        }
        fa
    };
    for &status in F::ALL {
        let fa = reach(&mut w, status);
        assert_eq!(w.store.any_face_authentication(&fa).unwrap().status, status);
        let at = if status == F::ChecksInProgress {
            t0()
        } else {
            t0() + secs(1)
        };
        let result = w.try_attempt(&fa, at);
        if status.accepts_new_attempt() {
            assert!(result.is_ok(), "{status}: {result:?}");
        } else {
            let err = result.unwrap_err();
            assert_eq!(err.status, 409, "{status}");
            assert_eq!(err.error_type, Some(super::error::ErrorType::Conflict));
            assert_eq!(
                err.error_codes,
                [format!("face_authentication_status_{status}")]
            );
            assert_eq!(
                w.store.any_face_authentication(&fa).unwrap().status,
                status,
                "unchanged"
            );
        }
    }
}

#[test]
fn never_opened_links_expire_after_the_ttl() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    w.events();
    assert_eq!(w.store.next_due(), Some(t0() + secs(900)));
    assert_eq!(
        w.attempt_state(&attempt, t0() + secs(899)).0,
        A::PendingRedirection
    );
    assert_eq!(
        w.attempt_state(&attempt, t0() + secs(900)),
        (A::Expired, vec![61101])
    );
    assert_eq!(
        w.status(&fa, t0() + secs(900)),
        (F::RetryRequired, vec![61101])
    );
    let events = w.store.drain_events();
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventType::LinkExpired]
    );
    assert_eq!(events[0].at, t0() + secs(900));
    assert_eq!(
        w.act(&attempt, CaptureAction::Open, t0() + secs(901)),
        Err(ActError::NotAllowed {
            action: "open",
            status: A::Expired
        })
    );

    let opened = w.attempt(&fa, t0() + secs(1000));
    w.act(&opened, CaptureAction::Open, t0() + secs(1001))
        .unwrap();
    assert_eq!(
        w.attempt_state(&opened, t0() + secs(100_000)).0,
        A::CaptureInProgress,
        "an opened link no longer expires"
    );
}

#[test]
fn an_attempt_about_to_expire_expires_before_an_action_applies() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    assert_eq!(
        w.act(&attempt, CaptureAction::Approve, t0() + secs(900)),
        Err(ActError::NotAllowed {
            action: "approve",
            status: A::Expired
        })
    );
}

#[test]
fn the_outcome_that_uses_up_the_allowed_attempts_is_inconclusive() {
    let mut w = World::new();
    let fa = w.fresh(None);
    w.aborted(&fa, t0());
    let closed = w.attempt(&fa, t0());
    w.act(&closed, CaptureAction::Close, t0()).unwrap();
    assert_eq!(w.status(&fa, t0()), (F::RetryRequired, vec![64001]));
    let expiring = w.attempt(&fa, t0());
    assert_eq!(
        w.status(&fa, t0() + secs(900)),
        (F::RetryRequired, vec![61101])
    );
    assert_eq!(w.attempt_state(&expiring, t0() + secs(900)).0, A::Expired);
    let last = w.attempt(&fa, t0() + secs(901));
    w.act(
        &last,
        CaptureAction::Inconclusive(code(61402)),
        t0() + secs(901),
    )
    .unwrap();
    assert_eq!(
        w.status(&fa, t0() + secs(902)),
        (F::Inconclusive, vec![61402])
    );
    assert_eq!(
        w.attempt_state(&last, t0() + secs(902)),
        (A::ChecksInconclusive, vec![61402])
    );
    let events = w.events();
    assert_eq!(events.last(), Some(&EventType::ChecksInconclusive));
    assert_eq!(
        w.try_attempt(&fa, t0() + secs(903)).unwrap_err().status,
        409
    );
}

#[test]
fn actions_are_refused_outside_the_open_statuses() {
    let mut w = World::new();
    let fa = w.fresh(None);
    assert_eq!(
        w.act("fatp_unknown", CaptureAction::Open, t0()),
        Err(ActError::UnknownAttempt("fatp_unknown".into()))
    );
    let attempt = w.attempt(&fa, t0());
    assert_eq!(
        w.act(
            &attempt,
            CaptureAction::Decline(ResponseCode::APPROVED),
            t0()
        ),
        Err(ActError::WrongCode {
            action: "decline",
            code: 10000,
            expected: "62xxx"
        })
    );
    assert_eq!(
        w.act(&attempt, CaptureAction::Abort(code(62304)), t0()),
        Err(ActError::WrongCode {
            action: "abort",
            code: 62304,
            expected: "61xxx"
        })
    );
    assert_eq!(
        w.attempt_state(&attempt, t0()).0,
        A::PendingRedirection,
        "nothing changed"
    );
    w.act(&attempt, CaptureAction::Approve, t0()).unwrap();
    for status_at in [t0(), t0() + secs(1)] {
        let status = w.attempt_state(&attempt, status_at).0;
        for action in [
            CaptureAction::Open,
            CaptureAction::Approve,
            CaptureAction::Refuse,
            CaptureAction::Close,
            CaptureAction::Selfie(picture("subject=a", 0)),
        ] {
            let name = action.name();
            assert_eq!(
                w.act(&attempt, action, status_at),
                Err(ActError::NotAllowed {
                    action: name,
                    status
                })
            );
        }
    }
    let message = ActError::NotAllowed {
        action: "open",
        status: A::Completed,
    }
    .to_string();
    assert!(message.contains("completed"), "{message}");
}

#[test]
fn reopening_counts_sessions_and_the_user_agent_decides_the_device() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    w.session.user_agent = Some("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148".into());
    w.act(&attempt, CaptureAction::Open, t0()).unwrap();
    w.session.user_agent = None;
    w.act(&attempt, CaptureAction::Open, t0() + secs(1))
        .unwrap();
    assert_eq!(
        w.events(),
        [EventType::Opened, EventType::Started],
        "no event for a second session"
    );
    let session = w
        .store
        .any_attempt(&attempt)
        .unwrap()
        .session
        .clone()
        .unwrap();
    assert_eq!(session.number_of_sessions, 2);
    assert_eq!(session.initial_device, "mobile");
    assert_eq!(session.ip_address, "203.0.113.7");
    assert!(session.user_agent.unwrap().contains("iPhone"));

    let other = w.attempt(&fa, t0() + secs(2));
    w.session.user_agent = Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120".into());
    w.act(&other, CaptureAction::Approve, t0() + secs(2))
        .unwrap();
    let session = w
        .store
        .any_attempt(&other)
        .unwrap()
        .session
        .clone()
        .unwrap();
    assert_eq!(
        (session.initial_device, session.number_of_sessions),
        ("desktop", 1)
    );
}

#[test]
fn selfies_are_judged_against_the_reference() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, None);
    let alice = DeterministicMatcher
        .analyze(&picture("subject=alice", 0), false)
        .unwrap();
    w.store.set_reference(&applicant, alice, t0()).unwrap();
    let cases = [
        ("subject=alice", F::Approved, vec![10000], A::Completed),
        ("subject=bob", F::Declined, vec![62321], A::Completed),
        (
            "subject=alice;liveness=spoof",
            F::Declined,
            vec![62305],
            A::Completed,
        ),
        (
            "subject=alice;blocklist=true",
            F::Declined,
            vec![62405],
            A::Completed,
        ),
        (
            "face=none",
            F::RetryRequired,
            vec![61410],
            A::ChecksInconclusive,
        ),
        (
            "subject=alice;fault=system_error",
            F::RetryRequired,
            vec![61901],
            A::ChecksInconclusive,
        ),
    ];
    for (marker, fa_status, codes, attempt_status) in cases {
        let fa = w.fa(w.plain, &applicant);
        let attempt = w.attempt(&fa, t0());
        assert_eq!(
            w.act(&attempt, CaptureAction::Selfie(picture(marker, 1)), t0()),
            Ok(A::ChecksInProgress),
            "{marker}"
        );
        assert_eq!(
            w.status(&fa, t0() + secs(1)),
            (fa_status, codes.clone()),
            "{marker}"
        );
        assert_eq!(
            w.attempt_state(&attempt, t0() + secs(1)),
            (attempt_status, codes),
            "{marker}"
        );
    }
    let fa = w.fa(w.plain, &applicant);
    let attempt = w.attempt(&fa, t0());
    w.act(
        &attempt,
        CaptureAction::Selfie(picture("subject=alice;face=many", 1)),
        t0(),
    )
    .unwrap();
    w.store.settle(t0() + secs(1));
    let done = w.store.any_face_authentication(&fa).unwrap();
    assert_eq!(done.status, F::Approved);
    assert_eq!(done.risk_labels, [RiskLabel::MultipleFacesDetected]);
}

#[test]
fn without_a_reference_the_first_face_becomes_it() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, None);
    let first = w.fa(w.plain, &applicant);
    let attempt = w.attempt(&first, t0());
    w.act(
        &attempt,
        CaptureAction::Selfie(picture("face=none", 1)),
        t0(),
    )
    .unwrap();
    assert_eq!(w.status(&first, t0() + secs(1)).0, F::RetryRequired);
    assert!(w
        .store
        .any_applicant(&applicant)
        .unwrap()
        .reference
        .is_none());
    let retry = w.attempt(&first, t0() + secs(1));
    w.act(
        &retry,
        CaptureAction::Selfie(picture("subject=carol", 1)),
        t0() + secs(1),
    )
    .unwrap();
    assert_eq!(w.status(&first, t0() + secs(2)), (F::Approved, vec![10000]));
    let reference = w
        .store
        .any_applicant(&applicant)
        .unwrap()
        .reference
        .clone()
        .unwrap();
    assert_eq!(reference.subject, "carol");

    let second = w.fa(w.plain, &applicant);
    let attempt = w.attempt(&second, t0() + secs(2));
    w.act(
        &attempt,
        CaptureAction::Selfie(picture("subject=dave", 2)),
        t0() + secs(2),
    )
    .unwrap();
    assert_eq!(
        w.status(&second, t0() + secs(3)),
        (F::Declined, vec![62321])
    );
}

#[test]
fn unusable_selfies_change_nothing() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    w.events();
    let mut png = picture("subject=a", 0).to_vec();
    png.truncate(60);
    for (bytes, needle) in [
        (Bytes::from_static(b"hello, not a picture"), "not a picture"),
        (Bytes::new(), "empty"),
        (Bytes::from(png), "corrupt"),
        (
            Bytes::from(render(&FixtureSpec {
                marker: Marker::default(),
                format: FixtureFormat::Mp4,
                variant: 0,
            })),
            "not a picture",
        ),
    ] {
        let err = w
            .act(&attempt, CaptureAction::Selfie(bytes), t0())
            .unwrap_err();
        assert!(
            matches!(&err, ActError::UnusableSelfie(m) if m.contains(needle)),
            "{err}"
        );
    }
    assert_eq!(w.attempt_state(&attempt, t0()).0, A::PendingRedirection);
    assert!(w.events().is_empty());
}

/// A matcher whose model never runs.
struct BrokenMatcher;

impl Matcher for BrokenMatcher {
    fn name(&self) -> &'static str {
        "broken"
    }

    fn analyze(
        &self,
        _: &[u8],
        _: bool,
    ) -> Result<crate::media::FaceAnalysis, crate::media::AnalysisError> {
        Err(crate::media::AnalysisError::Failed {
            detail: "no session".into(),
        })
    }

    fn similarity(
        &self,
        _: &crate::media::FaceAnalysis,
        _: &crate::media::FaceAnalysis,
        _: f64,
    ) -> f64 {
        0.0
    }
}

#[test]
fn a_failing_matcher_ends_the_checks_inconclusive_with_61901() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    let session = w.session.clone();
    let selfie = CaptureAction::Selfie(picture("subject=a", 0));
    let status = w
        .store
        .act(&attempt, selfie, &session, &BrokenMatcher, t0())
        .map(|a| a.status)
        .unwrap();
    assert_eq!(status, A::ChecksInProgress);
    assert_eq!(
        w.status(&fa, t0() + secs(5)),
        (F::RetryRequired, vec![61901])
    );
}

#[test]
fn assets_follow_completed_captures_and_the_account() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let attempt = w.attempt(&fa, t0());
    let selfie = picture("subject=erin", 3);
    w.act(&attempt, CaptureAction::Selfie(selfie.clone()), t0())
        .unwrap();
    let assets = w.store.attempt_assets(w.plain, &fa, &attempt).unwrap();
    assert_eq!(assets.len(), 1, "no video without the videos option");
    assert_eq!(assets[0].kind, AssetType::FaceImage);
    assert_eq!(assets[0].bytes, selfie, "the selfie is kept as sent");
    assert_eq!(assets[0].media, MediaKind::Png);
    let image = assets[0].id.clone();
    assert_eq!(
        w.store.any_face_authentication(&fa).unwrap().face_image,
        Some(image)
    );

    let applicant = w.applicant(w.videos, None);
    let fa = w.fa(w.videos, &applicant);
    let attempt = w.attempt(&fa, t0());
    assert!(w
        .store
        .attempt_assets(w.videos, &fa, &attempt)
        .unwrap()
        .is_empty());
    w.act(&attempt, CaptureAction::Decline(code(62306)), t0())
        .unwrap();
    let assets = w.store.attempt_assets(w.videos, &fa, &attempt).unwrap();
    let kinds: Vec<_> = assets.iter().map(|a| (a.kind, a.media)).collect();
    assert_eq!(
        kinds,
        [
            (AssetType::FaceImage, MediaKind::Jpeg),
            (AssetType::FaceVideo, MediaKind::Mp4)
        ]
    );
    let rendered = DeterministicMatcher
        .analyze(&assets[0].bytes, false)
        .unwrap();
    assert_eq!(
        rendered.subject, applicant,
        "a rendered picture of the applicant"
    );
    assert_eq!(MediaKind::sniff(&assets[1].bytes), MediaKind::Mp4);

    let fa = w.fa(w.videos, &applicant);
    let attempt = w.attempt(&fa, t0());
    w.act(
        &attempt,
        CaptureAction::Abort(ResponseCode::APPLICANT_DROP),
        t0(),
    )
    .unwrap();
    assert!(
        w.store
            .attempt_assets(w.videos, &fa, &attempt)
            .unwrap()
            .is_empty(),
        "an aborted capture has no asset"
    );
}

#[test]
fn the_sandbox_convention_completes_opened_captures() {
    let mut w = World::new();
    let fa = w.fresh(Some("eaplt_10000000000000000000000000"));
    let attempt = w.attempt(&fa, t0());
    let token = w.store.any_attempt(&attempt).unwrap().token.clone();
    let hosted = w.store.hosted_attempt(&token, t0()).unwrap();
    assert!(hosted.sandbox_outcomes);
    assert_eq!(hosted.status, A::PendingRedirection);
    assert_eq!(hosted.applicant_name.as_deref(), Some("Hannah Bret"));
    assert_eq!(hosted.face_authentication_id, fa);
    w.events();
    assert_eq!(
        w.act(&attempt, CaptureAction::Open, t0()),
        Ok(A::ChecksInProgress)
    );
    assert_eq!(
        w.events(),
        [EventType::Started, EventType::CaptureCompleted]
    );
    assert_eq!(w.status(&fa, t0() + secs(1)), (F::Approved, vec![10000]));
    assert_eq!(
        w.store
            .attempt_assets(w.plain, &fa, &attempt)
            .unwrap()
            .len(),
        1
    );

    let fa = w.fresh(Some("eaplt_61411I10000000000000000000"));
    let first = w.attempt(&fa, t0());
    let replaced = w.attempt(&fa, t0());
    assert_eq!(
        w.attempt_state(&first, t0()).0,
        A::Expired,
        "never opened: consumes no code"
    );
    w.act(&replaced, CaptureAction::Open, t0()).unwrap();
    assert_eq!(
        w.status(&fa, t0() + secs(1)),
        (F::RetryRequired, vec![61411])
    );
    assert_eq!(
        w.attempt_state(&replaced, t0() + secs(1)),
        (A::ChecksInconclusive, vec![61411])
    );
    let second = w.attempt(&fa, t0() + secs(1));
    w.act(&second, CaptureAction::Open, t0() + secs(1)).unwrap();
    assert_eq!(w.status(&fa, t0() + secs(2)), (F::Approved, vec![10000]));

    let fa = w.fresh(Some("eaplt_61203A62103000000000000000"));
    let first = w.attempt(&fa, t0());
    w.act(&first, CaptureAction::Open, t0()).unwrap();
    assert_eq!(
        w.attempt_state(&first, t0()),
        (A::CaptureAborted, vec![61203])
    );
    assert_eq!(
        w.events(),
        [
            EventType::RetryRequested,
            EventType::Started,
            EventType::Opened,
            EventType::Started,
            EventType::CaptureAborted
        ][2..]
    );
    let second = w.attempt(&fa, t0());
    w.act(&second, CaptureAction::Open, t0()).unwrap();
    assert_eq!(w.status(&fa, t0() + secs(1)), (F::Declined, vec![62304]));

    let fa = w.fresh(Some("eaplt_63001000000000000000000000"));
    let attempt = w.attempt(&fa, t0());
    w.act(&attempt, CaptureAction::Open, t0()).unwrap();
    assert_eq!(w.status(&fa, t0()), (F::Refused, vec![63001]));

    let fa = w.fresh(Some("eaplt_61121A00000000000000000000"));
    for n in 0..3 {
        let attempt = w.attempt(&fa, t0() + secs(n));
        w.act(&attempt, CaptureAction::Open, t0() + secs(n))
            .unwrap();
        assert_eq!(
            w.attempt_state(&attempt, t0() + secs(n)),
            (A::CaptureAborted, vec![61121]),
            "past the last code: the last code"
        );
    }
    assert_eq!(w.status(&fa, t0() + secs(3)).0, F::Inconclusive);

    let fa = w.fresh(Some("eaplt_10000000000000000000000000"));
    let attempt = w.attempt(&fa, t0());
    w.act(&attempt, CaptureAction::Decline(code(62403)), t0())
        .unwrap();
    assert_eq!(
        w.status(&fa, t0() + secs(1)),
        (F::Declined, vec![62403]),
        "an explicit outcome wins over the convention"
    );

    let fa = w.fresh(Some("ext_10000000000000000000000000"));
    let attempt = w.attempt(&fa, t0());
    assert_eq!(
        w.act(&attempt, CaptureAction::Open, t0()),
        Ok(A::CaptureInProgress)
    );
    let token = w.store.any_attempt(&attempt).unwrap().token.clone();
    assert!(
        !w.store
            .hosted_attempt(&token, t0())
            .unwrap()
            .sandbox_outcomes
    );
    assert!(w.store.hosted_attempt("nope", t0()).is_none());
}

#[test]
fn anonymizing_a_face_authentication() {
    let mut w = World::new();
    let fa = w.fresh(None);
    let account = w.plain;
    let attempt = w.attempt(&fa, t0());
    w.act(&attempt, CaptureAction::Open, t0()).unwrap();
    for at in [t0(), t0() + Duration::milliseconds(1)] {
        if at > t0() {
            w.act(&attempt, CaptureAction::Approve, at).unwrap();
        }
        let err = w
            .store
            .anonymize_face_authentication(account, &fa, at)
            .unwrap_err();
        assert_eq!(err.status, 422);
        assert_eq!(err.error_codes, ["face_authentication_not_anonymizable"]);
    }
    w.store.settle(t0() + secs(2));
    w.events();
    let asset = w
        .store
        .any_face_authentication(&fa)
        .unwrap()
        .face_image
        .clone()
        .unwrap();
    let anonymized = w
        .store
        .anonymize_face_authentication(account, &fa, t0() + secs(2))
        .unwrap();
    assert_eq!(anonymized.status, F::Approved, "the status is kept");
    assert_eq!(anonymized.response_codes, [ResponseCode::APPROVED]);
    assert!(anonymized.face_image.is_none());
    assert!(w.store.asset(&asset).is_none(), "the bytes are gone");
    let a = w.store.any_attempt(&attempt).unwrap();
    assert!(a.phone_number.is_none() && a.session.is_none() && a.assets.is_empty());
    assert_eq!(w.events(), [EventType::Anonymized]);
    w.store
        .anonymize_face_authentication(account, &fa, t0() + secs(3))
        .unwrap();
    assert!(w.events().is_empty(), "a second anonymize sends nothing");

    let fa = w.fresh(None);
    let waiting = w.attempt(&fa, t0());
    w.events();
    let anonymized = w
        .store
        .anonymize_face_authentication(account, &fa, t0())
        .unwrap();
    assert_eq!(anonymized.status, F::RetryRequired);
    assert_eq!(anonymized.response_codes, [ResponseCode::FORCIBLY_CLOSED]);
    assert_eq!(w.attempt_state(&waiting, t0()), (A::Expired, vec![64001]));
    assert_eq!(w.events(), [EventType::Closed, EventType::Anonymized]);

    let created = w.fresh(None);
    assert_eq!(
        w.store
            .anonymize_face_authentication(account, &created, t0())
            .unwrap()
            .status,
        F::Created
    );
    assert_eq!(
        w.store
            .anonymize_face_authentication(w.videos, &created, t0())
            .unwrap_err()
            .error_codes,
        ["face_authentication_not_found"]
    );
}

#[test]
fn anonymizing_an_applicant_keeps_its_external_id() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, Some("ext_abc"));
    let anonymized = w
        .store
        .anonymize_applicant(w.plain, &applicant, t0() + secs(5))
        .unwrap();
    assert_eq!(anonymized.external_applicant_id.as_deref(), Some("ext_abc"));
    assert!(anonymized.email.is_none() && anonymized.external_applicant_name.is_none());
    assert_eq!(anonymized.modified_on, t0() + secs(5));
    let again = w
        .store
        .anonymize_applicant(w.plain, &applicant, t0() + secs(9))
        .unwrap();
    assert_eq!(again.modified_on, t0() + secs(5), "nothing left to remove");
}

#[test]
fn audits_apply_only_to_finished_face_authentications() {
    let mut w = World::new();
    let fa = w.fresh(None);
    assert_eq!(
        w.store
            .audit(&fa, ResponseCode::APPROVED, t0())
            .unwrap_err(),
        AuditError::NotFinished(F::Created)
    );
    assert_eq!(
        w.store
            .audit("fav_x", ResponseCode::APPROVED, t0())
            .unwrap_err(),
        AuditError::Unknown
    );
    let attempt = w.attempt(&fa, t0());
    w.act(&attempt, CaptureAction::Decline(code(62304)), t0())
        .unwrap();
    w.store.settle(t0() + secs(1));
    w.events();
    let audited = w
        .store
        .audit(&fa, ResponseCode::APPROVED, t0() + secs(60))
        .unwrap();
    assert_eq!(
        (audited.status, audited.response_codes.clone()),
        (F::Approved, vec![ResponseCode::APPROVED])
    );
    assert_eq!(w.events(), [EventType::AuditCompleted]);
    let audited = w.store.audit(&fa, code(62402), t0() + secs(61)).unwrap();
    assert_eq!(audited.status, F::Declined);
    assert_eq!(
        w.store.audit(&fa, code(61411), t0()).unwrap_err(),
        AuditError::WrongCode(61411)
    );
}

#[test]
fn accounts_see_only_their_own_resources() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, None);
    let fa = w.fa(w.plain, &applicant);
    let attempt = w.attempt(&fa, t0());
    let other = w.videos;
    assert_eq!(
        w.store
            .applicant(other, &applicant)
            .unwrap_err()
            .error_codes,
        ["applicant_not_found"]
    );
    assert_eq!(
        w.store.face_authentication(other, &fa).unwrap_err().status,
        404
    );
    assert_eq!(
        w.store.attempts(other, &fa).unwrap_err().error_codes,
        ["face_authentication_not_found"]
    );
    assert_eq!(
        w.store.attempt(other, &fa, &attempt).unwrap_err().status,
        404
    );
    assert!(w.store.attempt_assets(other, &fa, &attempt).is_err());
    let req = NewAttempt {
        redirect_url: "https://x.example/".into(),
        client_information: None,
        phone_number: None,
    };
    assert_eq!(
        w.store
            .create_attempt(other, &fa, req, t0())
            .unwrap_err()
            .status,
        404
    );
    let stolen = NewFaceAuthentication {
        applicant_id: Ok(applicant.clone()),
        user_journey_id: Ok(JOURNEY.into()),
    };
    let err = w
        .store
        .create_face_authentication(other, stolen, t0())
        .unwrap_err();
    assert_eq!(
        (err.status, err.error_codes),
        (422, vec!["applicant_not_found".to_string()])
    );

    let other_fa = w.fresh(None);
    assert_eq!(
        w.store
            .attempt(w.plain, &other_fa, &attempt)
            .unwrap_err()
            .error_codes,
        ["attempt_not_found"],
        "an attempt of another face authentication"
    );
    assert_eq!(w.store.account("sk_sbox_unknown"), None);
}

#[test]
fn face_authentication_problems_are_listed_in_field_order() {
    let mut w = World::new();
    let req = NewFaceAuthentication {
        applicant_id: Ok("aplt_unknown".into()),
        user_journey_id: Err("user_journey_id_invalid".into()),
    };
    let err = w
        .store
        .create_face_authentication(w.plain, req, t0())
        .unwrap_err();
    assert_eq!(
        err.error_codes,
        ["applicant_not_found", "user_journey_id_invalid"]
    );
    let req = NewFaceAuthentication {
        applicant_id: Err("applicant_id_required".into()),
        user_journey_id: Ok(JOURNEY.into()),
    };
    let err = w
        .store
        .create_face_authentication(w.plain, req, t0())
        .unwrap_err();
    assert_eq!(err.error_codes, ["applicant_id_required"]);
    assert!(w.store.drain_events().is_empty());
}

#[test]
fn attempts_are_listed_newest_first_and_events_carry_snapshots() {
    let mut w = World::new();
    let applicant = w.applicant(w.plain, Some("eaplt_10000000000000000000000000"));
    let fa = w.fa(w.plain, &applicant);
    let ids: Vec<String> = (0..4).map(|n| w.attempt(&fa, t0() + secs(n))).collect();
    let listed: Vec<String> = w
        .store
        .attempts(w.plain, &fa)
        .unwrap()
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(listed, ids.iter().rev().cloned().collect::<Vec<_>>());
    let events = w.store.drain_events();
    assert_eq!(events.len(), 5);
    for event in &events {
        assert_eq!(event.applicant_id, applicant);
        assert_eq!(
            event.external_applicant_id.as_deref(),
            Some("eaplt_10000000000000000000000000")
        );
        assert_eq!(event.face_authentication_id, fa);
        assert_eq!(event.account, w.plain);
        assert!(super::ids::is_generated(&event.id, "evt"), "{}", event.id);
    }
    assert_eq!(events[0].status, F::Created);
    assert_eq!(events[1].status, F::Pending);
}

#[test]
fn clearing_forgets_everything() {
    let mut w = World::new();
    let fa = w.fresh(None);
    w.attempt(&fa, t0());
    w.store.clear();
    assert!(w.store.any_face_authentication(&fa).is_none());
    assert!(!w.store.has_events());
    assert_eq!(w.store.next_due(), None);
    assert!(w.store.account("sk_sbox_plain").is_some(), "accounts stay");
}
