//! `GET {root}/_facesim/state/checkout`: applicants, face authentications and their attempts.

use super::listing::{self, Page, StatusCounts};
use crate::checkout::engine::{Applicant, Attempt, FaceAuthentication, Store};
use crate::checkout::http::with_store;
use crate::checkout::model::{AttemptStatus, FaceAuthenticationStatus};
use crate::checkout::views::{response_codes, ResponseCodeBody};
use crate::control::ControlError;
use crate::ids::rfc3339_nanos;
use crate::query_params::QueryParams;
use crate::state::App;
use serde::Serialize;

/// The Checkout state, settled at `now`.
#[derive(Debug, Serialize)]
pub struct CheckoutState {
    /// The virtual time the state was settled at.
    pub now: String,
    /// Applicants of every account, oldest first.
    pub applicants: Page<ApplicantView>,
    /// Face authentications of every account, oldest first.
    pub face_authentications: Page<FaceAuthenticationView>,
    /// Outcomes armed per applicant, oldest first, as `GET {root}/_facesim/checkout/outcomes`
    /// shows them.
    pub armed_outcomes: Page<serde_json::Value>,
}

/// An applicant as the state listing shows it.
#[derive(Debug, Serialize)]
pub struct ApplicantView {
    id: String,
    external_applicant_id: Option<String>,
    has_reference: bool,
    created_on: String,
    modified_on: String,
}

impl From<&Applicant> for ApplicantView {
    fn from(a: &Applicant) -> Self {
        ApplicantView {
            id: a.id.clone(),
            external_applicant_id: a.external_applicant_id.clone(),
            has_reference: a.reference.is_some(),
            created_on: rfc3339_nanos(a.created_on),
            modified_on: rfc3339_nanos(a.modified_on),
        }
    }
}

/// A face authentication as the state listing shows it.
#[derive(Debug, Serialize)]
pub struct FaceAuthenticationView {
    id: String,
    applicant_id: String,
    status: FaceAuthenticationStatus,
    response_codes: Vec<ResponseCodeBody>,
    created_on: String,
    modified_on: String,
    attempts: Page<AttemptView>,
}

impl FaceAuthenticationView {
    fn of(fa: &FaceAuthentication, store: &Store, limit: usize) -> Self {
        let attempts: Vec<&Attempt> = fa
            .attempts
            .iter()
            .filter_map(|id| store.any_attempt(id))
            .collect();
        FaceAuthenticationView {
            id: fa.id.clone(),
            applicant_id: fa.applicant_id.clone(),
            status: fa.status,
            response_codes: response_codes(&fa.response_codes),
            created_on: rfc3339_nanos(fa.created_on),
            modified_on: rfc3339_nanos(fa.modified_on),
            attempts: Page::of(
                attempts,
                limit,
                |a| (a.created_on, a.id.as_str()),
                AttemptView::from,
            ),
        }
    }
}

/// An attempt as the state listing shows it.
#[derive(Debug, Serialize)]
pub struct AttemptView {
    id: String,
    status: AttemptStatus,
    response_codes: Vec<ResponseCodeBody>,
    created_on: String,
    modified_on: String,
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        AttemptView {
            id: a.id.clone(),
            status: a.status,
            response_codes: response_codes(&a.response_codes),
            created_on: rfc3339_nanos(a.created_on),
            modified_on: rfc3339_nanos(a.modified_on),
        }
    }
}

/// Checkout's counts for the summary.
#[derive(Debug, Serialize)]
pub struct CheckoutCounts {
    applicants: usize,
    face_authentications: StatusCounts,
    attempts: StatusCounts,
    armed_outcomes: usize,
}

/// Lists the state settled at the current virtual time (publishing the webhooks of what that
/// settles, as every Checkout call does), as `query` (`status` of face authentications,
/// `limit`) asks.
pub fn state(app: &App, query: Option<&str>) -> Result<CheckoutState, ControlError> {
    let params = QueryParams::parse(query, &["status", "limit"])?;
    let limit = listing::limit(&params)?;
    let status = listing::status(
        &params,
        FaceAuthenticationStatus::parse,
        &FaceAuthenticationStatus::names(),
    )?;
    Ok(with_store(app, |store, now| {
        let applicants: Vec<&Applicant> = store.all_applicants().collect();
        let face_authentications: Vec<&FaceAuthentication> = store
            .all_face_authentications()
            .filter(|fa| status.is_none_or(|s| s == fa.status))
            .collect();
        CheckoutState {
            now: rfc3339_nanos(now),
            applicants: Page::of(
                applicants,
                limit,
                |a| (a.created_on, a.id.as_str()),
                ApplicantView::from,
            ),
            face_authentications: Page::of(
                face_authentications,
                limit,
                |fa| (fa.created_on, fa.id.as_str()),
                |fa| FaceAuthenticationView::of(fa, store, limit),
            ),
            armed_outcomes: listing::armed::<crate::checkout::armed_routes::CheckoutOutcomes>(
                store.armed_outcomes(),
                limit,
            ),
        }
    }))
}

/// Counts applicants, and face authentications and attempts by status, settled now.
pub fn counts(app: &App) -> CheckoutCounts {
    let fa_names: Vec<&str> = FaceAuthenticationStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let attempt_names: Vec<&str> = AttemptStatus::ALL.iter().map(|s| s.as_str()).collect();
    with_store(app, |store, _| {
        let attempts = store
            .all_face_authentications()
            .flat_map(|fa| fa.attempts.iter())
            .filter_map(|id| store.any_attempt(id));
        CheckoutCounts {
            applicants: store.all_applicants().count(),
            face_authentications: StatusCounts::of(
                &fa_names,
                store
                    .all_face_authentications()
                    .map(|fa| fa.status.as_str()),
            ),
            attempts: StatusCounts::of(&attempt_names, attempts.map(|a| a.status.as_str())),
            armed_outcomes: store.armed_outcomes().len(),
        }
    })
}
