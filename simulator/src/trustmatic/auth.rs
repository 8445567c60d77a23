//! HTTP Basic credentials.

use crate::config::TrustmaticUser;
use base64::Engine;

/// Whether the `Authorization` header value names one of `users`.
pub fn authorized(header: Option<&[u8]>, users: &[TrustmaticUser]) -> bool {
    let Some(pair) = header.and_then(credentials) else {
        return false;
    };
    let Some((username, password)) = pair.split_once(':') else {
        return false;
    };
    users
        .iter()
        .any(|u| u.username == username && u.password == password)
}

/// The decoded `username:password` of a `Basic` header value.
fn credentials(value: &[u8]) -> Option<String> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(pair: &str) -> Vec<u8> {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
        .into_bytes()
    }

    #[test]
    fn only_known_pairs_in_basic_pass() {
        let users = [TrustmaticUser {
            username: "facesim".into(),
            password: "p:w".into(),
        }];
        assert!(authorized(Some(&header("facesim:p:w")), &users));
        // The scheme is case-insensitive.
        assert!(authorized(Some(b"basic ZmFjZXNpbTpwOnc="), &users));
        for bad in [
            header("facesim:wrong"),
            header("other:p:w"),
            header("facesim"),
            b"Bearer ZmFjZXNpbTpwOnc=".to_vec(),
            b"Basic not-base64!".to_vec(),
            b"Basic".to_vec(),
        ] {
            assert!(!authorized(Some(&bad), &users), "{bad:?}");
        }
        assert!(!authorized(None, &users));
    }
}
