//! Analysing a selfie before the store is locked: decoding a large picture must not hold up
//! every other request.

use crate::media::{AnalysisError, FaceAnalysis, Matcher, MediaKind};
use bytes::Bytes;
use std::sync::Arc;

/// A matcher that already knows its answer for one upload (analysed on a blocking thread) and
/// asks the active matcher for everything else.
pub struct Preanalyzed {
    bytes: Bytes,
    analysis: Result<FaceAnalysis, AnalysisError>,
    inner: Arc<dyn Matcher>,
}

impl Preanalyzed {
    /// Analyses `bytes` as a picture with `matcher` off the async threads. Pass the result to
    /// [`super::engine::Store::act`] with `CaptureAction::Selfie(bytes)`.
    pub async fn picture(matcher: Arc<dyn Matcher>, bytes: Bytes) -> Preanalyzed {
        let (m, b) = (matcher.clone(), bytes.clone());
        let analysis = tokio::task::spawn_blocking(move || m.analyze(&b, false))
            .await
            .unwrap_or_else(|_| {
                Err(AnalysisError::Corrupt {
                    kind: MediaKind::sniff(&bytes),
                    detail: "the picture could not be analysed".into(),
                })
            });
        Preanalyzed {
            bytes,
            analysis,
            inner: matcher,
        }
    }

    fn is_known(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.bytes.len()
            && (bytes.as_ptr() == self.bytes.as_ptr() || bytes == self.bytes.as_ref())
    }
}

impl Matcher for Preanalyzed {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn analyze(&self, bytes: &[u8], allow_video: bool) -> Result<FaceAnalysis, AnalysisError> {
        if !allow_video && self.is_known(bytes) {
            self.analysis.clone()
        } else {
            self.inner.analyze(bytes, allow_video)
        }
    }

    fn similarity(&self, probe: &FaceAnalysis, reference: &FaceAnalysis, threshold: f64) -> f64 {
        self.inner.similarity(probe, reference, threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the analyses it runs.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl Matcher for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        fn analyze(&self, bytes: &[u8], allow_video: bool) -> Result<FaceAnalysis, AnalysisError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            DeterministicMatcher.analyze(bytes, allow_video)
        }
        fn similarity(
            &self,
            probe: &FaceAnalysis,
            reference: &FaceAnalysis,
            threshold: f64,
        ) -> f64 {
            DeterministicMatcher.similarity(probe, reference, threshold)
        }
    }

    #[tokio::test]
    async fn the_known_upload_is_not_analysed_again() {
        let counting = Arc::new(Counting::default());
        let picture = Bytes::from(render(&FixtureSpec {
            marker: Marker::parse("subject=ann").unwrap(),
            format: FixtureFormat::Png,
            variant: 0,
        }));
        let pre = Preanalyzed::picture(counting.clone(), picture.clone()).await;
        assert_eq!(counting.0.load(Ordering::SeqCst), 1);
        let copy = picture.to_vec();
        assert_eq!(pre.analyze(&copy, false).unwrap().subject, "ann");
        assert_eq!(pre.analyze(&picture, false).unwrap().subject, "ann");
        assert_eq!(
            counting.0.load(Ordering::SeqCst),
            1,
            "answered from the analysis"
        );
        assert!(pre.analyze(b"other", false).is_err());
        assert_eq!(
            counting.0.load(Ordering::SeqCst),
            2,
            "other bytes go to the matcher"
        );
        assert_eq!(pre.name(), "counting");
        let junk = Preanalyzed::picture(counting, Bytes::from_static(b"junk")).await;
        assert!(junk.analyze(b"junk", false).is_err());
    }
}
