//! A [`Store`]'s state as plain data, for saving to a file and restoring: everything but the
//! [`Settings`], which a restored store takes from the configuration in force. Maps are sorted
//! so that one state always serializes to the same bytes.

use super::{Enrollment, ForcedVerdict, Settings, Store, StoredFile, UploadOwner, Validation};
use crate::armed::ArmedOutcomes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Truora state of one namespace, detached from its lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSnapshot {
    enrollments: BTreeMap<String, Enrollment>,
    enrollment_by_account: BTreeMap<String, String>,
    validations: BTreeMap<String, Validation>,
    uploads: BTreeMap<String, UploadOwner>,
    files: BTreeMap<String, StoredFile>,
    pending: Vec<String>,
    next_change: Option<DateTime<Utc>>,
    armed: ArmedOutcomes<ForcedVerdict>,
}

fn sorted<V: Clone>(map: &std::collections::HashMap<String, V>) -> BTreeMap<String, V> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

impl Store {
    /// A copy of the state (file contents are shared, not copied).
    pub fn snapshot(&self) -> StoreSnapshot {
        StoreSnapshot {
            enrollments: sorted(&self.enrollments),
            enrollment_by_account: sorted(&self.enrollment_by_account),
            validations: sorted(&self.validations),
            uploads: sorted(&self.uploads),
            files: sorted(&self.files),
            pending: self.pending.clone(),
            next_change: self.next_change,
            armed: self.armed.clone(),
        }
    }

    /// A store holding `snapshot`'s state, with `settings`.
    pub fn restore(settings: Settings, snapshot: StoreSnapshot) -> Store {
        Store {
            settings,
            enrollments: snapshot.enrollments.into_iter().collect(),
            enrollment_by_account: snapshot.enrollment_by_account.into_iter().collect(),
            validations: snapshot.validations.into_iter().collect(),
            uploads: snapshot.uploads.into_iter().collect(),
            files: snapshot.files.into_iter().collect(),
            pending: snapshot.pending,
            next_change: snapshot.next_change,
            armed: snapshot.armed,
        }
    }

    /// Replaces the state with `snapshot`'s, keeping this store's settings.
    pub fn replace_with(&mut self, snapshot: StoreSnapshot) {
        *self = Store::restore(self.settings.clone(), snapshot);
    }
}
