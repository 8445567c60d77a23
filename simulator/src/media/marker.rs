//! The picture marker: `key=value` pairs a tester embeds in an upload to choose
//! what the simulator "sees" in it.
//!
//! Where the marker lives:
//! - PNG: a `tEXt` chunk (or an uncompressed `iTXt` chunk) with keyword `facesim`;
//!   its text is the pairs, optionally preceded by `facesim:`.
//! - JPEG: a COM segment (`FF FE`) whose text starts with `facesim:`.
//! - Videos: the ASCII text `facesim:` followed by the pairs, starting anywhere in
//!   the first 64 KiB and ending at the first byte that is not printable ASCII
//!   (NUL, newline, ...) or at the end of those 64 KiB.
//!
//! Other picture kinds carry no marker.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kind::MediaKind;

/// PNG text keyword that holds the marker.
pub const PNG_KEYWORD: &str = "facesim";
/// Prefix of the marker in JPEG comments and videos.
pub const PREFIX: &str = "facesim:";
/// How far into a video the marker is looked for.
pub const VIDEO_SCAN_LIMIT: usize = 64 * 1024;

/// How many faces a picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaceCount {
    /// No face at all.
    None,
    /// Exactly one face.
    One,
    /// Two or more faces.
    Many,
}

impl FaceCount {
    /// The marker spelling: `none`, `one` or `many`.
    pub fn as_str(self) -> &'static str {
        match self {
            FaceCount::None => "none",
            FaceCount::One => "one",
            FaceCount::Many => "many",
        }
    }
}

/// Whether the face is a live person or a presentation attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Liveness {
    /// A live person in front of the camera.
    Live,
    /// A photo of a photo, a screen, a mask...
    Spoof,
}

impl Liveness {
    /// The marker spelling: `live` or `spoof`.
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Spoof => "spoof",
        }
    }
}

/// What a tester asked the simulator to see in one upload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Who is in the picture (`subject=`).
    pub subject: Option<String>,
    /// How many faces it shows (`face=`).
    pub face: Option<FaceCount>,
    /// Live or spoof (`liveness=`).
    pub liveness: Option<Liveness>,
    /// Score forced when this picture is the probe (`similarity=`, 0..=1).
    pub similarity: Option<f64>,
    /// Whether the subject is on a blocklist (`blocklist=`).
    pub blocklist: Option<bool>,
    /// Every other key (e.g. `document=`), kept for vendors that read it.
    pub extra: BTreeMap<String, String>,
}

