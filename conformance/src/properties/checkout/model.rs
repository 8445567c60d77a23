//! A reference model of face authentications and their attempts, written from docs/checkout.md
//! (States, the 409 rule, Choosing an outcome and Decisions 9 to 12): which status each
//! operation answers and which status and response code every face authentication and
//! attempt shows. It knows nothing of HTTP; the sequence property drives it next to the
//! target and compares.
//!
//! The checks of a completed capture end a moment (one virtual second) later: until the model
//! is told they are over (the clock moved, or the target was watched until they ended), both
//! the state during the checks and the state after them are accepted.

use std::fmt;

/// How long a verification link lives, in virtual seconds (Decision 10).
pub(super) const LINK_SECONDS: u64 = 900;
/// Attempts that may end with a 61xxx code (Decision 11).
pub(super) const ALLOWED_ATTEMPTS: u32 = 3;
/// Most face authentications a sequence creates.
pub(super) const FACE_AUTHENTICATIONS: usize = 2;

/// How a capture ends under the sandbox convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// `10000`.
    Approve,
    /// A 62xxx code.
    Decline(u32),
    /// `63001`.
    Refuse,
    /// A 61xxx code, `A`: the capture is aborted.
    Abort(u32),
    /// A 61xxx code, `I`: the checks are inconclusive.
    Inconclusive(u32),
}

impl Step {
    /// The step's part of an external id (`61411I`).
    pub fn code(self) -> String {
        match self {
            Step::Approve => "10000".into(),
            Step::Decline(code) => code.to_string(),
            Step::Refuse => "63001".into(),
            Step::Abort(code) => format!("{code}A"),
            Step::Inconclusive(code) => format!("{code}I"),
        }
    }
}

/// The sandbox external id encoding `steps`: `eaplt_`, the codes, zeros up to 26 characters.
pub(super) fn sandbox_id(steps: &[Step]) -> String {
    let codes: String = steps.iter().map(|s| s.code()).collect();
    format!("eaplt_{codes:0<26}")
}

/// What the control API does to an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    /// `approve`.
    Approve,
    /// `decline` with a 62xxx code.
    Decline(u32),
    /// `inconclusive` with a 61xxx code.
    Inconclusive(u32),
    /// `abort` with a 61xxx code.
    Abort(u32),
    /// `refuse`.
    Refuse,
    /// `close`.
    Close,
}

impl Action {
    /// The control API's JSON for the action.
    pub fn body(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Action::Approve => json!({"action": "approve"}),
            Action::Decline(code) => json!({"action": "decline", "code": code}),
            Action::Inconclusive(code) => json!({"action": "inconclusive", "code": code}),
            Action::Abort(code) => json!({"action": "abort", "code": code}),
            Action::Refuse => json!({"action": "refuse"}),
            Action::Close => json!({"action": "close"}),
        }
    }
}

/// One operation of a sequence; `usize` is the index of a face authentication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// `POST /face-authentications` for the sequence's applicant.
    CreateFaceAuthentication,
    /// `POST /face-authentications/{id}/attempts`.
    CreateAttempt(usize),
    /// `GET` of the latest attempt's verification URL.
    Open(usize),
    /// A control action on the latest attempt.
    Act(usize, Action),
    /// Moves the clock this many seconds.
    Advance(u64),
    /// `POST /face-authentications/{id}/anonymize`.
    Anonymize(usize),
    /// `GET /face-authentications/{id}`.
    Read(usize),
    /// `GET /face-authentications/{id}/attempts`.
    List(usize),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::CreateFaceAuthentication => write!(f, "create a face authentication"),
            Op::CreateAttempt(i) => write!(f, "create an attempt of fa-{}", i + 1),
            Op::Open(i) => write!(f, "open the verification URL of fa-{}", i + 1),
            Op::Act(i, action) => write!(f, "control {action:?} on the attempt of fa-{}", i + 1),
            Op::Advance(s) => write!(f, "move the clock {s} s"),
            Op::Anonymize(i) => write!(f, "anonymize fa-{}", i + 1),
            Op::Read(i) => write!(f, "read fa-{}", i + 1),
            Op::List(i) => write!(f, "list the attempts of fa-{}", i + 1),
        }
    }
}

/// A status and the response code it shows (`None`: no code).
pub(super) type View = (&'static str, Option<u32>);

/// How a capture's checks will end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checks {
    Approve,
    Decline(u32),
    Inconclusive(u32),
}

#[derive(Clone, Debug)]
struct Attempt {
    view: View,
    created_at: u64,
    opened: bool,
    checks: Option<Checks>,
}

#[derive(Clone, Debug)]
struct FaceAuthentication {
    view: View,
    attempts: Vec<Attempt>,
    retries_used: u32,
}

