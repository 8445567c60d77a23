//! Body signatures receivers use to authenticate deliveries.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Lowercase hex HMAC-SHA256 of `body` keyed with the UTF-8 bytes of `key` (`Cko-Signature`).
pub fn hmac_sha256_hex(key: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_4231_test_case_2() {
        assert_eq!(
            hmac_sha256_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn depends_on_every_body_byte_and_the_key() {
        let base = hmac_sha256_hex("key", br#"{"a":1}"#);
        assert_eq!(base.len(), 64);
        assert!(base
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert_ne!(base, hmac_sha256_hex("key", br#"{"a": 1}"#));
        assert_ne!(base, hmac_sha256_hex("other", br#"{"a":1}"#));
    }
}