/// Why a marker could not be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum MarkerError {
    /// A known key has a value outside what it accepts.
    #[error("facesim marker: `{key}={value}` is invalid, {key} must be {expected}")]
    InvalidValue {
        /// The key, lowercase.
        key: String,
        /// The value as written.
        value: String,
        /// What the key accepts.
        expected: &'static str,
    },
    /// A non-empty piece between `;` that is not `key=value`.
    #[error("facesim marker: `{pair}` is not a key=value pair")]
    NotAPair {
        /// The offending piece, trimmed.
        pair: String,
    },
    /// The same key appears twice.
    #[error("facesim marker: key `{key}` is given more than once")]
    DuplicateKey {
        /// The repeated key, lowercase.
        key: String,
    },
    /// The marker is there but stored in a way that cannot be read.
    #[error("facesim marker in the {container} cannot be read: {detail}")]
    Unreadable {
        /// Where it was found, e.g. `PNG iTXt chunk`.
        container: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

impl Marker {
    /// Parses the `key=value;key=value` text (without the `facesim:` prefix).
    pub fn parse(text: &str) -> Result<Marker, MarkerError> {
        let mut marker = Marker::default();
        let mut seen: Vec<String> = Vec::new();
        for piece in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = piece.split_once('=') else {
                return Err(MarkerError::NotAPair { pair: piece.into() });
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            if key.is_empty() {
                return Err(MarkerError::NotAPair { pair: piece.into() });
            }
            if seen.contains(&key) {
                return Err(MarkerError::DuplicateKey { key });
            }
            marker.set(&key, value)?;
            seen.push(key);
        }
        Ok(marker)
    }

    /// Stores one trimmed, lowercase-keyed pair.
    fn set(&mut self, key: &str, value: &str) -> Result<(), MarkerError> {
        let invalid = |expected| MarkerError::InvalidValue {
            key: key.into(),
            value: value.into(),
            expected,
        };
        let lower = value.to_ascii_lowercase();
        match key {
            "subject" if value.is_empty() => return Err(invalid("a non-empty label")),
            "subject" => self.subject = Some(value.into()),
            "face" => {
                self.face = Some(match lower.as_str() {
                    "none" => FaceCount::None,
                    "one" => FaceCount::One,
                    "many" => FaceCount::Many,
                    _ => return Err(invalid("one of none, one, many")),
                })
            }
            "liveness" => {
                self.liveness = Some(match lower.as_str() {
                    "live" => Liveness::Live,
                    "spoof" => Liveness::Spoof,
                    _ => return Err(invalid("one of live, spoof")),
                })
            }
            "similarity" => match value.parse::<f64>() {
                Ok(x) if (0.0..=1.0).contains(&x) => self.similarity = Some(x),
                _ => return Err(invalid("a number from 0 to 1")),
            },
            "blocklist" => {
                self.blocklist = Some(match lower.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(invalid("one of true, false")),
                })
            }
            _ => {
                self.extra.insert(key.into(), value.into());
            }
        }
        Ok(())
    }

    /// Writes the marker back as `key=value;...` with known keys first, then
    /// the extra keys in alphabetical order.
    pub fn to_text(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if let Some(subject) = &self.subject {
            pairs.push(format!("subject={subject}"));
        }
        if let Some(face) = self.face {
            pairs.push(format!("face={}", face.as_str()));
        }
        if let Some(liveness) = self.liveness {
            pairs.push(format!("liveness={}", liveness.as_str()));
        }
        if let Some(similarity) = self.similarity {
            pairs.push(format!("similarity={similarity}"));
        }
        if let Some(blocklist) = self.blocklist {
            pairs.push(format!("blocklist={blocklist}"));
        }
        pairs.extend(self.extra.iter().map(|(k, v)| format!("{k}={v}")));
        pairs.join(";")
    }
}

/// Finds and parses the marker of an upload of the given kind.
///
/// `Ok(None)` when there is none (or the kind carries none). Never panics,
/// whatever the bytes; truncated structures simply end the search.
pub fn read_marker(kind: MediaKind, bytes: &[u8]) -> Result<Option<Marker>, MarkerError> {
    let text = match kind {
        MediaKind::Png => png_text(bytes)?,
        MediaKind::Jpeg => jpeg_text(bytes)?,
        k if k.is_video() => video_text(bytes),
        _ => None,
    };
    text.map(|t| Marker::parse(t.strip_prefix(PREFIX).unwrap_or(&t)))
        .transpose()
}

/// Walks the PNG chunks and returns the text of the first `facesim` chunk.
fn png_text(bytes: &[u8]) -> Result<Option<String>, MarkerError> {
    let mut pos = 8usize;
    while let Some(header) = pos.checked_add(8).and_then(|end| bytes.get(pos..end)) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let start = pos + 8;
        let Some(data) = start.checked_add(len).and_then(|end| bytes.get(start..end)) else {
            break;
        };
        match &header[4..8] {
            b"tEXt" => {
                if let Some(text) = keyword_body(data, PNG_KEYWORD) {
                    return Ok(Some(text.iter().map(|&b| char::from(b)).collect()));
                }
            }
            b"iTXt" => {
                if let Some(body) = keyword_body(data, PNG_KEYWORD) {
                    return itxt_text(body).map(Some);
                }
            }
            b"zTXt" if keyword_body(data, PNG_KEYWORD).is_some() => {
                return Err(MarkerError::Unreadable {
                    container: "PNG zTXt chunk",
                    detail: "compressed text is not supported, use a tEXt chunk".into(),
                });
            }
            b"IEND" => break,
            _ => {}
        }
        let Some(next) = start.checked_add(len).and_then(|p| p.checked_add(4)) else {
            break;
        };
        pos = next;
    }
    Ok(None)
}

