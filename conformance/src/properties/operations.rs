//! The operations of the sequence property and the catalogue files they upload, with what
//! the documents say each file shows.

use std::fmt;

/// A catalogue file and what the documents say it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Picture {
    /// `alice-reference.png`: Alice, live.
    AliceReference,
    /// `alice-selfie.jpg`: Alice again, live.
    AliceSelfie,
    /// `alice-selfie.mp4`: a video of Alice, live.
    AliceVideo,
    /// `alice-spoof.jpg`: Alice, a presentation attack.
    AliceSpoof,
    /// `bob-selfie.jpg`: Bob, live.
    BobSelfie,
    /// `no-face.png`: no face.
    NoFace,
    /// `blocklisted.png`: a face on the block list.
    Blocklisted,
    /// `unsupported.bmp`: a bitmap, a format the guide does not accept.
    Bitmap,
    /// `not-media.txt`: text.
    Text,
    /// `corrupt.png`: half a PNG.
    Corrupt,
}

/// Every picture, the plainest first (shrinking moves towards the front).
pub(super) const PICTURES: [Picture; 10] = [
    Picture::AliceReference,
    Picture::AliceSelfie,
    Picture::BobSelfie,
    Picture::AliceSpoof,
    Picture::AliceVideo,
    Picture::NoFace,
    Picture::Blocklisted,
    Picture::Bitmap,
    Picture::Text,
    Picture::Corrupt,
];

/// What an accepted upload shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shows {
    /// One face of `subject` (`a` for Alice, `b` for Bob), live or a presentation attack.
    Face { subject: char, live: bool },
    /// No face.
    NoFace,
    /// A face on the client's block list.
    Blocklisted,
    /// A file in a format not accepted here.
    Unsupported,
    /// Bytes that are no usable file (a picture that does not decode).
    Broken,
}

impl Picture {
    /// The catalogue name.
    pub fn file(self) -> &'static str {
        match self {
            Picture::AliceReference => "alice-reference.png",
            Picture::AliceSelfie => "alice-selfie.jpg",
            Picture::AliceVideo => "alice-selfie.mp4",
            Picture::AliceSpoof => "alice-spoof.jpg",
            Picture::BobSelfie => "bob-selfie.jpg",
            Picture::NoFace => "no-face.png",
            Picture::Blocklisted => "blocklisted.png",
            Picture::Bitmap => "unsupported.bmp",
            Picture::Text => "not-media.txt",
            Picture::Corrupt => "corrupt.png",
        }
    }

    /// What the file shows when uploaded where `videos` are accepted or not.
    pub(super) fn shows(self, videos: bool) -> Shows {
        let alice = Shows::Face {
            subject: 'a',
            live: true,
        };
        match self {
            Picture::AliceReference | Picture::AliceSelfie => alice,
            Picture::AliceVideo if videos => alice,
            Picture::AliceSpoof => Shows::Face {
                subject: 'a',
                live: false,
            },
            Picture::BobSelfie => Shows::Face {
                subject: 'b',
                live: true,
            },
            Picture::NoFace => Shows::NoFace,
            Picture::Blocklisted => Shows::Blocklisted,
            Picture::AliceVideo | Picture::Bitmap | Picture::Text => Shows::Unsupported,
            Picture::Corrupt => Shows::Broken,
        }
    }
}

/// What a validation checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Checks {
    /// `subvalidations=similarity` (the default).
    Similarity,
    /// `subvalidations=passive_liveness`.
    PassiveLiveness,
    /// Both.
    Both,
}

impl Checks {
    /// The `subvalidations` values.
    pub fn subvalidations(self) -> &'static [&'static str] {
        match self {
            Checks::Similarity => &["similarity"],
            Checks::PassiveLiveness => &["passive_liveness"],
            Checks::Both => &["similarity", "passive_liveness"],
        }
    }

    /// Whether similarity is checked.
    pub(super) fn similarity(self) -> bool {
        self != Checks::PassiveLiveness
    }

    /// Whether passive liveness is checked.
    pub(super) fn liveness(self) -> bool {
        self != Checks::Similarity
    }
}

/// One operation of a sequence, on one of the [`ACCOUNTS`] (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// `POST /v1/enrollments`, optionally with `confirmation=none`.
    Enroll {
        account: usize,
        confirmation_none: bool,
    },
    /// `PUT` to the latest enrollment's `file_upload_link`.
    UploadReference { account: usize, picture: Picture },
    /// `GET` the latest enrollment.
    GetEnrollment { account: usize },
    /// `DELETE` the latest enrollment.
    DeleteEnrollment { account: usize },
    /// `POST /v1/validations`.
    Validate { account: usize, checks: Checks },
    /// `PUT` to the latest validation's `file_upload_link`.
    UploadSelfie { account: usize, picture: Picture },
    /// `GET` the latest validation.
    GetValidation { account: usize },
}

impl Op {
    /// The account the operation is about.
    pub fn account(self) -> usize {
        match self {
            Op::Enroll { account, .. }
            | Op::UploadReference { account, .. }
            | Op::GetEnrollment { account }
            | Op::DeleteEnrollment { account }
            | Op::Validate { account, .. }
            | Op::UploadSelfie { account, .. }
            | Op::GetValidation { account } => account,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let account = self.account() + 1;
        match self {
            Op::Enroll {
                confirmation_none: false,
                ..
            } => write!(f, "create(acc-{account})"),
            Op::Enroll { .. } => write!(f, "create(acc-{account}, confirmation=none)"),
            Op::UploadReference { picture, .. } => {
                write!(f, "upload(acc-{account}, {})", picture.file())
            }
            Op::GetEnrollment { .. } => write!(f, "get(acc-{account})"),
            Op::DeleteEnrollment { .. } => write!(f, "delete(acc-{account})"),
            Op::Validate { checks, .. } => {
                write!(
                    f,
                    "validate(acc-{account}, {})",
                    checks.subvalidations().join("+")
                )
            }
            Op::UploadSelfie { picture, .. } => {
                write!(f, "upload_selfie(acc-{account}, {})", picture.file())
            }
            Op::GetValidation { .. } => write!(f, "get_validation(acc-{account})"),
        }
    }
}
