//! Generated pictures and what each shows by the documents and facesim's markers: a catalogue
//! file, a catalogue picture re-marked (a subject, a spoof, a forced similarity or liveness
//! score, a document), or garbage that is no picture at all; each in one of the forms a
//! picture may travel in.

use crate::fixtures::Fixtures;
use crate::trustmatic::pictures::{encode, Form};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;

/// What `document=` says about a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Document {
    /// `genuine` (or no `document=`).
    Genuine,
    /// `spoof`.
    Spoof,
    /// `too_small`.
    TooSmall,
    /// `cropped`.
    Cropped,
}

/// What a picture shows.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shows {
    /// Nothing readable: the "missing image" error of its field.
    Unreadable,
    /// A picture without a face.
    NoFace,
    /// A face (or a document, which facesim reads from the same pictures).
    Face(Face),
}

/// A readable picture with a face.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Face {
    /// Who it shows.
    pub subject: &'static str,
    /// The catalogue file its pixels come from: the same file gives the same pixels.
    pub pixels: &'static str,
    /// A presentation attack (`liveness=spoof`).
    pub spoof: bool,
    /// The similarity it forces as the probe (`similarity=`).
    pub similarity: Option<f64>,
    /// The liveness score it forces (`liveness_score=`).
    pub liveness_score: Option<f64>,
    /// What it is as a document.
    pub document: Document,
}

impl Face {
    fn of(subject: &'static str, pixels: &'static str) -> Face {
        Face {
            subject,
            pixels,
            spoof: false,
            similarity: None,
            liveness_score: None,
            document: Document::Genuine,
        }
    }
}

/// Where a picture's bytes come from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Source {
    /// A catalogue file.
    Fixture(&'static str),
    /// A catalogue picture with another marker.
    Marked {
        /// The catalogue file.
        base: &'static str,
        /// Its subject in the marker.
        subject: &'static str,
        /// `;`-separated pairs after the subject.
        extra: String,
        /// What the marker makes of it.
        shows: Box<Shows>,
    },
    /// A string that is no picture, sent as it is.
    Garbage(String),
}

/// A generated picture and the form it travels in.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Shot {
    /// Its bytes.
    pub source: Source,
    /// How it travels (garbage travels as it is).
    pub form: Form,
}

/// What each catalogue file shows (`simulator/fixtures/README.md` and the derived files).
fn catalogue(name: &str) -> Shows {
    let face = |subject, pixels| Shows::Face(Face::of(subject, pixels));
    let document = |document| {
        Shows::Face(Face {
            document,
            ..Face::of("document-front", "alice-selfie.jpg")
        })
    };
    match name {
        "alice-reference.png" => face("alice", "alice-reference.png"),
        "alice-selfie.jpg" => face("alice", "alice-selfie.jpg"),
        "many-faces.png" => face("alice", "many-faces.png"),
        "bob-selfie.jpg" => face("bob", "bob-selfie.jpg"),
        "plain-photo.png" => face("px-plain-photo", "plain-photo.png"),
        "unsupported.bmp" => face("px-unsupported", "unsupported.bmp"),
        "alice-spoof.jpg" => Shows::Face(Face {
            spoof: true,
            ..Face::of("alice", "alice-spoof.jpg")
        }),
        "bob-spoof.jpg" => Shows::Face(Face {
            spoof: true,
            ..Face::of("bob", "bob-selfie.jpg")
        }),
        "document-front.jpg" => document(Document::Genuine),
        "document-back.jpg" => document(Document::Genuine),
        "document-spoof.jpg" => document(Document::Spoof),
        "document-too-small.jpg" => document(Document::TooSmall),
        "document-cropped.jpg" => document(Document::Cropped),
        "no-face.png" => Shows::NoFace,
        _ => Shows::Unreadable,
    }
}

