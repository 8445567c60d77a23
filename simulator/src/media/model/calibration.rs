//! One calibration from the recogniser's cosine similarity to the similarity scale every
//! vendor reads (0..1), so that each vendor's default threshold sits at the same operating
//! point of the model.

/// The cosine at which the model accepts a pair: OpenCV's documented SFace threshold.
pub const OPERATING_COSINE: f64 = 0.363;

/// Maps `cosine` (−1..1) to 0..1, piecewise linearly: cosine ≤ 0 → 0,
/// [`OPERATING_COSINE`] → `threshold` (the caller's accept threshold), 1 → 1. So
/// `calibrate(c, t) >= t` exactly when `c >= OPERATING_COSINE`, whatever `t`.
pub fn calibrate(cosine: f64, threshold: f64) -> f64 {
    let c = cosine.clamp(0.0, 1.0);
    let t = threshold.clamp(0.0, 1.0);
    let s = if c < OPERATING_COSINE {
        t * c / OPERATING_COSINE
    } else {
        t + (1.0 - t) * (c - OPERATING_COSINE) / (1.0 - OPERATING_COSINE)
    };
    // Below the operating point the score must stay below the threshold after rounding.
    let rounded = (s * 10_000.0).round() / 10_000.0;
    if c < OPERATING_COSINE && rounded >= t {
        ((t * 10_000.0).ceil() - 1.0).max(0.0) / 10_000.0
    } else {
        rounded.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threshold_sits_on_the_operating_cosine() {
        for t in [0.65, 0.70, 0.5, 0.9] {
            assert_eq!(calibrate(OPERATING_COSINE, t), t);
            assert_eq!(calibrate(1.0, t), 1.0);
            assert_eq!(calibrate(-0.4, t), 0.0);
            for i in -100..=100 {
                let c = f64::from(i) / 100.0;
                let s = calibrate(c, t);
                assert!((0.0..=1.0).contains(&s));
                assert_eq!(
                    s >= t,
                    c >= OPERATING_COSINE,
                    "cosine {c}, threshold {t}: {s}"
                );
            }
            assert!(calibrate(OPERATING_COSINE - 1e-9, t) < t);
        }
    }
}
