//! The judgement of the pictures of one call: which documented error applies, in the documented
//! order, or else the score. Plain Rust: the pictures come already analysed.

use super::model::{ErrorCode, Operation};
use crate::media::{FaceAnalysis, FaceCount, Liveness, Matcher};

/// One picture as the check receives it: analysed, or why it could not be.
pub type Picture = Result<FaceAnalysis, String>;

/// The `score` of an answer.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Score {
    /// The verify score, an integer 0..=100.
    Points(u8),
    /// A liveness score, 0..=1 with 7 decimals.
    Fraction(f64),
}

/// What one call answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// `hasError: false` with this score.
    Scored(Score),
    /// `hasError: true` with this code; `detail` says why, in words.
    Failed {
        /// The documented code.
        code: ErrorCode,
        /// What facesim found.
        detail: String,
    },
}

/// Judges the pictures of a call of `operation`, given as `(field name, picture)` in the
/// order [`super::request::parse`] lists them; `None` is a field that was not sent.
pub fn judge(
    operation: Operation,
    pictures: Vec<(&'static str, Option<Picture>)>,
    matcher: &dyn Matcher,
    match_similarity: f64,
) -> Verdict {
    let mut fields = pictures.into_iter();
    let mut next = || {
        fields
            .next()
            .expect("the request lists every picture field")
    };
    let required = |(name, picture): (&str, Option<Picture>)| {
        picture.unwrap_or_else(|| Err(format!("{name} is missing")))
    };
    match operation {
        Operation::FaceVerify => {
            let probe = required(next());
            let reference = required(next());
            face_verify(probe, reference, matcher, match_similarity)
        }
        Operation::FaceLiveness => face_liveness(required(next())),
        Operation::DocumentLiveness => {
            let front = required(next());
            document_liveness(front, next().1)
        }
    }
}

/// The verify score the documented pass mark (27) stands for.
pub const PASS_MARK: u8 = 27;

/// Face verification: probe against reference.
pub fn face_verify(
    probe: Picture,
    reference: Picture,
    matcher: &dyn Matcher,
    match_similarity: f64,
) -> Verdict {
    let probe = match probe {
        Ok(p) => p,
        Err(detail) => return failed(ErrorCode::MissingProbeImage, detail),
    };
    let reference = match reference {
        Ok(r) => r,
        Err(detail) => return failed(ErrorCode::MissingReferenceImage, detail),
    };
    if probe.faces == FaceCount::None {
        return failed(ErrorCode::ProbeFaceNotFound, "no face in the probe");
    }
    if reference.faces == FaceCount::None {
        return failed(ErrorCode::ReferenceFaceNotFound, "no face in the reference");
    }
    let similarity = matcher.similarity(&probe, &reference, match_similarity);
    Verdict::Scored(Score::Points(verify_score(similarity, match_similarity)))
}

/// Passive face liveness of one picture.
pub fn face_liveness(picture: Picture) -> Verdict {
    let picture = match picture.and_then(|p| forced_liveness(&p).map(|f| (p, f))) {
        Ok(p) => p,
        Err(detail) => return failed(ErrorCode::MissingFaceImage, detail),
    };
    let (analysis, forced) = picture;
    if analysis.faces == FaceCount::None {
        return failed(ErrorCode::FaceNotFound, "no face in the picture");
    }
    let live = analysis.liveness == Liveness::Live;
    Verdict::Scored(Score::Fraction(
        forced.unwrap_or_else(|| liveness_score(&analysis, live)),
    ))
}

/// What the `document=` marker key says of a document picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentLook {
    /// A genuine document, fully in the picture (the default).
    Genuine,
    /// A printed copy or a screen.
    Spoof,
    /// Too small in the picture.
    TooSmall,
    /// Cut by the picture's edge.
    Cropped,
}

impl DocumentLook {
    /// The values `document=` takes, for messages and the docs.
    pub const VALUES: &'static str = "genuine, spoof, too_small, cropped";

    const ALL: [DocumentLook; 4] = [
        DocumentLook::Genuine,
        DocumentLook::Spoof,
        DocumentLook::TooSmall,
        DocumentLook::Cropped,
    ];

    /// The marker spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentLook::Genuine => "genuine",
            DocumentLook::Spoof => "spoof",
            DocumentLook::TooSmall => "too_small",
            DocumentLook::Cropped => "cropped",
        }
    }

    fn parse(value: &str) -> Option<DocumentLook> {
        let lower = value.to_ascii_lowercase();
        Self::ALL.into_iter().find(|look| look.as_str() == lower)
    }
}

