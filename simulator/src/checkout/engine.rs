//! The face-authentication state machine: accounts, applicants, face authentications, attempts
//! and assets, and their transitions in virtual time. No HTTP here: every operation takes the
//! current time and typed input, and answers a value or a [`CheckoutError`]. Every transition
//! records an [`Event`] in an outbox the adapter drains.

use super::error::CheckoutError;
use super::ids::{new_id, new_token};
use super::model::*;
use super::request::{
    ApplicantUpdate, ClientInformation, NewApplicant, NewAttempt, NewFaceAuthentication,
    PhoneNumber,
};
use super::sandbox::{self, Step};
use super::verdict::{judge, Outcome};
use crate::config::CheckoutConfig;
use crate::media::{
    render, AnalysisError, FaceAnalysis, FixtureFormat, FixtureSpec, Marker, Matcher, MediaKind,
};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

mod armed;
mod snapshot;

pub use snapshot::StoreSnapshot;

/// Timings, limits and accounts of the flow.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a never-opened attempt link lives.
    pub attempt_link_ttl: Duration,
    /// How long the checks take after a capture.
    pub checks_duration: Duration,
    /// Attempts ending with a `61xxx` code a face authentication allows.
    pub allowed_attempts: u32,
    /// Lowest similarity that matches the reference.
    pub match_threshold: f64,
    /// The accounts, by secret key.
    pub accounts: Vec<AccountSettings>,
}

/// One account.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// The secret key that authenticates it.
    pub secret_key: String,
    /// Whether attempt assets list `face_video`.
    pub videos: bool,
}

impl Settings {
    /// Settings from the `[checkout]` configuration table.
    pub fn from_config(c: &CheckoutConfig) -> Settings {
        Settings {
            attempt_link_ttl: Duration::seconds(c.attempt_link_ttl_seconds as i64),
            checks_duration: Duration::seconds(c.checks_duration_seconds as i64),
            allowed_attempts: c.allowed_attempts,
            match_threshold: c.match_threshold,
            accounts: c
                .accounts
                .iter()
                .map(|a| AccountSettings {
                    secret_key: a.secret_key.clone(),
                    videos: a.videos,
                })
                .collect(),
        }
    }
}

/// An account: the owner of the resources created with one secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AccountId(usize);

/// An applicant.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Applicant {
    /// `aplt_…`.
    pub id: String,
    /// The owner.
    pub account: AccountId,
    /// Creation time.
    pub created_on: DateTime<Utc>,
    /// Last change.
    pub modified_on: DateTime<Utc>,
    /// The merchant's reference (kept by anonymization).
    pub external_applicant_id: Option<String>,
    /// Email (dropped by anonymization).
    pub email: Option<String>,
    /// Name (dropped by anonymization).
    pub external_applicant_name: Option<String>,
    /// The face selfies are compared with.
    pub reference: Option<FaceAnalysis>,
}

/// A face authentication.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FaceAuthentication {
    /// `fav_…`.
    pub id: String,
    /// The owner.
    pub account: AccountId,
    /// The applicant authenticated.
    pub applicant_id: String,
    /// The configuration ID given at creation.
    pub user_journey_id: String,
    /// Creation time.
    pub created_on: DateTime<Utc>,
    /// Last change.
    pub modified_on: DateTime<Utc>,
    /// The status.
    pub status: FaceAuthenticationStatus,
    /// The code of the latest outcome.
    pub response_codes: Vec<ResponseCode>,
    /// Risk labels of the latest checks.
    pub risk_labels: Vec<RiskLabel>,
    /// The `face_image` asset of the latest completed capture.
    pub face_image: Option<String>,
    /// The attempts, oldest first.
    pub attempts: Vec<String>,
    /// Attempts that ended with a `61xxx` code.
    pub retries_used: u32,
    /// Anonymized, and nothing was captured since.
    pub anonymized: bool,
}

/// The applicant's sessions on the capture page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionInformation {
    /// The address of the first session.
    pub ip_address: String,
    /// The browser of the first session.
    pub user_agent: Option<String>,
    /// How many times the page was opened.
    pub number_of_sessions: u32,
    /// `mobile` or `desktop`, from the first session's user agent.
    pub initial_device: &'static str,
}

impl SessionInformation {
    /// The information of a first session.
    fn first(session: &SessionInfo) -> SessionInformation {
        SessionInformation {
            ip_address: session.ip_address.clone(),
            user_agent: session.user_agent.clone(),
            number_of_sessions: 1,
            initial_device: if is_mobile(session.user_agent.as_deref()) {
                "mobile"
            } else {
                "desktop"
            },
        }
    }
}

/// Checks running on a completed capture.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checks {
    /// When they finish.
    pub due: DateTime<Utc>,
    /// What they conclude.
    pub outcome: Outcome,
    /// Risk labels they raise.
    pub risk_labels: Vec<RiskLabel>,
}

/// An attempt of a face authentication.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    /// `fatp_…`.
    pub id: String,
    /// The face authentication it belongs to.
    pub face_authentication_id: String,
    /// The last segment of its verification URL.
    pub token: String,
    /// Creation time.
    pub created_on: DateTime<Utc>,
    /// Last change.
    pub modified_on: DateTime<Utc>,
    /// The status.
    pub status: AttemptStatus,
    /// The code it ended with.
    pub response_codes: Vec<ResponseCode>,
    /// Where the applicant goes afterwards.
    pub redirect_url: String,
    /// Pre-selections for the capture page.
    pub client_information: Option<ClientInformation>,
    /// The applicant's phone number (dropped by anonymization).
    pub phone_number: Option<PhoneNumber>,
    /// The applicant's sessions (dropped by anonymization).
    pub session: Option<SessionInformation>,
    /// When the capture page was first opened.
    pub opened_on: Option<DateTime<Utc>>,
    /// The assets, `face_image` first.
    pub assets: Vec<String>,
    /// The checks, while they run.
    pub checks: Option<Checks>,
    /// The outcome a scenario rule or an armed outcome forced: the capture completes with it
    /// when opened.
    pub forced: Option<Step>,
}

