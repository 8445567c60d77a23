//! Rendering test uploads that carry a marker.
//!
//! Pictures are small (160×160) drawings: a face whose skin, eyes, hair and
//! proportions follow from a hash of the subject, with background, lighting and
//! position shifted by the variant; `face=none` draws a landscape and
//! `face=many` two or three faces. Videos are minimal containers for the
//! simulator — the right magic bytes plus the marker text — not playable videos.

use std::str::FromStr;

use image::codecs::jpeg::JpegEncoder;
use image::ExtendedColorType;
use sha2::{Digest, Sha256};

use super::kind::MediaKind;
use super::marker::{FaceCount, Marker, PNG_KEYWORD, PREFIX};

/// Side of a rendered picture, in pixels.
pub const SIZE: u32 = 160;

/// Output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureFormat {
    /// PNG with a `tEXt` marker (`iTXt` when the text is not ASCII).
    Png,
    /// JPEG with a `facesim:` COM segment right after SOI.
    Jpeg,
    /// MP4 container with the marker in a `free` box.
    Mp4,
    /// WebM container with the marker in a tag.
    Webm,
}

impl FixtureFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FixtureFormat::Png => "png",
            FixtureFormat::Jpeg => "jpg",
            FixtureFormat::Mp4 => "mp4",
            FixtureFormat::Webm => "webm",
        }
    }

    /// The kind [`MediaKind::sniff`] reports for the rendered bytes.
    pub fn kind(self) -> MediaKind {
        match self {
            FixtureFormat::Png => MediaKind::Png,
            FixtureFormat::Jpeg => MediaKind::Jpeg,
            FixtureFormat::Mp4 => MediaKind::Mp4,
            FixtureFormat::Webm => MediaKind::Webm,
        }
    }
}

/// A format name that [`FixtureFormat`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fixture format `{0}` (expected png, jpeg, jpg, mp4 or webm)")]
pub struct ParseFixtureFormatError(pub String);

impl FromStr for FixtureFormat {
    type Err = ParseFixtureFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "png" => Ok(FixtureFormat::Png),
            "jpeg" | "jpg" => Ok(FixtureFormat::Jpeg),
            "mp4" => Ok(FixtureFormat::Mp4),
            "webm" => Ok(FixtureFormat::Webm),
            _ => Err(ParseFixtureFormatError(s.to_string())),
        }
    }
}

/// What to render.
#[derive(Debug, Clone)]
pub struct FixtureSpec {
    /// The marker to embed (an empty marker embeds nothing).
    pub marker: Marker,
    /// The output format.
    pub format: FixtureFormat,
    /// Shifts background, lighting and position, so variants differ.
    pub variant: u32,
}

/// Renders the upload described by `spec`; the same spec gives the same bytes.
///
/// # Panics
/// For a JPEG whose marker text exceeds the 65,000 or so bytes a COM segment holds.
pub fn render(spec: &FixtureSpec) -> Vec<u8> {
    let text = spec.marker.to_text();
    match spec.format {
        FixtureFormat::Png => encode_png(&draw(spec), &text),
        FixtureFormat::Jpeg => encode_jpeg(&draw(spec), &text),
        FixtureFormat::Mp4 => mp4(&text, spec.variant),
        FixtureFormat::Webm => webm(&text, spec.variant),
    }
}

/// One RGB8 pixel.
type Rgb = [u8; 3];

/// An RGB8 drawing surface.
struct Canvas {
    /// Row-major, `SIZE` × `SIZE`.
    pixels: Vec<Rgb>,
}

impl Canvas {
    /// A canvas filled with `color`.
    fn new(color: Rgb) -> Canvas {
        Canvas {
            pixels: vec![color; (SIZE * SIZE) as usize],
        }
    }

    /// Fills the pixels whose centres `inside` accepts.
    fn fill(&mut self, color: Rgb, inside: impl Fn(f32, f32) -> bool) {
        for (i, px) in self.pixels.iter_mut().enumerate() {
            let (x, y) = (
                (i as u32 % SIZE) as f32 + 0.5,
                (i as u32 / SIZE) as f32 + 0.5,
            );
            if inside(x, y) {
                *px = color;
            }
        }
    }

    /// Fills an axis-aligned ellipse.
    fn ellipse(&mut self, (cx, cy): (f32, f32), (rx, ry): (f32, f32), color: Rgb) {
        self.fill(color, |x, y| {
            let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
            dx * dx + dy * dy <= 1.0
        });
    }