/// The documented state of the face authentications of one sequence.
#[derive(Clone, Debug)]
pub(super) struct Model {
    sandbox: Option<Vec<Step>>,
    face_authentications: Vec<FaceAuthentication>,
    now: u64,
}

/// The statuses in which a new attempt is accepted once one exists (the 409 rule).
const ACCEPTING: &[&str] = &[
    "created",
    "pending",
    "capture_in_progress",
    "retry_required",
];

impl Model {
    /// A model for an applicant whose external id encodes `sandbox` (none: an `ext_…` id).
    pub fn new(sandbox: Option<Vec<Step>>) -> Model {
        Model {
            sandbox,
            face_authentications: Vec::new(),
            now: 0,
        }
    }

    /// The sandbox outcomes of the applicant, if its external id encodes some.
    pub fn sandbox(&self) -> Option<&[Step]> {
        self.sandbox.as_deref()
    }

    /// How many face authentications exist.
    pub fn face_authentications(&self) -> usize {
        self.face_authentications.len()
    }

    fn latest(&self, fa: usize) -> Option<&Attempt> {
        self.face_authentications.get(fa)?.attempts.last()
    }

    /// Whether `op` can be sent now: its face authentication exists, and an action or an
    /// opening has an attempt to work on.
    pub fn applicable(&self, op: Op) -> bool {
        let exists = |fa: usize| fa < self.face_authentications.len();
        let open = |fa: usize, statuses: &[&str]| {
            self.latest(fa)
                .is_some_and(|a| a.checks.is_none() && statuses.contains(&a.view.0))
        };
        match op {
            Op::CreateFaceAuthentication => self.face_authentications.len() < FACE_AUTHENTICATIONS,
            Op::Open(fa) => open(fa, &["pending_redirection"]),
            Op::Act(fa, _) => open(fa, &["pending_redirection", "capture_in_progress"]),
            Op::CreateAttempt(fa) | Op::Anonymize(fa) | Op::Read(fa) | Op::List(fa) => exists(fa),
            Op::Advance(_) => true,
        }
    }

    /// The face authentication whose checks must be over before `op` has one right answer.
    pub fn wait_before(&self, op: Op) -> Option<usize> {
        match op {
            Op::CreateAttempt(fa) | Op::Anonymize(fa) => self
                .latest(fa)
                .is_some_and(|a| a.checks.is_some())
                .then_some(fa),
            _ => None,
        }
    }

    /// The status `op` must be answered with, and the error code of a refusal.
    pub fn expect(&self, op: Op) -> (u16, Option<String>) {
        match op {
            Op::CreateFaceAuthentication => (201, None),
            Op::CreateAttempt(fa) => {
                let status = self.face_authentications[fa].view.0;
                if ACCEPTING.contains(&status) {
                    (201, None)
                } else {
                    (409, Some(format!("face_authentication_status_{status}")))
                }
            }
            Op::Anonymize(fa) => match self.face_authentications[fa].view.0 {
                "capture_in_progress" | "checks_in_progress" => {
                    (422, Some("face_authentication_not_anonymizable".into()))
                }
                _ => (200, None),
            },
            Op::Open(_) | Op::Act(..) | Op::Advance(_) | Op::Read(_) | Op::List(_) => (200, None),
        }
    }

    /// Applies `op`, which was answered with `status`.
    pub fn apply(&mut self, op: Op, status: u16) {
        if !(200..300).contains(&status) {
            return;
        }
        match op {
            Op::CreateFaceAuthentication => self.face_authentications.push(FaceAuthentication {
                view: ("created", None),
                attempts: Vec::new(),
                retries_used: 0,
            }),
            Op::CreateAttempt(fa) => self.create_attempt(fa),
            Op::Open(fa) => self.open(fa),
            Op::Act(fa, action) => self.act(fa, action),
            Op::Advance(seconds) => self.advance(seconds),
            Op::Anonymize(fa) => {
                if self
                    .latest(fa)
                    .is_some_and(|a| a.view.0 == "pending_redirection")
                {
                    self.close(fa);
                }
            }
            Op::Read(_) | Op::List(_) => {}
        }
    }

    fn create_attempt(&mut self, fa: usize) {
        let now = self.now;
        let model = &mut self.face_authentications[fa];
        if matches!(model.view.0, "pending" | "capture_in_progress") {
            if let Some(previous) = model.attempts.last_mut() {
                if matches!(
                    previous.view.0,
                    "pending_redirection" | "capture_in_progress"
                ) {
                    previous.view = (closed_status(previous), Some(64001));
                }
            }
        }
        model.attempts.push(Attempt {
            view: ("pending_redirection", None),
            created_at: now,
            opened: false,
            checks: None,
        });
        model.view = ("pending", None);
    }