/// A captured picture or video.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Asset {
    /// `fasset_…`.
    pub id: String,
    /// The attempt that captured it.
    pub attempt_id: String,
    /// `face_image` or `face_video`.
    pub kind: AssetType,
    /// The file's format.
    pub media: MediaKind,
    /// The content.
    #[serde(with = "crate::persistence::codec::base64_bytes")]
    pub bytes: Bytes,
}

/// What a webhook reports: a face authentication as it was after a transition.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// `evt_…`.
    pub id: String,
    /// The event type.
    pub kind: EventType,
    /// When the transition happened.
    pub at: DateTime<Utc>,
    /// The owner of the face authentication.
    pub account: AccountId,
    /// `aplt_…`.
    pub applicant_id: String,
    /// The applicant's external ID, when it has one.
    pub external_applicant_id: Option<String>,
    /// `fav_…`.
    pub face_authentication_id: String,
    /// The face authentication's status after the transition.
    pub status: FaceAuthenticationStatus,
    /// Its response codes after the transition.
    pub response_codes: Vec<ResponseCode>,
    /// Its configuration ID.
    pub user_journey_id: String,
}

/// What the capture page needs to know about the attempt behind a verification URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedAttempt {
    /// `fatp_…`.
    pub attempt_id: String,
    /// `fav_…`.
    pub face_authentication_id: String,
    /// The attempt's status.
    pub status: AttemptStatus,
    /// Where the page sends the applicant afterwards.
    pub redirect_url: String,
    /// The applicant's name, for the greeting.
    pub applicant_name: Option<String>,
    /// Whether the applicant's `external_applicant_id` follows the sandbox convention, so that
    /// opening the page completes the capture on its own.
    pub sandbox_outcomes: bool,
}

/// Who is on the capture page (fills `applicant_session_information`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInfo {
    /// The client's address.
    pub ip_address: String,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// Why a capture action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    /// No attempt has this ID.
    #[error("no attempt {0}")]
    UnknownAttempt(String),
    /// The attempt's status does not allow the action.
    #[error("the attempt is {status}: `{action}` is only possible while it is pending_redirection or capture_in_progress")]
    NotAllowed {
        /// The action's name.
        action: &'static str,
        /// The attempt's status.
        status: AttemptStatus,
    },
    /// The selfie cannot be used (no picture, does not decode, …).
    #[error("the selfie cannot be used: {0}")]
    UnusableSelfie(String),
    /// The code does not belong to the action's family.
    #[error("{code} cannot end `{action}`: it takes a {expected} code")]
    WrongCode {
        /// The action's name.
        action: &'static str,
        /// The code given.
        code: u32,
        /// The family it needs, e.g. `62xxx`.
        expected: &'static str,
    },
}

impl CaptureAction {
    /// The action's name, as the control API spells it.
    pub fn name(&self) -> &'static str {
        match self {
            CaptureAction::Open => "open",
            CaptureAction::Selfie(_) => "selfie",
            CaptureAction::Approve => "approve",
            CaptureAction::Decline(_) => "decline",
            CaptureAction::Inconclusive(_) => "inconclusive",
            CaptureAction::Abort(_) => "abort",
            CaptureAction::Refuse => "refuse",
            CaptureAction::Close => "close",
        }
    }

    /// Checks the code an action carries against the family it needs.
    fn check_code(&self) -> Result<(), ActError> {
        let (code, family, expected) = match self {
            CaptureAction::Decline(c) => (*c, CodeFamily::Declined, "62xxx"),
            CaptureAction::Inconclusive(c) | CaptureAction::Abort(c) => {
                (*c, CodeFamily::RetryRequired, "61xxx")
            }
            _ => return Ok(()),
        };
        if code.family() == family {
            Ok(())
        } else {
            Err(ActError::WrongCode {
                action: self.name(),
                code: code.code(),
                expected,
            })
        }
    }
}

/// Whether a `User-Agent` is a phone's or a tablet's.
fn is_mobile(user_agent: Option<&str>) -> bool {
    let ua = user_agent.unwrap_or_default().to_ascii_lowercase();
    ["mobile", "android", "iphone", "ipad", "ipod"]
        .iter()
        .any(|m| ua.contains(m))
}

/// How an attempt that is replaced or closed ends: never opened => `expired`, else
/// `capture_aborted` (Decision 9).
fn closed_status(attempt: &Attempt) -> AttemptStatus {
    if attempt.opened_on.is_some() {
        AttemptStatus::CaptureAborted
    } else {
        AttemptStatus::Expired
    }
}

/// Whether the attempt can still be acted upon.
fn is_open(status: AttemptStatus) -> bool {
    matches!(
        status,
        AttemptStatus::PendingRedirection | AttemptStatus::CaptureInProgress
    )
}

