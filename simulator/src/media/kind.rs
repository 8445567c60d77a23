//! Recognising the kind of an upload from its first bytes.

use serde::{Deserialize, Serialize};

/// The container or picture format of an upload, as told by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// JPEG picture (`FF D8 FF`).
    Jpeg,
    /// PNG picture.
    Png,
    /// WebP picture (`RIFF....WEBP`).
    Webp,
    /// GIF picture (`GIF87a` / `GIF89a`).
    Gif,
    /// Windows bitmap (`BM` with a known header size).
    Bmp,
    /// TIFF picture (`II*\0` / `MM\0*`).
    Tiff,
    /// WebM or any other Matroska video (EBML header).
    Webm,
    /// ISO base media (MP4) video: an `ftyp` box whose major brand is not `qt  `.
    Mp4,
    /// QuickTime video: `ftyp` with major brand `qt  `, or a legacy leading atom.
    Mov,
    /// AVI video (`RIFF....AVI `).
    Avi,
    /// Anything else.
    Unknown,
}

/// Sizes of the BMP information header that real files use.
const BMP_HEADER_SIZES: [u32; 7] = [12, 40, 52, 56, 64, 108, 124];

impl MediaKind {
    /// Every kind, in declaration order.
    pub const ALL: [MediaKind; 11] = [
        MediaKind::Jpeg,
        MediaKind::Png,
        MediaKind::Webp,
        MediaKind::Gif,
        MediaKind::Bmp,
        MediaKind::Tiff,
        MediaKind::Webm,
        MediaKind::Mp4,
        MediaKind::Mov,
        MediaKind::Avi,
        MediaKind::Unknown,
    ];

    /// Tells the kind from the magic bytes alone (never from a file name).
    pub fn sniff(bytes: &[u8]) -> MediaKind {
        let at = |offset: usize, magic: &[u8]| {
            bytes
                .get(offset..offset + magic.len())
                .is_some_and(|b| b == magic)
        };
        if at(0, &[0xFF, 0xD8, 0xFF]) {
            MediaKind::Jpeg
        } else if at(0, b"\x89PNG\r\n\x1a\n") {
            MediaKind::Png
        } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
            MediaKind::Gif
        } else if at(0, b"RIFF") && at(8, b"WEBP") {
            MediaKind::Webp
        } else if at(0, b"RIFF") && at(8, b"AVI ") {
            MediaKind::Avi
        } else if at(0, b"II*\0") || at(0, b"MM\0*") {
            MediaKind::Tiff
        } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
            MediaKind::Webm
        } else if at(4, b"ftyp") {
            match bytes.get(8..12) {
                Some(b"qt  ") => MediaKind::Mov,
                Some(_) => MediaKind::Mp4,
                None => MediaKind::Unknown,
            }
        } else if at(4, b"moov") || at(4, b"wide") || at(4, b"mdat") {
            MediaKind::Mov
        } else if at(0, b"BM") && is_bmp_header(bytes) {
            MediaKind::Bmp
        } else {
            MediaKind::Unknown
        }
    }

    /// Whether this is a still-picture format.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            MediaKind::Jpeg
                | MediaKind::Png
                | MediaKind::Webp
                | MediaKind::Gif
                | MediaKind::Bmp
                | MediaKind::Tiff
        )
    }

    /// Whether this is a video container.
    pub fn is_video(self) -> bool {
        matches!(
            self,
            MediaKind::Webm | MediaKind::Mp4 | MediaKind::Mov | MediaKind::Avi
        )
    }

    /// The MIME type, `application/octet-stream` for [`MediaKind::Unknown`].
    pub fn mime(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Gif => "image/gif",
            MediaKind::Bmp => "image/bmp",
            MediaKind::Tiff => "image/tiff",
            MediaKind::Webm => "video/webm",
            MediaKind::Mp4 => "video/mp4",
            MediaKind::Mov => "video/quicktime",
            MediaKind::Avi => "video/x-msvideo",
            MediaKind::Unknown => "application/octet-stream",
        }
    }

    /// The lowercase name, the same as the serialised form.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpeg",
            MediaKind::Png => "png",
            MediaKind::Webp => "webp",
            MediaKind::Gif => "gif",
            MediaKind::Bmp => "bmp",
            MediaKind::Tiff => "tiff",
            MediaKind::Webm => "webm",
            MediaKind::Mp4 => "mp4",
            MediaKind::Mov => "mov",
            MediaKind::Avi => "avi",
            MediaKind::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for MediaKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `BM` alone is too weak a signature: also require a known info-header size.
