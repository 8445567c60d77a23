//! The `[isolation]` section of the configuration.

use serde::Deserialize;

/// How requests are kept apart in namespaces.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IsolationConfig {
    /// A vendor request without a `Facesim-Namespace` header lives in its credential's namespace
    /// (Truora API key, Checkout secret key, Trustmatic user name) instead of the default one.
    pub namespace_per_key: bool,
    /// The most named namespaces held at once; a request naming one more is refused.
    pub max_namespaces: usize,
}

impl IsolationConfig {
    /// The largest accepted `max_namespaces`.
    pub const MAX_NAMESPACES: usize = 10_000;

    /// Checks the values; the message names the key.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.max_namespaces > Self::MAX_NAMESPACES {
            return Err(format!(
                "isolation.max_namespaces must be within 0..={}",
                Self::MAX_NAMESPACES
            ));
        }
        Ok(())
    }
}

impl Default for IsolationConfig {
    fn default() -> Self {
        IsolationConfig {
            namespace_per_key: false,
            max_namespaces: 256,
        }
    }
}
