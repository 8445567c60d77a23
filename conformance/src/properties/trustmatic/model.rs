//! What docs/trustmatic.md promises for the pictures of a call: the in-band error, by the
//! order of precedence of its endpoint, or the range its score must be in.

use super::pictures::{Document, Face, Shows};
use crate::target::Exchange;
use crate::trustmatic::answers;
use crate::trustmatic::endpoint::Endpoint;
use serde_json::Value;
use std::fmt;

/// The default `trustmatic.match_similarity` (docs/trustmatic.md, Calibration).
pub(super) const MATCH_SIMILARITY: f64 = 0.70;

/// The highest score below 0.1 with 7 decimals.
const BELOW_TENTH: f64 = 0.0999999;

/// The answer a call deserves.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expected {
    /// 401.
    Unauthorized,
    /// A refusal outside the check: this status and code.
    Refused(u16, &'static str),
    /// HTTP 200 with `hasError: true` and one of these codes (one, unless the documents allow
    /// two readings).
    Error(Vec<&'static str>),
    /// HTTP 200 with a score from the first to the second number.
    Score(f64, f64),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Unauthorized => f.write_str("401"),
            Expected::Refused(status, code) => write!(f, "{status} {code}"),
            Expected::Error(codes) => write!(f, "200 with the error {}", codes.join(" or ")),
            Expected::Score(low, high) if low == high => write!(f, "200 with the score {low}"),
            Expected::Score(low, high) => write!(f, "200 with a score from {low} to {high}"),
        }
    }
}

impl Expected {
    /// Whether `exchange`, an answer of `endpoint`, is this one; `Err` says what it was.
    pub fn check(&self, endpoint: Endpoint, exchange: &Exchange) -> Result<(), String> {
        let body = exchange.json().unwrap_or(Value::Null);
        let code = answers::error_code(&body);
        let score = answers::score(endpoint, &body).ok().flatten();
        let admitted = match self {
            Expected::Unauthorized => exchange.status == 401,
            Expected::Refused(status, wanted) => {
                exchange.status == *status && code == Some(*wanted)
            }
            Expected::Error(codes) => {
                exchange.status == 200 && code.is_some_and(|c| codes.contains(&c))
            }
            Expected::Score(low, high) => {
                exchange.status == 200 && score.is_some_and(|s| *low <= s && s <= *high)
            }
        };
        if admitted {
            return Ok(());
        }
        let got = match (code, score) {
            (Some(code), _) => format!("{} {code}", exchange.status),
            (None, Some(score)) => format!("{} with the score {score}", exchange.status),
            _ => exchange.status.to_string(),
        };
        Err(format!("expected {self}, got {got}"))
    }
}

/// The verification score of the similarity `s` (Calibration): the integers it may be, two
/// when rounding inside the service may land on either side of an integer.
pub(super) fn calibrated(s: f64) -> (f64, f64) {
    let t = MATCH_SIMILARITY;
    let exact = if s < t {
        27.0 * s / t
    } else {
        27.0 + 73.0 * (s - t) / (1.0 - t)
    };
    let floor = exact.floor();
    if (exact - exact.round()).abs() < 1e-9 {
        (exact.round() - 1.0, exact.round())
    } else {
        (floor, floor)
    }
}

/// A face verification of `probe` against `reference` (`None`: missing).
pub(super) fn verify(probe: Option<&Shows>, reference: Option<&Shows>, same: bool) -> Expected {
    let error = |code| Expected::Error(vec![code]);
    let (probe, reference) = match (probe, reference) {
        (None | Some(Shows::Unreadable), _) => return error("MISSING_PROBE_IMAGE"),
        (_, None | Some(Shows::Unreadable)) => return error("MISSING_REFERENCE_IMAGE"),
        (Some(Shows::NoFace), _) => return error("PROBE_FACE_NOT_FOUND"),
        (_, Some(Shows::NoFace)) => return error("REFERENCE_FACE_NOT_FOUND"),
        (Some(Shows::Face(p)), Some(Shows::Face(r))) => (p, r),
    };
    if let Some(similarity) = probe.similarity {
        let (low, high) = calibrated(similarity);
        return Expected::Score(low, high);
    }
    if same {
        Expected::Score(100.0, 100.0)
    } else if probe.subject == reference.subject {
        Expected::Score(76.0, 100.0)
    } else {
        Expected::Score(0.0, 11.0)
    }
}

/// A face liveness check of `face` (`None`: missing).
pub(super) fn face_liveness(face: Option<&Shows>) -> Expected {
    match face {
        None | Some(Shows::Unreadable) => Expected::Error(vec!["MISSING_FACE_IMAGE"]),
        Some(Shows::NoFace) => Expected::Error(vec!["FACE_NOT_FOUND"]),
        Some(Shows::Face(face)) => liveness_range(face),
    }
}

/// The score range of a live or spoofed face, or the forced score.
fn liveness_range(face: &Face) -> Expected {
    match face.liveness_score {
        Some(score) => Expected::Score(score, score),
        None if face.spoof => Expected::Score(0.0, BELOW_TENTH),
        None => Expected::Score(0.9, 1.0),
    }
}

