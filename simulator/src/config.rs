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
    /// Webhook delivery.
    #[serde(default)]
    pub webhooks: WebhooksConfig,
    /// The Checkout.com face-authentication API.
    #[serde(default)]
    pub checkout: CheckoutConfig,
    /// The Trustmatic face verification and liveness API.
    #[serde(default)]
    pub trustmatic: TrustmaticConfig,
    /// The request journal of the control API.
    #[serde(default)]
    pub journal: crate::journal::JournalConfig,
    /// Namespaces keeping parallel test runs apart.
    #[serde(default)]
    pub isolation: crate::namespace::IsolationConfig,
    /// Saving the state to a file (`serve --state FILE`).
    #[serde(default)]
    pub persistence: crate::persistence::PersistenceConfig,
}

/// The Trustmatic API's behaviour and Basic-auth users.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustmaticConfig {
    /// The similarity (0..1) that becomes the documented pass mark, a verify score of 27.
    pub match_similarity: f64,
    /// Largest request body in bytes.
    pub max_body_bytes: u64,
    /// Milliseconds facesim waits for a liveness picture given as an `http://` URL.
    pub image_url_timeout_ms: u64,
    /// The accepted `username:password` pairs.
    pub users: Vec<TrustmaticUser>,
}

impl Default for TrustmaticConfig {
    fn default() -> Self {
        TrustmaticConfig {
            match_similarity: 0.70,
            max_body_bytes: 20 * 1024 * 1024,
            image_url_timeout_ms: 5000,
            users: Vec::new(),
        }
    }
}

/// One Trustmatic Basic-auth user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustmaticUser {
    /// The user name (no `:`).
    pub username: String,
    /// The password.
    pub password: String,
}

impl TrustmaticConfig {
    fn check(&self) -> Result<(), String> {
        if !(self.match_similarity > 0.0 && self.match_similarity < 1.0) {
            return Err("trustmatic.match_similarity must be strictly between 0 and 1".into());
        }
        if self.max_body_bytes == 0 || self.image_url_timeout_ms == 0 {
            return Err(
                "trustmatic.max_body_bytes and trustmatic.image_url_timeout_ms must be at least 1"
                    .into(),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for user in &self.users {
            if user.username.is_empty() || user.username.contains(':') {
                return Err(format!(
                    "trustmatic.users: {:?} is not a user name (not empty, no `:`)",
                    user.username
                ));
            }
            if !seen.insert(&user.username) {
                return Err(format!(
                    "trustmatic.users: duplicate user name {:?}",
                    user.username
                ));
            }
        }
        Ok(())
    }
}

/// The Checkout.com face-authentication API's behaviour and accounts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckoutConfig {
    /// Virtual seconds a never-opened attempt link lives.
    pub attempt_link_ttl_seconds: u64,
    /// Virtual seconds the checks take after a capture.
    pub checks_duration_seconds: u64,
    /// Attempts ending with a `61xxx` code a face authentication allows.
    pub allowed_attempts: u32,
    /// Lowest similarity that matches the applicant's reference picture.
    pub match_threshold: f64,
    /// Lifetime of pre-signed asset links.
    pub asset_link_ttl_seconds: u64,
    /// The accounts, one per secret key.
    pub accounts: Vec<CheckoutAccount>,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        CheckoutConfig {
            attempt_link_ttl_seconds: 900,
            checks_duration_seconds: 1,
            allowed_attempts: 3,
            match_threshold: 0.70,
            asset_link_ttl_seconds: 900,
            accounts: Vec::new(),
        }
    }
}

/// One Checkout account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutAccount {
    /// The secret key (`sk_sbox_…`) sent as `Authorization: Bearer`.
    pub secret_key: String,
    /// Whether attempt assets list `face_video`.
    #[serde(default)]
    pub videos: bool,
}

impl CheckoutConfig {
    fn check(&self) -> Result<(), String> {
        if self.allowed_attempts == 0 {
            return Err("checkout.allowed_attempts must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.match_threshold) {
            return Err("checkout.match_threshold must be within 0..=1".into());
        }
        if self.attempt_link_ttl_seconds == 0 || self.asset_link_ttl_seconds == 0 {
            return Err(
                "checkout.attempt_link_ttl_seconds and checkout.asset_link_ttl_seconds must be at least 1".into(),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for account in &self.accounts {
            if !is_checkout_secret_key(&account.secret_key) {
                return Err(format!(
                    "checkout.accounts: {:?} is not a secret key (^sk_(sbox_)?[a-z2-7]{{26}}[a-z2-7*#$=]$)",
                    account.secret_key
                ));
            }
            if !seen.insert(&account.secret_key) {
                return Err(format!(
                    "checkout.accounts: duplicate secret key {:?}",
                    account.secret_key
                ));
            }
        }
        Ok(())
    }
}

/// Whether `key` matches `^sk_(sbox_)?[a-z2-7]{26}[a-z2-7*#$=]$`, the pattern the official SDKs
/// check.
pub fn is_checkout_secret_key(key: &str) -> bool {
    let base32 = |b: u8| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b);
    let Some(rest) = key.strip_prefix("sk_") else {
        return false;
    };
    let body = rest.strip_prefix("sbox_").unwrap_or(rest).as_bytes();
    body.len() == 27
        && body[..26].iter().all(|&b| base32(b))
        && (base32(body[26]) || b"*#$=".contains(&body[26]))
}

/// Webhook delivery: timing and the receivers every run starts with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Milliseconds a try may take before it counts as failed.
    pub timeout_ms: u64,
    /// Real milliseconds to wait before each retry; one try plus one per entry in all.
    pub retry_delays_ms: Vec<u64>,
    /// Receivers registered at start (`[[webhooks.receivers]]`); resets keep them.
    pub receivers: Vec<crate::webhooks::ReceiverSpec>,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            timeout_ms: 5000,
            retry_delays_ms: vec![1000, 2000, 4000, 8000, 16000],
            receivers: Vec::new(),
        }
    }
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
        self.webhooks.check()?;
        self.journal.check()?;
        self.isolation.check()?;
        self.persistence.check()?;
        self.checkout.check()?;
        self.trustmatic.check()
    }
}

