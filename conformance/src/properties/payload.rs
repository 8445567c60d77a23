//! Generated bodies of uploads and forms, each with a shell command that writes the same
//! bytes, so that a failing request can be replayed with `COMMAND | curl … --data-binary @-`.

use crate::fixtures::Fixtures;
use crate::target::shell_quote;
use bytes::Bytes;
use proptest::prelude::*;
use std::fmt::Write as _;

/// The upload limit of the face-validation guide (10 MB).
pub(super) const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// The bytes of an upload, as generated.
#[derive(Clone, Debug)]
pub(super) enum Upload {
    /// A catalogue file as it is.
    Fixture(&'static str),
    /// The first bytes of a catalogue file (`per_mille` of its length).
    Truncated(&'static str, u16),
    /// A few random bytes.
    Random(Vec<u8>),
    /// `n` zero bytes.
    Zeros(usize),
    /// Nothing.
    Empty,
    /// One byte more than the limit.
    Oversized,
}

/// Bytes to send, and how to reproduce them.
pub(super) struct Body {
    /// The bytes.
    pub bytes: Bytes,
    /// The file name for curl's `@name`: the catalogue name, or `-` (standard input).
    pub label: String,
    /// The shell command writing the bytes to standard output, when `label` is `-`.
    pub source: Option<String>,
}

impl Upload {
    /// The bytes and their reproduction.
    pub fn body(&self, fixtures: &Fixtures) -> Body {
        match self {
            Upload::Fixture(name) => Body {
                bytes: fixtures.get(name).bytes.clone(),
                label: (*name).to_string(),
                source: None,
            },
            Upload::Truncated(name, per_mille) => {
                let full = &fixtures.get(name).bytes;
                let n = full.len() * usize::from(*per_mille) / 1000;
                piped(full.slice(..n), format!("head -c {n} {name}"))
            }
            Upload::Random(bytes) => piped(Bytes::from(bytes.clone()), printf_octal(bytes)),
            Upload::Zeros(n) => piped(Bytes::from(vec![0; *n]), format!("head -c {n} /dev/zero")),
            Upload::Empty => piped(Bytes::new(), "printf ''".into()),
            Upload::Oversized => piped(
                Bytes::from(vec![0; UPLOAD_LIMIT + 1]),
                format!("head -c {} /dev/zero", UPLOAD_LIMIT + 1),
            ),
        }
    }

    /// The catalogue file this upload is made of, if any.
    pub fn fixture(&self) -> Option<&'static str> {
        match self {
            Upload::Fixture(name) | Upload::Truncated(name, _) => Some(name),
            _ => None,
        }
    }
}

fn piped(bytes: Bytes, source: String) -> Body {
    Body {
        bytes,
        label: "-".into(),
        source: Some(source),
    }
}

/// A `printf` command writing `bytes` (octal escapes work in every POSIX shell).
fn printf_octal(bytes: &[u8]) -> String {
    let mut format = String::from("printf '");
    for byte in bytes {
        let _ = write!(format, "\\{byte:03o}");
    }
    format.push('\'');
    format
}

/// A `printf` command writing `text` unchanged.
pub(super) fn printf_text(text: &str) -> String {
    format!("printf '%s' {}", shell_quote(text))
}

/// Pictures with a face or without one, in the formats the guide accepts (jpeg, png, webp).
pub(super) const PICTURES: &[&str] = &[
    "alice-reference.png",
    "alice-selfie.jpg",
    "alice-spoof.jpg",
    "alice-forced-low.jpg",
    "bob-selfie.jpg",
    "no-face.png",
    "many-faces.png",
    "blocklisted.png",
    "plain-photo.png",
];
/// Videos in formats the guide accepts for validations (webm, mp4).
pub(super) const VIDEOS: &[&str] = &["alice-selfie.mp4", "alice-selfie.webm"];
/// Files in formats the guide does not list, broken pictures, and facesim's malformed marker.
pub(super) const OTHER_FILES: &[&str] = &[
    "corrupt.png",
    "unsupported.bmp",
    "not-media.txt",
    "bad-marker.png",
];

/// Any upload: mostly catalogue files, sometimes garbage, rarely over the limit.
pub(super) fn upload() -> impl Strategy<Value = Upload> + Clone {
    let every: Vec<&'static str> = PICTURES
        .iter()
        .chain(VIDEOS)
        .chain(OTHER_FILES)
        .copied()
        .collect();
    prop_oneof![
        8 => proptest::sample::select(every.clone()).prop_map(Upload::Fixture),
        2 => (proptest::sample::select(every), 0u16..1000)
            .prop_map(|(name, per_mille)| Upload::Truncated(name, per_mille)),
        2 => proptest::collection::vec(any::<u8>(), 1..48).prop_map(Upload::Random),
        1 => (1usize..65536).prop_map(Upload::Zeros),
        1 => Just(Upload::Empty),
        1 => Just(Upload::Oversized),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_name_exists() {
        let fixtures = Fixtures::embedded();
        for name in PICTURES.iter().chain(VIDEOS).chain(OTHER_FILES) {
            assert!(!fixtures.get(name).bytes.is_empty(), "{name}");
        }
    }

    #[test]
    fn generated_bytes_come_with_their_shell_source() {
        let fixtures = Fixtures::embedded();
        let random = Upload::Random(vec![0, 39, 255]).body(&fixtures);
        assert_eq!(random.source.as_deref(), Some(r"printf '\000\047\377'"));
        assert_eq!(random.label, "-");
        let truncated = Upload::Truncated("corrupt.png", 500).body(&fixtures);
        let full = fixtures.get("corrupt.png").bytes.len();
        assert_eq!(truncated.bytes.len(), full / 2);
        assert_eq!(
            truncated.source,
            Some(format!("head -c {} corrupt.png", full / 2))
        );
        let fixture = Upload::Fixture("alice-selfie.jpg").body(&fixtures);
        assert_eq!(
            (fixture.label.as_str(), fixture.source),
            ("alice-selfie.jpg", None)
        );
        assert_eq!(
            Upload::Oversized.body(&fixtures).bytes.len(),
            UPLOAD_LIMIT + 1
        );
        assert_eq!(printf_text("it's"), r"printf '%s' 'it'\''s'");
    }
}