    /// Fills the rectangle between two corners.
    fn rect(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32), color: Rgb) {
        self.fill(color, |x, y| x >= x0 && x < x1 && y >= y0 && y < y1);
    }

    /// Brightness `light`, tilted left-to-right by `tilt`.
    fn light(&mut self, light: f32, tilt: f32) {
        for (i, px) in self.pixels.iter_mut().enumerate() {
            let x = (i as u32 % SIZE) as f32 / SIZE as f32 - 0.5;
            let k = light * (1.0 + tilt * x);
            for c in px.iter_mut() {
                *c = (f32::from(*c) * k).clamp(0.0, 255.0) as u8;
            }
        }
    }

    /// The RGB8 bytes.
    fn into_raw(self) -> Vec<u8> {
        self.pixels.into_iter().flatten().collect()
    }
}

/// A reproducible stream of numbers from a hash.
struct Dice {
    /// The seed hash.
    hash: [u8; 32],
    /// How many bytes were taken.
    taken: usize,
}

impl Dice {
    /// Dice seeded by the hash of `parts`.
    fn new(parts: &[&[u8]]) -> Dice {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Dice {
            hash: hasher.finalize().into(),
            taken: 0,
        }
    }

    /// The next byte.
    fn byte(&mut self) -> u8 {
        let b = self.hash[self.taken % 32];
        self.taken += 1;
        b
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * f32::from(self.byte()) / 255.0
    }

    /// One of `items`.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.byte()) % items.len()]
    }

    /// `color` with each channel moved by up to `amount`.
    fn jitter(&mut self, color: Rgb, amount: f32) -> Rgb {
        color.map(|c| (f32::from(c) + self.range(-amount, amount)).clamp(0.0, 255.0) as u8)
    }
}

/// Skin tones, light to dark.
const SKIN: [Rgb; 6] = [
    [255, 224, 196],
    [241, 194, 160],
    [224, 172, 105],
    [198, 134, 66],
    [141, 85, 36],
    [92, 56, 30],
];
/// Eye colours.
const IRIS: [Rgb; 5] = [
    [90, 56, 37],
    [60, 110, 170],
    [70, 130, 80],
    [120, 120, 130],
    [140, 100, 50],
];
/// Hair colours.
const HAIR: [Rgb; 6] = [
    [30, 25, 20],
    [90, 60, 35],
    [170, 130, 70],
    [220, 200, 140],
    [150, 60, 30],
    [160, 160, 160],
];

/// Draws the picture for an image spec.
fn draw(spec: &FixtureSpec) -> Vec<u8> {
    let subject = spec.marker.subject.as_deref().unwrap_or("");
    let mut scene = Dice::new(&[b"scene", subject.as_bytes(), &spec.variant.to_le_bytes()]);
    let background = scene.jitter([200, 210, 220], 40.0);
    let mut canvas = Canvas::new(background);
    let (dx, dy) = (scene.range(-8.0, 8.0), scene.range(-6.0, 6.0));
    let center = (SIZE as f32 / 2.0 + dx, SIZE as f32 / 2.0 + dy);
    match spec.marker.face.unwrap_or(FaceCount::One) {
        FaceCount::None => landscape(&mut canvas, &mut scene),
        FaceCount::One => face(&mut canvas, subject, center, 1.0),
        FaceCount::Many => {
            let count = 2 + usize::from(scene.byte() % 2);
            let step = SIZE as f32 / count as f32;
            for i in 0..count {
                let x = step * (i as f32 + 0.5) + dx / 2.0;
                let y = center.1 + if i % 2 == 0 { -6.0 } else { 8.0 };
                let scale = if count == 2 { 0.75 } else { 0.55 };
                face(&mut canvas, &format!("{subject}#{i}"), (x, y), scale);
            }
        }
    }
    canvas.light(scene.range(0.85, 1.15), scene.range(-0.3, 0.3));
    canvas.into_raw()
}

/// A face-free outdoor scene: sky, sun, hills and a tree.
fn landscape(canvas: &mut Canvas, dice: &mut Dice) {
    let sky = dice.jitter([120, 170, 230], 25.0);
    canvas.rect((0.0, 0.0), (160.0, 160.0), sky);
    let sun = (dice.range(20.0, 140.0), dice.range(20.0, 45.0));
    canvas.ellipse(sun, (14.0, 14.0), [250, 220, 90]);
    let far = dice.jitter([90, 150, 80], 20.0);
    canvas.ellipse((dice.range(20.0, 60.0), 130.0), (90.0, 45.0), far);
    let near = dice.jitter([60, 120, 50], 20.0);
    canvas.ellipse((dice.range(100.0, 140.0), 150.0), (100.0, 45.0), near);
    let trunk = dice.range(30.0, 130.0);
    canvas.rect((trunk - 3.0, 95.0), (trunk + 3.0, 125.0), [100, 70, 40]);
    canvas.ellipse((trunk, 88.0), (14.0, 16.0), [40, 100, 45]);
}

