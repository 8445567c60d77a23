//! The configuration file (TOML) and the embedded default.

use serde::Deserialize;
use std::path::Path;

/// The configuration used when no `--config` file is given.
pub const DEFAULT_CONFIG: &str = include_str!("default-config.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Listener and transport limits.
    #[serde(default)]
    pub server: ServerConfig,
    /// The Truora APIs.
    #[serde(default)]
    pub truora: TruoraConfig,
}

/// Listener and transport limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Base URL written into links; empty means the bound address.
    pub public_url: String,
    /// Seconds a connection may take to send a request head (and may stay idle).
    pub header_read_timeout_seconds: u64,
    /// Seconds a request body may take to arrive.
    pub body_read_timeout_seconds: u64,
    /// Largest non-media request body in bytes.
    pub max_form_body_bytes: u64,
    /// Largest media upload in bytes.
    pub max_media_body_bytes: u64,
    /// Check every answer against the embedded OpenAPI contracts and log each violation.
    pub strict: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            public_url: String::new(),
            header_read_timeout_seconds: 30,
            body_read_timeout_seconds: 60,
            max_form_body_bytes: 1024 * 1024,
            max_media_body_bytes: 10 * 1024 * 1024,
            strict: false,
        }
    }
}

/// The Truora APIs' behaviour and credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TruoraConfig {
    /// Virtual seconds between a validation upload and its result.
    pub processing_delay_seconds: u64,
    /// Lifetime of an enrollment's upload link.
    pub enrollment_upload_link_ttl_seconds: u64,
    /// Lifetime of `show_details` file links.
    pub file_link_ttl_seconds: u64,
    /// Validation timeout when the request gives none.
    pub default_validation_timeout_seconds: u64,
    /// How many retries (`retry_of_id`) a failed validation chain allows.
    pub allowed_retries: u32,
    /// Seconds after a failure during which a retry may be created.
    pub retry_ttl_seconds: u64,
    /// Accepted `Truora-API-Key` values.
    pub api_keys: Vec<TruoraApiKey>,
}

impl Default for TruoraConfig {
    fn default() -> Self {
        TruoraConfig {
            processing_delay_seconds: 1,
            enrollment_upload_link_ttl_seconds: 3600,
            file_link_ttl_seconds: 900,
            default_validation_timeout_seconds: 300,
            allowed_retries: 2,
            retry_ttl_seconds: 300,
            api_keys: Vec::new(),
        }
    }
}

/// One Truora API key and its special permissions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruoraApiKey {
    /// The header value.
    pub key: String,
    /// Special authorizations this key carries.
    #[serde(default)]
    pub permissions: Vec<TruoraPermission>,
}

/// The special authorizations Truora grants on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TruoraPermission {
    /// `confirmation=none` on enrollment creation.
    ConfirmationNone,
    /// `DELETE /v1/enrollments/{id}`.
    DeleteEnrollment,
}

impl Config {
    /// Parses a configuration text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    /// Reads a configuration file, or the embedded default when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        match path {
            None => Config::parse(DEFAULT_CONFIG),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }

    fn check(&self) -> Result<(), String> {
        let server = &self.server;
        if server.header_read_timeout_seconds == 0 || server.body_read_timeout_seconds == 0 {
            return Err("server.header_read_timeout_seconds and server.body_read_timeout_seconds must be at least 1".into());
        }
        let t = &self.truora;
        if !(1..=21600).contains(&t.default_validation_timeout_seconds) {
            return Err(
                "truora.default_validation_timeout_seconds must be within 1..=21600".into(),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for key in &t.api_keys {
            if key.key.is_empty() {
                return Err("truora.api_keys: a key must not be empty".into());
            }
            if !seen.insert(&key.key) {
                return Err(format!("truora.api_keys: duplicate key {:?}", key.key));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_defines_both_truora_keys() {
        let config = Config::load(None).unwrap();
        let keys: Vec<_> = config
            .truora
            .api_keys
            .iter()
            .map(|k| k.key.as_str())
            .collect();
        assert_eq!(keys, ["truora-sim-key", "truora-sim-key-limited"]);
        assert_eq!(
            config.truora.api_keys[0].permissions,
            [
                TruoraPermission::ConfirmationNone,
                TruoraPermission::DeleteEnrollment
            ]
        );
        assert!(config.truora.api_keys[1].permissions.is_empty());
        assert!(!config.server.strict, "strict mode is opt-in");
        assert!(
            Config::parse("[server]\nstrict = true")
                .unwrap()
                .server
                .strict
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_rejected() {
        assert!(Config::parse("[server]\nbogus = 1")
            .unwrap_err()
            .contains("bogus"));
        let err = Config::parse("[truora]\ndefault_validation_timeout_seconds = 0").unwrap_err();
        assert!(err.contains("default_validation_timeout_seconds"), "{err}");
        let dup = "[[truora.api_keys]]\nkey='a'\n[[truora.api_keys]]\nkey='a'";
        assert!(Config::parse(dup).unwrap_err().contains("duplicate"));
    }
}
