//! The Truora face-recognition state machine: enrollments, validations, uploads and their
//! transitions in virtual time. No HTTP here: every operation takes the current time and typed
//! input, and answers a value or a [`TruoraError`].

use super::error::TruoraError;
use super::form::{NewEnrollment, NewValidation, RETRY_NEEDS_PASSIVE_LIVENESS};
use super::model::*;
use crate::config::TruoraConfig;
use crate::ids::prefixed_hex_id;
use crate::media::{AnalysisError, FaceAnalysis, FaceCount, Liveness, Matcher, MediaKind};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

mod armed;
mod snapshot;

pub use snapshot::StoreSnapshot;

/// Timings and limits of the flow.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Delay between a validation upload and its result.
    pub processing_delay: Duration,
    /// Lifetime of an enrollment's upload link.
    pub enrollment_link_ttl: Duration,
    /// Validation timeout when none is requested.
    pub default_timeout_seconds: u64,
    /// Retries allowed per failed validation chain.
    pub allowed_retries: u32,
    /// Window after a failure in which a retry may be created.
    pub retry_ttl: Duration,
}

impl Settings {
    /// Settings from the `[truora]` configuration table.
    pub fn from_config(c: &TruoraConfig) -> Settings {
        let secs = |s: u64| Duration::seconds(s as i64);
        Settings {
            processing_delay: secs(c.processing_delay_seconds),
            enrollment_link_ttl: secs(c.enrollment_upload_link_ttl_seconds),
            default_timeout_seconds: c.default_validation_timeout_seconds,
            allowed_retries: c.allowed_retries,
            retry_ttl: secs(c.retry_ttl_seconds),
        }
    }
}

/// What the calling API key may do beyond the basics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller {
    /// May create enrollments with `confirmation=none`.
    pub confirmation_none: bool,
    /// May delete enrollments.
    pub delete_enrollment: bool,
}

/// A pre-signed upload link's server side.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UploadSlot {
    /// The link's identifier (`UPL…`).
    pub id: String,
    /// After this instant the link answers 403.
    pub expires_at: DateTime<Utc>,
    /// Whether any PUT reached the link.
    pub attempted: bool,
    /// The file stored through the link.
    pub file_id: Option<String>,
}

impl UploadSlot {
    fn new(expires_at: DateTime<Utc>) -> UploadSlot {
        UploadSlot {
            id: prefixed_hex_id("UPL"),
            expires_at,
            attempted: false,
            file_id: None,
        }
    }
}

/// An uploaded file kept for `show_details` links.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredFile {
    /// The file's identifier (`FIL…`).
    pub id: String,
    /// The format sniffed from its bytes.
    pub kind: MediaKind,
    /// The content.
    #[serde(with = "crate::persistence::codec::base64_bytes")]
    pub bytes: Bytes,
}

/// A face enrollment.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Enrollment {
    /// `ENR…`.
    pub id: String,
    /// The enrolled account.
    pub account_id: String,
    /// pending, success or failure.
    pub status: EnrollmentStatus,
    /// Why it is pending or failed.
    pub reason: Option<EnrollmentReason>,
    /// Created with `confirmation=none`.
    pub confirmation_none: bool,
    /// Creation time.
    pub creation_date: DateTime<Utc>,
    /// Last change.
    pub update_date: DateTime<Utc>,
    /// The reference-image upload link.
    pub upload: UploadSlot,
    /// The analysed reference picture.
    pub reference: Option<FaceAnalysis>,
}

/// The per-check results of a face validation.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FaceChecks {
    /// Similarity against the enrollment.
    pub similarity_status: Option<CheckStatus>,
    /// The similarity score, 0..1.
    pub confidence_score: Option<f64>,
    /// Passive liveness.
    pub passive_liveness_status: Option<CheckStatus>,
    /// Speech match.
    pub speech_match_status: Option<CheckStatus>,
}

/// The decided outcome of a validation, revealed when processing ends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// `None` for success, else the failure status.
    pub failure: Option<FailureStatus>,
    /// Set for declined validations.
    pub declined_reason: Option<DeclinedReason>,
    /// The checks.
    pub checks: FaceChecks,
}

/// A validation's processing after its upload.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Processing {
    /// When the verdict becomes visible.
    pub due: DateTime<Utc>,
    /// The verdict.
    pub verdict: Verdict,
}

