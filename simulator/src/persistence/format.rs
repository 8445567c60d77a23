//! The state file's content: a format version, when it was saved, and every namespace with its
//! clock offset and its three vendor stores. Capturing copies each store under its lock, one at
//! a time; serializing happens afterwards, outside every lock.

use crate::namespace::Tenant;
use crate::signing::LinkSigner;
use crate::state::App;
use crate::{checkout, truora, trustmatic};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The version written in `format`; a file with another version is refused.
pub const FORMAT_VERSION: u32 = 1;

/// The whole state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateFile {
    /// [`FORMAT_VERSION`] when written by this facesim.
    pub format: u32,
    /// The real time the state was captured.
    pub saved_at: DateTime<Utc>,
    /// The key of pre-signed links (upload and file links), as 64 hex digits, so that links
    /// handed out before a restart still work after it.
    #[serde(with = "super::codec::hex_digest")]
    pub link_signing_key: [u8; 32],
    /// The default namespace first, then the named ones by name.
    pub namespaces: Vec<NamespaceState>,
}

/// One namespace's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespaceState {
    /// The namespace's name; `null` for the default namespace.
    pub name: Option<String>,
    /// How far its virtual clock ran ahead of real time, in milliseconds.
    pub clock_offset_ms: i64,
    /// Truora enrollments, validations, upload links, files and armed outcomes.
    pub truora: truora::engine::StoreSnapshot,
    /// Checkout applicants, face authentications, attempts, assets, unpublished events and
    /// armed outcomes.
    pub checkout: checkout::engine::StoreSnapshot,
    /// Trustmatic armed outcomes.
    pub trustmatic: trustmatic::outcomes::Outcomes,
}

/// Just the version of a state file, read before the rest so that a file of another version
/// is refused for its version rather than for the first field it does not know.
#[derive(Debug, Deserialize)]
pub struct Header {
    /// The file's format version.
    pub format: Option<serde_json::Value>,
}

impl NamespaceState {
    /// Copies `tenant`'s state, taking each store's lock in turn.
    pub fn capture(tenant: &Tenant) -> NamespaceState {
        NamespaceState {
            name: tenant.name.clone(),
            clock_offset_ms: tenant.clock.offset().num_milliseconds(),
            truora: tenant.truora.lock().snapshot(),
            checkout: tenant.checkout.lock().snapshot(),
            trustmatic: tenant.trustmatic.lock().clone(),
        }
    }

    /// Puts this state into `tenant`, replacing what it held; the error says why a store
    /// cannot take it (the tenant's Checkout store is then left as it was).
    pub fn restore_into(self, tenant: &Tenant) -> Result<(), String> {
        tenant.checkout.lock().replace_with(self.checkout)?;
        tenant.truora.lock().replace_with(self.truora);
        *tenant.trustmatic.lock() = self.trustmatic;
        tenant
            .clock
            .set_offset(Duration::milliseconds(self.clock_offset_ms));
        Ok(())
    }
}

impl StateFile {
    /// Captures `app`'s link signing key and every namespace at `saved_at`.
    pub fn capture(app: &App, saved_at: DateTime<Utc>) -> StateFile {
        let tenants = &app.tenants;
        StateFile {
            format: FORMAT_VERSION,
            saved_at,
            link_signing_key: app.signer.key(),
            namespaces: tenants
                .all()
                .iter()
                .map(|t| NamespaceState::capture(t))
                .collect(),
        }
    }

    /// Restores the link signing key and every namespace into `app`, creating the named
    /// namespaces; the error names the namespace that could not be restored.
    pub fn restore_into(self, app: &mut App) -> Result<(), String> {
        app.signer = LinkSigner::from_key(self.link_signing_key);
        let tenants = &app.tenants;
        let mut seen = std::collections::BTreeSet::new();
        for mut namespace in self.namespaces {
            let label = namespace
                .name
                .clone()
                .unwrap_or_else(|| crate::namespace::DEFAULT_LABEL.to_string());
            // `"default"` names the default namespace, as in the header.
            if let Some(name) = &namespace.name {
                namespace.name = crate::namespace::parse_name(name.as_bytes())
                    .map_err(|e| format!("namespace {label:?}: {e}"))?;
            }
            if !seen.insert(namespace.name.clone()) {
                return Err(format!("namespace {label:?} appears twice"));
            }
            let tenant = tenants
                .get_or_create(namespace.name.as_deref())
                .map_err(|e| format!("namespace {label:?}: {e}"))?;
            namespace
                .restore_into(&tenant)
                .map_err(|e| format!("namespace {label:?}: {e}"))?;
        }
        Ok(())
    }
}
