//! Encodings for the state file that serde does not choose well on its own: file contents as
//! Base64, digests as hex, embeddings as plain lists of numbers (the model types name these
//! modules in `#[serde(with = …)]` attributes), and the wire-name enums read back by name.

use serde::{Deserialize, Deserializer, Serializer};

crate::slug_enum_deserialize!(
    crate::truora::model::EnrollmentStatus,
    crate::truora::model::EnrollmentReason,
    crate::truora::model::ValidationStatus,
    crate::truora::model::FailureStatus,
    crate::truora::model::DeclinedReason,
    crate::truora::model::ExpiredReason,
    crate::truora::model::CheckStatus,
    crate::truora::model::Subvalidation,
    crate::truora::model::LivenessMode,
    crate::truora::model::MinimumPrecision,
    crate::checkout::model::FaceAuthenticationStatus,
    crate::checkout::model::AttemptStatus,
    crate::checkout::model::EventType,
    crate::checkout::model::RiskLabel,
    crate::checkout::model::AssetType,
    crate::trustmatic::model::Operation,
    crate::trustmatic::model::ErrorCode,
);

/// File contents ([`bytes::Bytes`]) as one standard Base64 string.
pub mod base64_bytes {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use bytes::Bytes;

    /// Writes the bytes as Base64.
    pub fn serialize<S: Serializer>(bytes: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    /// Reads Base64 back into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Bytes::from)
            .map_err(|e| serde::de::Error::custom(format!("invalid Base64 file content: {e}")))
    }
}

/// A SHA-256 digest as 64 lowercase hex digits.
pub mod hex_digest {
    use super::*;

    /// Writes the digest as hex.
    pub fn serialize<S: Serializer>(digest: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(digest))
    }

    /// Reads 64 hex digits back into a digest.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text.as_bytes(), &mut digest)
            .map_err(|e| serde::de::Error::custom(format!("invalid digest {text:?}: {e}")))?;
        Ok(digest)
    }
}

/// An optional face embedding (`Arc<[f32]>`) as a list of numbers, or `null`.
pub mod embedding {
    use super::*;
    use serde::Serialize;
    use std::sync::Arc;

    /// Writes the embedding as a list.
    pub fn serialize<S: Serializer>(
        embedding: &Option<Arc<[f32]>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        embedding.as_deref().serialize(s)
    }

    /// Reads a list back into an embedding.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<[f32]>>, D::Error> {
        Ok(Option::<Vec<f32>>::deserialize(d)?.map(Arc::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::sync::Arc;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Sample {
        #[serde(with = "base64_bytes")]
        bytes: bytes::Bytes,
        #[serde(with = "hex_digest")]
        digest: [u8; 32],
        #[serde(with = "embedding")]
        embedding: Option<Arc<[f32]>>,
    }

    #[test]
    fn fields_round_trip_and_bad_values_are_named() {
        let sample = Sample {
            bytes: bytes::Bytes::from_static(b"\x00\xffpng"),
            digest: [7; 32],
            embedding: Some(Arc::from(vec![0.1f32, -0.333_333_34, 1e-7])),
        };
        let json = serde_json::to_string(&sample).unwrap();
        assert!(json.contains("\"AP9wbmc=\""), "{json}");
        assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), sample);
        let bad = json.replace("AP9wbmc=", "not base64!");
        let err = serde_json::from_str::<Sample>(&bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Base64"), "{err}");
    }
}