    /// The applicant opens the latest attempt: the capture starts, and under the sandbox
    /// convention it ends as the attempt's code says.
    fn open(&mut self, fa: usize) {
        self.start(fa);
        let Some(steps) = &self.sandbox else { return };
        let model = &self.face_authentications[fa];
        let opened_before = model.attempts.iter().filter(|a| a.opened).count() - 1;
        let step = steps.get(opened_before).or(steps.last()).copied();
        match step {
            Some(Step::Approve) => self.complete(fa, Checks::Approve),
            Some(Step::Decline(code)) => self.complete(fa, Checks::Decline(code)),
            Some(Step::Inconclusive(code)) => self.complete(fa, Checks::Inconclusive(code)),
            Some(Step::Abort(code)) => self.end(fa, "capture_aborted", code),
            Some(Step::Refuse) => self.refuse(fa),
            None => {}
        }
    }

    fn start(&mut self, fa: usize) {
        let model = &mut self.face_authentications[fa];
        let attempt = model.attempts.last_mut().expect("an attempt to open");
        attempt.opened = true;
        attempt.view = ("capture_in_progress", None);
        model.view = ("capture_in_progress", None);
    }

    fn act(&mut self, fa: usize, action: Action) {
        if action == Action::Close {
            return self.close(fa);
        }
        if self
            .latest(fa)
            .is_some_and(|a| a.view.0 == "pending_redirection")
        {
            self.start(fa);
        }
        match action {
            Action::Approve => self.complete(fa, Checks::Approve),
            Action::Decline(code) => self.complete(fa, Checks::Decline(code)),
            Action::Inconclusive(code) => self.complete(fa, Checks::Inconclusive(code)),
            Action::Abort(code) => self.end(fa, "capture_aborted", code),
            Action::Refuse => self.refuse(fa),
            Action::Close => {}
        }
    }

    /// The capture is complete: the checks run.
    fn complete(&mut self, fa: usize, checks: Checks) {
        let model = &mut self.face_authentications[fa];
        let attempt = model.attempts.last_mut().expect("an attempt");
        attempt.view = ("checks_in_progress", None);
        attempt.checks = Some(checks);
        model.view = ("checks_in_progress", None);
    }

    /// The latest attempt ends with `code` (61xxx or 64001): a retry, unless a 61xxx outcome
    /// uses up the allowed attempts.
    fn end(&mut self, fa: usize, attempt_status: &'static str, code: u32) {
        let model = &mut self.face_authentications[fa];
        let attempt = model.attempts.last_mut().expect("an attempt");
        attempt.view = (attempt_status, Some(code));
        attempt.checks = None;
        let mut status = "retry_required";
        if (61000..62000).contains(&code) {
            model.retries_used += 1;
            if model.retries_used >= ALLOWED_ATTEMPTS {
                status = "inconclusive";
            }
        }
        model.view = (status, Some(code));
    }

    fn refuse(&mut self, fa: usize) {
        let model = &mut self.face_authentications[fa];
        let attempt = model.attempts.last_mut().expect("an attempt");
        attempt.view = ("capture_refused", Some(63001));
        model.view = ("refused", Some(63001));
    }

    /// Forcibly closes the latest attempt (64001).
    fn close(&mut self, fa: usize) {
        let status = closed_status(self.latest(fa).expect("an attempt"));
        self.end(fa, status, 64001);
    }

    /// The checks of face authentication `fa` are over.
    pub fn settle(&mut self, fa: usize) {
        let Some(checks) = self.latest(fa).and_then(|a| a.checks) else {
            return;
        };
        let finish = |model: &mut FaceAuthentication, status, code| {
            let attempt = model.attempts.last_mut().expect("an attempt");
            attempt.view = ("completed", Some(code));
            attempt.checks = None;
            model.view = (status, Some(code));
        };
        let model = &mut self.face_authentications[fa];
        match checks {
            Checks::Approve => finish(model, "approved", 10000),
            Checks::Decline(code) => finish(model, "declined", code),
            Checks::Inconclusive(code) => self.end(fa, "checks_inconclusive", code),
        }
    }

    /// Moves the clock: every check ends, and links never opened in time expire (61101).
    fn advance(&mut self, seconds: u64) {
        self.now += seconds;
        for fa in 0..self.face_authentications.len() {
            self.settle(fa);
            let expired = self.latest(fa).is_some_and(|a| {
                a.view.0 == "pending_redirection" && self.now - a.created_at >= LINK_SECONDS
            });
            if expired {
                self.end(fa, "expired", 61101);
            }
        }
    }

    /// The views a face authentication may show now: as the model stands, or with its checks
    /// over.
    pub fn face_authentication_views(&self, fa: usize) -> Vec<View> {
        self.alternatives(fa)
            .iter()
            .map(|m| m.face_authentications[fa].view)
            .collect()
    }