/// One document side, read.
struct Side {
    look: DocumentLook,
    score: f64,
}

/// Passive document liveness of the front side and, when given, the back side.
pub fn document_liveness(front: Picture, back: Option<Picture>) -> Verdict {
    let front = match front.and_then(|p| side(&p)) {
        Ok(s) => s,
        Err(detail) => return failed(ErrorCode::MissingFrontSideImage, detail),
    };
    let back = match back.map(|b| b.and_then(|p| side(&p))).transpose() {
        Ok(s) => s,
        Err(detail) => return failed(ErrorCode::MissingBackSideImage, detail),
    };
    let sides = [("front", Some(&front)), ("back", back.as_ref())];
    for (look, code) in [
        (DocumentLook::TooSmall, ErrorCode::DocumentTooSmall),
        (DocumentLook::Cropped, ErrorCode::DocumentCropped),
    ] {
        if let Some((name, _)) = sides
            .iter()
            .find(|(_, s)| s.is_some_and(|s| s.look == look))
        {
            return failed(
                code,
                format!("the {name} side is marked document={}", look.as_str()),
            );
        }
    }
    let score = back.map_or(front.score, |b| front.score.min(b.score));
    Verdict::Scored(Score::Fraction(score))
}

/// Reads a document side's marker keys.
fn side(analysis: &FaceAnalysis) -> Result<Side, String> {
    let look = match extra(analysis, "document") {
        None => DocumentLook::Genuine,
        Some(value) => DocumentLook::parse(value).ok_or_else(|| {
            format!(
                "facesim marker: `document={value}` is invalid, document must be one of {}",
                DocumentLook::VALUES
            )
        })?,
    };
    let live = look != DocumentLook::Spoof && analysis.liveness == Liveness::Live;
    let score = forced_liveness(analysis)?.unwrap_or_else(|| liveness_score(analysis, live));
    Ok(Side { look, score })
}

/// The `liveness_score=` marker key, when present.
fn forced_liveness(analysis: &FaceAnalysis) -> Result<Option<f64>, String> {
    let Some(value) = extra(analysis, "liveness_score") else {
        return Ok(None);
    };
    match value.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(Some((x * 1e7).round() / 1e7)),
        _ => Err(format!(
            "facesim marker: `liveness_score={value}` is invalid, liveness_score must be a number from 0 to 1"
        )),
    }
}

fn extra<'a>(analysis: &'a FaceAnalysis, key: &str) -> Option<&'a str> {
    analysis.marker.as_ref()?.extra.get(key).map(String::as_str)
}

/// A deterministic liveness score from the picture's pixels: 0.9..1 when live, 0..0.1 when not.
fn liveness_score(analysis: &FaceAnalysis, live: bool) -> f64 {
    let bits = u64::from_be_bytes(analysis.digest[8..16].try_into().expect("8 bytes"));
    let frac = (bits >> 11) as f64 / (1u64 << 53) as f64;
    let score = if live {
        0.9 + 0.0999 * frac
    } else {
        0.0999 * frac
    };
    (score * 1e7).round() / 1e7
}

/// Maps a similarity (0..1) to the integer verify score so that `similarity >= threshold`
/// exactly when `score >= 27`: linear from 0 to 27 below the threshold, from 27 to 100 above.
pub fn verify_score(similarity: f64, threshold: f64) -> u8 {
    let s = similarity.clamp(0.0, 1.0);
    let score = if s < threshold {
        f64::from(PASS_MARK) * s / threshold
    } else {
        f64::from(PASS_MARK) + f64::from(100 - PASS_MARK) * (s - threshold) / (1.0 - threshold)
    };
    // Below the threshold the floor stays under 27; from it up, it is 27 or more.
    (score.floor() as u8).min(if s < threshold { PASS_MARK - 1 } else { 100 })
}

