//! Uploads: what kind of file they are, what the tester marked in them, and
//! what a face matcher makes of them.
//!
//! A tester chooses every outcome with the picture itself: a `facesim` marker
//! (see [`marker`]) names the subject, the number of faces, liveness, a forced
//! similarity and a blocklist hit. Pictures without a marker show one live face
//! whose subject is derived from the pixels, so a picture matches itself and
//! two different pictures do not. [`fixture`] renders marked pictures and
//! videos; `fixtures/` in the crate holds a ready catalogue of them.

pub mod analysis;
pub mod fixture;
pub mod kind;
pub mod marker;
pub mod model;

pub use analysis::{decode, AnalysisError, DeterministicMatcher, FaceAnalysis, Matcher};
pub use fixture::{render, FixtureFormat, FixtureSpec, ParseFixtureFormatError};
pub use kind::MediaKind;
pub use marker::{read_marker, FaceCount, Liveness, Marker, MarkerError};
pub use model::{ModelFiles, ModelMatcher};

/// Deterministic junk for robustness tests.
#[cfg(test)]
pub(crate) mod test_bytes {
    /// `count` pseudo-random byte strings of up to `max_len` bytes, the same every run.
    pub fn random_inputs(count: usize, max_len: usize) -> impl Iterator<Item = Vec<u8>> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count).map(move |_| {
            let len = (next() % (max_len as u64 + 1)) as usize;
            (0..len).map(|_| next() as u8).collect()
        })
    }
}
