//! The uploads tests send: rendered marker pictures and videos, committed fixtures and
//! pictures in other formats.

use facesim::media::{render, FixtureFormat, FixtureSpec, Marker};

/// Renders a picture or video carrying `marker` (`key=value;...`).
pub fn media(marker: &str, format: FixtureFormat, variant: u32) -> Vec<u8> {
    let marker = Marker::parse(marker).expect("valid marker");
    render(&FixtureSpec {
        marker,
        format,
        variant,
    })
}

/// A PNG reference picture of `subject`.
pub fn reference(subject: &str) -> Vec<u8> {
    media(&format!("subject={subject}"), FixtureFormat::Png, 0)
}

/// A JPEG selfie (another picture than the reference) carrying `marker`.
pub fn selfie(marker: &str) -> Vec<u8> {
    media(marker, FixtureFormat::Jpeg, 1)
}

/// A committed file of `simulator/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A valid picture in a format Truora does not accept for faces (GIF).
pub fn gif() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(16, 16, image::Rgb([200, 150, 120]))
        .write_to(&mut out, image::ImageFormat::Gif)
        .expect("GIF encodes");
    out.into_inner()
}

/// A lossless WebP picture (an accepted format without a marker).
pub fn webp() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(32, 32, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 90]))
        .write_to(&mut out, image::ImageFormat::WebP)
        .expect("WebP encodes");
    out.into_inner()
}

/// Deterministic bytes that are no known file format.
pub fn junk(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8 | 0x80
        })
        .collect()
}