/// What a document side is: its error, or its score range.
fn side(shows: &Shows) -> Result<(f64, f64), Document> {
    let face = match shows {
        Shows::Face(face) => face,
        _ => return Ok((0.9, 1.0)),
    };
    match face.document {
        Document::TooSmall | Document::Cropped => Err(face.document),
        Document::Spoof => Ok((0.0, BELOW_TENTH)),
        Document::Genuine => match liveness_range(face) {
            Expected::Score(low, high) => Ok((low, high)),
            _ => unreachable!("a face has a liveness range"),
        },
    }
}

/// A document liveness check of `front` and `back` (`None`: missing, or no back side).
pub(super) fn document_liveness(front: Option<&Shows>, back: Option<&Shows>) -> Expected {
    let error = |codes: Vec<&'static str>| Expected::Error(codes);
    let front = match front {
        None | Some(Shows::Unreadable) => return error(vec!["MISSING_FRONT_SIDE_IMAGE"]),
        Some(front) => side(front),
    };
    let back = match back {
        Some(Shows::Unreadable) => return error(vec!["MISSING_BACK_SIDE_IMAGE"]),
        Some(back) => Some(side(back)),
        None => None,
    };
    let too_small = Err(Document::TooSmall);
    let cropped = Err(Document::Cropped);
    match (&front, &back) {
        (f, _) if *f == too_small => error(vec!["DOCUMENT_TOO_SMALL"]),
        // "front first, then back" and the table's order disagree here (see the report).
        (f, Some(b)) if *f == cropped && *b == too_small => {
            error(vec!["DOCUMENT_TOO_SMALL", "DOCUMENT_CROPPED"])
        }
        (f, _) if *f == cropped => error(vec!["DOCUMENT_CROPPED"]),
        (_, Some(b)) if *b == too_small => error(vec!["DOCUMENT_TOO_SMALL"]),
        (_, Some(b)) if *b == cropped => error(vec!["DOCUMENT_CROPPED"]),
        (Ok((fl, fh)), Some(Ok((bl, bh)))) => Expected::Score(fl.min(*bl), fh.min(*bh)),
        (Ok((low, high)), _) => Expected::Score(*low, *high),
        _ => unreachable!("every error was answered"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(subject: &'static str) -> Shows {
        Shows::Face(Face {
            subject,
            pixels: "x.png",
            spoof: false,
            similarity: None,
            liveness_score: None,
            document: Document::Genuine,
        })
    }

    fn document(document: Document) -> Shows {
        match face("d") {
            Shows::Face(f) => Shows::Face(Face { document, ..f }),
            _ => unreachable!(),
        }
    }

    #[test]
    fn calibration_puts_the_threshold_at_the_match_similarity() {
        assert_eq!(calibrated(0.7), (26.0, 27.0));
        assert_eq!(calibrated(0.69), (26.0, 26.0));
        assert_eq!(calibrated(0.85), (63.0, 63.0));
        assert_eq!(calibrated(1.0), (99.0, 100.0));
        assert_eq!(calibrated(0.0), (-1.0, 0.0));
        assert_eq!(calibrated(0.35), (13.0, 13.0));
    }

    #[test]
    fn verification_errors_follow_their_precedence() {
        let (alice, none, bad) = (face("alice"), Shows::NoFace, Shows::Unreadable);
        let code = |e: Expected| match e {
            Expected::Error(codes) => codes[0],
            other => panic!("{other}"),
        };
        assert_eq!(code(verify(None, None, false)), "MISSING_PROBE_IMAGE");
        assert_eq!(
            code(verify(Some(&none), None, false)),
            "MISSING_REFERENCE_IMAGE"
        );
        assert_eq!(
            code(verify(Some(&none), Some(&bad), false)),
            "MISSING_REFERENCE_IMAGE"
        );
        assert_eq!(
            code(verify(Some(&none), Some(&none), false)),
            "PROBE_FACE_NOT_FOUND"
        );
        assert_eq!(
            code(verify(Some(&alice), Some(&none), false)),
            "REFERENCE_FACE_NOT_FOUND"
        );
        assert_eq!(
            verify(Some(&alice), Some(&face("bob")), false),
            Expected::Score(0.0, 11.0)
        );
        assert_eq!(
            verify(Some(&alice), Some(&alice), true),
            Expected::Score(100.0, 100.0)
        );
    }

    #[test]
    fn document_errors_follow_their_precedence_and_sides_score_the_lower() {
        let (small, cropped) = (document(Document::TooSmall), document(Document::Cropped));
        let spoof = document(Document::Spoof);
        assert_eq!(
            document_liveness(Some(&cropped), Some(&Shows::Unreadable)),
            Expected::Error(vec!["MISSING_BACK_SIDE_IMAGE"])
        );
        assert_eq!(
            document_liveness(Some(&small), Some(&cropped)),
            Expected::Error(vec!["DOCUMENT_TOO_SMALL"])
        );
        assert_eq!(
            document_liveness(Some(&cropped), Some(&small)),
            Expected::Error(vec!["DOCUMENT_TOO_SMALL", "DOCUMENT_CROPPED"])
        );
        assert_eq!(
            document_liveness(Some(&face("a")), Some(&spoof)),
            Expected::Score(0.0, BELOW_TENTH)
        );
        assert_eq!(
            document_liveness(Some(&Shows::NoFace), None),
            Expected::Score(0.9, 1.0)
        );
    }
}