fn failed(code: ErrorCode, detail: impl Into<String>) -> Verdict {
    Verdict::Failed {
        code,
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};

    fn picture(marker: &str) -> Picture {
        let spec = FixtureSpec {
            marker: Marker::parse(marker).unwrap(),
            format: FixtureFormat::Png,
            variant: 0,
        };
        DeterministicMatcher
            .analyze(&render(&spec), false)
            .map_err(|e| e.to_string())
    }

    fn verify(probe: Picture, reference: Picture) -> Verdict {
        face_verify(probe, reference, &DeterministicMatcher, 0.70)
    }

    fn code(verdict: Verdict) -> ErrorCode {
        match verdict {
            Verdict::Failed { code, .. } => code,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn points(verdict: Verdict) -> u8 {
        match verdict {
            Verdict::Scored(Score::Points(p)) => p,
            other => panic!("expected a verify score, got {other:?}"),
        }
    }

    fn fraction(verdict: Verdict) -> f64 {
        match verdict {
            Verdict::Scored(Score::Fraction(f)) => f,
            other => panic!("expected a liveness score, got {other:?}"),
        }
    }

    #[test]
    fn calibration_puts_the_threshold_on_27() {
        assert_eq!(verify_score(0.70, 0.70), 27);
        assert_eq!(verify_score(0.6999999, 0.70), 26);
        assert_eq!(verify_score(0.0, 0.70), 0);
        assert_eq!(verify_score(1.0, 0.70), 100);
        for i in 0..=1000 {
            let s = f64::from(i) / 1000.0;
            let score = verify_score(s, 0.70);
            assert!(score <= 100);
            assert_eq!(score >= PASS_MARK, s >= 0.70, "similarity {s} gave {score}");
        }
        let mut last = 0;
        for i in 0..=1000 {
            let score = verify_score(f64::from(i) / 1000.0, 0.55);
            assert!(score >= last, "monotonic");
            last = score;
        }
    }

    #[test]
    fn verify_errors_follow_the_documented_precedence() {
        let missing = || Err("missing".to_string());
        assert_eq!(
            code(verify(missing(), missing())),
            ErrorCode::MissingProbeImage
        );
        let no_face = || picture("face=none");
        assert_eq!(
            code(verify(no_face(), missing())),
            ErrorCode::MissingReferenceImage
        );
        assert_eq!(
            code(verify(no_face(), no_face())),
            ErrorCode::ProbeFaceNotFound
        );
        assert_eq!(
            code(verify(picture("subject=a"), no_face())),
            ErrorCode::ReferenceFaceNotFound
        );
    }

    #[test]
    fn verify_scores_pass_for_one_subject_and_fail_for_two() {
        let same = points(verify(picture("subject=a"), picture("subject=a;face=many")));
        assert!((76..=100).contains(&same), "{same}");
        let other = points(verify(picture("subject=a"), picture("subject=b")));
        assert!(other <= 11, "{other}");
        assert_eq!(
            points(verify(picture("similarity=0.7"), picture("subject=b"))),
            27
        );
    }

    #[test]
    fn face_liveness_reads_face_and_liveness_markers() {
        let live = fraction(face_liveness(picture("subject=a")));
        assert!((0.9..=1.0).contains(&live), "{live}");
        let spoof = fraction(face_liveness(picture("liveness=spoof")));
        assert!(spoof < 0.1, "{spoof}");
        assert_eq!(
            code(face_liveness(picture("face=none"))),
            ErrorCode::FaceNotFound
        );
        assert_eq!(fraction(face_liveness(picture("liveness_score=0.8"))), 0.8);
        assert_eq!(
            code(face_liveness(picture("liveness_score=2"))),
            ErrorCode::MissingFaceImage
        );
        assert_eq!(
            code(face_liveness(Err("gone".into()))),
            ErrorCode::MissingFaceImage
        );
    }

    #[test]
    fn document_liveness_reads_the_document_key_on_both_sides() {
        let genuine = fraction(document_liveness(picture("document=genuine"), None));
        assert!(genuine >= 0.9, "{genuine}");
        let spoof_back = fraction(document_liveness(
            picture("subject=x"),
            Some(picture("document=spoof")),
        ));
        assert!(spoof_back < 0.1, "the lower side wins: {spoof_back}");
        assert_eq!(
            code(document_liveness(
                picture("document=cropped"),
                Some(picture("document=too_small"))
            )),
            ErrorCode::DocumentTooSmall
        );
        assert_eq!(
            code(document_liveness(picture("document=cropped"), None)),
            ErrorCode::DocumentCropped
        );
        assert_eq!(
            code(document_liveness(picture("document=torn"), None)),
            ErrorCode::MissingFrontSideImage
        );
        assert_eq!(
            code(document_liveness(
                picture("document=genuine"),
                Some(Err("bad".into()))
            )),
            ErrorCode::MissingBackSideImage
        );
        assert!(fraction(document_liveness(picture("liveness=spoof"), None)) < 0.1);
    }
}
