//! Inspecting an upload and scoring two faces against each other.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::kind::MediaKind;
use super::marker::{read_marker, FaceCount, Liveness, Marker, MarkerError};

/// Most bytes a decoder may allocate for one picture.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest accepted width or height, in pixels.
pub const MAX_DIMENSION: u32 = 12_000;
/// Rows converted to RGBA8 at a time while hashing pixels.
const HASH_BAND_ROWS: u32 = 64;

/// What a matcher found in one upload.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FaceAnalysis {
    /// The sniffed kind.
    pub kind: MediaKind,
    /// Width in pixels, 0 for videos.
    pub width: u32,
    /// Height in pixels, 0 for videos.
    pub height: u32,
    /// How many faces are shown.
    pub faces: FaceCount,
    /// Live person or spoof.
    pub liveness: Liveness,
    /// Whether the subject is on a blocklist.
    pub blocklisted: bool,
    /// Score forced by the marker when this upload is the probe.
    pub forced_similarity: Option<f64>,
    /// The marker's subject, or `px-` and 16 hex digits of [`FaceAnalysis::digest`].
    pub subject: String,
    /// SHA-256 of the decoded RGBA8 pixels (pictures) or of the file (videos).
    #[serde(with = "crate::persistence::codec::hex_digest")]
    pub digest: [u8; 32],
    /// The marker, when the upload carries one.
    pub marker: Option<Marker>,
    /// The L2-normalised embedding of the largest face (model matcher only).
    #[serde(with = "crate::persistence::codec::embedding")]
    pub embedding: Option<std::sync::Arc<[f32]>>,
}

/// Why an upload could not be analysed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum AnalysisError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// A kind that cannot be analysed here (unknown, undecodable kind, or a
    /// video where only pictures are accepted).
    #[error("unsupported file type: {kind}")]
    Unsupported {
        /// What the file was sniffed as.
        kind: MediaKind,
    },
    /// The magic bytes promise a picture but it does not decode.
    #[error("the {kind} file is corrupt: {detail}")]
    Corrupt {
        /// What the file was sniffed as.
        kind: MediaKind,
        /// What went wrong.
        detail: String,
    },
    /// The marker is present but invalid.
    #[error(transparent)]
    BadMarker(MarkerError),
    /// The matcher itself failed (a model that did not run).
    #[error("the face matcher failed: {detail}")]
    Failed {
        /// What went wrong.
        detail: String,
    },
}

/// What the server asks of a face matcher: the deterministic matcher and the ONNX model matcher.
pub trait Matcher: Send + Sync + 'static {
    /// Short name of the matcher, e.g. for logs.
    fn name(&self) -> &'static str;
    /// Decode and inspect one upload. `allow_video`: whether a video is acceptable here (else a video => Unsupported).
    fn analyze(&self, bytes: &[u8], allow_video: bool) -> Result<FaceAnalysis, AnalysisError>;
    /// Similarity in 0..=1 of a probe against a reference, on a scale where the matcher's own
    /// accept point falls on `threshold` (the calling vendor's default threshold): a matcher
    /// with an operating point maps it there; the deterministic matcher's scores need no mapping.
    fn similarity(&self, probe: &FaceAnalysis, reference: &FaceAnalysis, threshold: f64) -> f64;
    /// [`Matcher::analyze`] of each upload, answered in order; a matcher that can analyse several
    /// at the same time (the model matcher) does, so a pair costs about one picture's time.
    fn analyze_all(
        &self,
        uploads: &[&[u8]],
        allow_video: bool,
    ) -> Vec<Result<FaceAnalysis, AnalysisError>> {
        uploads
            .iter()
            .map(|bytes| self.analyze(bytes, allow_video))
            .collect()
    }
}

/// A matcher that sees exactly what the markers say and scores by hashing:
/// repeatable, symmetric and free of any model.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeterministicMatcher;