/// A head and shoulders whose looks follow from `subject`.
fn face(canvas: &mut Canvas, subject: &str, (cx, cy): (f32, f32), scale: f32) {
    let mut looks = Dice::new(&[b"face", subject.as_bytes()]);
    let base = looks.pick(&SKIN);
    let skin = looks.jitter(base, 10.0);
    let hair = looks.pick(&HAIR);
    let iris = looks.pick(&IRIS);
    let shirt = looks.jitter([90, 110, 150], 70.0);
    let (rx, ry) = (
        looks.range(32.0, 42.0) * scale,
        looks.range(44.0, 54.0) * scale,
    );
    let style = looks.byte() % 3;
    let at = |fx: f32, fy: f32| (cx + fx * rx, cy + fy * ry);
    let size = |fx: f32, fy: f32| (fx * rx, fy * ry);

    canvas.ellipse(at(0.0, 1.9), size(1.9, 1.0), shirt);
    canvas.rect(at(-0.35, 0.6), at(0.35, 1.2), skin);
    if style == 1 {
        canvas.ellipse(at(0.0, 0.15), size(1.2, 1.15), hair);
    }
    canvas.ellipse((cx, cy), (rx, ry), skin);
    if style != 2 {
        canvas.ellipse(at(0.0, -0.75), size(1.02, 0.45), hair);
    }
    let (eye_x, eye_y) = (looks.range(0.32, 0.45), looks.range(-0.2, -0.05));
    let eye = size(looks.range(0.14, 0.2), looks.range(0.07, 0.1));
    for side in [-1.0, 1.0] {
        let brow = at(side * eye_x, eye_y - 0.16);
        canvas.rect(
            (brow.0 - eye.0, brow.1),
            (brow.0 + eye.0, brow.1 + 2.0 * scale),
            hair,
        );
        canvas.ellipse(at(side * eye_x, eye_y), eye, [250, 250, 250]);
        canvas.ellipse(at(side * eye_x, eye_y), (eye.1, eye.1), iris);
        canvas.ellipse(
            at(side * eye_x, eye_y),
            (eye.1 / 2.0, eye.1 / 2.0),
            [15, 15, 15],
        );
    }
    let nose = skin.map(|c| (f32::from(c) * 0.85) as u8);
    canvas.ellipse(at(0.0, 0.18), size(0.1, 0.14), nose);
    let lips = looks.jitter([180, 70, 80], 25.0);
    let mouth = looks.range(0.28, 0.45);
    canvas.ellipse(at(0.0, 0.5), size(mouth, 0.07), lips);
}

/// PNG via the `png` encoder, marker in a `tEXt` chunk (`iTXt` if not ASCII).
fn encode_png(rgb: &[u8], text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIZE, SIZE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let added = match text {
        "" => Ok(()),
        t if t.is_ascii() => encoder.add_text_chunk(PNG_KEYWORD.into(), t.into()),
        t => encoder.add_itxt_chunk(PNG_KEYWORD.into(), t.into()),
    };
    added.expect("text chunk");
    let mut writer = encoder.write_header().expect("PNG header into memory");
    writer.write_image_data(rgb).expect("PNG data into memory");
    writer.finish().expect("PNG end into memory");
    out
}

/// JPEG via `image`, with a `facesim:` COM segment inserted after SOI.
fn encode_jpeg(rgb: &[u8], text: &str) -> Vec<u8> {
    let mut body = Vec::new();
    JpegEncoder::new_with_quality(&mut body, 85)
        .encode(rgb, SIZE, SIZE, ExtendedColorType::Rgb8)
        .expect("JPEG into memory");
    if text.is_empty() {
        return body;
    }
    let comment = format!("{PREFIX}{text}");
    let len = u16::try_from(comment.len() + 2).expect("marker fits a JPEG comment");
    let mut out = Vec::with_capacity(body.len() + comment.len() + 4);
    out.extend_from_slice(&body[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&body[2..]);
    out
}

/// An ISO BMFF box.
fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// `ftyp` (isom) + `free` holding `facesim:<text>\0` + empty `mdat`.
fn mp4(text: &str, variant: u32) -> Vec<u8> {
    let mut ftyp = b"isom".to_vec();
    ftyp.extend_from_slice(&variant.to_be_bytes());
    ftyp.extend_from_slice(b"isomiso2mp41");
    let mut out = mp4_box(b"ftyp", &ftyp);
    if !text.is_empty() {
        out.extend(mp4_box(b"free", format!("{PREFIX}{text}\0").as_bytes()));
    }
    out.extend(mp4_box(b"mdat", &[]));
    out
}

/// An EBML element with a minimal size field.
fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
    let len = body.len() as u64;
    let width = (1..=8u32)
        .find(|w| len < (1u64 << (7 * w)) - 1)
        .unwrap_or(8);
    let size = len | (1u64 << (7 * width));
    let mut out = id.to_vec();
    out.extend_from_slice(&size.to_be_bytes()[8 - width as usize..]);
    out.extend_from_slice(body);
    out
}

