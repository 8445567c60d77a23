//! The vendors whose webhooks facesim delivers and what each one's deliveries look like.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A vendor that sends webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// Checkout.com Identity Verification; wire name `checkout`.
    Checkout,
}

impl Vendor {
    /// Every vendor.
    pub const ALL: &'static [Vendor] = &[Vendor::Checkout];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Checkout => "checkout",
        }
    }

    /// The vendor with this wire name.
    pub fn parse(name: &str) -> Option<Vendor> {
        Vendor::ALL.iter().copied().find(|v| v.as_str() == name)
    }

    /// The wire names joined for messages.
    pub fn names() -> String {
        Vendor::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The event types this vendor sends, as its vendor module defines them.
    pub fn event_types(self) -> Vec<&'static str> {
        match self {
            Vendor::Checkout => crate::checkout::model::EventType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect(),
        }
    }

    /// The header that carries this vendor's body signature.
    pub fn signature_header(self) -> &'static str {
        match self {
            Vendor::Checkout => "Cko-Signature",
        }
    }
}

impl std::fmt::Display for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Vendor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Vendor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Vendor, D::Error> {
        let name = String::deserialize(d)?;
        Vendor::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown vendor {name:?}; known vendors: {}",
                Vendor::names()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for vendor in Vendor::ALL {
            assert_eq!(Vendor::parse(vendor.as_str()), Some(*vendor));
            let json = serde_json::to_string(vendor).unwrap();
            assert_eq!(serde_json::from_str::<Vendor>(&json).unwrap(), *vendor);
        }
        assert!(Vendor::Checkout
            .event_types()
            .contains(&"face_authentication_checks_completed"));
        let err = serde_json::from_str::<Vendor>("\"onfido\"").unwrap_err();
        assert!(err.to_string().contains("known vendors: checkout"), "{err}");
    }
}