/// A face-recognition validation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Validation {
    /// `VLD…`.
    pub id: String,
    /// The request as validated.
    pub request: NewValidation,
    /// The enrollment compared against, if any.
    pub enrollment_id: Option<String>,
    /// Effective timeout in seconds.
    pub timeout_seconds: u64,
    /// The client's address.
    pub ip_address: String,
    /// Creation time.
    pub creation_date: DateTime<Utc>,
    /// Last change.
    pub update_date: DateTime<Utc>,
    /// pending, success or failure.
    pub status: ValidationStatus,
    /// Why it failed.
    pub failure_status: Option<FailureStatus>,
    /// Declined reason.
    pub declined_reason: Option<DeclinedReason>,
    /// Expired reason.
    pub expired_reason: Option<ExpiredReason>,
    /// Check results (visible once finished).
    pub checks: FaceChecks,
    /// The selfie/video upload link.
    pub upload: UploadSlot,
    /// Set once a file was accepted.
    pub processing: Option<Processing>,
    /// When processing started.
    pub processing_start_date: Option<DateTime<Utc>>,
    /// When the validation finished.
    pub processing_finish_date: Option<DateTime<Utc>>,
    /// The validation that retried this one.
    pub retried_by: Option<String>,
    /// 0 for an original, n for the n-th retry.
    pub retry_number: u32,
    /// The outcome a scenario rule or an armed outcome forced, applied when its file is
    /// processed.
    pub forced: Option<ForcedVerdict>,
}

impl Validation {
    /// The moment the validation times out.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.creation_date + Duration::seconds(self.timeout_seconds as i64)
    }
}

/// What an upload link belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum UploadOwner {
    Enrollment(String),
    Validation(String),
}

/// All Truora state of one simulator.
#[derive(Debug)]
pub struct Store {
    settings: Settings,
    enrollments: HashMap<String, Enrollment>,
    enrollment_by_account: HashMap<String, String>,
    validations: HashMap<String, Validation>,
    uploads: HashMap<String, UploadOwner>,
    files: HashMap<String, StoredFile>,
    pending: Vec<String>,
    /// No pending validation changes before this time; `None` when unknown (scan on settle).
    next_change: Option<DateTime<Utc>>,
    /// Outcomes armed per account through the control API.
    armed: crate::armed::ArmedOutcomes<ForcedVerdict>,
}

/// Image formats Truora accepts for pictures.
fn is_supported_picture(kind: MediaKind) -> bool {
    matches!(kind, MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp)
}

fn marker_value<'a>(a: &'a FaceAnalysis, key: &str) -> Option<&'a str> {
    a.marker
        .as_ref()
        .and_then(|m| m.extra.get(key))
        .map(String::as_str)
}

fn forced_system_error(a: &FaceAnalysis) -> bool {
    marker_value(a, "fault") == Some("system_error")
}

fn rejected_upload(error: &AnalysisError) -> Option<TruoraError> {
    match error {
        AnalysisError::Unsupported { .. } => None,
        AnalysisError::Failed { detail } => {
            tracing::error!(%detail, "the face matcher failed");
            Some(TruoraError::internal("The file could not be analysed"))
        }
        other => Some(TruoraError::bad_request(format!(
            "The file could not be processed: {other}"
        ))),
    }
}

impl Store {
    /// An empty store.
    pub fn new(settings: Settings) -> Store {
        Store {
            settings,
            enrollments: HashMap::new(),
            enrollment_by_account: HashMap::new(),
            validations: HashMap::new(),
            uploads: HashMap::new(),
            files: HashMap::new(),
            pending: Vec::new(),
            next_change: None,
            armed: Default::default(),
        }
    }

    /// Drops every enrollment, validation, file and armed outcome.
    pub fn clear(&mut self) {
        *self = Store::new(self.settings.clone());
    }

