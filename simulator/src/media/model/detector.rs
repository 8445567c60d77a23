//! YuNet 2023mar: letterboxing a picture into the detector's fixed 640×640 BGR input and
//! decoding its outputs into faces (box, score, 5 landmarks) with non-maximum suppression.

use fast_image_resize::images::{Image as ResizeImage, ImageRef};
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

/// The detector's input side, in pixels.
pub const INPUT_SIDE: u32 = 640;
/// The strides of the three output levels.
pub const STRIDES: [u32; 3] = [8, 16, 32];
/// Lowest detection score kept.
pub const SCORE_THRESHOLD: f32 = 0.8;
/// Boxes overlapping a better one by more than this IoU are dropped.
pub const NMS_IOU: f32 = 0.3;

/// One detected face, in the original picture's pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    /// Left, top, width, height.
    pub bbox: [f32; 4],
    /// Detection score, 0..1.
    pub score: f32,
    /// Right eye, left eye, nose tip, right and left mouth corners (the subject's sides).
    pub landmarks: [[f32; 2]; 5],
}

impl Face {
    /// Box area in square pixels.
    pub fn area(&self) -> f32 {
        self.bbox[2].max(0.0) * self.bbox[3].max(0.0)
    }
}

/// The detector input for one picture, kept between pictures so that its buffers are reused:
/// planar BGR, raw 0..255, the picture scaled down (never up) into the top-left corner, zero
/// padding; and the scale applied.
#[derive(Default)]
pub struct Letterbox {
    /// `[1, 3, 640, 640]`, row-major.
    tensor: Vec<f32>,
    /// The scaled picture, RGB8, before it is spread over the planes.
    resized: Vec<u8>,
    /// Input pixels per picture pixel.
    scale: f32,
}

impl Letterbox {
    /// An empty letterbox; [`Letterbox::fill`] allocates on first use.
    pub fn new() -> Letterbox {
        Letterbox::default()
    }

    /// The input tensor's data, `[1, 3, 640, 640]`.
    pub fn tensor(&self) -> &[f32] {
        &self.tensor
    }

    /// The scale of the last picture: input = picture × scale.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Letterboxes `picture`, overwriting every element of the tensor.
    pub fn fill(&mut self, picture: &RgbImage, resizer: &mut Resizer) {
        let (w, h) = picture.dimensions();
        let side = INPUT_SIDE as f32;
        self.scale = (side / w as f32).min(side / h as f32).min(1.0);
        let (rw, rh) = (
            ((w as f32 * self.scale).round() as u32).clamp(1, INPUT_SIDE),
            ((h as f32 * self.scale).round() as u32).clamp(1, INPUT_SIDE),
        );
        let side = INPUT_SIDE as usize;
        let plane = side * side;
        self.tensor.resize(3 * plane, 0.0);
        let pixels = if (rw, rh) == (w, h) {
            picture.as_raw().as_slice()
        } else {
            resize(picture, rw, rh, resizer, &mut self.resized);
            self.resized.as_slice()
        };
        let rw = rw as usize;
        let (blue, rest) = self.tensor.split_at_mut(plane);
        let (green, red) = rest.split_at_mut(plane);
        let mut rows = pixels.chunks_exact(rw * 3);
        let planes = blue
            .chunks_exact_mut(side)
            .zip(green.chunks_exact_mut(side))
            .zip(red.chunks_exact_mut(side));
        for ((b, g), r) in planes {
            let mut filled = 0;
            if let Some(row) = rows.next() {
                filled = rw;
                for (x, px) in row.chunks_exact(3).enumerate() {
                    b[x] = f32::from(px[2]);
                    g[x] = f32::from(px[1]);
                    r[x] = f32::from(px[0]);
                }
            }
            b[filled..].fill(0.0);
            g[filled..].fill(0.0);
            r[filled..].fill(0.0);
        }
    }
}

/// Letterboxes `picture` into a new detector input.
pub fn letterbox(picture: &RgbImage, resizer: &mut Resizer) -> Letterbox {
    let mut boxed = Letterbox::new();
    boxed.fill(picture, resizer);
    boxed
}

/// Bilinear resize of an RGB8 picture into `out`.
fn resize(picture: &RgbImage, width: u32, height: u32, resizer: &mut Resizer, out: &mut Vec<u8>) {
    let (w, h) = picture.dimensions();
    let src = ImageRef::new(w, h, picture.as_raw(), PixelType::U8x3)
        .expect("an RGB8 buffer has the size of its dimensions");
    out.resize(width as usize * height as usize * 3, 0);
    let mut dst = ResizeImage::from_slice_u8(width, height, out.as_mut_slice(), PixelType::U8x3)
        .expect("the buffer has the size of its dimensions");
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(
        fast_image_resize::FilterType::Bilinear,
    ));
    resizer
        .resize(&src, &mut dst, &options)
        .expect("same pixel types, non-empty sizes");
}

/// The outputs of one stride level, each flattened.
pub struct Level<'a> {
    /// The stride (8, 16 or 32).
    pub stride: u32,
    /// `cls_s`, `[N]`.
    pub cls: &'a [f32],
    /// `obj_s`, `[N]`.
    pub obj: &'a [f32],
    /// `bbox_s`, `[N × 4]`.
    pub bbox: &'a [f32],
    /// `kps_s`, `[N × 10]`.
    pub kps: &'a [f32],
}