impl Shot {
    /// What the picture shows.
    pub fn shows(&self) -> Shows {
        match &self.source {
            Source::Fixture(name) => catalogue(name),
            Source::Marked { shows, .. } => (**shows).clone(),
            Source::Garbage(_) => Shows::Unreadable,
        }
    }

    /// The string sent for it.
    pub fn value(&self, fixtures: &Fixtures) -> String {
        match &self.source {
            Source::Fixture(name) => encode(fixtures.get(name), &self.form),
            Source::Marked {
                base,
                subject,
                extra,
                ..
            } => {
                let marker = format!("subject={subject}{extra}");
                let file = fixtures
                    .remarked(base, &marker, "marked.jpg")
                    .unwrap_or_else(|e| panic!("re-marking {base}: {e}"));
                encode(&file, &self.form)
            }
            Source::Garbage(text) => text.clone(),
        }
    }
}

/// The forms a picture may travel in, mostly plain Base64.
fn form() -> impl Strategy<Value = Form> + Clone {
    prop_oneof![
        6 => Just(Form::Base64),
        2 => Just(Form::DataUri(None)),
        1 => Just(Form::DataUri(Some("image/png".into()))),
        1 => Just(Form::Unpadded),
        1 => Just(Form::LineBroken),
    ]
}

fn fixture(names: &'static [&'static str]) -> impl Strategy<Value = Source> + Clone {
    proptest::sample::select(names).prop_map(Source::Fixture)
}

/// A number from 0 to 1 with at most `decimals` decimals, as the marker writes it.
pub(super) fn fraction(decimals: u32) -> impl Strategy<Value = (f64, String)> + Clone {
    let scale = 10u32.pow(decimals);
    (0..=scale).prop_map(move |n| {
        let text = format!(
            "{}.{:0width$}",
            n / scale,
            n % scale,
            width = decimals as usize
        );
        let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
        (f64::from(n) / f64::from(scale), text)
    })
}

/// alice-selfie.jpg or bob-selfie.jpg marked with their own subject and `extra` pairs.
fn marked(extra: String, face: impl Fn(Face) -> Face) -> impl Strategy<Value = Source> + Clone {
    prop_oneof![
        Just(("alice", "alice-selfie.jpg")),
        Just(("bob", "bob-selfie.jpg"))
    ]
    .prop_map(move |(subject, base)| Source::Marked {
        base,
        subject,
        extra: extra.clone(),
        shows: Box::new(Shows::Face(face(Face::of(subject, base)))),
    })
}

/// Readable pictures of faces without a forced similarity.
pub(super) fn face() -> impl Strategy<Value = Shot> + Clone {
    let source = prop_oneof![
        4 => fixture(&[
            "alice-reference.png",
            "alice-selfie.jpg",
            "bob-selfie.jpg",
            "alice-spoof.jpg",
            "bob-spoof.jpg",
            "many-faces.png",
            "plain-photo.png",
            "unsupported.bmp",
        ]),
        1 => marked(String::new(), |face| face),
        1 => marked(";liveness=spoof".into(), |face| Face { spoof: true, ..face }),
        1 => fraction(7).prop_flat_map(|(score, text)| marked(
            format!(";liveness_score={text}"),
            move |face| Face { liveness_score: Some(score), ..face },
        )),
    ];
    (source, form()).prop_map(|(source, form)| Shot { source, form })
}

/// alice-selfie.jpg forcing the similarity `similarity` (written `text`) as the probe.
pub(super) fn forcing_similarity(similarity: f64, text: &str) -> Shot {
    Shot {
        source: Source::Marked {
            base: "alice-selfie.jpg",
            subject: "alice",
            extra: format!(";similarity={text}"),
            shows: Box::new(Shows::Face(Face {
                similarity: Some(similarity),
                ..Face::of("alice", "alice-selfie.jpg")
            })),
        },
        form: Form::Base64,
    }
}