    /// `POST /v1/enrollments`.
    pub fn create_enrollment(
        &mut self,
        req: NewEnrollment,
        caller: Caller,
        now: DateTime<Utc>,
    ) -> Result<&Enrollment, TruoraError> {
        if req.confirmation_none && !caller.confirmation_none {
            return Err(TruoraError::insufficient_permissions());
        }
        let account_id = req.account_id.unwrap_or_else(|| prefixed_hex_id("ACC"));
        if let Some(existing) = self.enrollment_by_account.get(&account_id) {
            return Err(TruoraError::conflict(format!(
                "The account {account_id} already has an enrollment ({existing}); delete it before creating another one"
            )));
        }
        let enrollment = Enrollment {
            id: prefixed_hex_id("ENR"),
            account_id: account_id.clone(),
            status: EnrollmentStatus::Pending,
            reason: Some(EnrollmentReason::WaitingFileUpload),
            confirmation_none: req.confirmation_none,
            creation_date: now,
            update_date: now,
            upload: UploadSlot::new(now + self.settings.enrollment_link_ttl),
            reference: None,
        };
        let id = enrollment.id.clone();
        self.uploads.insert(
            enrollment.upload.id.clone(),
            UploadOwner::Enrollment(id.clone()),
        );
        self.enrollment_by_account.insert(account_id, id.clone());
        Ok(self.enrollments.entry(id).or_insert(enrollment))
    }

    /// `GET /v1/enrollments/{id}`.
    pub fn enrollment(&mut self, id: &str, now: DateTime<Utc>) -> Result<&Enrollment, TruoraError> {
        self.settle(now);
        self.enrollments.get(id).ok_or_else(enrollment_not_found)
    }

    /// `DELETE /v1/enrollments/{id}`: frees the account for a new enrollment.
    pub fn delete_enrollment(
        &mut self,
        id: &str,
        caller: Caller,
        now: DateTime<Utc>,
    ) -> Result<Enrollment, TruoraError> {
        if !caller.delete_enrollment {
            return Err(TruoraError::insufficient_permissions());
        }
        self.settle(now);
        let enrollment = self
            .enrollments
            .remove(id)
            .ok_or_else(enrollment_not_found)?;
        self.enrollment_by_account.remove(&enrollment.account_id);
        self.uploads.remove(&enrollment.upload.id);
        if let Some(file) = &enrollment.upload.file_id {
            self.files.remove(file);
        }
        Ok(enrollment)
    }

    /// Forces the outcome of validation `id` (a scenario rule); whether it exists.
    pub fn force_validation(&mut self, id: &str, forced: ForcedVerdict) -> bool {
        match self.validations.get_mut(id) {
            Some(v) => {
                v.forced = Some(forced);
                true
            }
            None => false,
        }
    }

    /// `POST /v1/validations`: the validation ends with the oldest outcome armed for its
    /// account, if any (one use of it), whatever file it gets.
    pub fn create_validation(
        &mut self,
        req: NewValidation,
        ip_address: String,
        now: DateTime<Utc>,
    ) -> Result<&Validation, TruoraError> {
        self.create_forced_validation(req, ip_address, None, now)
    }

    /// `POST /v1/validations` with the outcome a scenario rule forced on the request: it takes
    /// precedence over an outcome armed for the account, which then stays armed.
    pub fn create_forced_validation(
        &mut self,
        req: NewValidation,
        ip_address: String,
        rule: Option<ForcedVerdict>,
        now: DateTime<Utc>,
    ) -> Result<&Validation, TruoraError> {
        self.settle(now);
        let needs_enrollment = req.subvalidations.contains(&Subvalidation::Similarity);
        let enrollment_id = self.enrollment_by_account.get(&req.account_id).cloned();
        if needs_enrollment {
            let is_retry = req.retry_of_id.is_some();
            self.check_enrollment_ready(&req.account_id, enrollment_id.as_deref(), is_retry)?;
        }
        let retry_number = match &req.retry_of_id {
            Some(original) => self.check_retry(&req, original, now)? + 1,
            None => 0,
        };
        let timeout_seconds = req
            .timeout_seconds
            .unwrap_or(self.settings.default_timeout_seconds);
        let forced = rule.or_else(|| self.armed.take(&req.account_id));
        let validation = Validation {
            id: prefixed_hex_id("VLD"),
            enrollment_id,
            timeout_seconds,
            ip_address,
            creation_date: now,
            update_date: now,
            status: ValidationStatus::Pending,
            failure_status: None,
            declined_reason: None,
            expired_reason: None,
            checks: FaceChecks::default(),
            upload: UploadSlot::new(now + Duration::seconds(timeout_seconds as i64)),
            processing: None,
            processing_start_date: None,
            processing_finish_date: None,
            retried_by: None,
            retry_number,
            forced,
            request: req,
        };
        let id = validation.id.clone();
        if let Some(original) = &validation.request.retry_of_id {
            if let Some(o) = self.validations.get_mut(original) {
                o.retried_by = Some(id.clone());
            }
        }
        self.uploads.insert(
            validation.upload.id.clone(),
            UploadOwner::Validation(id.clone()),
        );
        self.pending.push(id.clone());
        self.next_change = None;
        Ok(self.validations.entry(id).or_insert(validation))
    }

