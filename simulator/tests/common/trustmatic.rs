//! Trustmatic: a Basic-auth client for `{root}/trustmatic/api/v1/...`, picture fields and
//! assertions on the in-band and refusal bodies.

use super::{Reply, Sim};
use base64::Engine;
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};

/// The embedded Basic-auth user.
pub const TM_USER: (&str, &str) = ("facesim", "facesim");
/// Where the API is served.
pub const TM_PREFIX: &str = "/trustmatic";
/// The endpoints.
pub const VERIFY: &str = "/api/v1/face/verify";
/// Passive face liveness.
pub const FACE_LIVENESS: &str = "/api/v1/face/liveness";
/// Passive document liveness.
pub const DOCUMENT_LIVENESS: &str = "/api/v1/document/liveness";

/// Plain Base64 of `bytes`.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A verify body with these pictures (`None` leaves the field out).
pub fn verify_body(session: Option<&str>, probe: Option<&[u8]>, reference: Option<&[u8]>) -> Value {
    let mut body = json!({});
    if let Some(s) = session {
        body["sessionId"] = json!(s);
    }
    if let Some(p) = probe {
        body["probe"] = json!({"imageBase64": b64(p)});
    }
    if let Some(r) = reference {
        body["reference"] = json!({"imageBase64": b64(r)});
    }
    body
}

impl Reply {
    /// Asserts a 200 with a score and no error; answers the score.
    pub fn tm_score(&self) -> Value {
        let body = self.ok();
        assert_eq!(body["hasError"], json!(false), "{body}");
        assert!(body.get("error").is_none(), "{body}");
        body["score"].clone()
    }

    /// Asserts a 200 in-band error with `code` and a `Facesim-Detail` header; answers the detail.
    pub fn tm_in_band(&self, code: &str) -> String {
        let body = self.ok();
        assert_eq!(body["hasError"], json!(true), "{body}");
        assert_eq!(body["error"], json!(code), "{body}");
        assert!(body.get("score").is_none(), "{body}");
        let detail = self
            .headers
            .get("facesim-detail")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("Facesim-Detail on an in-band error: {:?}", self.headers));
        detail.to_string()
    }

    /// Asserts a refusal `status` with `error` `code` whose message contains `needle`.
    pub fn tm_refused(&self, status: u16, code: &str, needle: &str) -> Value {
        let body = self.json_with(status);
        assert_eq!(body["hasError"], json!(true), "{body}");
        assert_eq!(body["error"], json!(code), "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{needle:?} not in {body}");
        body
    }

    /// Asserts a 401 with no body and the Basic challenge.
    pub fn tm_unauthorized(&self) {
        assert_eq!(self.status, 401, "{}", self.text());
        assert!(self.bytes.is_empty(), "401 has no body: {}", self.text());
        assert_eq!(
            self.headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some(r#"Basic realm="trustmatic""#)
        );
    }
}

impl Sim {
    /// An absolute URL for a Trustmatic path.
    pub fn tm_url(&self, path: &str) -> String {
        format!("{}{TM_PREFIX}{path}", self.base)
    }

    /// `POST`s `body` as JSON with the embedded user.
    pub async fn tm(&self, path: &str, body: &Value) -> Reply {
        self.tm_raw(path, Some("application/json"), body.to_string())
            .await
    }

    /// `POST`s raw bytes with the embedded user and `content_type`.
    pub async fn tm_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut request = self
            .http
            .post(self.tm_url(path))
            .basic_auth(TM_USER.0, Some(TM_USER.1))
            .body(body);
        if let Some(t) = content_type {
            request = request.header(CONTENT_TYPE, t);
        }
        self.send(request).await
    }

    /// Face verification of two pictures.
    pub async fn tm_verify(&self, probe: &[u8], reference: &[u8]) -> Reply {
        self.tm(
            VERIFY,
            &verify_body(Some("session-1"), Some(probe), Some(reference)),
        )
        .await
    }

    /// `POST {root}/_facesim/trustmatic/outcomes`.
    pub async fn tm_arm(&self, body: &Value) -> Reply {
        self.send(
            self.http
                .post(self.url("/_facesim/trustmatic/outcomes"))
                .json(body),
        )
        .await
    }
}
