//! How steps name a picture and the form it travels in: a catalogue file
//! (`alice-selfie.jpg`), or `a picture marked <marker>` (alice-selfie.jpg with that facesim
//! marker), or `a missing picture`; then optionally ` as a data URI`, ` as a data URI declared
//! <type>`, ` in Base64 without padding`, ` in Base64 with line breaks` or ` at a URL` (served
//! by the suite). Without a form the picture is plain Base64, as the verify example sends it.

use crate::fixtures::{Fixture, Fixtures};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use regex::Regex;
use std::sync::OnceLock;

/// The catalogue file marked pictures are made from.
const MARKED_BASE: &str = "alice-selfie.jpg";

/// Which picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A catalogue file.
    Fixture(String),
    /// [`MARKED_BASE`] with this marker.
    Marked(String),
    /// A URL that answers 404 (only `at a URL`).
    Missing,
}

/// How the picture travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// Base64, padded.
    Base64,
    /// Base64 without its `=` padding.
    Unpadded,
    /// Base64 cut in lines of 76 characters.
    LineBroken,
    /// `data:<type>;base64,…`, declaring the file's own type or this one.
    DataUri(Option<String>),
    /// An `http://` URL the suite serves.
    Url,
}

/// A picture as a step names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Which picture.
    pub source: Source,
    /// How it travels.
    pub form: Form,
}

fn grammar() -> &'static Regex {
    static GRAMMAR: OnceLock<Regex> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        Regex::new(
            r"^(?:(?P<file>[a-z0-9-]+\.(?:png|jpg|jpeg|bmp|mp4|webm|txt))|a picture marked (?P<marker>\S+)|(?P<missing>a missing picture))(?P<form> as a data URI(?: declared (?P<declared>\S+))?| in Base64 without padding| in Base64 with line breaks| at a URL)?$",
        )
        .expect("the picture grammar compiles")
    })
}

impl Picture {
    /// The picture `text` names, or `None` when it names none.
    pub fn parse(text: &str) -> Option<Picture> {
        let captures = grammar().captures(text)?;
        let source = if let Some(file) = captures.name("file") {
            Source::Fixture(file.as_str().to_string())
        } else if let Some(marker) = captures.name("marker") {
            Source::Marked(marker.as_str().to_string())
        } else {
            Source::Missing
        };
        let form = match captures.name("form").map(|m| m.as_str()) {
            None => Form::Base64,
            Some(" in Base64 without padding") => Form::Unpadded,
            Some(" in Base64 with line breaks") => Form::LineBroken,
            Some(" at a URL") => Form::Url,
            Some(_) => Form::DataUri(captures.name("declared").map(|d| d.as_str().to_string())),
        };
        if source == Source::Missing && form != Form::Url {
            return None;
        }
        Some(Picture { source, form })
    }

    /// The file, `None` for a missing picture.
    pub fn file(&self, fixtures: &Fixtures) -> Result<Option<Fixture>, String> {
        match &self.source {
            Source::Fixture(name) => {
                if !fixtures.names().any(|n| n == name) {
                    return Err(format!("there is no fixture called {name}"));
                }
                Ok(Some(fixtures.get(name).clone()))
            }
            Source::Marked(marker) => fixtures
                .remarked(MARKED_BASE, marker, "marked.jpg")
                .map(Some),
            Source::Missing => Ok(None),
        }
    }
}

/// `file` in `form` (not [`Form::Url`], which the caller serves).
pub fn encode(file: &Fixture, form: &Form) -> String {
    match form {
        Form::Base64 | Form::Url => STANDARD.encode(&file.bytes),
        Form::Unpadded => STANDARD_NO_PAD.encode(&file.bytes),
        Form::LineBroken => {
            let text = STANDARD.encode(&file.bytes);
            let lines: Vec<&str> = text
                .as_bytes()
                .chunks(76)
                .map(|line| std::str::from_utf8(line).expect("Base64 is ASCII"))
                .collect();
            lines.join("\n")
        }
        Form::DataUri(declared) => format!(
            "data:{};base64,{}",
            declared.as_deref().unwrap_or(file.content_type),
            STANDARD.encode(&file.bytes)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_name_pictures_and_their_form() {
        let plain = Picture::parse("alice-selfie.jpg").unwrap();
        assert_eq!(plain.source, Source::Fixture("alice-selfie.jpg".into()));
        assert_eq!(plain.form, Form::Base64);
        let declared = Picture::parse("alice-selfie.jpg as a data URI declared image/png").unwrap();
        assert_eq!(declared.form, Form::DataUri(Some("image/png".into())));
        let marked = Picture::parse("a picture marked liveness_score=0.42 at a URL").unwrap();
        assert_eq!(marked.source, Source::Marked("liveness_score=0.42".into()));
        assert_eq!(marked.form, Form::Url);
        assert_eq!(
            Picture::parse("a missing picture at a URL").unwrap().source,
            Source::Missing
        );
        assert_eq!(Picture::parse("a missing picture"), None);
        assert_eq!(Picture::parse("***"), None);
        assert_eq!(Picture::parse("\"alice-selfie.jpg\""), None);
    }

    #[test]
    fn forms_write_the_same_bytes() {
        let fixtures = Fixtures::embedded();
        let file = fixtures.get("alice-selfie.jpg");
        let padded = encode(file, &Form::Base64);
        assert_eq!(STANDARD.decode(&padded).unwrap(), file.bytes.to_vec());
        let unpadded = encode(file, &Form::Unpadded);
        assert_eq!(unpadded, padded.trim_end_matches('='));
        let lines = encode(file, &Form::LineBroken);
        assert!(lines.lines().all(|l| l.len() <= 76) && lines.contains('\n'));
        assert_eq!(lines.replace('\n', ""), padded);
        let uri = encode(file, &Form::DataUri(None));
        assert_eq!(uri, format!("data:image/jpeg;base64,{padded}"));
        let marked = Picture::parse("a picture marked document=torn").unwrap();
        let bytes = marked.file(&fixtures).unwrap().unwrap().bytes;
        assert!(bytes.windows(13).any(|w| w == b"document=torn"));
    }
}
