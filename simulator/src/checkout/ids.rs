//! Identifiers in the vendor's format: a prefix and a lowercase base-32 GUID.

use rand::Rng;

/// The base-32 alphabet of identifiers (RFC 4648, lowercase).
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Random characters of [`ALPHABET`].
fn base32(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..32)] as char)
        .collect()
}

/// `prefix_` followed by 26 characters of `[a-z2-7]` (`aplt_…`, `fav_…`, `fatp_…`, `evt_…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", base32(26))
}

/// The random last segment of an attempt's `verification_url`.
pub fn new_token() -> String {
    base32(32)
}

/// A `Cko-Request-Id` value: a random UUID (version 4).
pub fn new_request_id() -> String {
    let mut bytes: [u8; 16] = rand::thread_rng().gen();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether `id` is `prefix_` followed by 26 characters of `[a-z2-7]`.
pub fn is_generated(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| rest.len() == 26 && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_base32_guids() {
        let id = new_id("fav");
        assert!(is_generated(&id, "fav"), "{id}");
        assert!(!is_generated(&id, "fatp"));
        assert_ne!(id, new_id("fav"));
        assert!(!is_generated("fav_mtta050yudd54y5iqb5ijh8jtvz", "fav"));
        assert_eq!(new_token().len(), 32);
    }

    #[test]
    fn request_ids_are_uuid_v4() {
        let id = new_request_id();
        let parts: Vec<_> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }
}
