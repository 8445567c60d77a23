//! What every request handler shares.

use crate::clock::Clock;
use crate::config::{Config, TruoraPermission};
use crate::media::Matcher;
use crate::namespace::{Tenant, Tenants};
use crate::signing::LinkSigner;
use crate::strict::StrictLog;
use crate::truora::engine::Caller;
use crate::truora::views::Links;
use crate::webhooks::Webhooks;
use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// The shared application state.
pub struct App {
    /// The loaded configuration.
    pub config: Config,
    /// Base URL for links, without a trailing slash.
    pub public_url: String,
    /// Signs pre-signed links.
    pub signer: LinkSigner,
    /// The active face matcher.
    pub matcher: Arc<dyn Matcher>,
    /// Every namespace's state (vendor stores and clock).
    pub tenants: Tenants,
    /// Scenario rules in force (kept across resets, like webhook receivers).
    pub rules: Mutex<crate::scenario::Rules>,
    /// What strict mode checked and the violations it found (kept across resets).
    pub strict: StrictLog,
    /// Webhook receivers, deliveries and published events.
    pub webhooks: Webhooks,
    /// The most recent requests and their answers (emptied by resets).
    pub journal: crate::journal::Journal,
    truora_keys: HashMap<String, Caller>,
}

/// The peer address of a request's connection.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

impl App {
    /// A fresh application with empty state.
    pub fn new(config: Config, public_url: String, matcher: Arc<dyn Matcher>) -> App {
        let truora_keys = config
            .truora
            .api_keys
            .iter()
            .map(|k| {
                let caller = Caller {
                    confirmation_none: k.permissions.contains(&TruoraPermission::ConfirmationNone),
                    delete_enrollment: k.permissions.contains(&TruoraPermission::DeleteEnrollment),
                };
                (k.key.clone(), caller)
            })
            .collect();
        App {
            tenants: Tenants::new(&config),
            rules: Mutex::default(),
            public_url: public_url.trim_end_matches('/').to_string(),
            signer: LinkSigner::default(),
            matcher,
            strict: StrictLog::default(),
            webhooks: Webhooks::new(&config.webhooks),
            journal: crate::journal::Journal::new(config.journal.capacity),
            truora_keys,
            config,
        }
    }

    /// The permissions of a Truora API key, if it is known.
    pub fn truora_caller(&self, key: &str) -> Option<Caller> {
        self.truora_keys.get(key).copied()
    }

    /// Link builder for Truora bodies at `now`.
    pub fn truora_links(&self, now: DateTime<Utc>) -> Links<'_> {
        Links {
            public_url: &self.public_url,
            signer: &self.signer,
            file_ttl: Duration::seconds(self.config.truora.file_link_ttl_seconds as i64),
            namespace: self.tenant().name.clone(),
            now,
        }
    }

    /// The namespace of the running request: its vendor stores and clock.
    pub fn tenant(&self) -> Arc<Tenant> {
        self.tenants.current()
    }

    /// The virtual clock of the running request's namespace.
    pub fn clock(&self) -> Clock {
        self.tenants.current().clock.clone()
    }

    /// Forgets every named namespace, empties the default one, the webhook deliveries and the
    /// journal, and returns the clock to real time.
    pub fn reset(&self) {
        self.tenants.reset_all();
        self.webhooks.clear();
        self.journal.clear();
    }

    /// The body-read deadline.
    pub fn body_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.config.server.body_read_timeout_seconds)
    }
}