/// The bytes after `keyword\0` when a text chunk has the wanted keyword.
fn keyword_body<'a>(data: &'a [u8], keyword: &str) -> Option<&'a [u8]> {
    let nul = data.iter().position(|&b| b == 0)?;
    (&data[..nul] == keyword.as_bytes()).then(|| &data[nul + 1..])
}

/// Decodes the part of an iTXt chunk after its keyword.
fn itxt_text(body: &[u8]) -> Result<String, MarkerError> {
    let unreadable = |detail: &str| MarkerError::Unreadable {
        container: "PNG iTXt chunk",
        detail: detail.into(),
    };
    let [flag, _method, rest @ ..] = body else {
        return Err(unreadable("the chunk is truncated"));
    };
    if *flag != 0 {
        return Err(unreadable("compressed text is not supported"));
    }
    let mut fields = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(unreadable("the chunk is truncated"));
    };
    String::from_utf8(text.to_vec()).map_err(|_| unreadable("the text is not UTF-8"))
}

/// Walks the JPEG segments up to the scan and returns the first `facesim:` comment.
fn jpeg_text(bytes: &[u8]) -> Result<Option<String>, MarkerError> {
    let mut pos = 2usize;
    loop {
        if bytes.get(pos) != Some(&0xFF) {
            return Ok(None);
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&code) = bytes.get(pos) else {
            return Ok(None);
        };
        pos += 1;
        match code {
            0x01 | 0xD0..=0xD8 => continue,
            0x00 | 0xD9 | 0xDA => return Ok(None),
            _ => {}
        }
        let Some(&[hi, lo]) = bytes.get(pos..pos + 2) else {
            return Ok(None);
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let Some(data) = (len >= 2).then(|| bytes.get(pos + 2..pos + len)).flatten() else {
            return Ok(None);
        };
        if code == 0xFE {
            if let Some(text) = data.strip_prefix(PREFIX.as_bytes()) {
                let text = text.strip_suffix(&[0]).unwrap_or(text);
                return String::from_utf8(text.to_vec()).map(Some).map_err(|_| {
                    MarkerError::Unreadable {
                        container: "JPEG comment",
                        detail: "the text is not UTF-8".into(),
                    }
                });
            }
        }
        pos += len;
    }
}

/// Finds `facesim:` in the first 64 KiB and returns the printable run after it.
fn video_text(bytes: &[u8]) -> Option<String> {
    let window = &bytes[..bytes.len().min(VIDEO_SCAN_LIMIT)];
    let prefix = PREFIX.as_bytes();
    let start = window.windows(prefix.len()).position(|w| w == prefix)? + prefix.len();
    let run = &window[start..];
    let end = run
        .iter()
        .position(|b| !(0x20..=0x7E).contains(b))
        .unwrap_or(run.len());
    Some(run[..end].iter().map(|&b| char::from(b)).collect())
}

#[cfg(test)]
mod tests {
    use super::super::test_bytes;
    use super::*;

    fn png_with(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (ty, data) in chunks {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(*ty);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0; 4]);
        }
        out
    }

    fn encoded_png(add: impl FnOnce(&mut png::Encoder<'_, &mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 2, 2);
        encoder.set_color(png::ColorType::Rgb);
        add(&mut encoder);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[128; 12]).unwrap();
        writer.finish().unwrap();
        out
    }

    fn jpeg_with_comment(comment: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(comment);
        out.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        out
    }

    #[test]
    fn parses_every_key() {
        let m = Marker::parse(
            " subject = alice ; face=MANY;liveness=spoof;;similarity=0.25;blocklist=true;document=passport ;",
        )
        .unwrap();
        assert_eq!(m.subject.as_deref(), Some("alice"));
        assert_eq!(m.face, Some(FaceCount::Many));
        assert_eq!(m.liveness, Some(Liveness::Spoof));
        assert_eq!(m.similarity, Some(0.25));
        assert_eq!(m.blocklist, Some(true));
        assert_eq!(
            m.extra.get("document").map(String::as_str),
            Some("passport")
        );
        assert_eq!(Marker::parse("").unwrap(), Marker::default());
        assert_eq!(Marker::parse(" ; ;").unwrap(), Marker::default());
    }

    #[test]
    fn text_round_trips_in_stable_order() {
        let m = Marker::parse("zeta=1;blocklist=false;similarity=1;subject=bob;alpha=x").unwrap();
        let text = m.to_text();
        assert_eq!(
            text,
            "subject=bob;similarity=1;blocklist=false;alpha=x;zeta=1"
        );
        assert_eq!(Marker::parse(&text).unwrap(), m);
        assert_eq!(Marker::default().to_text(), "");
    }

    #[test]
    fn invalid_values_name_key_and_value() {
        for (text, key, value) in [
            ("face=two", "face", "two"),
            ("similarity=1.5", "similarity", "1.5"),
            ("similarity=-0.1", "similarity", "-0.1"),
            ("similarity=NaN", "similarity", "NaN"),
            ("similarity=high", "similarity", "high"),
            ("liveness=maybe", "liveness", "maybe"),
            ("blocklist=yes", "blocklist", "yes"),
            ("subject=", "subject", ""),
        ] {
            let err = Marker::parse(&format!("document=x;{text}")).unwrap_err();
            match &err {
                MarkerError::InvalidValue {
                    key: k, value: v, ..
                } => {
                    assert_eq!((k.as_str(), v.as_str()), (key, value));
                }
                other => panic!("{text}: {other:?}"),
            }
            let shown = err.to_string();
            assert!(shown.contains(&format!("`{key}={value}`")), "{shown}");
        }
    }

    #[test]
    fn structural_errors() {
        assert_eq!(
            Marker::parse("subject=a;oops").unwrap_err(),
            MarkerError::NotAPair {
                pair: "oops".into()
            }
        );
        assert_eq!(
            Marker::parse("=x").unwrap_err(),
            MarkerError::NotAPair { pair: "=x".into() }
        );
        assert_eq!(
            Marker::parse("face=one;FACE=many").unwrap_err(),
            MarkerError::DuplicateKey { key: "face".into() }
        );
    }

    #[test]
    fn reads_png_text_chunks() {
        let text = encoded_png(|e| {
            e.add_text_chunk("facesim".into(), "subject=eve".into())
                .unwrap()
        });
        let m = read_marker(MediaKind::Png, &text).unwrap().unwrap();
        assert_eq!(m.subject.as_deref(), Some("eve"));

        let itxt = encoded_png(|e| {
            e.add_itxt_chunk("facesim".into(), "subject=zoë;face=none".into())
                .unwrap()
        });
        let m = read_marker(MediaKind::Png, &itxt).unwrap().unwrap();
        assert_eq!(
            (m.subject.as_deref(), m.face),
            (Some("zoë"), Some(FaceCount::None))
        );

        let other = encoded_png(|e| {
            e.add_text_chunk("Comment".into(), "subject=eve".into())
                .unwrap()
        });
        assert_eq!(read_marker(MediaKind::Png, &other), Ok(None));

        let prefixed = png_with(&[(b"tEXt", b"facesim\0facesim:liveness=spoof")]);
        let m = read_marker(MediaKind::Png, &prefixed).unwrap().unwrap();
        assert_eq!(m.liveness, Some(Liveness::Spoof));
    }

    #[test]
    fn png_marker_errors_are_reported() {
        let bad = png_with(&[(b"tEXt", b"facesim\0face=two")]);
        assert!(matches!(
            read_marker(MediaKind::Png, &bad),
            Err(MarkerError::InvalidValue { .. })
        ));
        let compressed = png_with(&[(b"iTXt", b"facesim\0\x01\0\0\0xyz")]);
        assert!(matches!(
            read_marker(MediaKind::Png, &compressed),
            Err(MarkerError::Unreadable { .. })
        ));
        let ztxt = png_with(&[(b"zTXt", b"facesim\0\0xyz")]);
        assert!(read_marker(MediaKind::Png, &ztxt).is_err());
        let short_itxt = png_with(&[(b"iTXt", b"facesim\0\0")]);
        assert!(read_marker(MediaKind::Png, &short_itxt).is_err());
        let after_iend = png_with(&[(b"IEND", b""), (b"tEXt", b"facesim\0face=two")]);
        assert_eq!(read_marker(MediaKind::Png, &after_iend), Ok(None));
    }

    #[test]
    fn reads_jpeg_comment() {
        let jpeg = jpeg_with_comment(b"facesim:subject=carol;similarity=0.5\0");
        let m = read_marker(MediaKind::Jpeg, &jpeg).unwrap().unwrap();
        assert_eq!(
            (m.subject.as_deref(), m.similarity),
            (Some("carol"), Some(0.5))
        );
        let plain = jpeg_with_comment(b"made with love");
        assert_eq!(read_marker(MediaKind::Jpeg, &plain), Ok(None));
        let bad = jpeg_with_comment(b"facesim:face=lots");
        assert!(read_marker(MediaKind::Jpeg, &bad).is_err());
        let not_utf8 = jpeg_with_comment(b"facesim:subject=\xFF\xFE");
        assert!(matches!(
            read_marker(MediaKind::Jpeg, &not_utf8),
            Err(MarkerError::Unreadable { .. })
        ));
    }

    #[test]
    fn reads_video_text() {
        let mut video = b"\0\0\0\x18ftypisom\0\0\0\0isom".to_vec();
        video.extend_from_slice(b"\0\0\0\x30freefacesim:subject=dave;face=one\0more");
        let m = read_marker(MediaKind::Mp4, &video).unwrap().unwrap();
        assert_eq!(
            (m.subject.as_deref(), m.face),
            (Some("dave"), Some(FaceCount::One))
        );
        video.truncate(video.len() - 5);
        video.extend_from_slice(b"\nliveness=spoof");
        let m = read_marker(MediaKind::Mp4, &video).unwrap().unwrap();
        assert_eq!(m.liveness, None);

        let mut far = vec![0u8; VIDEO_SCAN_LIMIT];
        far.extend_from_slice(b"facesim:subject=x");
        assert_eq!(read_marker(MediaKind::Webm, &far), Ok(None));
        assert!(read_marker(MediaKind::Avi, b"RIFFfacesim:face=2").is_err());
        assert_eq!(
            read_marker(MediaKind::Gif, b"GIF89afacesim:face=2"),
            Ok(None)
        );
    }

    #[test]
    fn hostile_containers_never_panic() {
        let good_png = encoded_png(|e| {
            e.add_text_chunk("facesim".into(), "subject=eve".into())
                .unwrap()
        });
        let good_jpeg = jpeg_with_comment(b"facesim:subject=eve");
        for (kind, good) in [(MediaKind::Png, &good_png), (MediaKind::Jpeg, &good_jpeg)] {
            let mut found = 0;
            for len in 0..=good.len() {
                if let Ok(Some(_)) = read_marker(kind, &good[..len]) {
                    found += 1;
                }
            }
            assert!(found > 0 && found < good.len(), "{kind}: {found}");
        }
        let huge_len = png_with(&[(b"tEXt", b"")])
            .into_iter()
            .enumerate()
            .map(|(i, b)| if (8..12).contains(&i) { 0xFF } else { b })
            .collect::<Vec<_>>();
        assert_eq!(read_marker(MediaKind::Png, &huge_len), Ok(None));
        let huge_jpeg = [0xFF, 0xD8, 0xFF, 0xFE, 0xFF, 0xFF, b'f'];
        assert_eq!(read_marker(MediaKind::Jpeg, &huge_jpeg), Ok(None));
        let zero_len_jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xFE];
        assert_eq!(read_marker(MediaKind::Jpeg, &zero_len_jpeg), Ok(None));

        let mut checked = 0;
        for (i, bytes) in test_bytes::random_inputs(500, 300).enumerate() {
            for kind in MediaKind::ALL {
                let mut framed = match kind {
                    MediaKind::Png => b"\x89PNG\r\n\x1a\n".to_vec(),
                    MediaKind::Jpeg => vec![0xFF, 0xD8],
                    _ => Vec::new(),
                };
                framed.extend_from_slice(&bytes);
                if i % 2 == 0 {
                    framed.extend_from_slice(b"facesim:subject=x");
                }
                let _ = read_marker(kind, &framed);
                checked += 1;
            }
        }
        assert_eq!(checked, 500 * MediaKind::ALL.len());
    }
}