    /// The views its attempts may show now, newest first, one list per alternative.
    pub fn attempt_views(&self, fa: usize) -> Vec<Vec<View>> {
        self.alternatives(fa)
            .iter()
            .map(|m| {
                m.face_authentications[fa]
                    .attempts
                    .iter()
                    .rev()
                    .map(|a| a.view)
                    .collect()
            })
            .collect()
    }

    fn alternatives(&self, fa: usize) -> Vec<Model> {
        let mut settled = self.clone();
        settled.settle(fa);
        vec![self.clone(), settled]
    }
}

/// How an attempt that is replaced or closed ends: `expired` when it was never opened, else
/// `capture_aborted` (Decision 9).
fn closed_status(attempt: &Attempt) -> &'static str {
    if attempt.opened {
        "capture_aborted"
    } else {
        "expired"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(sandbox: Option<Vec<Step>>, ops: &[Op]) -> Model {
        let mut model = Model::new(sandbox);
        for op in ops {
            assert!(model.applicable(*op), "{op} is not applicable");
            if let Some(fa) = model.wait_before(*op) {
                model.settle(fa);
            }
            let (status, _) = model.expect(*op);
            model.apply(*op, status);
        }
        model
    }

    #[test]
    fn a_replaced_attempt_is_closed_with_64001() {
        let m = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::CreateAttempt(0),
            ],
        );
        assert_eq!(
            m.attempt_views(0)[0],
            [("pending_redirection", None), ("expired", Some(64001))]
        );
        let m = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Open(0),
                Op::CreateAttempt(0),
            ],
        );
        assert_eq!(m.attempt_views(0)[0][1], ("capture_aborted", Some(64001)));
        assert_eq!(m.face_authentication_views(0)[0], ("pending", None));
    }

    #[test]
    fn the_409_rule_follows_the_status() {
        let approved = model(
            Some(vec![Step::Approve]),
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Open(0),
            ],
        );
        assert_eq!(
            approved.face_authentication_views(0),
            [("checks_in_progress", None), ("approved", Some(10000))]
        );
        let mut settled = approved.clone();
        settled.settle(0);
        assert_eq!(
            settled.expect(Op::CreateAttempt(0)),
            (409, Some("face_authentication_status_approved".into()))
        );
        assert_eq!(
            approved.expect(Op::Anonymize(0)),
            (422, Some("face_authentication_not_anonymizable".into()))
        );
    }

    #[test]
    fn retryable_outcomes_use_up_the_allowed_attempts() {
        let steps = vec![
            Step::Abort(61121),
            Step::Inconclusive(61411),
            Step::Abort(61203),
        ];
        let mut ops = vec![Op::CreateFaceAuthentication];
        for _ in 0..3 {
            ops.extend([Op::CreateAttempt(0), Op::Open(0)]);
        }
        let mut m = model(Some(steps), &ops);
        m.settle(0);
        assert_eq!(
            m.face_authentication_views(0)[0],
            ("inconclusive", Some(61203))
        );
        assert_eq!(
            m.expect(Op::CreateAttempt(0)).1.as_deref(),
            Some("face_authentication_status_inconclusive")
        );
        let closed = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Act(0, Action::Close),
            ],
        );
        assert_eq!(
            closed.face_authentication_views(0)[0],
            ("retry_required", Some(64001))
        );
        assert_eq!(closed.face_authentications[0].retries_used, 0);
    }

    #[test]
    fn links_expire_after_15_minutes_unless_opened() {
        let m = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Advance(600),
                Op::Advance(2),
            ],
        );
        assert_eq!(m.face_authentication_views(0)[0], ("pending", None));
        let m = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Advance(900),
            ],
        );
        assert_eq!(
            m.face_authentication_views(0)[0],
            ("retry_required", Some(61101))
        );
        assert_eq!(m.attempt_views(0)[0], [("expired", Some(61101))]);
        let opened = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Open(0),
                Op::Advance(900),
            ],
        );
        assert_eq!(
            opened.face_authentication_views(0)[0],
            ("capture_in_progress", None)
        );
    }

    #[test]
    fn anonymizing_closes_a_waiting_attempt_only() {
        let m = model(
            None,
            &[
                Op::CreateFaceAuthentication,
                Op::CreateAttempt(0),
                Op::Anonymize(0),
            ],
        );
        assert_eq!(
            m.face_authentication_views(0)[0],
            ("retry_required", Some(64001))
        );
        let m = model(None, &[Op::CreateFaceAuthentication, Op::Anonymize(0)]);
        assert_eq!(m.face_authentication_views(0)[0], ("created", None));
    }

    #[test]
    fn sandbox_ids_pad_their_codes() {
        assert_eq!(
            sandbox_id(&[Step::Inconclusive(61411), Step::Approve]),
            "eaplt_61411I10000000000000000000"
        );
        assert_eq!(sandbox_id(&[Step::Refuse]).len(), "eaplt_".len() + 26);
    }
}
