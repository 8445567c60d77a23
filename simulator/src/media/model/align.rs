//! Aligning a detected face to the recogniser's 112×112 template with the least-squares
//! similarity transform of its five landmarks, sampled bilinearly from the original picture.

use image::RgbImage;

/// The recogniser's input side, in pixels.
pub const SIDE: usize = 112;

/// Where the five landmarks go in the 112×112 crop (the ArcFace template).
pub const TEMPLATE: [[f32; 2]; 5] = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
];

/// `u = a·x − b·y + tx`, `v = b·x + a·y + ty`: picture to crop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    a: f32,
    b: f32,
    tx: f32,
    ty: f32,
}

impl Similarity {
    /// The least-squares similarity transform taking `from` onto `to`.
    pub fn estimate(from: &[[f32; 2]; 5], to: &[[f32; 2]; 5]) -> Similarity {
        let mean = |points: &[[f32; 2]; 5]| {
            let (sx, sy) = points
                .iter()
                .fold((0.0, 0.0), |(sx, sy), p| (sx + p[0], sy + p[1]));
            [sx / 5.0, sy / 5.0]
        };
        let (mf, mt) = (mean(from), mean(to));
        let (mut num_a, mut num_b, mut den) = (0f32, 0f32, 0f32);
        for (f, t) in from.iter().zip(to) {
            let (x, y) = (f[0] - mf[0], f[1] - mf[1]);
            let (u, v) = (t[0] - mt[0], t[1] - mt[1]);
            num_a += x * u + y * v;
            num_b += x * v - y * u;
            den += x * x + y * y;
        }
        let (a, b) = if den > f32::EPSILON {
            (num_a / den, num_b / den)
        } else {
            (1.0, 0.0)
        };
        Similarity {
            a,
            b,
            tx: mt[0] - (a * mf[0] - b * mf[1]),
            ty: mt[1] - (b * mf[0] + a * mf[1]),
        }
    }

    /// Where the crop point `(u, v)` comes from in the picture.
    pub fn invert(&self, u: f32, v: f32) -> (f32, f32) {
        let det = self.a * self.a + self.b * self.b;
        if det <= f32::EPSILON {
            return (u, v);
        }
        let (du, dv) = (u - self.tx, v - self.ty);
        (
            (self.a * du + self.b * dv) / det,
            (-self.b * du + self.a * dv) / det,
        )
    }

    /// Maps a picture point into the crop.
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.a * x - self.b * y + self.tx,
            self.b * x + self.a * y + self.ty,
        )
    }
}

/// The aligned crop as the recogniser's input: planar RGB, raw 0..255, `[1, 3, 112, 112]`.
pub fn crop(picture: &RgbImage, landmarks: &[[f32; 2]; 5]) -> Vec<f32> {
    let mut tensor = vec![0f32; 3 * SIDE * SIDE];
    crop_into(picture, landmarks, &mut tensor);
    tensor
}

/// [`crop`] into `tensor` (`3 × 112 × 112` elements), every element overwritten.
pub fn crop_into(picture: &RgbImage, landmarks: &[[f32; 2]; 5], tensor: &mut [f32]) {
    let transform = Similarity::estimate(landmarks, &TEMPLATE);
    let plane = SIDE * SIDE;
    assert_eq!(tensor.len(), 3 * plane, "a 3×112×112 tensor");
    for v in 0..SIDE {
        for u in 0..SIDE {
            let (x, y) = transform.invert(u as f32, v as f32);
            let rgb = bilinear(picture, x, y);
            let i = v * SIDE + u;
            tensor[i] = rgb[0];
            tensor[plane + i] = rgb[1];
            tensor[2 * plane + i] = rgb[2];
        }
    }
}

/// Bilinear sample at `(x, y)`; outside the picture is black.
fn bilinear(picture: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (picture.width() as i64, picture.height() as i64);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let raw = picture.as_raw();
    let at = |xi: i64, yi: i64, channel: usize| -> f32 {
        if xi < 0 || yi < 0 || xi >= w || yi >= h {
            0.0
        } else {
            f32::from(raw[((yi * w + xi) * 3) as usize + channel])
        }
    };
    let mut out = [0f32; 3];
    for (channel, value) in out.iter_mut().enumerate() {
        let top = at(x0, y0, channel) * (1.0 - fx) + at(x0 + 1, y0, channel) * fx;
        let bottom = at(x0, y0 + 1, channel) * (1.0 - fx) + at(x0 + 1, y0 + 1, channel) * fx;
        *value = top * (1.0 - fy) + bottom * fy;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_recovers_a_known_similarity() {
        // The template scaled ×2, rotated 30° and moved.
        let (s, angle) = (2.0f32, 30f32.to_radians());
        let (a, b) = (s * angle.cos(), s * angle.sin());
        let moved: Vec<[f32; 2]> = TEMPLATE
            .iter()
            .map(|p| [a * p[0] - b * p[1] + 100.0, b * p[0] + a * p[1] + 40.0])
            .collect();
        let from: [[f32; 2]; 5] = moved.try_into().unwrap();
        let back = Similarity::estimate(&from, &TEMPLATE);
        for (p, t) in from.iter().zip(TEMPLATE) {
            let (u, v) = back.apply(p[0], p[1]);
            assert!(
                (u - t[0]).abs() < 1e-3 && (v - t[1]).abs() < 1e-3,
                "{u},{v} vs {t:?}"
            );
            let (x, y) = back.invert(u, v);
            assert!((x - p[0]).abs() < 1e-2 && (y - p[1]).abs() < 1e-2);
        }
    }

    #[test]
    fn a_crop_of_the_template_itself_is_the_picture_and_black_outside() {
        let picture = RgbImage::from_fn(112, 112, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let tensor = crop(&picture, &TEMPLATE);
        let plane = SIDE * SIDE;
        let i = 50 * SIDE + 60;
        assert!((tensor[i] - 60.0).abs() < 1e-2);
        assert!((tensor[plane + i] - 50.0).abs() < 1e-2);
        assert!((tensor[2 * plane + i] - 7.0).abs() < 1e-2);
        let shifted: Vec<[f32; 2]> = TEMPLATE.iter().map(|p| [p[0] + 500.0, p[1]]).collect();
        let off = crop(&picture, &shifted.try_into().unwrap());
        assert!(
            off.iter().all(|&v| v == 0.0),
            "outside the picture is black"
        );
    }
}