    /// A retry may run against an enrollment that its own failed chain moved to
    /// `face_validation_failed`; a successful retry rescues it. No enrollment is a 404, an
    /// enrollment that cannot be compared against is a 409 (docs/truora.md, Decision 12).
    fn check_enrollment_ready(
        &self,
        account_id: &str,
        enrollment_id: Option<&str>,
        is_retry: bool,
    ) -> Result<(), TruoraError> {
        let Some(enrollment) = enrollment_id.and_then(|id| self.enrollments.get(id)) else {
            return Err(TruoraError::not_found(format!(
                "The Enrollment was not found: the account {account_id} has no face enrollment; create one with POST /v1/enrollments and upload its reference image first"
            )));
        };
        match (enrollment.status, enrollment.reason) {
            (EnrollmentStatus::Pending, Some(EnrollmentReason::WaitingFileUpload)) => Err(TruoraError::conflict(format!(
                "The enrollment {} of account {account_id} has no reference image yet: upload it to its file_upload_link first",
                enrollment.id
            ))),
            (EnrollmentStatus::Failure, Some(EnrollmentReason::FaceValidationFailed)) if is_retry => Ok(()),
            (EnrollmentStatus::Failure, reason) => Err(TruoraError::conflict(format!(
                "The enrollment {} of account {account_id} failed ({}): delete it and enroll again",
                enrollment.id,
                reason.map_or("failure", EnrollmentReason::as_str)
            ))),
            _ => Ok(()),
        }
    }

