//! The JSON bodies the face-authentication API answers, built from the engine's state.

use super::engine::{Applicant, Asset, Attempt, FaceAuthentication, SessionInformation};
use super::error::ErrorType;
use super::model::*;
use super::request::{ClientInformation, Page, PhoneNumber};
use crate::signing::LinkSigner;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use std::borrow::Cow;
use std::marker::PhantomData;

/// The path prefix of the face-authentication API on the listener.
pub const PREFIX: &str = "/checkout";

/// A timestamp as the API writes it: RFC 3339 UTC, whole seconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What a signature covers for an asset link.
pub fn asset_claim(asset_id: &str) -> String {
    format!("checkout-asset:{asset_id}")
}

/// Builds the absolute and pre-signed links that appear in bodies.
pub struct Links<'a> {
    /// The public base URL (no trailing slash).
    pub public_url: &'a str,
    /// The link signer.
    pub signer: &'a LinkSigner,
    /// Lifetime of asset links.
    pub asset_ttl: Duration,
    /// The current virtual time.
    pub now: DateTime<Utc>,
    /// The named namespace whose state the pre-signed links and the capture page reach, named
    /// in their query.
    pub namespace: Option<String>,
}

impl Links<'_> {
    /// An absolute URL for a path under the prefix.
    pub fn api(&self, path: &str) -> String {
        format!("{}{PREFIX}{path}", self.public_url)
    }

    /// A pre-signed link to an asset's bytes, valid for the asset TTL from now.
    pub fn asset(&self, asset_id: &str) -> String {
        let expires = (self.now + self.asset_ttl).timestamp();
        let signature = self.signer.sign(&asset_claim(asset_id), expires);
        let url = self.api(&format!(
            "/assets/{asset_id}?expires={expires}&signature={signature}"
        ));
        crate::namespace::tag_link(url, self.namespace.as_deref())
    }

    /// The capture page of an attempt.
    pub fn verification(&self, token: &str) -> String {
        let url = self.api(&format!("/hosted/{token}"));
        crate::namespace::tag_link(url, self.namespace.as_deref())
    }

    fn link(&self, path: &str) -> Link {
        Link {
            href: self.api(path),
        }
    }
}

/// A HAL link.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct Link {
    /// The absolute URL.
    pub href: String,
}

/// The schema of a wire-name enum in a body: a string with exactly its wire names.
pub struct Wire<T>(PhantomData<T>);

/// A `slug_enum!` type: a fixed set of wire names.
pub trait WireNames: 'static {
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
    FaceAuthenticationStatus,
    AttemptStatus,
    AssetType,
    RiskLabel,
    ErrorType
);

impl<T: WireNames> JsonSchema for Wire<T> {
    fn schema_name() -> Cow<'static, str> {
        T::NAME.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": T::wire_names() })
    }
}

/// `{"code", "summary"}`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct ResponseCodeBody {
    /// The code.
    pub code: u32,
    /// Its documented summary.
    pub summary: String,
}

/// The wire form of response codes.
pub fn response_codes(codes: &[ResponseCode]) -> Vec<ResponseCodeBody> {
    codes
        .iter()
        .map(|c| ResponseCodeBody {
            code: c.code(),
            summary: c.summary().to_string(),
        })
        .collect()
}

/// `_links` holding only `self`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct SelfLinks {
    /// The resource itself.
    #[serde(rename = "self")]
    pub self_: Link,
}

/// An applicant.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct ApplicantBody {
    /// `aplt_…`.
    pub id: String,
    /// Creation time.
    pub created_on: String,
    /// Last change.
    pub modified_on: String,
    /// The merchant's reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_applicant_id: Option<String>,
    /// The applicant's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The applicant's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_applicant_name: Option<String>,
    /// HAL links.
    pub _links: SelfLinks,
}

impl ApplicantBody {
    /// The body of `applicant`.
    pub fn new(applicant: &Applicant, links: &Links) -> ApplicantBody {
        ApplicantBody {
            id: applicant.id.clone(),
            created_on: timestamp(applicant.created_on),
            modified_on: timestamp(applicant.modified_on),
            external_applicant_id: applicant.external_applicant_id.clone(),
            email: applicant.email.clone(),
            external_applicant_name: applicant.external_applicant_name.clone(),
            _links: SelfLinks {
                self_: links.link(&format!("/applicants/{}", applicant.id)),
            },
        }
    }
}

/// `face` of a face authentication.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct FaceBody {
    /// A pre-signed link to the captured face.
    pub image_signed_url: String,
}

/// `_links` of a face authentication.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct FaceAuthenticationLinks {
    /// The face authentication.
    #[serde(rename = "self")]
    pub self_: Link,
    /// Its applicant.
    pub applicant: Link,
}

