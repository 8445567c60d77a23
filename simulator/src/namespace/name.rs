//! Namespace names: what the `Facesim-Namespace` header may carry, and the name of a credential's
//! namespace.

use sha2::{Digest, Sha256};

/// The request (and answer) header naming a namespace.
pub const HEADER: &str = "facesim-namespace";

/// The query parameter naming a namespace in the links facesim hands out (upload and file
/// links, asset links, capture pages), which their users open without the header.
pub const QUERY_PARAM: &str = "facesim_namespace";

/// `url` with `facesim_namespace=<name>` added to its query when a named namespace made it.
pub fn tag_link(url: String, namespace: Option<&str>) -> String {
    match namespace {
        Some(name) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!("{url}{separator}{QUERY_PARAM}={name}")
        }
        None => url,
    }
}

/// The longest namespace name.
pub const MAX_NAME_LEN: usize = 64;

/// Why a `Facesim-Namespace` value is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(pub String);

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn allowed(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b':' | b'-')
}

/// Reads a `Facesim-Namespace` value: 1 to 64 of `A-Z a-z 0-9 . _ : -`. `default` names the
/// default namespace (`Ok(None)`).
pub fn parse_name(value: &[u8]) -> Result<Option<String>, NameError> {
    if value.is_empty() || value.len() > MAX_NAME_LEN || !value.iter().all(|&b| allowed(b)) {
        let shown = String::from_utf8_lossy(&value[..value.len().min(80)]).into_owned();
        return Err(NameError(format!(
            "Facesim-Namespace must be 1 to {MAX_NAME_LEN} characters of A-Z, a-z, 0-9, '.', '_', ':' \
             and '-'; got {shown:?}"
        )));
    }
    let name = String::from_utf8_lossy(value).into_owned();
    Ok((name != super::DEFAULT_LABEL).then_some(name))
}

/// The namespace of a vendor credential: the credential itself when it is a valid name,
/// otherwise `key-` and the first 16 hex digits of its SHA-256.
pub fn for_credential(credential: &str) -> String {
    match parse_name(credential.as_bytes()) {
        Ok(Some(name)) => name,
        _ => {
            let digest = Sha256::digest(credential.as_bytes());
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("key-{hex}")
        }
    }
}