impl Matcher for DeterministicMatcher {
    fn name(&self) -> &'static str {
        "deterministic"
    }

    fn analyze(&self, bytes: &[u8], allow_video: bool) -> Result<FaceAnalysis, AnalysisError> {
        if bytes.is_empty() {
            return Err(AnalysisError::Empty);
        }
        let kind = MediaKind::sniff(bytes);
        if !(kind.is_image() || kind.is_video() && allow_video) {
            return Err(AnalysisError::Unsupported { kind });
        }
        let marker = read_marker(kind, bytes).map_err(AnalysisError::BadMarker)?;
        let (width, height, digest) = if kind.is_image() {
            decode_and_hash(kind, bytes)?
        } else {
            (0, 0, Sha256::digest(bytes).into())
        };
        Ok(from_marker(kind, width, height, digest, marker))
    }

    fn similarity(&self, probe: &FaceAnalysis, reference: &FaceAnalysis, _threshold: f64) -> f64 {
        // A forced score is the tester's exact value; derived ones have 4 decimals.
        probe
            .forced_similarity
            .unwrap_or_else(|| round4(score(probe, reference)))
    }
}

/// The unrounded deterministic score of two pictures (a forced score aside).
fn score(probe: &FaceAnalysis, reference: &FaceAnalysis) -> f64 {
    if probe.faces == FaceCount::None || reference.faces == FaceCount::None {
        return 0.0;
    }
    let (low, high) = if probe.digest <= reference.digest {
        (&probe.digest, &reference.digest)
    } else {
        (&reference.digest, &probe.digest)
    };
    let pair = Sha256::new()
        .chain_update(low)
        .chain_update(high)
        .finalize();
    let top = u64::from_be_bytes(pair[..8].try_into().expect("8 bytes"));
    // 53 significant bits keep the fraction strictly below 1.
    let frac = (top >> 11) as f64 / (1u64 << 53) as f64;
    if probe.subject == reference.subject {
        if probe.digest == reference.digest {
            1.0
        } else {
            0.90 + 0.09 * frac
        }
    } else {
        0.30 * frac
    }
}

/// Rounds to 4 decimals.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Applies the marker (or the defaults) to what was measured.
fn from_marker(
    kind: MediaKind,
    width: u32,
    height: u32,
    digest: [u8; 32],
    marker: Option<Marker>,
) -> FaceAnalysis {
    let m = marker.clone().unwrap_or_default();
    FaceAnalysis {
        kind,
        width,
        height,
        faces: m.face.unwrap_or(FaceCount::One),
        liveness: m.liveness.unwrap_or(Liveness::Live),
        blocklisted: m.blocklist.unwrap_or(false),
        forced_similarity: m.similarity,
        subject: m
            .subject
            .unwrap_or_else(|| format!("px-{}", &hex::encode(digest)[..16])),
        digest,
        marker,
        embedding: None,
    }
}

/// The `image` format that decodes a sniffed picture kind.
fn image_format(kind: MediaKind) -> Option<ImageFormat> {
    Some(match kind {
        MediaKind::Jpeg => ImageFormat::Jpeg,
        MediaKind::Png => ImageFormat::Png,
        MediaKind::Webp => ImageFormat::WebP,
        MediaKind::Gif => ImageFormat::Gif,
        MediaKind::Bmp => ImageFormat::Bmp,
        MediaKind::Tiff => ImageFormat::Tiff,
        _ => return None,
    })
}

/// Decodes a picture within the limits and hashes its RGBA8 pixels.
fn decode_and_hash(kind: MediaKind, bytes: &[u8]) -> Result<(u32, u32, [u8; 32]), AnalysisError> {
    let image = decode(kind, bytes)?;
    Ok((image.width(), image.height(), rgba8_digest(&image)))
}

/// Decodes a picture of a sniffed kind within the decoding limits.
pub fn decode(kind: MediaKind, bytes: &[u8]) -> Result<DynamicImage, AnalysisError> {
    let format = image_format(kind).ok_or(AnalysisError::Unsupported { kind })?;
    if !format.reading_enabled() {
        return Err(AnalysisError::Unsupported { kind });
    }
    let corrupt = |detail: String| AnalysisError::Corrupt { kind, detail };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| corrupt(describe(e)))?;
    let (width, height) = decoder.dimensions();
    if decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(corrupt(format!(
            "{width}x{height} pixels would need more than {} MiB to decode",
            MAX_DECODE_BYTES >> 20
        )));
    }
    DynamicImage::from_decoder(decoder).map_err(|e| corrupt(describe(e)))
}