/// A face authentication.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FaceAuthenticationBody {
    /// `fav_…`.
    pub id: String,
    /// Creation time.
    pub created_on: String,
    /// Last change.
    pub modified_on: String,
    /// `aplt_…`.
    pub applicant_id: String,
    /// The configuration ID.
    pub user_journey_id: String,
    /// The status.
    #[schemars(with = "Wire<FaceAuthenticationStatus>")]
    pub status: FaceAuthenticationStatus,
    /// The code of the latest outcome.
    pub response_codes: Vec<ResponseCodeBody>,
    /// Risk labels of the latest checks.
    #[schemars(with = "Vec<Wire<RiskLabel>>")]
    pub risk_labels: Vec<RiskLabel>,
    /// The captured face, once a capture completed (dropped by anonymization).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face: Option<FaceBody>,
    /// HAL links.
    pub _links: FaceAuthenticationLinks,
}

impl FaceAuthenticationBody {
    /// The body of `fa`.
    pub fn new(fa: &FaceAuthentication, links: &Links) -> FaceAuthenticationBody {
        FaceAuthenticationBody {
            id: fa.id.clone(),
            created_on: timestamp(fa.created_on),
            modified_on: timestamp(fa.modified_on),
            applicant_id: fa.applicant_id.clone(),
            user_journey_id: fa.user_journey_id.clone(),
            status: fa.status,
            response_codes: response_codes(&fa.response_codes),
            risk_labels: fa.risk_labels.clone(),
            face: fa.face_image.as_deref().map(|asset| FaceBody {
                image_signed_url: links.asset(asset),
            }),
            _links: FaceAuthenticationLinks {
                self_: links.link(&format!("/face-authentications/{}", fa.id)),
                applicant: links.link(&format!("/applicants/{}", fa.applicant_id)),
            },
        }
    }
}

/// `applicant_session_information` of an attempt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct SessionBody {
    /// The address of the first session (left out when it is not an IP address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// How many times the page was opened.
    pub number_of_sessions: u32,
    /// The browser of the first session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `mobile` or `desktop`.
    #[schemars(with = "InitialDevice")]
    pub initial_device: &'static str,
}

/// The schema of `initial_device`.
struct InitialDevice;

impl JsonSchema for InitialDevice {
    fn schema_name() -> Cow<'static, str> {
        "InitialDevice".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": ["mobile", "desktop"] })
    }
}

impl SessionBody {
    fn new(s: &SessionInformation) -> SessionBody {
        SessionBody {
            ip_address: s
                .ip_address
                .parse::<std::net::IpAddr>()
                .ok()
                .map(|ip| ip.to_string()),
            number_of_sessions: s.number_of_sessions,
            user_agent: s.user_agent.clone(),
            initial_device: s.initial_device,
        }
    }
}

/// `_links` of an attempt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct AttemptLinks {
    /// The attempt.
    #[serde(rename = "self")]
    pub self_: Link,
    /// The capture page to send the applicant to.
    pub verification_url: Link,
}

/// An attempt.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AttemptBody {
    /// `fatp_…`.
    pub id: String,
    /// Creation time.
    pub created_on: String,
    /// Last change.
    pub modified_on: String,
    /// The status.
    #[schemars(with = "Wire<AttemptStatus>")]
    pub status: AttemptStatus,
    /// The code the attempt ended with.
    pub response_codes: Vec<ResponseCodeBody>,
    /// Where the applicant goes afterwards.
    pub redirect_url: String,
    /// Pre-selections for the capture page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_information: Option<ClientInformation>,
    /// The applicant's phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<PhoneNumber>,
    /// The applicant's sessions on the capture page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant_session_information: Option<SessionBody>,
    /// HAL links.
    pub _links: AttemptLinks,
}

impl AttemptBody {
    /// The body of `attempt`.
    pub fn new(attempt: &Attempt, links: &Links) -> AttemptBody {
        AttemptBody {
            id: attempt.id.clone(),
            created_on: timestamp(attempt.created_on),
            modified_on: timestamp(attempt.modified_on),
            status: attempt.status,
            response_codes: response_codes(&attempt.response_codes),
            redirect_url: attempt.redirect_url.clone(),
            client_information: attempt.client_information.clone(),
            phone_number: attempt.phone_number.clone(),
            applicant_session_information: attempt.session.as_ref().map(SessionBody::new),
            _links: AttemptLinks {
                self_: links.link(&format!(
                    "/face-authentications/{}/attempts/{}",
                    attempt.face_authentication_id, attempt.id
                )),
                verification_url: Link {
                    href: links.verification(&attempt.token),
                },
            },
        }
    }
}

/// `_links` of a page: `next` and `previous` are omitted at the edges.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct ListLinks {
    /// This page.
    #[serde(rename = "self")]
    pub self_: Link,
    /// The next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    /// The previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Link>,
}

