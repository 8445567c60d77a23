//! The `[persistence]` section of the configuration.

use serde::Deserialize;

/// How often `serve --state FILE` saves the state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersistenceConfig {
    /// Seconds between two saves of the state file (`--state-interval` overrides it).
    pub interval_seconds: u64,
}

impl PersistenceConfig {
    /// The longest accepted interval (one day).
    pub const MAX_INTERVAL_SECONDS: u64 = 86_400;

    /// Checks the values; the message names the key.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !(1..=Self::MAX_INTERVAL_SECONDS).contains(&self.interval_seconds) {
            return Err(format!(
                "persistence.interval_seconds must be within 1..={}",
                Self::MAX_INTERVAL_SECONDS
            ));
        }
        Ok(())
    }
}

impl Default for PersistenceConfig {
    fn default() -> Self {
        PersistenceConfig {
            interval_seconds: 30,
        }
    }
}
