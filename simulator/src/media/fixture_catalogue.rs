//! The committed fixture catalogue (`fixtures/`): how each file is made, and a check that the
//! files and their README still say the same as the code.

use super::super::analysis::{AnalysisError, DeterministicMatcher, FaceAnalysis, Matcher};
use super::tests::spec;
use super::*;

/// How a catalogue file is made.
enum Source {
    /// `render` with a marker text, format and variant.
    Render(&'static str, FixtureFormat, u32),
    /// A PNG drawn for `subject`, carrying raw (possibly invalid) marker text.
    RawPng(&'static str, &'static str),
    /// A greyscale BMP of an unmarked face of this variant.
    Bmp(u32),
    /// The first half of an unmarked PNG of this variant.
    HalfPng(u32),
    /// Literal bytes.
    Bytes(&'static [u8]),
}

struct Entry {
    file: &'static str,
    shows: &'static str,
    triggers: &'static str,
    source: Source,
    /// What [`summary`] of its analysis must be.
    analyses_to: &'static str,
}

const CATALOGUE: &[Entry] = &[
    Entry {
        file: "alice-reference.png",
        shows: "Alice, front-facing (variant 0)",
        triggers: "Reference photo of alice: every other alice upload matches it at 0.90–0.99",
        source: Source::Render("subject=alice", FixtureFormat::Png, 0),
        analyses_to: "png 160x160, one live face, subject alice",
    },
    Entry {
        file: "alice-selfie.jpg",
        shows: "Alice, shifted and relit (variant 1)",
        triggers: "A selfie that matches alice-reference.png",
        source: Source::Render("subject=alice", FixtureFormat::Jpeg, 1),
        analyses_to: "jpeg 160x160, one live face, subject alice",
    },
    Entry {
        file: "alice-selfie.mp4",
        shows: "MP4 container (no frames) carrying the alice marker",
        triggers: "A video selfie of alice; refused where only pictures are accepted",
        source: Source::Render("subject=alice", FixtureFormat::Mp4, 1),
        analyses_to: "mp4 video, one live face, subject alice",
    },
    Entry {
        file: "alice-selfie.webm",
        shows: "WebM container (no frames) carrying the alice marker",
        triggers: "A video selfie of alice; refused where only pictures are accepted",
        source: Source::Render("subject=alice", FixtureFormat::Webm, 1),
        analyses_to: "webm video, one live face, subject alice",
    },
    Entry {
        file: "bob-selfie.jpg",
        shows: "Bob, a different face",
        triggers: "No match against any alice upload (≤ 0.30)",
        source: Source::Render("subject=bob", FixtureFormat::Jpeg, 1),
        analyses_to: "jpeg 160x160, one live face, subject bob",
    },
    Entry {
        file: "alice-spoof.jpg",
        shows: "Alice, marked as a presentation attack",
        triggers: "Liveness check fails",
        source: Source::Render("subject=alice;liveness=spoof", FixtureFormat::Jpeg, 2),
        analyses_to: "jpeg 160x160, one spoof face, subject alice",
    },
    Entry {
        file: "no-face.png",
        shows: "A landscape without any face",
        triggers: "No face detected; similarity 0",
        source: Source::Render("face=none", FixtureFormat::Png, 0),
        analyses_to: "png 160x160, no face, subject px-5e15b71d5175212e",
    },
    Entry {
        file: "many-faces.png",
        shows: "Two or three faces",
        triggers: "Multiple faces error",
        source: Source::Render("subject=alice;face=many", FixtureFormat::Png, 0),
        analyses_to: "png 160x160, many live faces, subject alice",
    },
    Entry {
        file: "blocklisted.png",
        shows: "Mallory",
        triggers: "Blocklist / watch-list hit",
        source: Source::Render("subject=mallory;blocklist=true", FixtureFormat::Png, 0),
        analyses_to: "png 160x160, one live face, subject mallory, blocklisted",
    },
    Entry {
        file: "alice-forced-low.jpg",
        shows: "Alice, with a forced score",
        triggers: "As the probe it scores exactly 0.2: a failed match despite the same subject",
        source: Source::Render("subject=alice;similarity=0.2", FixtureFormat::Jpeg, 3),
        analyses_to: "jpeg 160x160, one live face, subject alice, similarity 0.2",
    },
    Entry {
        file: "bad-marker.png",
        shows: "Alice with an invalid marker (`face=two`)",
        triggers: "Marker error naming the key and the value",
        source: Source::RawPng("alice", "subject=alice;face=two"),
        analyses_to:
            "error: facesim marker: `face=two` is invalid, face must be one of none, one, many",
    },
    Entry {
        file: "corrupt.png",
        shows: "The first half of a PNG",
        triggers: "Corrupt-picture error",
        source: Source::HalfPng(7),
        analyses_to: "error: corrupt png",
    },
    Entry {
        file: "unsupported.bmp",
        shows: "A valid greyscale BMP of an unmarked face",
        triggers: "Format-not-supported paths of vendors that refuse BMP (it decodes fine)",
        source: Source::Bmp(4),
        analyses_to: "bmp 160x160, one live face, subject px-f07bde384e4395f4",
    },
    Entry {
        file: "plain-photo.png",
        shows: "An unmarked face",
        triggers: "No marker: subject `px-…` from the pixels, so it matches only itself (1.0)",
        source: Source::Render("", FixtureFormat::Png, 5),
        analyses_to: "png 160x160, one live face, subject px-d09a561d58e551b4",
    },
    Entry {
        file: "not-media.txt",
        shows: "Plain text",
        triggers: "Unsupported file type",
        source: Source::Bytes(b"This is a text file, not a picture or a video.\n"),
        analyses_to: "error: unsupported file type: unknown",
    },
];

/// Probe and reference pairs whose scores the README lists.
const PAIRS: [(&str, &str); 7] = [
    ("alice-selfie.jpg", "alice-reference.png"),
    ("alice-selfie.mp4", "alice-reference.png"),
    ("alice-spoof.jpg", "alice-reference.png"),
    ("bob-selfie.jpg", "alice-reference.png"),
    ("alice-forced-low.jpg", "alice-reference.png"),
    ("no-face.png", "alice-reference.png"),
    ("plain-photo.png", "plain-photo.png"),
];

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
const LIMIT: usize = 40 * 1024;

fn make(source: &Source) -> Vec<u8> {
    let unmarked_png = |variant| render(&spec("", FixtureFormat::Png, variant));
    match *source {
        Source::Render(marker, format, variant) => render(&spec(marker, format, variant)),
        Source::RawPng(subject, text) => {
            let drawing = draw(&spec(&format!("subject={subject}"), FixtureFormat::Png, 0));
            encode_png(&drawing, text)
        }
        Source::Bmp(variant) => {
            let grey = image::load_from_memory(&unmarked_png(variant))
                .unwrap()
                .to_luma8();
            let mut out = std::io::Cursor::new(Vec::new());
            grey.write_to(&mut out, image::ImageFormat::Bmp).unwrap();
            out.into_inner()
        }
        Source::HalfPng(variant) => {
            let png = unmarked_png(variant);
            png[..png.len() / 2].to_vec()
        }
        Source::Bytes(bytes) => bytes.to_vec(),
    }
}

fn summary(result: &Result<FaceAnalysis, AnalysisError>) -> String {
    let a = match result {
        Ok(a) => a,
        Err(AnalysisError::Corrupt { kind, .. }) => return format!("error: corrupt {kind}"),
        Err(e) => return format!("error: {e}"),
    };
    let mut out = if a.kind.is_video() {
        format!("{} video", a.kind)
    } else {
        format!("{} {}x{}", a.kind, a.width, a.height)
    };
    out += &match a.faces {
        FaceCount::None => ", no face".to_string(),
        FaceCount::One => format!(", one {} face", a.liveness.as_str()),
        FaceCount::Many => format!(", many {} faces", a.liveness.as_str()),
    };
    out += &format!(", subject {}", a.subject);
    if a.blocklisted {
        out += ", blocklisted";
    }
    if let Some(x) = a.forced_similarity {
        out += &format!(", similarity {x}");
    }
    out
}

fn readme(scores: &[(&str, &str, f64)]) -> String {
    let mut out = String::from(
        "# Fixture catalogue\n\n\
         Ready-made uploads for trying the simulator. Each marked file carries a `facesim` \
         marker (a PNG `tEXt` chunk, a JPEG comment, or text inside the video container) \
         that tells the simulator what it shows; see `src/media/marker.rs`. The videos are \
         minimal containers for the simulator, not playable videos.\n\n\
         \"Analyses to\" is what the deterministic matcher makes of the file. A unit test \
         checks every file against this page; \
         `FACESIM_REGENERATE_FIXTURES=1 cargo test -p facesim fixture_catalogue` \
         rewrites the files and this page.\n\n\
         | File | Shows | Marker | Triggers | Analyses to |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for e in CATALOGUE {
        let marker = match e.source {
            Source::Render("", ..) | Source::Bmp(_) | Source::HalfPng(_) | Source::Bytes(_) => {
                "—".to_string()
            }
            Source::Render(text, ..) | Source::RawPng(_, text) => format!("`{text}`"),
        };
        out += &format!(
            "| `{}` | {} | {} | {} | {} |\n",
            e.file, e.shows, marker, e.triggers, e.analyses_to
        );
    }
    out +=
        "\n## Scores\n\nWhat the deterministic matcher scores for some probe/reference pairs.\n\n\
            | Probe | Reference | Similarity |\n| --- | --- | --- |\n";
    for (probe, reference, score) in scores {
        out += &format!("| `{probe}` | `{reference}` | {score:.4} |\n");
    }
    out
}

fn path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(DIR).join(file)
}

/// Regenerates the catalogue when `FACESIM_REGENERATE_FIXTURES=1`, then checks
/// that every committed file still analyses to what the README says.
#[test]
fn fixture_catalogue_matches_files_and_readme() {
    let matcher = DeterministicMatcher;
    if std::env::var("FACESIM_REGENERATE_FIXTURES").as_deref() == Ok("1") {
        std::fs::create_dir_all(DIR).unwrap();
        for e in CATALOGUE {
            std::fs::write(path(e.file), make(&e.source)).unwrap();
        }
    }
    let hint = "run with FACESIM_REGENERATE_FIXTURES=1 to regenerate";
    let mut analyses = std::collections::BTreeMap::new();
    let mut mismatches = Vec::new();
    for e in CATALOGUE {
        let bytes =
            std::fs::read(path(e.file)).unwrap_or_else(|err| panic!("{}: {err}; {hint}", e.file));
        assert!(bytes.len() < LIMIT, "{} is {} bytes", e.file, bytes.len());
        let result = matcher.analyze(&bytes, true);
        let got = summary(&result);
        if got != e.analyses_to {
            mismatches.push(format!(
                "{}: README says `{}`, file gives `{got}`",
                e.file, e.analyses_to
            ));
        }
        analyses.insert(e.file, result);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    let scores: Vec<_> = PAIRS
        .iter()
        .map(|&(probe, reference)| {
            let get = |f: &str| analyses[f].as_ref().expect("analysable pair");
            (
                probe,
                reference,
                matcher.similarity(get(probe), get(reference), 0.7),
            )
        })
        .collect();
    let expected = readme(&scores);
    let readme_path = path("README.md");
    if std::env::var("FACESIM_REGENERATE_FIXTURES").as_deref() == Ok("1") {
        std::fs::write(&readme_path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&readme_path).unwrap_or_default();
    assert_eq!(committed, expected, "fixtures/README.md is stale; {hint}");

    // Folders hold real pictures (`faces/`) with their own credits, outside the catalogue.
    let mut on_disk: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CATALOGUE.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "files in fixtures/ and the catalogue differ"
    );
}