/// All Checkout state of one simulator.
#[derive(Debug)]
pub struct Store {
    settings: Settings,
    applicants: HashMap<String, Applicant>,
    face_authentications: HashMap<String, FaceAuthentication>,
    attempts: HashMap<String, Attempt>,
    tokens: HashMap<String, String>,
    assets: HashMap<String, Asset>,
    /// Attempts waiting for their link to expire or their checks to finish.
    timed: Vec<String>,
    /// Nothing is due before this instant; `None`: nothing is due at all.
    next_due: Option<DateTime<Utc>>,
    outbox: Vec<Event>,
    /// Outcomes armed per applicant through the control API.
    armed: crate::armed::ArmedOutcomes<Step>,
}

fn applicant_not_found() -> CheckoutError {
    CheckoutError::not_found("applicant_not_found")
}

fn face_authentication_not_found() -> CheckoutError {
    CheckoutError::not_found("face_authentication_not_found")
}

fn attempt_not_found() -> CheckoutError {
    CheckoutError::not_found("attempt_not_found")
}

impl Store {
    /// An empty store.
    pub fn new(settings: Settings) -> Store {
        Store {
            settings,
            applicants: HashMap::new(),
            face_authentications: HashMap::new(),
            attempts: HashMap::new(),
            tokens: HashMap::new(),
            assets: HashMap::new(),
            timed: Vec::new(),
            next_due: None,
            outbox: Vec::new(),
            armed: Default::default(),
        }
    }