/// Decodes the three levels into faces above [`SCORE_THRESHOLD`], suppresses overlaps and maps
/// them back to the picture (dividing by the letterbox `scale`). Best score first.
pub fn decode(levels: &[Level<'_>], scale: f32) -> Vec<Face> {
    let mut faces = Vec::new();
    for level in levels {
        let cols = (INPUT_SIDE / level.stride) as usize;
        let s = level.stride as f32;
        let cells = level.cls.len().min(level.obj.len());
        for idx in 0..cells {
            let score = (level.cls[idx].clamp(0.0, 1.0) * level.obj[idx].clamp(0.0, 1.0)).sqrt();
            if score < SCORE_THRESHOLD {
                continue;
            }
            let (Some(b), Some(k)) = (
                level.bbox.get(idx * 4..idx * 4 + 4),
                level.kps.get(idx * 10..idx * 10 + 10),
            ) else {
                continue;
            };
            let (r, c) = ((idx / cols) as f32, (idx % cols) as f32);
            let (cx, cy) = ((c + b[0]) * s, (r + b[1]) * s);
            let (w, h) = (b[2].exp() * s, b[3].exp() * s);
            let mut landmarks = [[0f32; 2]; 5];
            for (n, point) in landmarks.iter_mut().enumerate() {
                *point = [(k[2 * n] + c) * s / scale, (k[2 * n + 1] + r) * s / scale];
            }
            faces.push(Face {
                bbox: [
                    (cx - w / 2.0) / scale,
                    (cy - h / 2.0) / scale,
                    w / scale,
                    h / scale,
                ],
                score,
                landmarks,
            });
        }
    }
    suppress(faces)
}

/// Greedy non-maximum suppression, best score first.
fn suppress(mut faces: Vec<Face>) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| iou(k, &face) <= NMS_IOU) {
            kept.push(face);
        }
    }
    kept
}

fn iou(a: &Face, b: &Face) -> f32 {
    let (ax2, ay2) = (a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]);
    let (bx2, by2) = (b.bbox[0] + b.bbox[2], b.bbox[1] + b.bbox[3]);
    let w = (ax2.min(bx2) - a.bbox[0].max(b.bbox[0])).max(0.0);
    let h = (ay2.min(by2) - a.bbox[1].max(b.bbox[1])).max(0.0);
    let inter = w * h;
    let union = a.area() + b.area() - inter;
    if union <= 0.0 {
        0.0
    } else {
        inter / union
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterbox_scales_down_into_the_top_left_as_bgr() {
        let mut picture = RgbImage::new(1280, 640);
        picture.put_pixel(0, 0, image::Rgb([10, 20, 30]));
        let boxed = letterbox(&picture, &mut Resizer::new());
        assert_eq!(boxed.scale(), 0.5);
        assert_eq!(boxed.tensor().len(), 3 * 640 * 640);
        let small = RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30]));
        let mut boxed = letterbox(&picture, &mut Resizer::new());
        boxed.fill(&small, &mut Resizer::new());
        assert_eq!(boxed.scale(), 1.0, "never scaled up");
        let plane = 640 * 640;
        assert_eq!(
            [
                boxed.tensor()[0],
                boxed.tensor()[plane],
                boxed.tensor()[2 * plane]
            ],
            [30.0, 20.0, 10.0]
        );
        assert_eq!(boxed.tensor()[2], 0.0, "padding is zero");
        assert_eq!(
            boxed.tensor().iter().filter(|&&v| v != 0.0).count(),
            2 * 2 * 3,
            "a reused letterbox is padded anew"
        );
    }

    #[test]
    fn decoding_maps_cells_back_to_the_picture_and_suppresses_overlaps() {
        let n = 80 * 80;
        let (mut cls, mut obj) = (vec![0f32; n], vec![0f32; n]);
        let (mut bbox, kps) = (vec![0f32; n * 4], vec![0f32; n * 10]);
        // Two neighbouring cells see the same face; the second scores a little lower and its
        // box is shifted back onto the first one's.
        bbox[82 * 4] = -0.9;
        for (idx, score) in [(81usize, 0.95f32), (82, 0.9)] {
            cls[idx] = score;
            obj[idx] = score;
        }
        let none: [f32; 0] = [];
        let levels = [
            Level {
                stride: 8,
                cls: &cls,
                obj: &obj,
                bbox: &bbox,
                kps: &kps,
            },
            Level {
                stride: 16,
                cls: &none,
                obj: &none,
                bbox: &none,
                kps: &none,
            },
        ];
        let faces = decode(&levels, 0.5);
        assert_eq!(faces.len(), 1, "{faces:?}");
        let face = faces[0];
        assert!((face.score - 0.95).abs() < 1e-6);
        // Cell 81 is row 1, column 1: centre (8, 8), size 8 at the input, ×2 in the picture.
        assert_eq!(face.bbox, [8.0, 8.0, 16.0, 16.0]);
        assert_eq!(face.landmarks[0], [16.0, 16.0]);
    }
}
