//! A [`Store`]'s state as plain data, for saving to a file and restoring: everything but the
//! [`Settings`], which a restored store takes from the configuration in force (accounts are
//! their position in `[checkout] accounts`). Maps are sorted so that one state always
//! serializes to the same bytes.

use super::{
    Applicant, Asset, Attempt, Event, FaceAuthentication, SessionInformation, Settings, Step, Store,
};
use crate::armed::ArmedOutcomes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Checkout state of one namespace, detached from its lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSnapshot {
    applicants: BTreeMap<String, Applicant>,
    face_authentications: BTreeMap<String, FaceAuthentication>,
    attempts: BTreeMap<String, Attempt>,
    tokens: BTreeMap<String, String>,
    assets: BTreeMap<String, Asset>,
    timed: Vec<String>,
    next_due: Option<DateTime<Utc>>,
    outbox: Vec<Event>,
    armed: ArmedOutcomes<Step>,
}

impl<'de> Deserialize<'de> for SessionInformation {
    /// Reads `initial_device` back as one of its two static values.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Saved {
            ip_address: String,
            user_agent: Option<String>,
            number_of_sessions: u32,
            initial_device: String,
        }
        let saved = Saved::deserialize(d)?;
        let initial_device = match saved.initial_device.as_str() {
            "mobile" => "mobile",
            "desktop" => "desktop",
            other => {
                return Err(serde::de::Error::custom(format!(
                    "initial_device {other:?} is neither mobile nor desktop"
                )))
            }
        };
        Ok(SessionInformation {
            ip_address: saved.ip_address,
            user_agent: saved.user_agent,
            number_of_sessions: saved.number_of_sessions,
            initial_device,
        })
    }
}

fn sorted<V: Clone>(map: &std::collections::HashMap<String, V>) -> BTreeMap<String, V> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

impl Store {
    /// A copy of the state (asset contents are shared, not copied).
    pub fn snapshot(&self) -> StoreSnapshot {
        StoreSnapshot {
            applicants: sorted(&self.applicants),
            face_authentications: sorted(&self.face_authentications),
            attempts: sorted(&self.attempts),
            tokens: sorted(&self.tokens),
            assets: sorted(&self.assets),
            timed: self.timed.clone(),
            next_due: self.next_due,
            outbox: self.outbox.clone(),
            armed: self.armed.clone(),
        }
    }

    /// A store holding `snapshot`'s state, with `settings`; refused when a resource belongs to
    /// an account `settings` does not have.
    pub fn restore(settings: Settings, snapshot: StoreSnapshot) -> Result<Store, String> {
        let accounts = snapshot
            .applicants
            .values()
            .map(|a| a.account)
            .chain(snapshot.face_authentications.values().map(|f| f.account))
            .chain(snapshot.outbox.iter().map(|e| e.account));
        if let Some(missing) = accounts
            .map(|a| a.0)
            .find(|&a| a >= settings.accounts.len())
        {
            return Err(format!(
                "a Checkout resource belongs to account {} (by position in [checkout] accounts) but the configuration has {} account(s)",
                missing + 1,
                settings.accounts.len()
            ));
        }
        Ok(Store {
            settings,
            applicants: snapshot.applicants.into_iter().collect(),
            face_authentications: snapshot.face_authentications.into_iter().collect(),
            attempts: snapshot.attempts.into_iter().collect(),
            tokens: snapshot.tokens.into_iter().collect(),
            assets: snapshot.assets.into_iter().collect(),
            timed: snapshot.timed,
            next_due: snapshot.next_due,
            outbox: snapshot.outbox,
            armed: snapshot.armed,
        })
    }

    /// Replaces the state with `snapshot`'s, keeping this store's settings; on refusal the
    /// store is left as it was.
    pub fn replace_with(&mut self, snapshot: StoreSnapshot) -> Result<(), String> {
        *self = Store::restore(self.settings.clone(), snapshot)?;
        Ok(())
    }
}