/// Pictures of documents, genuine or not, some with a forced score.
pub(super) fn document() -> impl Strategy<Value = Shot> + Clone {
    let source = prop_oneof![
        4 => fixture(&[
            "document-front.jpg",
            "document-back.jpg",
            "document-spoof.jpg",
            "document-too-small.jpg",
            "document-cropped.jpg",
        ]),
        1 => fraction(3).prop_map(|(score, text)| Source::Marked {
            base: "alice-selfie.jpg",
            subject: "document-front",
            extra: format!(";document=genuine;liveness_score={text}"),
            shows: Box::new(Shows::Face(Face {
                liveness_score: Some(score),
                ..Face::of("document-front", "alice-selfie.jpg")
            })),
        }),
    ];
    (source, form()).prop_map(|(source, form)| Shot { source, form })
}

/// PNGs whose first part is no readable picture.
const CUT_PNGS: &[&str] = &["alice-reference.png", "no-face.png", "many-faces.png"];

/// Strings that are no readable picture: random text, Base64 of random bytes or of text, the
/// first part of a PNG, `data:` URIs of nothing useful.
pub(super) fn garbage() -> impl Strategy<Value = String> + Clone {
    let not_a_url = |text: &String| !text.trim_start().to_ascii_lowercase().starts_with("http");
    prop_oneof![
        any::<String>().prop_filter("not a URL", not_a_url),
        "[A-Za-z0-9+/]{0,64}={0,2}",
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(|b| STANDARD.encode(b)),
        "[ -~]{1,60}".prop_map(|text| STANDARD.encode(text)),
        (proptest::sample::select(CUT_PNGS), 1usize..500).prop_map(|(name, per_mille)| {
            let fixtures = Fixtures::embedded();
            let bytes = &fixtures.get(name).bytes;
            STANDARD.encode(&bytes[..bytes.len() * per_mille / 1000])
        }),
        "data:image/(png|jpeg|webp);base64,[A-Za-z0-9+/]{0,40}",
        Just(String::new()),
        "[ \t\r\n]{1,8}",
    ]
}

/// Pictures that are unreadable: garbage, and catalogue files that are no usable picture.
pub(super) fn unreadable() -> impl Strategy<Value = Shot> + Clone {
    let source = prop_oneof![
        2 => garbage().prop_map(Source::Garbage),
        1 => fixture(&[
            "corrupt.png",
            "not-media.txt",
            "alice-selfie.mp4",
            "alice-selfie.webm",
            "bad-marker.png",
        ]),
    ];
    (source, form()).prop_map(|(source, form)| Shot { source, form })
}

/// The picture without a face.
pub(super) fn no_face() -> impl Strategy<Value = Shot> + Clone {
    form().prop_map(|form| Shot {
        source: Source::Fixture("no-face.png"),
        form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn fractions_are_written_as_markers_take_them() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..200 {
            let (value, text) = fraction(7).new_tree(&mut runner).unwrap().current();
            assert_eq!(text.parse::<f64>().unwrap(), value, "{text}");
            assert!(!text.ends_with('.') && (0.0..=1.0).contains(&value));
        }
    }

    #[test]
    fn catalogue_files_show_what_their_marker_says() {
        let fixtures = Fixtures::embedded();
        let shot = |name| Shot {
            source: Source::Fixture(name),
            form: Form::Base64,
        };
        assert_eq!(shot("no-face.png").shows(), Shows::NoFace);
        assert_eq!(shot("corrupt.png").shows(), Shows::Unreadable);
        let Shows::Face(spoof) = shot("bob-spoof.jpg").shows() else {
            panic!("bob-spoof.jpg shows a face")
        };
        assert!(spoof.spoof && spoof.subject == "bob");
        let forced = forcing_similarity(0.7, "0.7");
        let bytes = STANDARD.decode(forced.value(&fixtures)).unwrap();
        assert!(bytes
            .windows(28)
            .any(|w| w == b"subject=alice;similarity=0.7"));
    }
}
