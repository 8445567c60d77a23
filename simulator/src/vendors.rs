//! The vendor APIs facesim simulates, as the control API names them.

use crate::slug_enum;
use crate::state::App;

slug_enum! {
    /// A simulated vendor API.
    pub enum SimulatedVendor {
        Truora = "truora",
        Checkout = "checkout",
        Trustmatic = "trustmatic",
    }
}

impl SimulatedVendor {
    /// The path prefix the API is served under.
    pub fn prefix(self) -> &'static str {
        match self {
            SimulatedVendor::Truora => "/truora",
            SimulatedVendor::Checkout => "/checkout",
            SimulatedVendor::Trustmatic => "/trustmatic",
        }
    }

    /// The API `path` is under, and the rest of the path below the API's base URL (for
    /// Truora, below its host's prefix: `/truora/validations/v1/validations` → `/v1/validations`).
    pub fn of(path: &str) -> Option<(SimulatedVendor, &str)> {
        let (api, rest) = SimulatedVendor::ALL.iter().find_map(|&api| {
            let rest = path.strip_prefix(api.prefix())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((api, rest))
        })?;
        if api == SimulatedVendor::Truora {
            let below_host = rest[1.min(rest.len())..]
                .find('/')
                .map_or("", |i| &rest[i + 1..]);
            return Some((api, below_host));
        }
        Some((api, rest))
    }

    /// Empties this vendor's state: Truora's enrollments, validations and files; Checkout's
    /// applicants, face authentications, attempts, assets and unpublished events; Trustmatic's
    /// armed outcomes. The clock and the webhook receivers, deliveries and events stay.
    pub fn clear(self, app: &App) {
        match self {
            SimulatedVendor::Truora => app.tenant().truora.lock().clear(),
            SimulatedVendor::Checkout => app.tenant().checkout.lock().clear(),
            SimulatedVendor::Trustmatic => app.tenant().trustmatic.lock().clear(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for SimulatedVendor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        SimulatedVendor::parse(&name).ok_or_else(|| {
            serde::de::Error::unknown_variant(&name, &["truora", "checkout", "trustmatic"])
        })
    }
}

impl schemars::JsonSchema for SimulatedVendor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Api".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = SimulatedVendor::ALL.iter().map(|v| v.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": names,
            "description": "A vendor API: truora ({root}/truora/…), checkout ({root}/checkout) or trustmatic ({root}/trustmatic)."
        })
    }
}
