//! A reference model of the Truora face flow, written from docs/truora.md (States, Errors and
//! Decisions): which status each operation answers and which state enrollments and
//! validations reach. It knows nothing of HTTP; the sequence property drives it next to the
//! target and compares.
//!
//! Results that the target settles asynchronously (a processed selfie, possibly a checked
//! reference) are *expected* as soon as the upload is accepted but only required once the
//! target shows them: until then the state before is tolerated.

use super::judge::Expect;
use super::operations::{Checks, Op, Picture, Shows};
use std::fmt;

/// Accounts a sequence works with.
pub(super) const ACCOUNTS: usize = 3;

const OK: Expect = Expect::OneOf(&[200]);
const BAD_REQUEST: Expect = Expect::OneOf(&[400]);
const FORBIDDEN: Expect = Expect::OneOf(&[403]);
const NOT_FOUND: Expect = Expect::OneOf(&[404]);
const CONFLICT: Expect = Expect::OneOf(&[409]);

/// An enrollment's `status`/`reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EnrollmentState {
    /// `pending`/`waiting_file_upload`.
    WaitingFile,
    /// `pending`/`waiting_face_validation`.
    WaitingValidation,
    /// `success` (its `reason`, if any, is not compared).
    Success,
    /// `failure` with this reason.
    Failure(&'static str),
}

impl EnrollmentState {
    /// Whether the wire `status` and `reason` show this state.
    pub fn shown_by(self, status: &str, reason: Option<&str>) -> bool {
        match self {
            EnrollmentState::WaitingFile => {
                (status, reason) == ("pending", Some("waiting_file_upload"))
            }
            EnrollmentState::WaitingValidation => {
                (status, reason) == ("pending", Some("waiting_face_validation"))
            }
            EnrollmentState::Success => status == "success",
            EnrollmentState::Failure(why) => (status, reason) == ("failure", Some(why)),
        }
    }
}

impl fmt::Display for EnrollmentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnrollmentState::WaitingFile => f.write_str("pending/waiting_file_upload"),
            EnrollmentState::WaitingValidation => f.write_str("pending/waiting_face_validation"),
            EnrollmentState::Success => f.write_str("success"),
            EnrollmentState::Failure(why) => write!(f, "failure/{why}"),
        }
    }
}

/// How a validation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// `success`.
    Success,
    /// `failure`, `declined` with this `declined_reason`.
    Declined(&'static str),
    /// The documents do not say (its enrollment was deleted before the selfie arrived).
    Unknown,
}

impl Outcome {
    fn shown_by(self, view: &ValidationView) -> bool {
        match self {
            Outcome::Success => view.status == "success",
            Outcome::Declined(reason) => {
                view.status == "failure"
                    && view.failure_status.as_deref() == Some("declined")
                    && view.declined_reason.as_deref() == Some(reason)
            }
            Outcome::Unknown => view.status != "pending",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Success => f.write_str("success"),
            Outcome::Declined(reason) => write!(f, "failure/declined/{reason}"),
            Outcome::Unknown => f.write_str("a final status"),
        }
    }
}

/// What the target shows of a validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ValidationView {
    /// `validation_status`.
    pub status: String,
    /// `failure_status`.
    pub failure_status: Option<String>,
    /// `declined_reason`.
    pub declined_reason: Option<String>,
}

