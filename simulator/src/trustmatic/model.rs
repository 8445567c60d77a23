//! The wire vocabulary: the three operations and the in-band error codes.

use crate::slug_enum;

slug_enum! {
    /// One of the API's operations, as the control API names it.
    pub enum Operation {
        FaceVerify = "face_verify",
        FaceLiveness = "face_liveness",
        DocumentLiveness = "document_liveness",
    }
}

slug_enum! {
    /// `error` of an in-band error answer (HTTP 200, `hasError: true`).
    pub enum ErrorCode {
        MissingProbeImage = "MISSING_PROBE_IMAGE",
        MissingReferenceImage = "MISSING_REFERENCE_IMAGE",
        ProbeFaceNotFound = "PROBE_FACE_NOT_FOUND",
        ReferenceFaceNotFound = "REFERENCE_FACE_NOT_FOUND",
        MissingFaceImage = "MISSING_FACE_IMAGE",
        FaceNotFound = "FACE_NOT_FOUND",
        MissingFrontSideImage = "MISSING_FRONT_SIDE_IMAGE",
        MissingBackSideImage = "MISSING_BACK_SIDE_IMAGE",
        DocumentTooSmall = "DOCUMENT_TOO_SMALL",
        DocumentCropped = "DOCUMENT_CROPPED",
        InternalError = "INTERNAL_ERROR",
    }
}

impl Operation {
    /// The endpoint path, below the prefix.
    pub fn path(self) -> &'static str {
        match self {
            Operation::FaceVerify => "/api/v1/face/verify",
            Operation::FaceLiveness => "/api/v1/face/liveness",
            Operation::DocumentLiveness => "/api/v1/document/liveness",
        }
    }

    /// The error codes this operation can answer, in order of precedence.
    pub fn errors(self) -> &'static [ErrorCode] {
        use ErrorCode::*;
        match self {
            Operation::FaceVerify => &[
                MissingProbeImage,
                MissingReferenceImage,
                ProbeFaceNotFound,
                ReferenceFaceNotFound,
                InternalError,
            ],
            Operation::FaceLiveness => &[MissingFaceImage, FaceNotFound, InternalError],
            Operation::DocumentLiveness => &[
                MissingFrontSideImage,
                MissingBackSideImage,
                DocumentTooSmall,
                DocumentCropped,
                InternalError,
            ],
        }
    }

    /// The documented default threshold: a `score` at or above it passes.
    pub fn default_threshold(self) -> f64 {
        match self {
            Operation::FaceVerify => 27.0,
            Operation::FaceLiveness => 0.8,
            Operation::DocumentLiveness => 0.5,
        }
    }

    /// The range of `score`: 0..=100 (an integer) for verify, 0..=1 for liveness.
    pub fn max_score(self) -> f64 {
        match self {
            Operation::FaceVerify => 100.0,
            Operation::FaceLiveness | Operation::DocumentLiveness => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_belongs_to_an_operation_and_internal_error_to_all() {
        for code in ErrorCode::ALL {
            assert!(Operation::ALL.iter().any(|op| op.errors().contains(code)));
        }
        for op in Operation::ALL {
            assert!(op.errors().contains(&ErrorCode::InternalError));
            assert_eq!(Operation::parse(op.as_str()), Some(*op));
        }
    }
}