    /// Checks a `retry_of_id` and answers the retry number of the original. Without passive
    /// liveness the request itself is invalid (400); an original that does not exist is a 404;
    /// one that cannot be retried now is a 409 (docs/truora.md, Decision 14).
    fn check_retry(
        &self,
        req: &NewValidation,
        original_id: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, TruoraError> {
        if !req.passive_liveness() {
            return Err(TruoraError::bad_request(RETRY_NEEDS_PASSIVE_LIVENESS));
        }
        let original = self.validations.get(original_id).ok_or_else(|| {
            TruoraError::not_found(format!(
                "retry_of_id {original_id}: the Validation was not found"
            ))
        })?;
        if original.request.account_id != req.account_id {
            return Err(TruoraError::conflict(format!(
                "retry_of_id {original_id} belongs to another account_id"
            )));
        }
        if original.status != ValidationStatus::Failure {
            return Err(TruoraError::conflict(format!(
                "retry_of_id must refer to a failed validation; {original_id} is {}",
                original.status
            )));
        }
        if let Some(by) = &original.retried_by {
            return Err(TruoraError::conflict(format!(
                "The validation {original_id} was already retried by {by}; retry the latest validation instead"
            )));
        }
        if original.retry_number >= self.settings.allowed_retries {
            return Err(TruoraError::conflict(format!(
                "No retries left: the face validator allows {} retries and {original_id} is retry number {}",
                self.settings.allowed_retries, original.retry_number
            )));
        }
        let finished = original
            .processing_finish_date
            .unwrap_or(original.update_date);
        if now > finished + self.settings.retry_ttl {
            return Err(TruoraError::conflict(format!(
                "The retry window ({} seconds after {original_id} failed) has passed",
                self.settings.retry_ttl.num_seconds()
            )));
        }
        Ok(original.retry_number)
    }

    /// `GET /v1/validations/{id}`.
    pub fn validation(&mut self, id: &str, now: DateTime<Utc>) -> Result<&Validation, TruoraError> {
        self.validation_with_reference(id, now).map(|(v, _)| v)
    }

    /// A validation with the id of its enrollment's stored reference file, if any.
    pub fn validation_with_reference(
        &mut self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(&Validation, Option<&str>), TruoraError> {
        self.settle(now);
        let v = self.validations.get(id).ok_or_else(validation_not_found)?;
        let reference = v
            .enrollment_id
            .as_deref()
            .and_then(|e| self.enrollments.get(e))
            .and_then(|e| e.upload.file_id.as_deref());
        Ok((v, reference))
    }

    /// Checks that an upload link can take a file now; answers whether videos are accepted.
    pub fn prepare_upload(
        &mut self,
        upload_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, TruoraError> {
        self.settle(now);
        let (slot, allow_video) = self.slot(upload_id)?;
        if now > slot.expires_at {
            return Err(TruoraError::forbidden("The file upload link has expired"));
        }
        if slot.file_id.is_some() {
            return Err(TruoraError::conflict(
                "A file was already uploaded through this link",
            ));
        }
        Ok(allow_video)
    }

    fn slot(&self, upload_id: &str) -> Result<(&UploadSlot, bool), TruoraError> {
        let not_found = || TruoraError::not_found("The upload link was not found");
        match self.uploads.get(upload_id).ok_or_else(not_found)? {
            UploadOwner::Enrollment(id) => Ok((
                &self.enrollments.get(id).ok_or_else(not_found)?.upload,
                false,
            )),
            UploadOwner::Validation(id) => Ok((
                &self.validations.get(id).ok_or_else(not_found)?.upload,
                true,
            )),
        }
    }

    /// Stores an upload and applies it: the enrollment's reference check, or the validation's
    /// verdict (revealed after the processing delay). Answers the acknowledgement message.
    pub fn accept_upload(
        &mut self,
        upload_id: &str,
        bytes: Bytes,
        analysis: Result<FaceAnalysis, AnalysisError>,
        matcher: &dyn Matcher,
        now: DateTime<Utc>,
    ) -> Result<String, TruoraError> {
        self.prepare_upload(upload_id, now)?;
        let owner = self
            .uploads
            .get(upload_id)
            .cloned()
            .expect("checked by prepare_upload");
        let kind = match &analysis {
            Ok(a) => a.kind,
            Err(AnalysisError::Unsupported { kind }) => *kind,
            Err(_) => MediaKind::Unknown,
        };
        let rejection = analysis.as_ref().err().and_then(rejected_upload);
        if let Some(rejection) = rejection {
            self.mark_attempted(&owner);
            return Err(rejection);
        }
        let file = StoredFile {
            id: prefixed_hex_id("FIL"),
            kind,
            bytes,
        };
        let file_id = file.id.clone();
        self.files.insert(file_id.clone(), file);
        match owner {
            UploadOwner::Enrollment(id) => {
                let e = self.enrollments.get_mut(&id).expect("owner exists");
                e.upload.attempted = true;
                e.upload.file_id = Some(file_id);
                e.update_date = now;
                let outcome = match &analysis {
                    Ok(a) if !is_supported_picture(a.kind) => {
                        Err(EnrollmentReason::FileFormatNotSupported)
                    }
                    Err(_) => Err(EnrollmentReason::FileFormatNotSupported),
                    Ok(a) if forced_system_error(a) => Err(EnrollmentReason::SystemError),
                    Ok(a) if a.faces == FaceCount::None => Err(EnrollmentReason::NoFaceDetected),
                    Ok(a) if a.blocklisted => Err(EnrollmentReason::FaceInBlocklist),
                    Ok(a) => Ok(a.clone()),
                };
                match outcome {
                    Err(reason) => {
                        e.status = EnrollmentStatus::Failure;
                        e.reason = Some(reason);
                    }
                    Ok(reference) => {
                        e.reference = Some(reference);
                        if e.confirmation_none {
                            e.status = EnrollmentStatus::Success;
                            e.reason = None;
                        } else {
                            e.reason = Some(EnrollmentReason::WaitingFaceValidation);
                        }
                    }
                }
                Ok("The reference image was uploaded".into())
            }
            UploadOwner::Validation(id) => {
                let v = self.validations.get(&id).expect("owner exists");
                let reference = v
                    .enrollment_id
                    .as_ref()
                    .and_then(|e| self.enrollments.get(e))
                    .and_then(|e| e.reference.as_ref());
                let verdict = match (&analysis, v.forced) {
                    (_, Some(forced)) => forced.verdict(),
                    (Ok(probe), None) => judge(&v.request, probe, reference, matcher),
                    (Err(_), None) => Verdict::declined(
                        DeclinedReason::FileFormatNotSupported,
                        FaceChecks::default(),
                    ),
                };
                let v = self.validations.get_mut(&id).expect("owner exists");
                v.upload.attempted = true;
                v.upload.file_id = Some(file_id);
                v.update_date = now;
                v.processing_start_date = Some(now);
                v.processing = Some(Processing {
                    due: now + self.settings.processing_delay,
                    verdict,
                });
                self.next_change = None;
                self.settle(now);
                Ok("The file was uploaded; the validation is processing".into())
            }
        }
    }

    fn mark_attempted(&mut self, owner: &UploadOwner) {
        let slot = match owner {
            UploadOwner::Enrollment(id) => self.enrollments.get_mut(id).map(|e| &mut e.upload),
            UploadOwner::Validation(id) => self.validations.get_mut(id).map(|v| &mut v.upload),
        };
        if let Some(slot) = slot {
            slot.attempted = true;
        }
    }

    /// A stored file.
    pub fn file(&self, file_id: &str) -> Option<&StoredFile> {
        self.files.get(file_id)
    }

    /// Every enrollment, in no particular order (the control API's state listing).
    pub fn all_enrollments(&self) -> impl Iterator<Item = &Enrollment> {
        self.enrollments.values()
    }

    /// Every validation, in no particular order (the control API's state listing).
    pub fn all_validations(&self) -> impl Iterator<Item = &Validation> {
        self.validations.values()
    }

    /// Applies every transition that is due at `now`: finished processing and timeouts.
    pub fn settle(&mut self, now: DateTime<Utc>) {
        if self.next_change.is_some_and(|t| now < t) {
            return;
        }
        let mut still_pending = Vec::with_capacity(self.pending.len());
        for id in std::mem::take(&mut self.pending) {
            let Some(v) = self.validations.get_mut(&id) else {
                continue;
            };
            let effect = if let Some(p) = &v.processing {
                if p.due > now {
                    still_pending.push(id);
                    continue;
                }
                let verdict = p.verdict.clone();
                v.status = if verdict.failure.is_some() {
                    ValidationStatus::Failure
                } else {
                    ValidationStatus::Success
                };
                v.failure_status = verdict.failure;
                v.declined_reason = verdict.declined_reason;
                v.checks = verdict.checks;
                v.processing_finish_date = Some(p.due);
                v.update_date = p.due;
                match v.failure_status {
                    None if v.retry_number > 0 => Some(EnrollmentEffect::SucceedRetry),
                    None => Some(EnrollmentEffect::Succeed),
                    Some(FailureStatus::Declined) => Some(EnrollmentEffect::Fail),
                    Some(_) => None,
                }
            } else if now > v.deadline() {
                let deadline = v.deadline();
                v.status = ValidationStatus::Failure;
                v.failure_status = Some(FailureStatus::Expired);
                v.expired_reason = Some(if v.upload.attempted {
                    ExpiredReason::InputFileNotUploaded
                } else {
                    ExpiredReason::FaceValidationNotStarted
                });
                v.processing_finish_date = Some(deadline);
                v.update_date = deadline;
                None
            } else {
                still_pending.push(id);
                continue;
            };
            let uses_enrollment = v
                .request
                .subvalidations
                .contains(&Subvalidation::Similarity);
            let (enrollment_id, at) = (v.enrollment_id.clone(), v.update_date);
            if let (Some(effect), Some(eid), true) = (effect, enrollment_id, uses_enrollment) {
                if let Some(e) = self.enrollments.get_mut(&eid) {
                    effect.apply(e, at);
                }
            }
        }
        still_pending.extend(std::mem::take(&mut self.pending));
        self.pending = still_pending;
        self.next_change = self.earliest_change();
    }

    /// When the first pending validation finishes processing or expires; `None` if none is
    /// pending.
    fn earliest_change(&self) -> Option<DateTime<Utc>> {
        self.pending
            .iter()
            .filter_map(|id| self.validations.get(id))
            .map(|v| {
                v.processing
                    .as_ref()
                    .map_or_else(|| v.deadline(), |p| p.due)
            })
            .min()
    }
}

/// How a finished validation moves its enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnrollmentEffect {
    /// A validation passed.
    Succeed,
    /// A retry passed: also rescues an enrollment its chain failed.
    SucceedRetry,
    /// A validation was declined.
    Fail,
}

impl EnrollmentEffect {
    fn apply(self, e: &mut Enrollment, at: DateTime<Utc>) {
        let waiting = e.status == EnrollmentStatus::Pending
            && e.reason == Some(EnrollmentReason::WaitingFaceValidation);
        let failed_by_validation = e.status == EnrollmentStatus::Failure
            && e.reason == Some(EnrollmentReason::FaceValidationFailed);
        if !(waiting || (self == EnrollmentEffect::SucceedRetry && failed_by_validation)) {
            return;
        }
        match self {
            EnrollmentEffect::Succeed | EnrollmentEffect::SucceedRetry => {
                e.status = EnrollmentStatus::Success;
                e.reason = None;
            }
            EnrollmentEffect::Fail => {
                e.status = EnrollmentStatus::Failure;
                e.reason = Some(EnrollmentReason::FaceValidationFailed);
            }
        }
        e.update_date = at;
    }
}

impl Verdict {
    fn declined(reason: DeclinedReason, checks: FaceChecks) -> Verdict {
        Verdict {
            failure: Some(FailureStatus::Declined),
            declined_reason: Some(reason),
            checks,
        }
    }
}

fn status(ok: bool) -> CheckStatus {
    if ok {
        CheckStatus::Success
    } else {
        CheckStatus::Failure
    }
}

/// An outcome forced on a validation by a scenario rule or an armed outcome: it ends so
/// whatever its file shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ForcedVerdict {
    /// Declined with this reason.
    Declined(DeclinedReason),
    /// `failure_status: system_error`.
    SystemError,
}

impl ForcedVerdict {
    /// A `declined_reason` or `system_error`.
    pub fn parse(name: &str) -> Option<ForcedVerdict> {
        if name == "system_error" {
            return Some(ForcedVerdict::SystemError);
        }
        DeclinedReason::parse(name).map(ForcedVerdict::Declined)
    }

