//! The JSON bodies Truora answers, built from the engine's state.

use super::engine::{Enrollment, FaceChecks, UploadSlot, Validation};
use super::model::*;
use crate::ids::rfc3339_nanos;
use crate::signing::LinkSigner;
use chrono::{DateTime, Duration, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use std::borrow::Cow;
use std::marker::PhantomData;

/// The path prefix of the Validations API on the listener.
pub const PREFIX: &str = "/truora/validations";

/// Builds the pre-signed links that appear in bodies.
pub struct Links<'a> {
    /// The public base URL (no trailing slash).
    pub public_url: &'a str,
    /// The link signer.
    pub signer: &'a LinkSigner,
    /// Lifetime of file links.
    pub file_ttl: Duration,
    /// The current virtual time.
    pub now: DateTime<Utc>,
    /// The named namespace whose state the links reach, named in their query.
    pub namespace: Option<String>,
}

/// What a signature covers for an upload link.
pub fn upload_claim(upload_id: &str) -> String {
    format!("upload:{upload_id}")
}

/// What a signature covers for a file link.
pub fn file_claim(file_id: &str) -> String {
    format!("file:{file_id}")
}

impl Links<'_> {
    fn signed(&self, kind: &str, id: &str, claim: String, expires: DateTime<Utc>) -> String {
        let expires = expires.timestamp();
        let signature = self.signer.sign(&claim, expires);
        let url = format!(
            "{}{PREFIX}/v1/{kind}/{id}?Expires={expires}&Signature={signature}",
            self.public_url
        );
        crate::namespace::tag_link(url, self.namespace.as_deref())
    }

    /// The `file_upload_link` of a slot.
    pub fn upload(&self, slot: &UploadSlot) -> String {
        self.signed("uploads", &slot.id, upload_claim(&slot.id), slot.expires_at)
    }

    /// A link to a stored file, valid for the file TTL from now.
    pub fn file(&self, file_id: &str) -> String {
        self.signed(
            "files",
            file_id,
            file_claim(file_id),
            self.now + self.file_ttl,
        )
    }
}

/// The schema of a wire-name enum in a body: a string with exactly its wire names.
struct WireName<T>(PhantomData<T>);

/// A `slug_enum!` type: a fixed set of wire names.
trait WireNames: 'static {
    /// The schema's name.
    const NAME: &'static str;
    /// Every wire name, in declaration order.
    fn wire_names() -> Vec<&'static str>;
}

macro_rules! wire_names {
    ($($ty:ident),+ $(,)?) => {$(
        impl WireNames for $ty {
            const NAME: &'static str = stringify!($ty);
            fn wire_names() -> Vec<&'static str> {
                $ty::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    )+};
}

wire_names!(
    EnrollmentStatus,
    EnrollmentReason,
    ValidationStatus,
    FailureStatus,
    DeclinedReason,
    ExpiredReason,
    CheckStatus,
    Subvalidation,
);

impl<T: WireNames> JsonSchema for WireName<T> {
    fn schema_name() -> Cow<'static, str> {
        T::NAME.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": T::wire_names() })
    }
}

/// The `type`/`validation_type` of a body: always [`FACE_RECOGNITION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceRecognition;

impl Serialize for FaceRecognition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(FACE_RECOGNITION)
    }
}

impl JsonSchema for FaceRecognition {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "FaceRecognition".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "const": FACE_RECOGNITION })
    }
}

/// An enrollment as `POST`/`GET /v1/enrollments` answer it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EnrollmentBody {
    /// `ENR…`.
    pub enrollment_id: String,
    /// The account.
    pub account_id: String,
    /// Always `face-recognition`.
    pub validation_type: FaceRecognition,
    /// pending, success or failure.
    #[schemars(with = "WireName<EnrollmentStatus>")]
    pub status: EnrollmentStatus,
    /// Pending or failure reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<EnrollmentReason>>")]
    pub reason: Option<EnrollmentReason>,
    /// Where to PUT the reference image.
    pub file_upload_link: String,
    /// RFC 3339 with nanoseconds.
    pub creation_date: String,
    /// RFC 3339 with nanoseconds.
    pub update_date: String,
}

impl EnrollmentBody {
    /// The body for an enrollment.
    pub fn new(e: &Enrollment, links: &Links) -> EnrollmentBody {
        EnrollmentBody {
            enrollment_id: e.id.clone(),
            account_id: e.account_id.clone(),
            validation_type: FaceRecognition,
            status: e.status,
            reason: e.reason,
            file_upload_link: links.upload(&e.upload),
            creation_date: rfc3339_nanos(e.creation_date),
            update_date: rfc3339_nanos(e.update_date),
        }
    }
}

