//! The three endpoints of docs/trustmatic.md: where each is, what its score is, its default
//! threshold, its in-band error codes and its name in the control API.

/// One endpoint of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/v1/face/verify`.
    FaceVerify,
    /// `POST /api/v1/face/liveness`.
    FaceLiveness,
    /// `POST /api/v1/document/liveness`.
    DocumentLiveness,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 3] = [
        Endpoint::FaceVerify,
        Endpoint::FaceLiveness,
        Endpoint::DocumentLiveness,
    ];

    /// Its path under the base URL.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::FaceVerify => "/api/v1/face/verify",
            Endpoint::FaceLiveness => "/api/v1/face/liveness",
            Endpoint::DocumentLiveness => "/api/v1/document/liveness",
        }
    }

    /// The endpoint at an API path (a query string aside).
    pub fn at(path: &str) -> Option<Endpoint> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        Endpoint::ALL.into_iter().find(|e| e.path() == path)
    }

    /// The endpoint steps name in words (`face verification`).
    pub fn named(words: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.words() == words)
    }

    /// Its name in steps.
    pub fn words(self) -> &'static str {
        match self {
            Endpoint::FaceVerify => "face verification",
            Endpoint::FaceLiveness => "face liveness",
            Endpoint::DocumentLiveness => "document liveness",
        }
    }

    /// Its `operation` in the control API.
    pub fn operation(self) -> &'static str {
        match self {
            Endpoint::FaceVerify => "face_verify",
            Endpoint::FaceLiveness => "face_liveness",
            Endpoint::DocumentLiveness => "document_liveness",
        }
    }

    /// The documented default threshold: passed when `score >= threshold` (Decisions 3, 12).
    pub fn threshold(self) -> f64 {
        match self {
            Endpoint::FaceVerify => 27.0,
            Endpoint::FaceLiveness => 0.8,
            Endpoint::DocumentLiveness => 0.5,
        }
    }

    /// The highest score: 100 for verification, 1 for liveness.
    pub fn max_score(self) -> f64 {
        match self {
            Endpoint::FaceVerify => 100.0,
            _ => 1.0,
        }
    }

    /// Whether its score is an integer (verification) rather than a number with at most 7
    /// decimals (liveness; Decision 4).
    pub fn integer_score(self) -> bool {
        self == Endpoint::FaceVerify
    }

    /// Its in-band error codes, in their order of precedence.
    pub fn errors(self) -> &'static [&'static str] {
        match self {
            Endpoint::FaceVerify => &[
                "MISSING_PROBE_IMAGE",
                "MISSING_REFERENCE_IMAGE",
                "PROBE_FACE_NOT_FOUND",
                "REFERENCE_FACE_NOT_FOUND",
                "INTERNAL_ERROR",
            ],
            Endpoint::FaceLiveness => &["MISSING_FACE_IMAGE", "FACE_NOT_FOUND", "INTERNAL_ERROR"],
            Endpoint::DocumentLiveness => &[
                "MISSING_FRONT_SIDE_IMAGE",
                "MISSING_BACK_SIDE_IMAGE",
                "DOCUMENT_TOO_SMALL",
                "DOCUMENT_CROPPED",
                "INTERNAL_ERROR",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_found_by_path_and_by_name() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::at(endpoint.path()), Some(endpoint));
            assert_eq!(Endpoint::named(endpoint.words()), Some(endpoint));
            assert_eq!(endpoint.errors().last(), Some(&"INTERNAL_ERROR"));
        }
        assert_eq!(
            Endpoint::at("/api/v1/face/verify?x=1"),
            Some(Endpoint::FaceVerify)
        );
        assert_eq!(Endpoint::at("/api/v1/face/compare"), None);
        assert!(Endpoint::FaceVerify.integer_score());
        assert_eq!(Endpoint::DocumentLiveness.threshold(), 0.5);
    }
}