/// An EBML unsigned integer element.
fn ebml_uint(id: &[u8], value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take(7).take_while(|&&b| b == 0).count();
    ebml(id, &bytes[skip..])
}

/// EBML header (DocType `webm`) + Segment with Info and a `FACESIM` tag.
fn webm(text: &str, variant: u32) -> Vec<u8> {
    let header = [
        ebml_uint(&[0x42, 0x86], 1),
        ebml_uint(&[0x42, 0xF7], 1),
        ebml_uint(&[0x42, 0xF2], 4),
        ebml_uint(&[0x42, 0xF3], 8),
        ebml(&[0x42, 0x82], b"webm"),
        ebml_uint(&[0x42, 0x87], 4),
        ebml_uint(&[0x42, 0x85], 2),
    ]
    .concat();
    let info = [
        ebml_uint(&[0x2A, 0xD7, 0xB1], 1_000_000),
        ebml(&[0x7B, 0xA9], format!("variant {variant}").as_bytes()),
    ]
    .concat();
    let mut segment = ebml(&[0x15, 0x49, 0xA9, 0x66], &info);
    if !text.is_empty() {
        let simple = [
            ebml(&[0x45, 0xA3], b"FACESIM"),
            ebml(&[0x44, 0x87], format!("{PREFIX}{text}\0").as_bytes()),
        ]
        .concat();
        let tag = ebml(&[0x73, 0x73], &ebml(&[0x67, 0xC8], &simple));
        segment.extend(ebml(&[0x12, 0x54, 0xC3, 0x67], &tag));
    }
    let mut out = ebml(&[0x1A, 0x45, 0xDF, 0xA3], &header);
    out.extend(ebml(&[0x18, 0x53, 0x80, 0x67], &segment));
    out
}

#[cfg(test)]
mod tests {
    use super::super::marker::read_marker;
    use super::*;

    const FORMATS: [FixtureFormat; 4] = [
        FixtureFormat::Png,
        FixtureFormat::Jpeg,
        FixtureFormat::Mp4,
        FixtureFormat::Webm,
    ];

    pub(super) fn spec(marker: &str, format: FixtureFormat, variant: u32) -> FixtureSpec {
        FixtureSpec {
            marker: Marker::parse(marker).unwrap(),
            format,
            variant,
        }
    }

    fn pixels(bytes: &[u8]) -> image::RgbImage {
        image::load_from_memory(bytes).unwrap().to_rgb8()
    }