/// `details.face_recognition_validations`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FaceRecognitionDetails {
    /// The enrollment compared against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrollment_id: Option<String>,
    /// Similarity outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<CheckStatus>>")]
    pub similarity_status: Option<CheckStatus>,
    /// Similarity score 0..1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_score: Option<f64>,
    /// Passive liveness outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<CheckStatus>>")]
    pub passive_liveness_status: Option<CheckStatus>,
    /// Speech match outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<CheckStatus>>")]
    pub speech_match_status: Option<CheckStatus>,
}

/// `details`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidationDetails {
    /// Face-recognition results.
    pub face_recognition_validations: FaceRecognitionDetails,
}

/// `instructions`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Instructions {
    /// Where to PUT the selfie or video.
    pub file_upload_link: String,
}

/// `validation_inputs` (with `show_details=true`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidationInputs {
    /// Links to the enrollment's reference image (15 minutes).
    pub validation_input_files: Vec<String>,
}

/// `user_response` (with `show_details=true`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct UserResponse {
    /// Links to the uploaded selfie or video (15 minutes).
    pub input_files: Vec<String>,
}

/// A validation as `POST`/`GET /v1/validations` answer it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidationBody {
    /// `VLD…`.
    pub validation_id: String,
    /// Always `face-recognition`.
    #[serde(rename = "type")]
    pub validation_type: FaceRecognition,
    /// The account.
    pub account_id: String,
    /// pending, success or failure.
    #[schemars(with = "WireName<ValidationStatus>")]
    pub validation_status: ValidationStatus,
    /// declined, expired or system_error.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<FailureStatus>>")]
    pub failure_status: Option<FailureStatus>,
    /// Why it was declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<DeclinedReason>>")]
    pub declined_reason: Option<DeclinedReason>,
    /// Why it expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WireName<ExpiredReason>>")]
    pub expired_reason: Option<ExpiredReason>,
    /// The similarity threshold.
    pub threshold: f64,
    /// The requested subvalidations.
    #[schemars(with = "Vec<WireName<Subvalidation>>")]
    pub subvalidations: Vec<Subvalidation>,
    /// The timeout in seconds.
    pub timeout: u64,
    /// The validation this one retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_of_id: Option<String>,
    /// RFC 3339 with nanoseconds.
    pub creation_date: String,
    /// RFC 3339 with nanoseconds.
    pub update_date: String,
    /// When processing started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_start_date: Option<String>,
    /// When the validation finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_finish_date: Option<String>,
    /// The creating client's address.
    pub ip_address: String,
    /// Results.
    pub details: ValidationDetails,
    /// Upload instructions.
    pub instructions: Instructions,
    /// Reference-file links (show_details).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_inputs: Option<ValidationInputs>,
    /// User-file links (show_details).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_response: Option<UserResponse>,
}

impl ValidationBody {
    /// The body for a validation; `reference_file` is the enrollment's stored picture.
    pub fn new(
        v: &Validation,
        reference_file: Option<&str>,
        show_details: bool,
        links: &Links,
    ) -> ValidationBody {
        let FaceChecks {
            similarity_status,
            confidence_score,
            passive_liveness_status,
            speech_match_status,
        } = v.checks.clone();
        ValidationBody {
            validation_id: v.id.clone(),
            validation_type: FaceRecognition,
            account_id: v.request.account_id.clone(),
            validation_status: v.status,
            failure_status: v.failure_status,
            declined_reason: v.declined_reason,
            expired_reason: v.expired_reason,
            threshold: v.request.threshold,
            subvalidations: v.request.subvalidations.clone(),
            timeout: v.timeout_seconds,
            retry_of_id: v.request.retry_of_id.clone(),
            creation_date: rfc3339_nanos(v.creation_date),
            update_date: rfc3339_nanos(v.update_date),
            processing_start_date: v.processing_start_date.map(rfc3339_nanos),
            processing_finish_date: v.processing_finish_date.map(rfc3339_nanos),
            ip_address: v.ip_address.clone(),
            details: ValidationDetails {
                face_recognition_validations: FaceRecognitionDetails {
                    enrollment_id: v.enrollment_id.clone(),
                    similarity_status,
                    confidence_score,
                    passive_liveness_status,
                    speech_match_status,
                },
            },
            instructions: Instructions {
                file_upload_link: links.upload(&v.upload),
            },
            validation_inputs: show_details.then(|| ValidationInputs {
                validation_input_files: reference_file.map(|f| links.file(f)).into_iter().collect(),
            }),
            user_response: show_details.then(|| UserResponse {
                input_files: v
                    .upload
                    .file_id
                    .as_deref()
                    .map(|f| links.file(f))
                    .into_iter()
                    .collect(),
            }),
        }
    }
}