/// SHA-256 of the pixels as RGBA8, converting a band of rows at a time.
fn rgba8_digest(image: &DynamicImage) -> [u8; 32] {
    if let Some(rgba) = image.as_rgba8() {
        return Sha256::digest(rgba.as_raw()).into();
    }
    let mut hasher = Sha256::new();
    let (width, height) = (image.width(), image.height());
    for top in (0..height).step_by(HASH_BAND_ROWS as usize) {
        let rows = HASH_BAND_ROWS.min(height - top);
        hasher.update(image.crop_imm(0, top, width, rows).to_rgba8().as_raw());
    }
    hasher.finalize().into()
}

/// A readable reason for a decoding failure.
fn describe(error: ImageError) -> String {
    match error {
        ImageError::Limits(_) => format!(
            "the picture exceeds the decoding limits ({MAX_DIMENSION}x{MAX_DIMENSION} pixels, {} MiB)",
            MAX_DECODE_BYTES >> 20
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::super::fixture::{render, FixtureFormat, FixtureSpec};
    use super::super::test_bytes;
    use super::*;

    const M: DeterministicMatcher = DeterministicMatcher;

    fn spec(marker: &str, format: FixtureFormat, variant: u32) -> Vec<u8> {
        render(&FixtureSpec {
            marker: Marker::parse(marker).unwrap(),
            format,
            variant,
        })
    }

    fn analyze(marker: &str, format: FixtureFormat, variant: u32) -> FaceAnalysis {
        M.analyze(&spec(marker, format, variant), true).unwrap()
    }

    /// A PNG signature plus an IHDR chunk with a correct CRC.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&width.to_be_bytes());
        chunk.extend_from_slice(&height.to_be_bytes());
        chunk.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut crc = !0u32;
        for &b in &chunk {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\x0d".to_vec();
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&(!crc).to_be_bytes());
        out.extend_from_slice(b"\0\0\0\0IDAT\x35\xaf\x06\x1e");
        out
    }

    #[test]
    fn rejects_empty_unknown_and_unwanted_video() {
        assert_eq!(M.analyze(b"", true), Err(AnalysisError::Empty));
        assert_eq!(
            M.analyze(b"plain text", true),
            Err(AnalysisError::Unsupported {
                kind: MediaKind::Unknown
            })
        );
        let video = spec("subject=alice", FixtureFormat::Mp4, 0);
        assert_eq!(
            M.analyze(&video, false),
            Err(AnalysisError::Unsupported {
                kind: MediaKind::Mp4
            })
        );
        assert_eq!(M.name(), "deterministic");
    }

    #[test]
    fn applies_marker_to_pictures_and_videos() {
        let a = analyze(
            "subject=eve;face=many;liveness=spoof;blocklist=true;similarity=0.3",
            FixtureFormat::Jpeg,
            0,
        );
        assert_eq!((a.kind, a.width, a.height), (MediaKind::Jpeg, 160, 160));
        assert_eq!(
            (a.subject.as_str(), a.faces, a.liveness),
            ("eve", FaceCount::Many, Liveness::Spoof)
        );
        assert!(a.blocklisted);
        assert_eq!(a.forced_similarity, Some(0.3));
        assert!(a.marker.is_some());

        for format in [FixtureFormat::Mp4, FixtureFormat::Webm] {
            let bytes = spec("subject=eve;liveness=spoof", format, 0);
            let v = M.analyze(&bytes, true).unwrap();
            assert_eq!((v.kind, v.width, v.height), (format.kind(), 0, 0));
            assert_eq!((v.subject.as_str(), v.liveness), ("eve", Liveness::Spoof));
            assert_eq!(v.digest, <[u8; 32]>::from(Sha256::digest(&bytes)));
        }
        let bare = spec("", FixtureFormat::Webm, 3);
        let v = M.analyze(&bare, true).unwrap();
        let expected = format!("px-{}", &hex::encode(Sha256::digest(&bare))[..16]);
        assert_eq!(
            (v.subject, v.faces, v.liveness),
            (expected, FaceCount::One, Liveness::Live)
        );
    }

    #[test]
    fn unmarked_picture_subject_comes_from_pixels() {
        let bytes = spec("", FixtureFormat::Png, 9);
        let a = M.analyze(&bytes, false).unwrap();
        let rgba = image::load_from_memory(&bytes).unwrap().to_rgba8();
        let digest: [u8; 32] = Sha256::digest(rgba.as_raw()).into();
        assert_eq!(a.digest, digest);
        assert_eq!(a.subject, format!("px-{}", &hex::encode(digest)[..16]));
        assert_eq!(
            (a.faces, a.liveness, a.blocklisted, a.marker.as_ref()),
            (FaceCount::One, Liveness::Live, false, None)
        );
        assert_eq!(M.analyze(&bytes, false).unwrap(), a);
        let other = M.analyze(&spec("", FixtureFormat::Png, 10), false).unwrap();
        assert_ne!(other.subject, a.subject);
        assert_eq!(M.similarity(&a, &a, 0.7), 1.0);
        assert!(M.similarity(&a, &other, 0.7) <= 0.3);
    }

    #[test]
    fn lossless_formats_share_the_pixel_digest() {
        let png = spec("", FixtureFormat::Png, 2);
        let reference = M.analyze(&png, false).unwrap();
        let rgb = image::load_from_memory(&png).unwrap();
        for format in [
            image::ImageFormat::Bmp,
            image::ImageFormat::Gif,
            image::ImageFormat::WebP,
        ] {
            let mut out = Cursor::new(Vec::new());
            let converted = if format == image::ImageFormat::Gif {
                // GIF pixels are palettised: only compare against its own RGBA.
                rgb.to_rgba8().into()
            } else {
                rgb.clone()
            };
            converted.write_to(&mut out, format).unwrap();
            let a = M.analyze(out.get_ref(), false).unwrap();
            assert_eq!(a.kind, MediaKind::sniff(out.get_ref()));
            assert!(a.kind.is_image() && a.kind != MediaKind::Png, "{format:?}");
            if format != image::ImageFormat::Gif {
                assert_eq!(a.subject, reference.subject, "{format:?}");
            }
        }
    }

    #[test]
    fn scores_follow_subjects() {
        let alice: Vec<_> = (0..4)
            .map(|v| analyze("subject=alice", FixtureFormat::Png, v))
            .collect();
        let alice_jpeg = analyze("subject=alice", FixtureFormat::Jpeg, 1);
        let bob = analyze("subject=bob", FixtureFormat::Png, 0);
        let video = analyze("subject=alice", FixtureFormat::Mp4, 0);
        for a in &alice {
            assert_eq!(M.similarity(a, a, 0.7), 1.0);
            for b in alice.iter().chain([&alice_jpeg, &video]) {
                let s = M.similarity(a, b, 0.7);
                if a.digest != b.digest {
                    assert!((0.9..1.0).contains(&s), "{s}");
                }
                assert_eq!(s, M.similarity(b, a, 0.7));
                assert_eq!(s, (s * 10_000.0).round() / 10_000.0);
            }
            let s = M.similarity(a, &bob, 0.7);
            assert!((0.0..=0.3).contains(&s), "{s}");
            assert_eq!(s, M.similarity(&bob, a, 0.7));
        }
        let distinct: std::collections::BTreeSet<u64> = alice[1..]
            .iter()
            .map(|b| (M.similarity(&alice[0], b, 0.7) * 1e4) as u64)
            .collect();
        assert!(distinct.len() > 1, "scores should vary between pictures");
    }

    #[test]
    fn forced_similarity_and_missing_faces() {
        let reference = analyze("subject=alice", FixtureFormat::Png, 0);
        let forced = analyze("subject=alice;similarity=0.2", FixtureFormat::Jpeg, 3);
        assert_eq!(M.similarity(&forced, &reference, 0.7), 0.2);
        assert!(M.similarity(&reference, &forced, 0.7) >= 0.9);
        let none = analyze("subject=alice;face=none", FixtureFormat::Png, 0);
        assert_eq!(M.similarity(&none, &reference, 0.7), 0.0);
        assert_eq!(M.similarity(&reference, &none, 0.7), 0.0);
        let forced_none = analyze("face=none;similarity=0.7", FixtureFormat::Png, 0);
        assert_eq!(M.similarity(&forced_none, &reference, 0.7), 0.7);
    }

    #[test]
    fn decompression_bombs_are_refused_quickly() {
        for (width, height) in [(100_000, 100_000), (12_000, 12_000), (12_001, 1)] {
            let start = Instant::now();
            let result = M.analyze(&png_header(width, height), false);
            assert!(start.elapsed() < Duration::from_secs(2));
            match result {
                Err(AnalysisError::Corrupt {
                    kind: MediaKind::Png,
                    detail,
                }) => {
                    assert!(detail.contains("MiB"), "{width}x{height}: {detail}");
                }
                other => panic!("{width}x{height}: {other:?}"),
            }
        }
    }

    #[test]
    fn corrupt_and_unsupported_pictures() {
        let png = spec("", FixtureFormat::Png, 0);
        let half = M.analyze(&png[..png.len() / 2], false);
        assert!(
            matches!(
                half,
                Err(AnalysisError::Corrupt {
                    kind: MediaKind::Png,
                    ..
                })
            ),
            "{half:?}"
        );
        let mut garbage = vec![0xFF, 0xD8, 0xFF];
        garbage.extend_from_slice(&[0x42; 100]);
        let jpeg = M.analyze(&garbage, false);
        assert!(
            matches!(
                jpeg,
                Err(AnalysisError::Corrupt {
                    kind: MediaKind::Jpeg,
                    ..
                })
            ),
            "{jpeg:?}"
        );
        let tiff = M.analyze(b"II*\0\x08\0\0\0\0\0", false).unwrap_err();
        if ImageFormat::Tiff.reading_enabled() {
            assert!(matches!(tiff, AnalysisError::Corrupt { .. }));
        } else {
            assert_eq!(
                tiff,
                AnalysisError::Unsupported {
                    kind: MediaKind::Tiff
                }
            );
        }
        assert!(tiff.to_string().contains("tiff"), "{tiff}");
    }

    #[test]
    fn bad_marker_names_key_and_value() {
        let mut bytes = spec("subject=alice", FixtureFormat::Mp4, 0);
        let at = bytes.windows(5).position(|w| w == b"alice").unwrap();
        bytes.splice(at + 5..at + 5, b";face=two".iter().copied());
        let err = M.analyze(&bytes, true).unwrap_err();
        assert!(matches!(
            err,
            AnalysisError::BadMarker(MarkerError::InvalidValue { .. })
        ));
        assert!(err.to_string().contains("face=two"), "{err}");
    }

    #[test]
    fn hostile_input_never_panics() {
        let samples = [
            spec("subject=a", FixtureFormat::Png, 0),
            spec("subject=a", FixtureFormat::Jpeg, 0),
            spec("subject=a", FixtureFormat::Mp4, 0),
            spec("subject=a", FixtureFormat::Webm, 0),
        ];
        let mut outcomes = [0usize; 2];
        for sample in &samples {
            for len in (0..sample.len()).step_by(97).chain([sample.len()]) {
                outcomes[usize::from(M.analyze(&sample[..len], true).is_ok())] += 1;
            }
        }
        assert!(
            outcomes[0] > 0 && outcomes[1] >= samples.len(),
            "{outcomes:?}"
        );
        let prefixes: [&[u8]; 6] = [
            b"\x89PNG\r\n\x1a\n",
            b"\xFF\xD8\xFF",
            b"GIF89a",
            b"RIFF\0\0\0\0WEBP",
            b"\0\0\0\x18ftypisom",
            b"\x1a\x45\xdf\xa3",
        ];
        let mut errors = 0;
        for (i, junk) in test_bytes::random_inputs(300, 400).enumerate() {
            let mut bytes = prefixes[i % prefixes.len()].to_vec();
            bytes.extend_from_slice(&junk);
            if M.analyze(&bytes, i % 2 == 0).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 100, "{errors}");
    }
}
