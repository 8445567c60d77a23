//! Picture fields: Base64, a `data:` URI, or (for the liveness checks) an `http://` URL.

use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Standard Base64 with optional padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Where a picture field's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The bytes themselves, decoded from Base64.
    Bytes(Vec<u8>),
    /// An `http://` URL to fetch them from.
    Url(String),
}

/// Reads the text of the picture field `field` (`probe.imageBase64`, ...). `urls`: whether an
/// `http://` URL is accepted. The error is the reason, in words, naming the field.
pub fn read(field: &str, text: &str, urls: bool) -> Result<Source, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("{field} is empty"));
    }
    if let Some(scheme) = url_scheme(trimmed) {
        return match (urls, scheme) {
            (true, "http") => Ok(Source::Url(trimmed.to_string())),
            (true, _) => Err(format!(
                "{field} is an {scheme}:// URL; facesim fetches http:// URLs only"
            )),
            (false, _) => Err(format!(
                "{field} is a URL; this endpoint takes the picture as Base64"
            )),
        };
    }
    let base64 = match strip_data_uri(trimmed) {
        Some(Ok(payload)) => payload,
        Some(Err(problem)) => return Err(format!("{field} is a data: URI {problem}")),
        None => trimmed,
    };
    decode(base64)
        .map(Source::Bytes)
        .map_err(|problem| format!("{field} is not Base64: {problem}"))
}

/// `http` or `https` when `text` starts with that scheme and `://`, any case.
fn url_scheme(text: &str) -> Option<&'static str> {
    let lower = text.get(..8)?.to_ascii_lowercase();
    if lower.starts_with("http://") {
        Some("http")
    } else if lower.starts_with("https://") {
        Some("https")
    } else {
        None
    }
}

/// The Base64 payload of a `data:[<type>][;param...];base64,<payload>` URI; `None` when
/// `text` is no data URI. The declared type is not trusted: the bytes are sniffed later.
fn strip_data_uri(text: &str) -> Option<Result<&str, &'static str>> {
    let rest = text
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("data:"))
        .map(|_| &text[5..])?;
    let Some((header, payload)) = rest.split_once(',') else {
        return Some(Err("without a comma before its data"));
    };
    let base64 = header
        .rsplit(';')
        .next()
        .is_some_and(|last| last.trim().eq_ignore_ascii_case("base64"));
    Some(if base64 {
        Ok(payload)
    } else {
        Err("that is not ;base64")
    })
}

/// Decodes standard Base64, ignoring ASCII whitespace, with or without padding.
fn decode(text: &str) -> Result<Vec<u8>, String> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    LENIENT.decode(&compact).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_base64_with_or_without_padding_and_line_breaks() {
        assert_eq!(read("f", "aGk=", false), Ok(Source::Bytes(b"hi".to_vec())));
        assert_eq!(read("f", "aGk", false), Ok(Source::Bytes(b"hi".to_vec())));
        assert_eq!(
            read("f", " aG\r\nk= ", false),
            Ok(Source::Bytes(b"hi".to_vec()))
        );
    }

    #[test]
    fn data_uris_are_read_whatever_their_declared_type() {
        let ok = Ok(Source::Bytes(b"hi".to_vec()));
        assert_eq!(read("f", "data:image/png;base64,aGk=", false), ok);
        assert_eq!(read("f", "DATA:;charset=x;BASE64,aGk=", false), ok);
        let err = read("f", "data:image/png,aGk=", false).unwrap_err();
        assert!(err.contains("not ;base64"), "{err}");
        let err = read("f", "data:image/png;base64", false).unwrap_err();
        assert!(err.contains("comma"), "{err}");
    }

    #[test]
    fn urls_only_where_accepted_and_only_http() {
        assert_eq!(
            read("f", "http://127.0.0.1:9/a.jpg", true),
            Ok(Source::Url("http://127.0.0.1:9/a.jpg".into()))
        );
        assert!(read("f", "https://x/a.jpg", true)
            .unwrap_err()
            .contains("http:// URLs only"));
        assert!(read("f", "http://x/a.jpg", false)
            .unwrap_err()
            .contains("takes the picture as Base64"));
    }

    #[test]
    fn garbage_is_named_with_its_field() {
        for garbage in ["", "   ", "*not base64*", "a", "aGk=aGk=", "é"] {
            let err = read("probe.imageBase64", garbage, true).unwrap_err();
            assert!(
                err.starts_with("probe.imageBase64 is"),
                "{garbage:?}: {err}"
            );
        }
    }
}