    #[test]
    fn parses_format_names() {
        for (name, format) in [
            ("png", FixtureFormat::Png),
            ("JPEG", FixtureFormat::Jpeg),
            ("jpg", FixtureFormat::Jpeg),
            ("mp4", FixtureFormat::Mp4),
            (" webm ", FixtureFormat::Webm),
        ] {
            assert_eq!(name.parse::<FixtureFormat>(), Ok(format));
        }
        let err = "gif".parse::<FixtureFormat>().unwrap_err().to_string();
        for name in ["`gif`", "png", "jpeg", "jpg", "mp4", "webm"] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn markers_survive_every_format() {
        let markers = [
            "subject=alice",
            "subject=bob;face=many;liveness=spoof;similarity=0.125;blocklist=false;document=passport",
            "face=none;blocklist=true",
        ];
        for format in FORMATS {
            for text in markers {
                let s = spec(text, format, 1);
                let bytes = render(&s);
                let kind = MediaKind::sniff(&bytes);
                assert_eq!(kind, format.kind());
                assert_eq!(
                    read_marker(kind, &bytes),
                    Ok(Some(s.marker.clone())),
                    "{format:?}"
                );
            }
            let bare = render(&spec("", format, 0));
            assert_eq!(read_marker(format.kind(), &bare), Ok(None), "{format:?}");
        }
        for format in [FixtureFormat::Png, FixtureFormat::Jpeg] {
            let s = spec("subject=José 李", format, 0);
            let bytes = render(&s);
            assert_eq!(read_marker(format.kind(), &bytes), Ok(Some(s.marker)));
        }
    }

    #[test]
    fn pictures_are_deterministic_and_distinct() {
        let alice0 = render(&spec("subject=alice", FixtureFormat::Png, 0));
        assert_eq!(
            alice0,
            render(&spec("subject=alice", FixtureFormat::Png, 0))
        );
        let image = pixels(&alice0);
        assert_eq!(image.dimensions(), (SIZE, SIZE));
        let others = [
            spec("subject=alice", FixtureFormat::Png, 1),
            spec("subject=bob", FixtureFormat::Png, 0),
            spec("subject=alice;face=many", FixtureFormat::Png, 0),
            spec("subject=alice;face=none", FixtureFormat::Png, 0),
        ];
        for other in &others {
            assert_ne!(pixels(&render(other)), image, "{other:?}");
        }
        let jpeg = pixels(&render(&spec("subject=alice", FixtureFormat::Jpeg, 0)));
        let close = image
            .as_raw()
            .iter()
            .zip(jpeg.as_raw())
            .filter(|(a, b)| a.abs_diff(**b) < 24)
            .count();
        assert!(
            close * 10 > image.as_raw().len() * 9,
            "JPEG should look like the PNG"
        );
    }

    #[test]
    fn faces_and_landscapes_look_different() {
        let skin_share = |marker: &str| {
            let image = pixels(&render(&spec(marker, FixtureFormat::Png, 0)));
            let skin = image
                .pixels()
                .filter(|p| u16::from(p[0]) > u16::from(p[2]) + 30 && p[1] > p[2] && p[0] > 80)
                .count();
            skin as f64 / image.pixels().len() as f64
        };
        // Faces cover a good part of the picture; a landscape only has a sun and a trunk.
        for subject in ["alice", "bob", "mallory"] {
            assert!(skin_share(&format!("subject={subject}")) > 0.1, "{subject}");
            assert!(skin_share(&format!("subject={subject};face=many")) > 0.1);
            assert!(skin_share(&format!("subject={subject};face=none")) < 0.05);
        }
    }

    #[test]
    fn containers_are_well_formed() {
        let mp4 = render(&spec("subject=alice", FixtureFormat::Mp4, 2));
        let mut pos = 0;
        let mut boxes = Vec::new();
        while pos < mp4.len() {
            let size = u32::from_be_bytes(mp4[pos..pos + 4].try_into().unwrap()) as usize;
            boxes.push(String::from_utf8_lossy(&mp4[pos + 4..pos + 8]).into_owned());
            assert!(size >= 8);
            pos += size;
        }
        assert_eq!(pos, mp4.len());
        assert_eq!(boxes, ["ftyp", "free", "mdat"]);
        assert_eq!(&mp4[8..12], b"isom");

        let webm = render(&spec("subject=alice", FixtureFormat::Webm, 2));
        let header_len = usize::from(webm[4] & 0x7F);
        let header = &webm[5..5 + header_len];
        assert!(header.windows(7).any(|w| w == b"\x42\x82\x84webm"));
        let segment = &webm[5 + header_len..];
        assert_eq!(&segment[..4], &[0x18, 0x53, 0x80, 0x67]);
        let size_len = segment[4].leading_zeros() as usize + 1;
        let mut size = u64::from(segment[4] & (0xFF >> size_len));
        for &b in &segment[5..4 + size_len] {
            size = size << 8 | u64::from(b);
        }
        assert_eq!(segment.len(), 4 + size_len + size as usize);
    }

    #[test]
    fn ebml_sizes_use_the_smallest_width() {
        assert_eq!(ebml(&[0xEC], &[0; 3])[..2], [0xEC, 0x83]);
        assert_eq!(ebml(&[0xEC], &[0; 127])[1..3], [0x40, 0x7F]);
        assert_eq!(ebml(&[0xEC], &[0; 200])[1..3], [0x40, 200]);
        assert_eq!(ebml_uint(&[0x42, 0x86], 0), [0x42, 0x86, 0x81, 0]);
        assert_eq!(ebml_uint(&[0x42, 0x86], 256), [0x42, 0x86, 0x82, 1, 0]);
    }
}

#[cfg(test)]
#[path = "fixture_catalogue.rs"]
mod catalogue;