    fn verdict(self) -> Verdict {
        match self {
            ForcedVerdict::Declined(reason) => Verdict::declined(reason, FaceChecks::default()),
            ForcedVerdict::SystemError => Verdict {
                failure: Some(FailureStatus::SystemError),
                declined_reason: None,
                checks: FaceChecks::default(),
            },
        }
    }
}

/// Decides a validation from its probe and the enrollment's reference picture.
pub fn judge(
    req: &NewValidation,
    probe: &FaceAnalysis,
    reference: Option<&FaceAnalysis>,
    matcher: &dyn Matcher,
) -> Verdict {
    let wants = |s| req.subvalidations.contains(&s);
    if forced_system_error(probe) {
        return Verdict {
            failure: Some(FailureStatus::SystemError),
            declined_reason: None,
            checks: FaceChecks::default(),
        };
    }
    if !(is_supported_picture(probe.kind) || probe.kind.is_video()) {
        return Verdict::declined(
            DeclinedReason::FileFormatNotSupported,
            FaceChecks::default(),
        );
    }
    if probe.faces == FaceCount::None {
        let checks = FaceChecks {
            similarity_status: wants(Subvalidation::Similarity).then_some(CheckStatus::Failure),
            confidence_score: wants(Subvalidation::Similarity).then_some(0.0),
            ..FaceChecks::default()
        };
        return Verdict::declined(DeclinedReason::NoFaceDetected, checks);
    }
    if probe.blocklisted {
        return Verdict::declined(DeclinedReason::FaceInBlocklist, FaceChecks::default());
    }
    let mut checks = FaceChecks::default();
    let mut reason = None;
    if wants(Subvalidation::PassiveLiveness) {
        let live = probe.liveness == Liveness::Live;
        checks.passive_liveness_status = Some(status(live));
        if !live {
            reason.get_or_insert(DeclinedReason::PassiveLivenessVerificationNotPassed);
        }
    }
    if wants(Subvalidation::Similarity) {
        let score = reference.map_or(0.0, |r| matcher.similarity(probe, r, DEFAULT_THRESHOLD));
        let pass = score >= req.threshold;
        checks.similarity_status = Some(status(pass));
        checks.confidence_score = Some(score);
        if !pass {
            reason.get_or_insert(DeclinedReason::SimilarityThresholdNotPassed);
        }
    }
    if wants(Subvalidation::SpeechMatch) {
        let pass = marker_value(probe, "speech") != Some("mismatch");
        checks.speech_match_status = Some(status(pass));
        if !pass {
            reason.get_or_insert(DeclinedReason::SpeechMatchNotPassed);
        }
    }
    match reason {
        Some(r) => Verdict::declined(r, checks),
        None => Verdict {
            failure: None,
            declined_reason: None,
            checks,
        },
    }
}

fn enrollment_not_found() -> TruoraError {
    TruoraError::not_found("The Enrollment was not found")
}

fn validation_not_found() -> TruoraError {
    TruoraError::not_found("The Validation was not found")
}