impl WebhooksConfig {
    /// Longest accepted `timeout_ms` and retry delay (one hour).
    const MAX_MS: u64 = 3_600_000;

    /// Most accepted retries.
    const MAX_RETRIES: usize = 20;

    fn check(&self) -> Result<(), String> {
        if !(1..=Self::MAX_MS).contains(&self.timeout_ms) {
            return Err(format!(
                "webhooks.timeout_ms must be within 1..={}",
                Self::MAX_MS
            ));
        }
        if self.retry_delays_ms.len() > Self::MAX_RETRIES
            || self.retry_delays_ms.iter().any(|&ms| ms > Self::MAX_MS)
        {
            return Err(format!(
                "webhooks.retry_delays_ms takes at most {} delays of at most {} ms each",
                Self::MAX_RETRIES,
                Self::MAX_MS
            ));
        }
        for (i, spec) in self.receivers.iter().enumerate() {
            crate::webhooks::Receiver::check(spec, String::new(), crate::webhooks::Source::Config)
                .map_err(|e| format!("webhooks.receivers[{i}]: {e}"))?;
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

    #[test]
    fn checkout_accounts_are_checked_against_the_sdk_pattern() {
        let config = Config::load(None).unwrap();
        let accounts: Vec<_> = config
            .checkout
            .accounts
            .iter()
            .map(|a| (a.secret_key.as_str(), a.videos))
            .collect();
        assert_eq!(
            accounts,
            [
                ("sk_sbox_facesimsandboxsecretkeyaaaa", false),
                ("sk_sbox_facesimvideosenabledkeyaaaa", true)
            ]
        );
        assert_eq!(config.checkout.attempt_link_ttl_seconds, 900);
        assert_eq!(config.checkout.allowed_attempts, 3);
        for good in [
            "sk_sbox_abcdefghijklmnopqrstuvwxyz=",
            "sk_abcdefghijklmnopqrstuvwxyz2",
            "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
        ] {
            assert!(is_checkout_secret_key(good), "{good}");
        }
        for bad in [
            "sk_sbox_ABCDEFGHIJKLMNOPQRSTUVWXYZ=",
            "sk_sbox_abcdefghijklmnopqrstuvwxy",
            "pk_sbox_abcdefghijklmnopqrstuvwxyz2",
            "sk_sbox_abcdefghijklmnopqrstuvwxyz1",
            "sk_sbox_abcdefghijklmnopqrstuvwxyz2a",
        ] {
            assert!(!is_checkout_secret_key(bad), "{bad}");
        }
        let err = Config::parse("[[checkout.accounts]]\nsecret_key = 'sk_test'").unwrap_err();
        assert!(err.contains("sk_test"), "{err}");
        let key = "sk_sbox_abcdefghijklmnopqrstuvwxyz=";
        let dup = format!(
            "[[checkout.accounts]]\nsecret_key = '{key}'\n[[checkout.accounts]]\nsecret_key = '{key}'"
        );
        assert!(Config::parse(&dup).unwrap_err().contains("duplicate"));
        assert!(Config::parse("[checkout]\nallowed_attempts = 0").is_err());
        assert!(Config::parse("[checkout]\nmatch_threshold = 1.5").is_err());
    }

    #[test]
    fn trustmatic_users_are_checked() {
        let config = Config::load(None).unwrap();
        let users: Vec<_> = config
            .trustmatic
            .users
            .iter()
            .map(|u| (u.username.as_str(), u.password.as_str()))
            .collect();
        assert_eq!(users, [("facesim", "facesim")]);
        assert_eq!(config.trustmatic.match_similarity, 0.70);
        let colon = "[[trustmatic.users]]\nusername = 'a:b'\npassword = 'p'";
        assert!(Config::parse(colon).unwrap_err().contains("a:b"));
        let dup = "[[trustmatic.users]]\nusername='a'\npassword='p'\n[[trustmatic.users]]\nusername='a'\npassword='q'";
        assert!(Config::parse(dup).unwrap_err().contains("duplicate"));
        assert!(Config::parse("[trustmatic]\nmatch_similarity = 1.0").is_err());
    }
}
