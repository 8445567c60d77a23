//! The pictures and videos scenarios and properties upload: facesim's fixture catalogue
//! (`simulator/fixtures/`) embedded at build time, each replaceable by a file of the same
//! name from a directory, so a real vendor can be tested with pictures that really show (or
//! lack) a face.

mod remark;

use bytes::Bytes;
use std::collections::BTreeMap;
use std::path::Path;

macro_rules! catalogue {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../simulator/fixtures/", $name)) as &[u8])),*]
    };
}

/// Every embedded file, by name.
const EMBEDDED: &[(&str, &[u8])] = catalogue![
    "alice-reference.png",
    "alice-selfie.jpg",
    "alice-selfie.mp4",
    "alice-selfie.webm",
    "alice-spoof.jpg",
    "alice-forced-low.jpg",
    "bob-selfie.jpg",
    "no-face.png",
    "many-faces.png",
    "blocklisted.png",
    "bad-marker.png",
    "corrupt.png",
    "unsupported.bmp",
    "plain-photo.png",
    "not-media.txt",
];

/// Files made from an embedded one by rewriting its marker: (name, embedded file, marker).
const DERIVED: &[(&str, &str, &str)] = &[
    (
        "alice-system-error.jpg",
        "alice-selfie.jpg",
        "subject=alice;fault=system_error",
    ),
    (
        "alice-speech-mismatch.mp4",
        "alice-selfie.mp4",
        "subject=alice;speech=mismatch",
    ),
    (
        "bob-spoof.jpg",
        "bob-selfie.jpg",
        "subject=bob;liveness=spoof",
    ),
    (
        "document-front.jpg",
        "alice-selfie.jpg",
        "subject=document-front;document=genuine",
    ),
    (
        "document-back.jpg",
        "alice-selfie.jpg",
        "subject=document-back;document=genuine",
    ),
    (
        "document-spoof.jpg",
        "alice-selfie.jpg",
        "subject=document-front;document=spoof",
    ),
    (
        "document-too-small.jpg",
        "alice-selfie.jpg",
        "subject=document-front;document=too_small",
    ),
    (
        "document-cropped.jpg",
        "alice-selfie.jpg",
        "subject=document-front;document=cropped",
    ),
];

/// One file to upload.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// Its name in the catalogue (`alice-selfie.jpg`).
    pub name: String,
    /// Its bytes.
    pub bytes: Bytes,
    /// The media type its extension implies.
    pub content_type: &'static str,
    /// Whether it was replaced from a directory.
    pub replaced: bool,
}

/// The set of files available to the suite.
#[derive(Clone, Debug)]
pub struct Fixtures {
    files: BTreeMap<String, Fixture>,
}

impl Fixtures {
    /// The embedded catalogue, with the files derived from it.
    pub fn embedded() -> Self {
        let mut files: BTreeMap<String, Fixture> = EMBEDDED
            .iter()
            .map(|(name, bytes)| (name.to_string(), fixture(name, Bytes::from_static(bytes))))
            .collect();
        for (name, base, marker) in DERIVED {
            let bytes = remark::remark(&files[*base].bytes, marker)
                .unwrap_or_else(|e| panic!("deriving {name} from {base}: {e}"));
            files.insert(name.to_string(), fixture(name, Bytes::from(bytes)));
        }
        Fixtures { files }
    }

    /// The embedded catalogue with every file of `dir` whose name is in the catalogue
    /// replacing the embedded one; a file with another name is an error, so a typo cannot
    /// go unnoticed.
    pub fn with_overrides(dir: &Path) -> Result<Self, String> {
        let mut fixtures = Self::embedded();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(slot) = fixtures.files.get_mut(&name) else {
                return Err(format!(
                    "{}: {name} is not a fixture name (known: {})",
                    dir.display(),
                    Self::embedded().names().collect::<Vec<_>>().join(", ")
                ));
            };
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            slot.bytes = Bytes::from(bytes);
            slot.replaced = true;
        }
        Ok(fixtures)
    }

    /// The file called `name`; panics on a name outside the catalogue (a bug in a step).
    pub fn get(&self, name: &str) -> &Fixture {
        self.files
            .get(name)
            .unwrap_or_else(|| panic!("no fixture called {name}"))
    }

    /// The catalogue file `base` (a JPEG or an MP4) with its marker replaced by `marker`,
    /// named `name`: an outcome the catalogue has no file for.
    pub fn remarked(&self, base: &str, marker: &str, name: &str) -> Result<Fixture, String> {
        let bytes = remark::remark(&self.get(base).bytes, marker)?;
        Ok(fixture(name, Bytes::from(bytes)))
    }

    /// Every file name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

fn fixture(name: &str, bytes: Bytes) -> Fixture {
    Fixture {
        name: name.to_string(),
        bytes,
        content_type: content_type_of(name),
        replaced: false,
    }
}

fn content_type_of(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("bmp") => "image/bmp",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_catalogue_is_embedded() {
        let on_disk = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../simulator/fixtures"
        ))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .count();
        assert_eq!(
            Fixtures::embedded().names().count(),
            on_disk + DERIVED.len()
        );
        assert_eq!(
            Fixtures::embedded().get("alice-selfie.jpg").content_type,
            "image/jpeg"
        );
    }

    #[test]
    fn derived_files_carry_their_marker() {
        let fixtures = Fixtures::embedded();
        let video = &fixtures.get("alice-speech-mismatch.mp4").bytes;
        assert!(video
            .windows(29)
            .any(|w| w == b"subject=alice;speech=mismatch"));
        let jpeg = &fixtures.get("alice-system-error.jpg").bytes;
        assert!(jpeg.windows(18).any(|w| w == b"fault=system_error"));
        assert_eq!(fixtures.get("bob-spoof.jpg").content_type, "image/jpeg");
        let document = &fixtures.get("document-cropped.jpg").bytes;
        assert!(document.windows(16).any(|w| w == b"document=cropped"));
        let marked = fixtures
            .remarked("alice-selfie.jpg", "liveness_score=0.42", "forced.jpg")
            .unwrap();
        assert!(marked
            .bytes
            .windows(19)
            .any(|w| w == b"liveness_score=0.42"));
        assert_eq!(
            (marked.name.as_str(), marked.content_type),
            ("forced.jpg", "image/jpeg")
        );
    }

    #[test]
    fn overrides_must_use_catalogue_names() {
        let dir = std::env::temp_dir().join(format!("facesim-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("alice-selfie.jpg"), b"real").unwrap();
        let fixtures = Fixtures::with_overrides(&dir).unwrap();
        assert!(fixtures.get("alice-selfie.jpg").replaced);
        assert_eq!(&fixtures.get("alice-selfie.jpg").bytes[..], b"real");
        std::fs::write(dir.join("alice.jpg"), b"x").unwrap();
        let error = Fixtures::with_overrides(&dir).unwrap_err();
        assert!(error.contains("alice.jpg is not a fixture name"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