impl fmt::Display for ValidationView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.status)?;
        for part in [&self.failure_status, &self.declined_reason]
            .into_iter()
            .flatten()
        {
            write!(f, "/{part}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
struct Enrollment {
    account: usize,
    /// The state once every accepted upload is processed.
    state: EnrollmentState,
    /// Set while the reference may still be being checked: the state shown before.
    shown_before: Option<EnrollmentState>,
    confirmation_none: bool,
    link_used: bool,
    deleted: bool,
    subject: Option<char>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Progress {
    WaitingFile,
    /// Accepted as the `order`-th upload; ends with `outcome` after the processing delay.
    Processing {
        outcome: Outcome,
        order: u64,
    },
    Settled(Outcome),
}

#[derive(Clone, Debug)]
struct Validation {
    account: usize,
    checks: Checks,
    /// The enrollment compared against, when similarity is checked.
    enrollment: Option<usize>,
    link_used: bool,
    progress: Progress,
}

/// Something asynchronous the target must finish before an operation has one right answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wait {
    /// The reference check of this enrollment.
    Enrollment(usize),
    /// The processing of this validation.
    Validation(usize),
}

/// The documented state of every enrollment and validation a sequence created.
#[derive(Clone, Debug, Default)]
pub(super) struct Model {
    enrollments: Vec<Enrollment>,
    validations: Vec<Validation>,
    uploads: u64,
    confirmation_none_allowed: Option<bool>,
    delete_allowed: Option<bool>,
}

impl Model {
    /// The account's latest enrollment (index), deleted or not.
    pub fn enrollment_of(&self, account: usize) -> Option<usize> {
        self.enrollments.iter().rposition(|e| e.account == account)
    }

    /// The account's latest validation (index).
    pub fn validation_of(&self, account: usize) -> Option<usize> {
        self.validations.iter().rposition(|v| v.account == account)
    }

    /// The account of an enrollment.
    pub fn enrollment_account(&self, enrollment: usize) -> usize {
        self.enrollments[enrollment].account
    }

    /// The account of a validation.
    pub fn validation_account(&self, validation: usize) -> usize {
        self.validations[validation].account
    }

    /// Whether the operation has something to act on (an upload needs a link).
    pub fn applicable(&self, op: Op) -> bool {
        match op {
            Op::Enroll { .. } | Op::Validate { .. } => true,
            Op::UploadReference { account, .. }
            | Op::GetEnrollment { account }
            | Op::DeleteEnrollment { account } => self.enrollment_of(account).is_some(),
            Op::UploadSelfie { account, .. } | Op::GetValidation { account } => {
                self.validation_of(account).is_some()
            }
        }
    }

    /// What must settle before `op` has one right answer: reading an enrollment, or creating
    /// a validation that compares against it, waits for its reference check and for the
    /// validations that may still change it.
    pub fn waits_before(&self, op: Op) -> Vec<Wait> {
        let enrollment = match op {
            Op::GetEnrollment { account } => self.enrollment_of(account),
            Op::Validate { account, checks } if checks.similarity() => self.enrollment_of(account),
            _ => None,
        };
        match enrollment {
            Some(e) if !self.enrollments[e].deleted => self.waits_for(e),
            _ => Vec::new(),
        }
    }

    fn waits_for(&self, e: usize) -> Vec<Wait> {
        let mut waits: Vec<Wait> = self.enrollments[e]
            .shown_before
            .map(|_| Wait::Enrollment(e))
            .into_iter()
            .collect();
        waits.extend(self.processing_in_order(|v| v.enrollment == Some(e)));
        waits
    }

    /// Everything still unsettled, so that a sequence can end on final states.
    pub fn unsettled(&self) -> Vec<Wait> {
        let mut waits: Vec<Wait> = (0..self.enrollments.len())
            .filter(|e| {
                self.enrollments[*e].shown_before.is_some() && !self.enrollments[*e].deleted
            })
            .map(Wait::Enrollment)
            .collect();
        waits.extend(self.processing_in_order(|_| true));
        waits
    }

    /// Waits for the processing validations that `keep` selects, in upload order.
    fn processing_in_order(&self, keep: impl Fn(&Validation) -> bool) -> Vec<Wait> {
        let mut processing: Vec<(u64, usize)> = self
            .validations
            .iter()
            .enumerate()
            .filter(|(_, v)| keep(v))
            .filter_map(|(i, v)| match v.progress {
                Progress::Processing { order, .. } => Some((order, i)),
                _ => None,
            })
            .collect();
        processing.sort_unstable();
        processing
            .into_iter()
            .map(|(_, i)| Wait::Validation(i))
            .collect()
    }

    /// The answers the documents allow for `op` now (the operation must be applicable).
    pub fn expect(&self, op: Op) -> Expect {
        match op {
            Op::Enroll {
                account,
                confirmation_none,
            } => {
                let exists = self
                    .enrollment_of(account)
                    .is_some_and(|e| !self.enrollments[e].deleted);
                match (confirmation_none, self.confirmation_none_allowed, exists) {
                    (true, Some(false), _) => FORBIDDEN,
                    (true, None, true) => Expect::OneOf(&[403, 409]),
                    (true, None, false) => Expect::OneOf(&[200, 403]),
                    (_, _, true) => CONFLICT,
                    (_, _, false) => OK,
                }
            }
            Op::UploadReference { account, picture } => {
                let e = &self.enrollments[self.enrollment_of(account).expect("applicable")];
                upload_answer(e.deleted, e.link_used, picture)
            }
            Op::GetEnrollment { account } => {
                if self.enrollments[self.enrollment_of(account).expect("applicable")].deleted {
                    NOT_FOUND
                } else {
                    OK
                }
            }
            Op::DeleteEnrollment { account } => {
                let deleted =
                    self.enrollments[self.enrollment_of(account).expect("applicable")].deleted;
                match (self.delete_allowed, deleted) {
                    (Some(false), _) => FORBIDDEN,
                    (Some(true), true) => NOT_FOUND,
                    (Some(true), false) => OK,
                    (None, true) => Expect::OneOf(&[403, 404]),
                    (None, false) => Expect::OneOf(&[200, 403]),
                }
            }
            Op::Validate { account, checks } if checks.similarity() => {
                // Decision 12: similarity needs an enrollment (404 without one) that has a
                // reference and did not fail (409 otherwise).
                match self.enrollment_of(account).map(|e| &self.enrollments[e]) {
                    None => NOT_FOUND,
                    Some(e) if e.deleted => NOT_FOUND,
                    Some(e) => match e.state {
                        EnrollmentState::WaitingValidation | EnrollmentState::Success => OK,
                        EnrollmentState::WaitingFile | EnrollmentState::Failure(_) => CONFLICT,
                    },
                }
            }
            Op::Validate { .. } => OK,
            Op::UploadSelfie { account, picture } => {
                let v = &self.validations[self.validation_of(account).expect("applicable")];
                upload_answer(false, v.link_used, picture)
            }
            Op::GetValidation { .. } => OK,
        }
    }

    /// Applies `op` once the target answered `status` (one [`Model::expect`] allowed).
    pub fn apply(&mut self, op: Op, status: u16) {
        match op {
            Op::Enroll {
                account,
                confirmation_none,
            } => {
                if confirmation_none && matches!(status, 200 | 403) {
                    self.confirmation_none_allowed = Some(status == 200);
                }
                if status == 200 {
                    self.enrollments.push(Enrollment {
                        account,
                        state: EnrollmentState::WaitingFile,
                        shown_before: None,
                        confirmation_none,
                        link_used: false,
                        deleted: false,
                        subject: None,
                    });
                }
            }
            Op::UploadReference { account, picture } if status == 200 => {
                let e = self.enrollment_of(account).expect("applicable");
                let e = &mut self.enrollments[e];
                e.link_used = true;
                e.shown_before = Some(e.state);
                e.state = match picture.shows(false) {
                    Shows::Face { .. } if e.confirmation_none => EnrollmentState::Success,
                    Shows::Face { .. } => EnrollmentState::WaitingValidation,
                    Shows::NoFace => EnrollmentState::Failure("no_face_detected"),
                    Shows::Blocklisted => EnrollmentState::Failure("face_in_blocklist"),
                    Shows::Unsupported | Shows::Broken => {
                        EnrollmentState::Failure("file_format_not_supported")
                    }
                };
                if let Shows::Face { subject, .. } = picture.shows(false) {
                    e.subject = Some(subject);
                }
            }
            Op::DeleteEnrollment { account } => {
                if matches!(status, 200 | 403) {
                    self.delete_allowed = Some(status == 200);
                }
                if status == 200 {
                    let e = self.enrollment_of(account).expect("applicable");
                    self.enrollments[e].deleted = true;
                }
            }
            Op::Validate { account, checks } if status == 200 => {
                self.validations.push(Validation {
                    account,
                    checks,
                    enrollment: self.enrollment_of(account).filter(|_| checks.similarity()),
                    link_used: false,
                    progress: Progress::WaitingFile,
                });
            }
            Op::UploadSelfie { account, picture } if status == 200 => {
                let v = self.validation_of(account).expect("applicable");
                let outcome = self.judge(v, picture);
                self.uploads += 1;
                let v = &mut self.validations[v];
                v.link_used = true;
                v.progress = Progress::Processing {
                    outcome,
                    order: self.uploads,
                };
            }
            _ => {}
        }
    }

    /// How a validation ends with `picture` (docs/truora.md, the failure_status table: the
    /// file's format, then the face, the block list, liveness, similarity).
    fn judge(&self, v: usize, picture: Picture) -> Outcome {
        let v = &self.validations[v];
        match picture.shows(true) {
            Shows::Unsupported | Shows::Broken => Outcome::Declined("file_format_not_supported"),
            Shows::NoFace => Outcome::Declined("no_face_detected"),
            Shows::Blocklisted => Outcome::Declined("face_in_blocklist"),
            Shows::Face { live: false, .. } if v.checks.liveness() => {
                Outcome::Declined("passive_liveness_verification_not_passed")
            }
            Shows::Face { subject, .. } => match v.enrollment.map(|e| &self.enrollments[e]) {
                None => Outcome::Success,
                Some(e) if e.deleted => Outcome::Unknown,
                Some(e) if e.subject == Some(subject) => Outcome::Success,
                Some(_) => Outcome::Declined("similarity_threshold_not_passed"),
            },
        }
    }

    /// Compares what the target shows of the account's latest enrollment.
    pub fn observe_enrollment(
        &mut self,
        enrollment: usize,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), String> {
        let e = &mut self.enrollments[enrollment];
        if e.state.shown_by(status, reason) {
            e.shown_before = None;
            return Ok(());
        }
        match e.shown_before {
            Some(before) if before.shown_by(status, reason) => Ok(()),
            Some(before) => Err(format!(
                "expected the enrollment {} (or still {before}), got {status}/{}",
                e.state,
                reason.unwrap_or("-")
            )),
            None => Err(format!(
                "expected the enrollment {}, got {status}/{}",
                e.state,
                reason.unwrap_or("-")
            )),
        }
    }

    /// Compares what the target shows of a validation; a shown result settles it and every
    /// validation uploaded before it (the processing delay is the same for all).
    pub fn observe_validation(
        &mut self,
        validation: usize,
        view: &ValidationView,
    ) -> Result<(), String> {
        match self.validations[validation].progress {
            Progress::WaitingFile if view.status == "pending" => Ok(()),
            Progress::WaitingFile => Err(format!(
                "expected the validation pending (no file yet), got {view}"
            )),
            Progress::Processing { .. } if view.status == "pending" => Ok(()),
            Progress::Processing { outcome, order } if outcome.shown_by(view) => {
                self.settle_through(order);
                Ok(())
            }
            Progress::Processing { outcome, .. } => Err(format!(
                "expected the validation pending or {outcome}, got {view}"
            )),
            Progress::Settled(outcome) if outcome.shown_by(view) => Ok(()),
            Progress::Settled(outcome) => {
                Err(format!("expected the validation {outcome}, got {view}"))
            }
        }
    }

    /// Settles, in upload order, every validation uploaded up to the `last`-th upload, and
    /// applies each to its enrollment: a pass completes a waiting enrollment, a decline
    /// fails it (Decisions 12 and 13).
    fn settle_through(&mut self, last: u64) {
        let mut due: Vec<(u64, usize)> = self
            .validations
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.progress {
                Progress::Processing { order, .. } if order <= last => Some((order, i)),
                _ => None,
            })
            .collect();
        due.sort_unstable();
        for (_, i) in due {
            let Progress::Processing { outcome, .. } = self.validations[i].progress else {
                continue;
            };
            self.validations[i].progress = Progress::Settled(outcome);
            let Some(e) = self.validations[i].enrollment else {
                continue;
            };
            let e = &mut self.enrollments[e];
            if e.deleted || e.state != EnrollmentState::WaitingValidation {
                continue;
            }
            match outcome {
                Outcome::Success => e.state = EnrollmentState::Success,
                Outcome::Declined(_) => {
                    e.state = EnrollmentState::Failure("face_validation_failed")
                }
                Outcome::Unknown => {}
            }
        }
    }
}

/// The answer to an upload: the link must exist (404) and be unused (409, Decision 9); a
/// file that is no usable file is refused (400) and leaves the link usable (Decision 10).
fn upload_answer(link_gone: bool, link_used: bool, picture: Picture) -> Expect {
    if link_gone {
        NOT_FOUND
    } else if link_used {
        CONFLICT
    } else if picture.shows(true) == Shows::Broken {
        BAD_REQUEST
    } else {
        OK
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