impl ListLinks {
    /// The links of `page` of `total` items listed at `path`.
    pub fn new(links: &Links, path: &str, page: Page, total: usize) -> ListLinks {
        let at = |skip: usize| links.link(&format!("{path}?skip={skip}&limit={}", page.limit));
        ListLinks {
            self_: at(page.skip),
            next: (page.skip.saturating_add(page.limit) < total)
                .then(|| at(page.skip + page.limit)),
            previous: (page.skip > 0).then(|| at(page.skip.saturating_sub(page.limit))),
        }
    }
}

/// The items of `page` out of `all`.
pub fn page_of<T>(all: Vec<T>, page: Page) -> Vec<T> {
    all.into_iter().skip(page.skip).take(page.limit).collect()
}

/// A page of attempts, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AttemptListBody {
    /// Attempts in all.
    pub total_count: usize,
    /// Attempts skipped.
    pub skip: usize,
    /// Attempts at most on this page.
    pub limit: usize,
    /// This page's attempts.
    pub data: Vec<AttemptBody>,
    /// HAL links.
    pub _links: ListLinks,
}

/// `_links` of an asset.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct AssetLinks {
    /// A pre-signed link to the bytes.
    pub asset_url: Link,
}

/// One asset of an attempt.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssetBody {
    /// `face_image` or `face_video`.
    #[serde(rename = "type")]
    #[schemars(with = "Wire<AssetType>")]
    pub kind: AssetType,
    /// HAL links.
    pub _links: AssetLinks,
}

impl AssetBody {
    /// The body of `asset`.
    pub fn new(asset: &Asset, links: &Links) -> AssetBody {
        AssetBody {
            kind: asset.kind,
            _links: AssetLinks {
                asset_url: Link {
                    href: links.asset(&asset.id),
                },
            },
        }
    }
}

/// A page of an attempt's assets.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssetListBody {
    /// Assets in all.
    pub total_count: usize,
    /// Assets skipped.
    pub skip: usize,
    /// Assets at most on this page.
    pub limit: usize,
    /// This page's assets.
    pub data: Vec<AssetBody>,
    /// HAL links.
    pub _links: ListLinks,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(signer: &LinkSigner) -> Links<'_> {
        Links {
            public_url: "http://sim",
            signer,
            asset_ttl: Duration::seconds(900),
            namespace: None,
            now: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn page_links_stop_at_the_edges() {
        let signer = LinkSigner::default();
        let links = links(&signer);
        let page = |skip, limit| Page { skip, limit };
        let first = ListLinks::new(&links, "/x", page(0, 10), 25);
        assert_eq!(first.self_.href, "http://sim/checkout/x?skip=0&limit=10");
        assert_eq!(
            first.next.unwrap().href,
            "http://sim/checkout/x?skip=10&limit=10"
        );
        assert!(first.previous.is_none());
        let last = ListLinks::new(&links, "/x", page(20, 10), 25);
        assert!(last.next.is_none());
        assert_eq!(
            last.previous.unwrap().href,
            "http://sim/checkout/x?skip=10&limit=10"
        );
        let odd = ListLinks::new(&links, "/x", page(3, 10), 25);
        assert_eq!(
            odd.previous.unwrap().href,
            "http://sim/checkout/x?skip=0&limit=10"
        );
        assert_eq!(
            odd.next.unwrap().href,
            "http://sim/checkout/x?skip=13&limit=10"
        );
        let beyond = ListLinks::new(&links, "/x", page(40, 10), 25);
        assert!(beyond.next.is_none());
        assert_eq!(
            beyond.previous.unwrap().href,
            "http://sim/checkout/x?skip=30&limit=10"
        );
        let exact = ListLinks::new(&links, "/x", page(0, 10), 10);
        assert!(exact.next.is_none() && exact.previous.is_none());
        let empty = ListLinks::new(&links, "/x", page(0, 10), 0);
        assert!(empty.next.is_none() && empty.previous.is_none());
        assert_eq!(
            page_of((0..25).collect(), page(20, 10)),
            vec![20, 21, 22, 23, 24]
        );
        assert!(page_of((0..25).collect::<Vec<i32>>(), page(40, 10)).is_empty());
    }

    #[test]
    fn asset_links_are_signed_for_the_ttl() {
        let signer = LinkSigner::default();
        let links = links(&signer);
        let href = links.asset("fasset_x");
        let expires = 1_700_000_900;
        let signature = signer.sign(&asset_claim("fasset_x"), expires);
        assert_eq!(
            href,
            format!("http://sim/checkout/assets/fasset_x?expires={expires}&signature={signature}")
        );
        assert_eq!(
            timestamp(DateTime::from_timestamp(1_700_000_000, 123_000_000).unwrap()),
            "2023-11-14T22:13:20Z"
        );
    }
}
