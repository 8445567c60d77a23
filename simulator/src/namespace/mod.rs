//! Namespaces: isolated copies of the simulated state in one process, so parallel test runs
//! sharing one facesim do not see each other's enrollments, face authentications, armed
//! outcomes or clock.
//!
//! A request names its namespace with the `Facesim-Namespace` header; with
//! `[isolation] namespace_per_key = true`, a vendor request without the header lives in the
//! namespace of its credential. Everything else lives in the default namespace. The request
//! runs inside its namespace (a task-local), and [`crate::state::App::tenant`] hands the
//! handlers that namespace's state.

mod config;
pub mod middleware;
mod name;
pub mod routes;

pub use config::IsolationConfig;
pub use name::{parse_name, tag_link, NameError, HEADER, MAX_NAME_LEN, QUERY_PARAM};

use crate::clock::Clock;
use crate::config::Config;
use crate::{checkout, truora, trustmatic};
use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One namespace's state: every vendor's store and its own clock.
pub struct Tenant {
    /// The namespace's name; `None` for the default namespace.
    pub name: Option<String>,
    /// The namespace's virtual clock.
    pub clock: Clock,
    /// Truora state.
    pub truora: Mutex<truora::engine::Store>,
    /// Checkout state (face authentication).
    pub checkout: Mutex<checkout::engine::Store>,
    /// Trustmatic outcomes armed through the control API.
    pub trustmatic: Mutex<trustmatic::outcomes::Outcomes>,
}

impl Tenant {
    fn new(name: Option<String>, settings: &Settings) -> Tenant {
        Tenant {
            name,
            clock: Clock::default(),
            truora: Mutex::new(truora::engine::Store::new(settings.truora.clone())),
            checkout: Mutex::new(checkout::engine::Store::new(settings.checkout.clone())),
            trustmatic: Mutex::default(),
        }
    }

    /// The name shown in answers and the journal: the namespace's name, or `default`.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(DEFAULT_LABEL)
    }

    /// Empties every vendor's state and returns the clock to real time.
    pub fn clear(&self) {
        self.truora.lock().clear();
        self.checkout.lock().clear();
        self.trustmatic.lock().clear();
        self.clock.reset();
    }
}

/// How the default namespace is named in answers and the journal.
pub const DEFAULT_LABEL: &str = "default";

/// What a new namespace's stores start from.
struct Settings {
    truora: truora::engine::Settings,
    checkout: checkout::engine::Settings,
}

/// Every namespace of the process: the default one and those created by requests.
pub struct Tenants {
    default: Arc<Tenant>,
    named: RwLock<BTreeMap<String, Arc<Tenant>>>,
    settings: Settings,
    /// The most named namespaces kept at once.
    pub max_named: usize,
}

/// A request named a namespace when as many as allowed already exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooManyNamespaces(pub usize);

impl std::fmt::Display for TooManyNamespaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "facesim already holds {} namespaces (isolation.max_namespaces); reset one with \
             POST /_facesim/reset and the Facesim-Namespace header, or raise the limit",
            self.0
        )
    }
}

tokio::task_local! {
    static CURRENT: Arc<Tenant>;
}

impl Tenants {
    /// The default namespace alone, with stores configured by `config`.
    pub fn new(config: &Config) -> Tenants {
        let settings = Settings {
            truora: truora::engine::Settings::from_config(&config.truora),
            checkout: checkout::engine::Settings::from_config(&config.checkout),
        };
        Tenants {
            default: Arc::new(Tenant::new(None, &settings)),
            named: RwLock::default(),
            settings,
            max_named: config.isolation.max_namespaces,
        }
    }

    /// The default namespace.
    pub fn default_tenant(&self) -> Arc<Tenant> {
        self.default.clone()
    }

    /// The namespace the running request lives in (the default one outside any request).
    pub fn current(&self) -> Arc<Tenant> {
        CURRENT
            .try_with(Arc::clone)
            .unwrap_or_else(|_| self.default.clone())
    }

    /// The namespace called `name`, created empty on first use; `None` names the default one.
    pub fn get_or_create(&self, name: Option<&str>) -> Result<Arc<Tenant>, TooManyNamespaces> {
        let Some(name) = name else {
            return Ok(self.default.clone());
        };
        if let Some(found) = self.named.read().get(name) {
            return Ok(found.clone());
        }
        let mut named = self.named.write();
        if let Some(found) = named.get(name) {
            return Ok(found.clone());
        }
        if named.len() >= self.max_named {
            return Err(TooManyNamespaces(self.max_named));
        }
        let tenant = Arc::new(Tenant::new(Some(name.to_string()), &self.settings));
        named.insert(name.to_string(), tenant.clone());
        Ok(tenant)
    }

    /// The default namespace and every named one, the default first, then by name.
    pub fn all(&self) -> Vec<Arc<Tenant>> {
        std::iter::once(self.default.clone())
            .chain(self.named.read().values().cloned())
            .collect()
    }

    /// Forgets a named namespace (its state goes with it); the default one is emptied instead.
    pub fn drop_tenant(&self, tenant: &Tenant) {
        match &tenant.name {
            Some(name) => {
                self.named.write().remove(name);
                tenant.clear();
            }
            None => tenant.clear(),
        }
    }

    /// Forgets every named namespace and empties the default one.
    pub fn reset_all(&self) {
        let named = std::mem::take(&mut *self.named.write());
        named.values().for_each(|tenant| tenant.clear());
        self.default.clear();
    }

    /// Runs `f` as if inside a request of `tenant` (for work done outside requests).
    pub fn within<T>(tenant: Arc<Tenant>, f: impl FnOnce() -> T) -> T {
        CURRENT.sync_scope(tenant, f)
    }

    /// Runs `future` inside `tenant`.
    pub async fn scope<F: std::future::Future>(tenant: Arc<Tenant>, future: F) -> F::Output {
        CURRENT.scope(tenant, future).await
    }
}

#[cfg(test)]
mod tests;