fn is_bmp_header(bytes: &[u8]) -> bool {
    bytes
        .get(14..18)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .is_some_and(|size| BMP_HEADER_SIZES.contains(&size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<(MediaKind, Vec<u8>)> {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&[0; 40]);
        vec![
            (MediaKind::Jpeg, vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
            (MediaKind::Png, b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec()),
            (MediaKind::Webp, b"RIFF\x24\0\0\0WEBPVP8 ".to_vec()),
            (MediaKind::Gif, b"GIF89a\x01\0\x01\0".to_vec()),
            (MediaKind::Gif, b"GIF87a\x01\0\x01\0".to_vec()),
            (MediaKind::Bmp, bmp),
            (MediaKind::Tiff, b"II*\0\x08\0\0\0".to_vec()),
            (MediaKind::Tiff, b"MM\0*\0\0\0\x08".to_vec()),
            (
                MediaKind::Webm,
                vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86],
            ),
            (MediaKind::Mp4, b"\0\0\0\x18ftypisom\0\0\x02\0isom".to_vec()),
            (MediaKind::Mp4, b"\0\0\0\x18ftypmp42\0\0\0\0mp42".to_vec()),
            (MediaKind::Mov, b"\0\0\0\x14ftypqt  \0\0\0\0qt  ".to_vec()),
            (MediaKind::Mov, b"\0\0\0\x08wide\0\0\0\x08mdat".to_vec()),
            (MediaKind::Avi, b"RIFF\x24\0\0\0AVI LIST".to_vec()),
            (MediaKind::Unknown, b"hello, world".to_vec()),
        ]
    }

    #[test]
    fn sniffs_every_kind() {
        for (kind, bytes) in samples() {
            assert_eq!(MediaKind::sniff(&bytes), kind, "{bytes:?}");
        }
        let covered: Vec<_> = samples().into_iter().map(|(k, _)| k).collect();
        for kind in MediaKind::ALL {
            assert!(covered.contains(&kind), "no sample for {kind}");
        }
    }

    #[test]
    fn truncated_signatures_are_unknown() {
        for (kind, bytes) in samples() {
            let magic_len = match kind {
                MediaKind::Jpeg => 3,
                MediaKind::Png => 8,
                MediaKind::Gif => 6,
                MediaKind::Webp | MediaKind::Avi | MediaKind::Mp4 | MediaKind::Mov => 12,
                MediaKind::Bmp => 18,
                MediaKind::Tiff | MediaKind::Webm => 4,
                MediaKind::Unknown => continue,
            };
            for len in 0..magic_len.min(bytes.len()) {
                let got = MediaKind::sniff(&bytes[..len]);
                // A legacy QuickTime atom is recognised at 8 bytes.
                if kind == MediaKind::Mov && len >= 8 && got == MediaKind::Mov {
                    continue;
                }
                assert_eq!(got, MediaKind::Unknown, "{kind} cut to {len}");
            }
        }
    }

    #[test]
    fn weak_bmp_signature_is_not_enough() {
        assert_eq!(MediaKind::sniff(b"BM"), MediaKind::Unknown);
        assert_eq!(
            MediaKind::sniff(b"BMW is a car brand, not a bitmap"),
            MediaKind::Unknown
        );
    }

    #[test]
    fn random_bytes_are_unknown() {
        let kinds: Vec<MediaKind> = super::super::test_bytes::random_inputs(2000, 64)
            .map(|bytes| MediaKind::sniff(&bytes))
            .collect();
        assert_eq!(kinds.len(), 2000);
        assert!(kinds.iter().all(|&k| k == MediaKind::Unknown), "{kinds:?}");
    }

    #[test]
    fn classes_mime_and_names() {
        for kind in MediaKind::ALL {
            assert!(!(kind.is_image() && kind.is_video()), "{kind}");
            let mime = kind.mime();
            if kind.is_image() {
                assert!(mime.starts_with("image/"), "{mime}");
            } else if kind.is_video() {
                assert!(mime.starts_with("video/"), "{mime}");
            } else {
                assert_eq!(mime, "application/octet-stream");
            }
            let serialised = format!("{:?}", kind).to_lowercase();
            assert_eq!(kind.name(), serialised);
            assert_eq!(kind.to_string(), kind.name());
        }
        assert_eq!(MediaKind::ALL.iter().filter(|k| k.is_image()).count(), 6);
        assert_eq!(MediaKind::ALL.iter().filter(|k| k.is_video()).count(), 4);
        assert_eq!(MediaKind::Mov.mime(), "video/quicktime");
    }
}