    /// Drops every resource and pending event.
    pub fn clear(&mut self) {
        *self = Store::new(self.settings.clone());
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The account a secret key authenticates.
    pub fn account(&self, secret_key: &str) -> Option<AccountId> {
        self.settings
            .accounts
            .iter()
            .position(|a| a.secret_key == secret_key)
            .map(AccountId)
    }

    /// Whether the account's attempt assets include videos.
    pub fn videos_enabled(&self, account: AccountId) -> bool {
        self.settings
            .accounts
            .get(account.0)
            .is_some_and(|a| a.videos)
    }

    /// The events recorded since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    /// Whether events wait in the outbox.
    pub fn has_events(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// The next instant a time-driven transition is due, if any.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.next_due
    }

    // ----- applicants -----

    /// `POST /applicants`.
    pub fn create_applicant(
        &mut self,
        account: AccountId,
        req: NewApplicant,
        now: DateTime<Utc>,
    ) -> &Applicant {
        let applicant = Applicant {
            id: new_id("aplt"),
            account,
            created_on: now,
            modified_on: now,
            external_applicant_id: req.external_applicant_id,
            email: req.email,
            external_applicant_name: req.external_applicant_name,
            reference: None,
        };
        self.applicants
            .entry(applicant.id.clone())
            .or_insert(applicant)
    }

    /// `GET /applicants/{id}`.
    pub fn applicant(&self, account: AccountId, id: &str) -> Result<&Applicant, CheckoutError> {
        self.applicants
            .get(id)
            .filter(|a| a.account == account)
            .ok_or_else(applicant_not_found)
    }

    fn applicant_mut(
        &mut self,
        account: AccountId,
        id: &str,
    ) -> Result<&mut Applicant, CheckoutError> {
        self.applicants
            .get_mut(id)
            .filter(|a| a.account == account)
            .ok_or_else(applicant_not_found)
    }

    /// `PATCH /applicants/{id}`.
    pub fn update_applicant(
        &mut self,
        account: AccountId,
        id: &str,
        update: ApplicantUpdate,
        now: DateTime<Utc>,
    ) -> Result<&Applicant, CheckoutError> {
        let applicant = self.applicant_mut(account, id)?;
        if let Some(email) = update.email {
            applicant.email = Some(email);
        }
        if let Some(name) = update.external_applicant_name {
            applicant.external_applicant_name = Some(name);
        }
        applicant.modified_on = now;
        Ok(applicant)
    }

    /// `POST /applicants/{id}/anonymize`: drops the email, the name and the reference picture.
    pub fn anonymize_applicant(
        &mut self,
        account: AccountId,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<&Applicant, CheckoutError> {
        let applicant = self.applicant_mut(account, id)?;
        if applicant.email.is_some()
            || applicant.external_applicant_name.is_some()
            || applicant.reference.is_some()
        {
            applicant.email = None;
            applicant.external_applicant_name = None;
            applicant.reference = None;
            applicant.modified_on = now;
        }
        Ok(applicant)
    }

    /// An applicant of any account (the control API).
    pub fn any_applicant(&self, id: &str) -> Option<&Applicant> {
        self.applicants.get(id)
    }

    /// Every applicant of every account, in no particular order (the control API).
    pub fn all_applicants(&self) -> impl Iterator<Item = &Applicant> {
        self.applicants.values()
    }

    /// Sets the reference picture of an applicant of any account (the control API).
    pub fn set_reference(
        &mut self,
        applicant_id: &str,
        reference: FaceAnalysis,
        now: DateTime<Utc>,
    ) -> Option<&Applicant> {
        let applicant = self.applicants.get_mut(applicant_id)?;
        applicant.reference = Some(reference);
        applicant.modified_on = now;
        Some(applicant)
    }

    // ----- face authentications -----

    /// `POST /face-authentications`.
    pub fn create_face_authentication(
        &mut self,
        account: AccountId,
        req: NewFaceAuthentication,
        now: DateTime<Utc>,
    ) -> Result<&FaceAuthentication, CheckoutError> {
        let applicant = req.applicant_id.and_then(|id| {
            self.applicant(account, &id)
                .map(|_| id)
                .map_err(|_| "applicant_not_found".to_string())
        });
        let (applicant_id, user_journey_id) = match (applicant, req.user_journey_id) {
            (Ok(a), Ok(u)) => (a, u),
            (a, u) => {
                return Err(CheckoutError::invalid(
                    [a.err(), u.err()].into_iter().flatten().collect(),
                ))
            }
        };
        let fa = FaceAuthentication {
            id: new_id("fav"),
            account,
            applicant_id,
            user_journey_id,
            created_on: now,
            modified_on: now,
            status: FaceAuthenticationStatus::Created,
            response_codes: Vec::new(),
            risk_labels: Vec::new(),
            face_image: None,
            attempts: Vec::new(),
            retries_used: 0,
            anonymized: false,
        };
        let id = fa.id.clone();
        self.face_authentications.insert(id.clone(), fa);
        self.record(&id, EventType::Created, now);
        Ok(&self.face_authentications[&id])
    }

    /// `GET /face-authentications/{id}`.
    pub fn face_authentication(
        &self,
        account: AccountId,
        id: &str,
    ) -> Result<&FaceAuthentication, CheckoutError> {
        self.face_authentications
            .get(id)
            .filter(|f| f.account == account)
            .ok_or_else(face_authentication_not_found)
    }

    /// A face authentication of any account (the control API).
    pub fn any_face_authentication(&self, id: &str) -> Option<&FaceAuthentication> {
        self.face_authentications.get(id)
    }

    /// Every face authentication of every account, in no particular order (the control API).
    pub fn all_face_authentications(&self) -> impl Iterator<Item = &FaceAuthentication> {
        self.face_authentications.values()
    }

    /// `POST /face-authentications/{id}/anonymize` (Decision 12).
    pub fn anonymize_face_authentication(
        &mut self,
        account: AccountId,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<&FaceAuthentication, CheckoutError> {
        let fa = self.face_authentication(account, id)?;
        if matches!(
            fa.status,
            FaceAuthenticationStatus::CaptureInProgress
                | FaceAuthenticationStatus::ChecksInProgress
        ) {
            return Err(CheckoutError::invalid(vec![
                "face_authentication_not_anonymizable".into(),
            ]));
        }
        let waiting = fa
            .attempts
            .last()
            .filter(|a| self.attempts[*a].status == AttemptStatus::PendingRedirection)
            .cloned();
        if let Some(attempt_id) = waiting {
            self.close_attempt(&attempt_id, now);
        }
        let fa = self.face_authentications.get_mut(id).expect("checked");
        if !fa.anonymized {
            fa.anonymized = true;
            fa.face_image = None;
            fa.modified_on = now;
            for attempt_id in fa.attempts.clone() {
                let attempt = self.attempts.get_mut(&attempt_id).expect("listed");
                attempt.phone_number = None;
                attempt.session = None;
                for asset in attempt.assets.drain(..) {
                    self.assets.remove(&asset);
                }
            }
            self.record(id, EventType::Anonymized, now);
        }
        Ok(&self.face_authentications[id])
    }

    /// Records a manual audit of a finished face authentication of any account (the control
    /// API): `code` must be `10000` or a `62xxx` code.
    pub fn audit(
        &mut self,
        id: &str,
        code: ResponseCode,
        now: DateTime<Utc>,
    ) -> Result<&FaceAuthentication, AuditError> {
        let fa = self
            .face_authentications
            .get_mut(id)
            .ok_or(AuditError::Unknown)?;
        if !fa.status.is_final() {
            return Err(AuditError::NotFinished(fa.status));
        }
        fa.status = match code.family() {
            CodeFamily::Approved => FaceAuthenticationStatus::Approved,
            CodeFamily::Declined => FaceAuthenticationStatus::Declined,
            _ => return Err(AuditError::WrongCode(code.code())),
        };
        fa.response_codes = vec![code];
        fa.modified_on = now;
        self.record(id, EventType::AuditCompleted, now);
        Ok(&self.face_authentications[id])
    }

    // ----- attempts -----

    /// `POST /face-authentications/{id}/attempts`: the 409 rule, and the previous attempt
    /// closed with `64001` when one is still open (Decision 9). The attempt takes one use of
    /// the oldest outcome armed for the applicant, if any.
    pub fn create_attempt(
        &mut self,
        account: AccountId,
        fa_id: &str,
        req: NewAttempt,
        now: DateTime<Utc>,
    ) -> Result<&Attempt, CheckoutError> {
        self.create_forced_attempt(account, fa_id, req, None, now)
    }

    /// `POST /face-authentications/{id}/attempts` with the outcome a scenario rule forced on
    /// the request: it takes precedence over an outcome armed for the applicant, which then
    /// stays armed.
    pub fn create_forced_attempt(
        &mut self,
        account: AccountId,
        fa_id: &str,
        req: NewAttempt,
        rule: Option<Step>,
        now: DateTime<Utc>,
    ) -> Result<&Attempt, CheckoutError> {
        let fa = self.face_authentication(account, fa_id)?;
        let applicant_id = fa.applicant_id.clone();
        let status = fa.status;
        if !status.accepts_new_attempt() {
            return Err(CheckoutError::conflict(format!(
                "face_authentication_status_{status}"
            )));
        }
        let previous = fa.attempts.last().cloned();
        let event = match status {
            FaceAuthenticationStatus::Created => EventType::Opened,
            FaceAuthenticationStatus::RetryRequired => EventType::RetryRequested,
            _ => EventType::Reset,
        };
        if event == EventType::Reset {
            if let Some(previous) = previous.filter(|p| is_open(self.attempts[p].status)) {
                self.replace_attempt(&previous, now);
            }
        }
        let forced = rule.or_else(|| self.armed.take(&applicant_id));
        let attempt = Attempt {
            id: new_id("fatp"),
            face_authentication_id: fa_id.to_string(),
            token: new_token(),
            created_on: now,
            modified_on: now,
            status: AttemptStatus::PendingRedirection,
            response_codes: Vec::new(),
            redirect_url: req.redirect_url,
            client_information: req.client_information,
            phone_number: req.phone_number,
            session: None,
            opened_on: None,
            assets: Vec::new(),
            checks: None,
            forced,
        };
        let id = attempt.id.clone();
        self.tokens.insert(attempt.token.clone(), id.clone());
        self.attempts.insert(id.clone(), attempt);
        let fa = self.face_authentications.get_mut(fa_id).expect("checked");
        fa.attempts.push(id.clone());
        fa.status = FaceAuthenticationStatus::Pending;
        fa.response_codes.clear();
        fa.risk_labels.clear();
        fa.anonymized = false;
        fa.modified_on = now;
        self.record(fa_id, event, now);
        self.watch(&id);
        Ok(&self.attempts[&id])
    }

    /// The attempts of a face authentication, newest first.
    pub fn attempts(
        &self,
        account: AccountId,
        fa_id: &str,
    ) -> Result<Vec<&Attempt>, CheckoutError> {
        let fa = self.face_authentication(account, fa_id)?;
        Ok(fa
            .attempts
            .iter()
            .rev()
            .map(|id| &self.attempts[id])
            .collect())
    }

    /// `GET /face-authentications/{fa_id}/attempts/{id}`.
    pub fn attempt(
        &self,
        account: AccountId,
        fa_id: &str,
        id: &str,
    ) -> Result<&Attempt, CheckoutError> {
        self.face_authentication(account, fa_id)?;
        self.attempts
            .get(id)
            .filter(|a| a.face_authentication_id == fa_id)
            .ok_or_else(attempt_not_found)
    }

    /// An attempt of any account (the control API).
    pub fn any_attempt(&self, id: &str) -> Option<&Attempt> {
        self.attempts.get(id)
    }

    /// The assets of an attempt, `face_image` first.
    pub fn attempt_assets(
        &self,
        account: AccountId,
        fa_id: &str,
        id: &str,
    ) -> Result<Vec<&Asset>, CheckoutError> {
        let attempt = self.attempt(account, fa_id, id)?;
        Ok(attempt.assets.iter().map(|a| &self.assets[a]).collect())
    }

    /// A stored asset.
    pub fn asset(&self, id: &str) -> Option<&Asset> {
        self.assets.get(id)
    }

    // ----- the capture page -----

    /// The attempt behind a verification URL token.
    pub fn hosted_attempt(&mut self, token: &str, now: DateTime<Utc>) -> Option<HostedAttempt> {
        self.settle(now);
        let attempt = self.attempts.get(self.tokens.get(token)?)?;
        let fa = &self.face_authentications[&attempt.face_authentication_id];
        let applicant = &self.applicants[&fa.applicant_id];
        Some(HostedAttempt {
            attempt_id: attempt.id.clone(),
            face_authentication_id: fa.id.clone(),
            status: attempt.status,
            redirect_url: attempt.redirect_url.clone(),
            applicant_name: applicant.external_applicant_name.clone(),
            sandbox_outcomes: self.sandbox_steps(&fa.applicant_id).is_some(),
        })
    }

    /// Applies what the applicant (or a test) does on an attempt's capture page. `Open` starts
    /// the capture of a `pending_redirection` attempt (and completes it under the sandbox
    /// convention) or counts another session; a selfie or an outcome on a
    /// `pending_redirection` attempt opens it first. A selfie is judged by `matcher` against
    /// the applicant's reference; pass a [`super::preanalyzed::Preanalyzed`] matcher to have
    /// the picture decoded beforehand, off the store's lock.
    pub fn act(
        &mut self,
        attempt_id: &str,
        action: CaptureAction,
        session: &SessionInfo,
        matcher: &dyn Matcher,
        now: DateTime<Utc>,
    ) -> Result<&Attempt, ActError> {
        self.settle(now);
        let attempt = self
            .attempts
            .get(attempt_id)
            .ok_or_else(|| ActError::UnknownAttempt(attempt_id.to_string()))?;
        let status = attempt.status;
        if !is_open(status) {
            return Err(ActError::NotAllowed {
                action: action.name(),
                status,
            });
        }
        action.check_code()?;
        let analysed = match &action {
            CaptureAction::Selfie(bytes) => Some(matcher.analyze(bytes, false)),
            _ => None,
        };
        let (action, analysis) = match analysed {
            None => (action, None),
            Some(Ok(analysis)) => (action, Some(analysis)),
            // The matcher itself failed: the checks end inconclusive with 61901, as a fault does.
            Some(Err(AnalysisError::Failed { detail })) => {
                tracing::error!(%detail, "the face matcher failed on a selfie");
                (
                    CaptureAction::Inconclusive(ResponseCode::INTERNAL_ERROR),
                    None,
                )
            }
            Some(Err(e)) => return Err(ActError::UnusableSelfie(unusable(&e))),
        };
        let pending = status == AttemptStatus::PendingRedirection;
        match action {
            CaptureAction::Close => self.close_attempt(attempt_id, now),
            CaptureAction::Open if pending => {
                self.start_capture(attempt_id, session, now);
                self.apply_sandbox(attempt_id, now);
            }
            CaptureAction::Open => self.count_session(attempt_id, session, now),
            ending => {
                if pending {
                    self.start_capture(attempt_id, session, now);
                }
                self.end_capture(attempt_id, ending, analysis, matcher, now);
            }
        }
        self.settle(now);
        Ok(&self.attempts[attempt_id])
    }

    /// Ends a running capture with a selfie (its `analysis` done) or a chosen outcome.
    fn end_capture(
        &mut self,
        attempt_id: &str,
        action: CaptureAction,
        analysis: Option<FaceAnalysis>,
        matcher: &dyn Matcher,
        now: DateTime<Utc>,
    ) {
        let chosen = |outcome| (outcome, Vec::new(), None);
        let (outcome, risk_labels, selfie) = match (action, analysis) {
            (CaptureAction::Approve, _) => chosen(Outcome::Approved),
            (CaptureAction::Decline(code), _) => chosen(Outcome::Declined(code)),
            (CaptureAction::Inconclusive(code), _) => chosen(Outcome::Inconclusive(code)),
            (CaptureAction::Abort(code), _) => return self.abort_capture(attempt_id, code, now),
            (CaptureAction::Refuse, _) => return self.refuse_capture(attempt_id, now),
            (CaptureAction::Selfie(bytes), Some(analysis)) => {
                return self.capture_selfie(attempt_id, bytes, analysis, matcher, now)
            }
            (CaptureAction::Selfie(_), None) | (CaptureAction::Open | CaptureAction::Close, _) => {
                return
            }
        };
        self.complete_capture(attempt_id, outcome, risk_labels, selfie, now);
    }

    // ----- time -----

    /// Applies every transition due at `now`: finished checks and expired links.
    pub fn settle(&mut self, now: DateTime<Utc>) {
        if self.next_due.is_none_or(|due| due > now) {
            return;
        }
        let mut due: Vec<(DateTime<Utc>, String)> = self
            .timed
            .iter()
            .filter_map(|id| {
                self.due_at(id)
                    .filter(|at| *at <= now)
                    .map(|at| (at, id.clone()))
            })
            .collect();
        due.sort();
        for (at, id) in due {
            let attempt = &self.attempts[&id];
            match (attempt.status, attempt.checks.clone()) {
                (AttemptStatus::ChecksInProgress, Some(checks)) => {
                    self.finish_checks(&id, checks, at)
                }
                (AttemptStatus::PendingRedirection, _) => {
                    self.end_attempt(&id, AttemptStatus::Expired, ResponseCode::NEVER_STARTED, at)
                }
                _ => {}
            }
        }
        self.refresh_due();
    }

    /// When an attempt's next time-driven transition is due.
    fn due_at(&self, attempt_id: &str) -> Option<DateTime<Utc>> {
        let attempt = self.attempts.get(attempt_id)?;
        match attempt.status {
            AttemptStatus::PendingRedirection => {
                Some(attempt.created_on + self.settings.attempt_link_ttl)
            }
            AttemptStatus::ChecksInProgress => attempt.checks.as_ref().map(|c| c.due),
            _ => None,
        }
    }

    /// Keeps an attempt's deadline in view.
    fn watch(&mut self, attempt_id: &str) {
        if !self.timed.iter().any(|t| t == attempt_id) {
            self.timed.push(attempt_id.to_string());
        }
        self.refresh_due();
    }

    fn refresh_due(&mut self) {
        let attempts = &self.attempts;
        self.timed.retain(|id| {
            attempts.get(id).is_some_and(|a| {
                matches!(
                    a.status,
                    AttemptStatus::PendingRedirection | AttemptStatus::ChecksInProgress
                )
            })
        });
        self.next_due = self.timed.iter().filter_map(|id| self.due_at(id)).min();
    }

    // ----- transitions -----

    /// Pushes an event with the face authentication as it is now.
    fn record(&mut self, fa_id: &str, kind: EventType, at: DateTime<Utc>) {
        let fa = &self.face_authentications[fa_id];
        let applicant = self.applicants.get(&fa.applicant_id);
        self.outbox.push(Event {
            id: new_id("evt"),
            kind,
            at,
            account: fa.account,
            applicant_id: fa.applicant_id.clone(),
            external_applicant_id: applicant.and_then(|a| a.external_applicant_id.clone()),
            face_authentication_id: fa.id.clone(),
            status: fa.status,
            response_codes: fa.response_codes.clone(),
            user_journey_id: fa.user_journey_id.clone(),
        });
    }

    fn sandbox_steps(&self, applicant_id: &str) -> Option<Vec<Step>> {
        self.applicants
            .get(applicant_id)?
            .external_applicant_id
            .as_deref()
            .and_then(sandbox::parse)
    }

    /// The attempt's face authentication, mutably.
    fn fa_of(&mut self, attempt_id: &str) -> &mut FaceAuthentication {
        let fa_id = &self.attempts[attempt_id].face_authentication_id;
        self.face_authentications
            .get_mut(fa_id)
            .expect("attempts have their face authentication")
    }

    /// Moves the attempt and its face authentication to `status`, then records `event`.
    fn transition(
        &mut self,
        attempt_id: &str,
        attempt_status: AttemptStatus,
        fa_status: FaceAuthenticationStatus,
        event: EventType,
        now: DateTime<Utc>,
    ) {
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.status = attempt_status;
        attempt.modified_on = now;
        let fa = self.fa_of(attempt_id);
        fa.status = fa_status;
        fa.modified_on = now;
        let fa_id = fa.id.clone();
        self.record(&fa_id, event, now);
    }

    /// The applicant opens the verification URL: the capture starts.
    fn start_capture(&mut self, attempt_id: &str, session: &SessionInfo, now: DateTime<Utc>) {
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.opened_on = Some(now);
        attempt.session = Some(SessionInformation::first(session));
        self.transition(
            attempt_id,
            AttemptStatus::CaptureInProgress,
            FaceAuthenticationStatus::CaptureInProgress,
            EventType::Started,
            now,
        );
        self.refresh_due();
    }

    /// The page is opened again while the capture runs.
    fn count_session(&mut self, attempt_id: &str, session: &SessionInfo, now: DateTime<Utc>) {
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        match &mut attempt.session {
            Some(s) => s.number_of_sessions += 1,
            None => attempt.session = Some(SessionInformation::first(session)),
        }
        attempt.modified_on = now;
    }

    /// Completes a just-opened capture with the outcome a scenario rule or an armed outcome
    /// forced or, else, the one the sandbox convention encodes.
    fn apply_sandbox(&mut self, attempt_id: &str, now: DateTime<Utc>) {
        if let Some(forced) = self.attempts[attempt_id].forced {
            return self.apply_step(attempt_id, Some(forced), now);
        }
        let fa = &self.face_authentications[&self.attempts[attempt_id].face_authentication_id];
        let Some(steps) = self.sandbox_steps(&fa.applicant_id) else {
            return;
        };
        let index = fa
            .attempts
            .iter()
            .filter(|id| *id != attempt_id && self.attempts[*id].opened_on.is_some())
            .count();
        self.apply_step(attempt_id, sandbox::step_for(&steps, index), now);
    }

    /// Forces the outcome of attempt `id` (a scenario rule); whether it exists.
    pub fn force_attempt(&mut self, id: &str, step: Step) -> bool {
        match self.attempts.get_mut(id) {
            Some(attempt) => {
                attempt.forced = Some(step);
                true
            }
            None => false,
        }
    }

    /// Completes (or aborts, or refuses) an opened capture as `step` says.
    fn apply_step(&mut self, attempt_id: &str, step: Option<Step>, now: DateTime<Utc>) {
        match step {
            Some(Step::Approve) => {
                self.complete_capture(attempt_id, Outcome::Approved, Vec::new(), None, now)
            }
            Some(Step::Decline(code)) => {
                self.complete_capture(attempt_id, Outcome::Declined(code), Vec::new(), None, now)
            }
            Some(Step::Inconclusive(code)) => self.complete_capture(
                attempt_id,
                Outcome::Inconclusive(code),
                Vec::new(),
                None,
                now,
            ),
            Some(Step::Abort(code)) => self.abort_capture(attempt_id, code, now),
            Some(Step::Refuse) => self.refuse_capture(attempt_id, now),
            None => {}
        }
    }

    /// Judges a selfie and completes the capture with it. Without a reference, a selfie that
    /// passes every other check becomes the applicant's reference (Decision 14).
    fn capture_selfie(
        &mut self,
        attempt_id: &str,
        bytes: Bytes,
        analysis: FaceAnalysis,
        matcher: &dyn Matcher,
        now: DateTime<Utc>,
    ) {
        let applicant_id = self.fa_of(attempt_id).applicant_id.clone();
        let applicant = self
            .applicants
            .get_mut(&applicant_id)
            .expect("known applicant");
        let verdict = judge(
            &analysis,
            applicant.reference.as_ref(),
            matcher,
            self.settings.match_threshold,
        );
        if verdict.becomes_reference {
            applicant.reference = Some(analysis.clone());
            applicant.modified_on = now;
        }
        self.complete_capture(
            attempt_id,
            verdict.outcome,
            verdict.risk_labels,
            Some((bytes, analysis)),
            now,
        );
    }

    /// The capture is complete: the assets are stored and the checks start.
    fn complete_capture(
        &mut self,
        attempt_id: &str,
        outcome: Outcome,
        risk_labels: Vec<RiskLabel>,
        selfie: Option<(Bytes, FaceAnalysis)>,
        now: DateTime<Utc>,
    ) {
        let fa = self.fa_of(attempt_id);
        let (account, applicant_id, number) = (
            fa.account,
            fa.applicant_id.clone(),
            fa.attempts.len() as u32,
        );
        let subject = match &selfie {
            Some((_, analysis)) => analysis.subject.clone(),
            None => self.applicants[&applicant_id]
                .reference
                .as_ref()
                .map_or_else(|| applicant_id.clone(), |r| r.subject.clone()),
        };
        let (image, image_kind) = match selfie {
            Some((bytes, analysis)) => (bytes, analysis.kind),
            None => (
                Bytes::from(render_subject(&subject, FixtureFormat::Jpeg, number)),
                MediaKind::Jpeg,
            ),
        };
        let image_id = self.store_asset(attempt_id, AssetType::FaceImage, image_kind, image);
        if self.videos_enabled(account) {
            let video = Bytes::from(render_subject(&subject, FixtureFormat::Mp4, number));
            self.store_asset(attempt_id, AssetType::FaceVideo, MediaKind::Mp4, video);
        }
        let due = now + self.settings.checks_duration;
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.checks = Some(Checks {
            due,
            outcome,
            risk_labels,
        });
        let fa = self.fa_of(attempt_id);
        fa.face_image = Some(image_id);
        fa.anonymized = false;
        self.transition(
            attempt_id,
            AttemptStatus::ChecksInProgress,
            FaceAuthenticationStatus::ChecksInProgress,
            EventType::CaptureCompleted,
            now,
        );
        self.watch(attempt_id);
    }

    fn store_asset(
        &mut self,
        attempt_id: &str,
        kind: AssetType,
        media: MediaKind,
        bytes: Bytes,
    ) -> String {
        let asset = Asset {
            id: new_id("fasset"),
            attempt_id: attempt_id.to_string(),
            kind,
            media,
            bytes,
        };
        let id = asset.id.clone();
        self.assets.insert(id.clone(), asset);
        self.attempts
            .get_mut(attempt_id)
            .expect("known attempt")
            .assets
            .push(id.clone());
        id
    }

    /// The checks are done: approved or declined, or inconclusive.
    fn finish_checks(&mut self, attempt_id: &str, checks: Checks, at: DateTime<Utc>) {
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.checks = None;
        let fa = self.fa_of(attempt_id);
        fa.risk_labels = checks.risk_labels;
        match checks.outcome {
            Outcome::Approved => self.end_with_verdict(
                attempt_id,
                FaceAuthenticationStatus::Approved,
                ResponseCode::APPROVED,
                at,
            ),
            Outcome::Declined(code) => {
                self.end_with_verdict(attempt_id, FaceAuthenticationStatus::Declined, code, at)
            }
            Outcome::Inconclusive(code) => {
                self.end_attempt(attempt_id, AttemptStatus::ChecksInconclusive, code, at)
            }
        }
    }

    fn end_with_verdict(
        &mut self,
        attempt_id: &str,
        status: FaceAuthenticationStatus,
        code: ResponseCode,
        at: DateTime<Utc>,
    ) {
        self.attempts
            .get_mut(attempt_id)
            .expect("known attempt")
            .response_codes = vec![code];
        self.fa_of(attempt_id).response_codes = vec![code];
        self.transition(
            attempt_id,
            AttemptStatus::Completed,
            status,
            EventType::ChecksCompleted,
            at,
        );
    }

    fn abort_capture(&mut self, attempt_id: &str, code: ResponseCode, now: DateTime<Utc>) {
        self.end_attempt(attempt_id, AttemptStatus::CaptureAborted, code, now);
    }

    fn refuse_capture(&mut self, attempt_id: &str, now: DateTime<Utc>) {
        let code = ResponseCode::APPLICANT_REFUSAL;
        self.attempts
            .get_mut(attempt_id)
            .expect("known attempt")
            .response_codes = vec![code];
        self.fa_of(attempt_id).response_codes = vec![code];
        self.transition(
            attempt_id,
            AttemptStatus::CaptureRefused,
            FaceAuthenticationStatus::Refused,
            EventType::CaptureRefused,
            now,
        );
    }

    /// Forcibly closes an open attempt (`64001`, event `closed`).
    fn close_attempt(&mut self, attempt_id: &str, now: DateTime<Utc>) {
        let status = closed_status(&self.attempts[attempt_id]);
        self.end_attempt(attempt_id, status, ResponseCode::FORCIBLY_CLOSED, now);
    }

    /// Closes an open attempt that a new one replaces (`64001`); the face authentication's
    /// `reset` event reports it.
    fn replace_attempt(&mut self, attempt_id: &str, now: DateTime<Utc>) {
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.status = closed_status(attempt);
        attempt.response_codes = vec![ResponseCode::FORCIBLY_CLOSED];
        attempt.checks = None;
        attempt.modified_on = now;
    }

    /// Ends an attempt with a `61xxx` or `64001` code: the face authentication may be retried,
    /// unless the `61xxx` outcome uses up its allowed attempts (Decision 11).
    fn end_attempt(
        &mut self,
        attempt_id: &str,
        status: AttemptStatus,
        code: ResponseCode,
        at: DateTime<Utc>,
    ) {
        let allowed = self.settings.allowed_attempts;
        let attempt = self.attempts.get_mut(attempt_id).expect("known attempt");
        attempt.response_codes = vec![code];
        attempt.checks = None;
        let fa = self.fa_of(attempt_id);
        let fa_status = if code.family() == CodeFamily::RetryRequired {
            fa.retries_used += 1;
            if fa.retries_used >= allowed {
                FaceAuthenticationStatus::Inconclusive
            } else {
                FaceAuthenticationStatus::RetryRequired
            }
        } else {
            FaceAuthenticationStatus::RetryRequired
        };
        fa.response_codes = vec![code];
        let event = match status {
            _ if code == ResponseCode::FORCIBLY_CLOSED => EventType::Closed,
            AttemptStatus::Expired => EventType::LinkExpired,
            AttemptStatus::ChecksInconclusive => EventType::ChecksInconclusive,
            _ => EventType::CaptureAborted,
        };
        self.transition(attempt_id, status, fa_status, event, at);
    }
}

/// Renders a picture or video of `subject`.
fn render_subject(subject: &str, format: FixtureFormat, variant: u32) -> Vec<u8> {
    render(&FixtureSpec {
        marker: Marker {
            subject: Some(subject.to_string()),
            ..Marker::default()
        },
        format,
        variant,
    })
}

/// The message for a selfie the matcher cannot use.
fn unusable(error: &AnalysisError) -> String {
    match error {
        AnalysisError::Unsupported { kind } if *kind == MediaKind::Unknown => {
            "the file is not a picture".into()
        }
        AnalysisError::Unsupported { kind } => {
            format!("a {} file is not a picture", kind.name())
        }
        other => other.to_string(),
    }
}

/// Why an audit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// No face authentication has this ID.
    #[error("no face authentication has this ID")]
    Unknown,
    /// Only finished face authentications are audited.
    #[error("the face authentication is {0}: only approved, declined, refused or inconclusive ones can be audited")]
    NotFinished(FaceAuthenticationStatus),
    /// Audits approve (`10000`) or decline (`62xxx`).
    #[error("{0} cannot be an audit's code: use 10000 or a 62xxx code")]
    WrongCode(u32),
}
