//! Pre-signed links: an HMAC over the path and its expiry.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Signs and checks `Expires`/`Signature` query parameters.
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
}

impl Default for LinkSigner {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        LinkSigner { key }
    }
}

impl LinkSigner {
    /// A signer with a known key (a restored state's), so that links signed before a restart
    /// stay valid.
    pub fn from_key(key: [u8; 32]) -> LinkSigner {
        LinkSigner { key }
    }

    /// The signing key, for saving with the state.
    pub fn key(&self) -> [u8; 32] {
        self.key
    }

    fn mac(&self, path: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(path.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// The signature for `path` valid until `expires` (unix seconds).
    pub fn sign(&self, path: &str, expires: i64) -> String {
        hex::encode(self.mac(path, expires).finalize().into_bytes())
    }

    /// Whether `signature` was made by this signer for `path` and `expires`.
    pub fn verify(&self, path: &str, expires: i64, signature: &str) -> bool {
        match hex::decode(signature) {
            Ok(bytes) => self.mac(path, expires).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_path_and_expiry() {
        let signer = LinkSigner::default();
        let sig = signer.sign("/v1/uploads/UPL1", 100);
        assert!(signer.verify("/v1/uploads/UPL1", 100, &sig));
        assert!(!signer.verify("/v1/uploads/UPL2", 100, &sig));
        assert!(!signer.verify("/v1/uploads/UPL1", 101, &sig));
        assert!(!signer.verify("/v1/uploads/UPL1", 100, "zz"));
        assert!(!LinkSigner::default().verify("/v1/uploads/UPL1", 100, &sig));
    }
}
