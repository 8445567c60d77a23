//! Identifiers and timestamps in the vendors' formats.

use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;

/// A prefix followed by 32 random lowercase hex digits (`ENR…`, `VLD…`, `ACC…`).
pub fn prefixed_hex_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// RFC 3339 in UTC with nanoseconds, as Truora writes timestamps.
pub fn rfc3339_nanos(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_32_hex() {
        let id = prefixed_hex_id("ENR");
        assert_eq!(id.len(), 35);
        assert!(id.starts_with("ENR"));
        assert!(id[3..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(id, prefixed_hex_id("ENR"));
    }

    #[test]
    fn timestamps_carry_nanoseconds_and_z() {
        let at = DateTime::parse_from_rfc3339("2024-05-22T23:32:01.2722Z").unwrap();
        assert_eq!(rfc3339_nanos(at.into()), "2024-05-22T23:32:01.272200000Z");
    }
}
