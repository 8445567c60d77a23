//! What the checks make of a captured selfie.

use super::model::{ResponseCode, RiskLabel};
use crate::media::{FaceAnalysis, FaceCount, Liveness, Matcher};

/// What the checks of a completed capture conclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// `approved`, `10000`.
    Approved,
    /// `declined` with a `62xxx` code.
    Declined(ResponseCode),
    /// The checks cannot conclude (`61xxx` code).
    Inconclusive(ResponseCode),
}

/// The judgement of one selfie.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// What the checks conclude.
    pub outcome: Outcome,
    /// Risk labels raised.
    pub risk_labels: Vec<RiskLabel>,
    /// The selfie becomes the applicant's reference (there was none and it passed).
    pub becomes_reference: bool,
}

/// Judges `selfie` against the applicant's `reference` (docs/checkout.md, "Choosing an
/// outcome"): a forced fault, no face, a spoof, a blocklisted face, then the similarity.
pub fn judge(
    selfie: &FaceAnalysis,
    reference: Option<&FaceAnalysis>,
    matcher: &dyn Matcher,
    threshold: f64,
) -> Verdict {
    let verdict = |outcome| Verdict {
        outcome,
        risk_labels: Vec::new(),
        becomes_reference: false,
    };
    let fault = selfie
        .marker
        .as_ref()
        .and_then(|m| m.extra.get("fault"))
        .is_some_and(|f| f == "system_error");
    if fault {
        return verdict(Outcome::Inconclusive(ResponseCode::INTERNAL_ERROR));
    }
    if selfie.faces == FaceCount::None {
        return verdict(Outcome::Inconclusive(ResponseCode::FACE_NOT_CAPTURED));
    }
    if selfie.liveness == Liveness::Spoof {
        return verdict(Outcome::Declined(ResponseCode::FACE_NOT_LIVE));
    }
    if selfie.blocklisted {
        return verdict(Outcome::Declined(ResponseCode::KNOWN_FRAUDULENT_FACE));
    }
    let becomes_reference = reference.is_none();
    let score = matcher.similarity(selfie, reference.unwrap_or(selfie), threshold);
    if score < threshold {
        return verdict(Outcome::Declined(ResponseCode::FACE_FACE_MISMATCH));
    }
    Verdict {
        outcome: Outcome::Approved,
        risk_labels: if selfie.faces == FaceCount::Many {
            vec![RiskLabel::MultipleFacesDetected]
        } else {
            Vec::new()
        },
        becomes_reference,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker};

    fn picture(marker: &str, variant: u32) -> FaceAnalysis {
        let bytes = render(&FixtureSpec {
            marker: Marker::parse(marker).unwrap(),
            format: FixtureFormat::Png,
            variant,
        });
        DeterministicMatcher.analyze(&bytes, false).unwrap()
    }

    fn outcome(selfie: &str, reference: Option<&str>) -> Verdict {
        let reference = reference.map(|r| picture(r, 0));
        judge(
            &picture(selfie, 1),
            reference.as_ref(),
            &DeterministicMatcher,
            0.70,
        )
    }

    #[test]
    fn markers_choose_the_outcome() {
        let alice = Some("subject=alice");
        assert_eq!(outcome("subject=alice", alice).outcome, Outcome::Approved);
        assert_eq!(
            outcome("subject=bob", alice).outcome,
            Outcome::Declined(ResponseCode::FACE_FACE_MISMATCH)
        );
        assert_eq!(
            outcome("subject=alice;liveness=spoof", alice).outcome,
            Outcome::Declined(ResponseCode::FACE_NOT_LIVE)
        );
        assert_eq!(
            outcome("subject=alice;blocklist=true", alice).outcome,
            Outcome::Declined(ResponseCode::KNOWN_FRAUDULENT_FACE)
        );
        assert_eq!(
            outcome("face=none", alice).outcome,
            Outcome::Inconclusive(ResponseCode::FACE_NOT_CAPTURED)
        );
        assert_eq!(
            outcome("subject=alice;fault=system_error", alice).outcome,
            Outcome::Inconclusive(ResponseCode::INTERNAL_ERROR)
        );
        assert_eq!(
            outcome("subject=alice;similarity=0.69", alice).outcome,
            Outcome::Declined(ResponseCode::FACE_FACE_MISMATCH)
        );
        assert_eq!(
            outcome("subject=alice;similarity=0.70", alice).outcome,
            Outcome::Approved,
            "the threshold itself matches"
        );
        let many = outcome("subject=alice;face=many", alice);
        assert_eq!(many.outcome, Outcome::Approved);
        assert_eq!(many.risk_labels, [RiskLabel::MultipleFacesDetected]);
        assert!(!many.becomes_reference);
    }

    #[test]
    fn without_a_reference_the_first_passing_face_becomes_it() {
        let first = outcome("subject=carol", None);
        assert_eq!(first.outcome, Outcome::Approved);
        assert!(first.becomes_reference);
        let spoof = outcome("subject=carol;liveness=spoof", None);
        assert!(!spoof.becomes_reference);
        assert!(!outcome("face=none", None).becomes_reference);
    }
}
