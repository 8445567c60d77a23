//! `GET {root}/_facesim/state/truora`: enrollments and validations.

use super::listing::{self, Page, StatusCounts};
use crate::control::ControlError;
use crate::ids::rfc3339_nanos;
use crate::query_params::QueryParams;
use crate::state::App;
use crate::truora::engine::{Enrollment, Validation};
use crate::truora::model::*;
use serde::Serialize;

/// The Truora state, settled at `now`.
#[derive(Debug, Serialize)]
pub struct TruoraState {
    /// The virtual time the state was settled at.
    pub now: String,
    /// Enrollments, oldest first.
    pub enrollments: Page<EnrollmentView>,
    /// Validations, oldest first.
    pub validations: Page<ValidationView>,
    /// Outcomes armed per account, oldest first, as `GET {root}/_facesim/truora/outcomes`
    /// shows them.
    pub armed_outcomes: Page<serde_json::Value>,
}

/// An enrollment as the state listing shows it.
#[derive(Debug, Serialize)]
pub struct EnrollmentView {
    enrollment_id: String,
    account_id: String,
    status: EnrollmentStatus,
    reason: Option<EnrollmentReason>,
    creation_date: String,
    update_date: String,
}

impl From<&Enrollment> for EnrollmentView {
    fn from(e: &Enrollment) -> Self {
        EnrollmentView {
            enrollment_id: e.id.clone(),
            account_id: e.account_id.clone(),
            status: e.status,
            reason: e.reason,
            creation_date: rfc3339_nanos(e.creation_date),
            update_date: rfc3339_nanos(e.update_date),
        }
    }
}

/// A validation as the state listing shows it.
#[derive(Debug, Serialize)]
pub struct ValidationView {
    validation_id: String,
    account_id: String,
    enrollment_id: Option<String>,
    validation_status: ValidationStatus,
    failure_status: Option<FailureStatus>,
    declined_reason: Option<DeclinedReason>,
    expired_reason: Option<ExpiredReason>,
    retry_of_id: Option<String>,
    creation_date: String,
    update_date: String,
}

impl From<&Validation> for ValidationView {
    fn from(v: &Validation) -> Self {
        ValidationView {
            validation_id: v.id.clone(),
            account_id: v.request.account_id.clone(),
            enrollment_id: v.enrollment_id.clone(),
            validation_status: v.status,
            failure_status: v.failure_status,
            declined_reason: v.declined_reason,
            expired_reason: v.expired_reason,
            retry_of_id: v.request.retry_of_id.clone(),
            creation_date: rfc3339_nanos(v.creation_date),
            update_date: rfc3339_nanos(v.update_date),
        }
    }
}

/// Truora's counts for the summary.
#[derive(Debug, Serialize)]
pub struct TruoraCounts {
    enrollments: StatusCounts,
    validations: StatusCounts,
    armed_outcomes: usize,
}

/// Enrollments and validations share the statuses `pending`, `success` and `failure`.
fn status_names() -> Vec<&'static str> {
    EnrollmentStatus::ALL.iter().map(|s| s.as_str()).collect()
}

/// Lists the state settled at the current virtual time, as `query` (`status`, `limit`) asks.
pub fn state(app: &App, query: Option<&str>) -> Result<TruoraState, ControlError> {
    let params = QueryParams::parse(query, &["status", "limit"])?;
    let limit = listing::limit(&params)?;
    let status = listing::status(&params, EnrollmentStatus::parse, &status_names().join(", "))?
        .map(EnrollmentStatus::as_str);
    let wanted = |name: &str| status.is_none_or(|s| s == name);
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    store.settle(now);
    let enrollments: Vec<&Enrollment> = store
        .all_enrollments()
        .filter(|e| wanted(e.status.as_str()))
        .collect();
    let validations: Vec<&Validation> = store
        .all_validations()
        .filter(|v| wanted(v.status.as_str()))
        .collect();
    Ok(TruoraState {
        now: rfc3339_nanos(now),
        enrollments: Page::of(
            enrollments,
            limit,
            |e| (e.creation_date, e.id.as_str()),
            EnrollmentView::from,
        ),
        validations: Page::of(
            validations,
            limit,
            |v| (v.creation_date, v.id.as_str()),
            ValidationView::from,
        ),
        armed_outcomes: listing::armed::<crate::truora::armed_routes::TruoraOutcomes>(
            store.armed_outcomes(),
            limit,
        ),
    })
}

/// Counts enrollments and validations by status, settled at `now`.
pub fn counts(app: &App, now: chrono::DateTime<chrono::Utc>) -> TruoraCounts {
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    store.settle(now);
    let names = status_names();
    TruoraCounts {
        enrollments: StatusCounts::of(&names, store.all_enrollments().map(|e| e.status.as_str())),
        validations: StatusCounts::of(&names, store.all_validations().map(|v| v.status.as_str())),
        armed_outcomes: store.armed_outcomes().len(),
    }
}
