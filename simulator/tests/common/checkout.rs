//! Checkout face authentication: a Bearer-key client for `{root}/checkout`, the control
//! actions and assertions on the vendor's error bodies.

use super::{Reply, Sim};
use base64::Engine;
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::{json, Value};

/// The embedded default account's secret key (no videos).
pub const CKO_KEY: &str = "sk_sbox_facesimsandboxsecretkeyaaaa";
/// The embedded account with videos enabled.
pub const CKO_VIDEO_KEY: &str = "sk_sbox_facesimvideosenabledkeyaaaa";
/// Where the face-authentication API is served.
pub const CKO_PREFIX: &str = "/checkout";
/// A well-formed configuration ID.
pub const JOURNEY: &str = "usj_t5bdzsdmi57ehhkrnmp5omjimu";
/// Where attempts send the applicant afterwards.
pub const REDIRECT: &str = "https://merchant.example/identity/done?ref=42";

impl Reply {
    /// The `Cko-Request-Id` header ("" when absent).
    pub fn request_id(&self) -> &str {
        self.headers
            .get("cko-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a 2xx `status` with a JSON body and a request ID; answers the body.
    pub fn cko_ok(&self, status: u16) -> Value {
        let body = self.json_with(status);
        assert!(
            !self.request_id().is_empty(),
            "Cko-Request-Id on every answer"
        );
        body
    }

    /// Asserts a Checkout error body `{request_id, error_type, error_codes}` whose
    /// `request_id` repeats the header.
    pub fn cko_error(&self, status: u16, error_type: &str, codes: &[&str]) {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text()
        );
        let body = self.json();
        assert_eq!(body["error_type"], json!(error_type), "{body}");
        assert_eq!(body["error_codes"], json!(codes), "{body}");
        assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
        assert!(
            !self.request_id().is_empty(),
            "Cko-Request-Id on errors too"
        );
        assert_eq!(body["request_id"], json!(self.request_id()), "{body}");
    }

    /// Asserts the empty 401 the platform answers, with a request ID.
    pub fn cko_unauthorized(&self) {
        assert_eq!(self.status, 401, "body: {}", self.text());
        assert!(
            self.bytes.is_empty(),
            "401 has an empty body: {}",
            self.text()
        );
        assert!(!self.request_id().is_empty());
    }
}

impl Sim {
    /// An absolute URL of the face-authentication API.
    pub fn cko_url(&self, path: &str) -> String {
        format!("{}{CKO_PREFIX}{path}", self.base)
    }

    /// A request to the API with `Authorization: Bearer <key>` and an optional JSON body.
    pub async fn cko(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.cko_url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// `GET` with the default key.
    pub async fn cko_get(&self, path: &str) -> Reply {
        self.cko(Method::GET, path, Some(CKO_KEY), None).await
    }

    /// `POST` JSON with the default key.
    pub async fn cko_post(&self, path: &str, body: &Value) -> Reply {
        self.cko(Method::POST, path, Some(CKO_KEY), Some(body))
            .await
    }

    /// `POST` a raw body with a content type and the default key.
    pub async fn cko_post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let request = self
            .http
            .post(self.cko_url(path))
            .bearer_auth(CKO_KEY)
            .header(CONTENT_TYPE, content_type)
            .body(body);
        self.send(request).await
    }

    /// Creates an applicant of `key`'s account with `fields`.
    pub async fn cko_applicant_with(&self, key: &str, fields: Value) -> Value {
        self.cko(Method::POST, "/applicants", Some(key), Some(&fields))
            .await
            .cko_ok(201)
    }

    /// Creates an applicant of `key`'s account with an optional external ID.
    pub async fn cko_applicant(&self, key: &str, external: Option<&str>) -> Value {
        let mut fields =
            json!({"email": "hannah.bret@example.com", "external_applicant_name": "Hannah Bret"});
        if let Some(external) = external {
            fields["external_applicant_id"] = json!(external);
        }
        self.cko_applicant_with(key, fields).await
    }

    /// Creates a face authentication for an applicant.
    pub async fn cko_face_authentication(&self, key: &str, applicant_id: &str) -> Value {
        let body = json!({"applicant_id": applicant_id, "user_journey_id": JOURNEY});
        self.cko(
            Method::POST,
            "/face-authentications",
            Some(key),
            Some(&body),
        )
        .await
        .cko_ok(201)
    }

    /// A face authentication of a fresh applicant (optionally a sandbox one).
    pub async fn cko_fresh(&self, key: &str, external: Option<&str>) -> Value {
        let applicant = self.cko_applicant(key, external).await;
        self.cko_face_authentication(key, applicant["id"].as_str().unwrap())
            .await
    }

    /// `POST …/attempts` with the standard redirect URL.
    pub async fn cko_create_attempt(&self, key: &str, fa_id: &str) -> Reply {
        let body = json!({"redirect_url": REDIRECT});
        self.cko(
            Method::POST,
            &format!("/face-authentications/{fa_id}/attempts"),
            Some(key),
            Some(&body),
        )
        .await
    }

    /// An attempt that must be created.
    pub async fn cko_attempt(&self, key: &str, fa_id: &str) -> Value {
        self.cko_create_attempt(key, fa_id).await.cko_ok(201)
    }

    /// `GET` a face authentication with `key`.
    pub async fn cko_fa(&self, key: &str, fa_id: &str) -> Value {
        self.cko(
            Method::GET,
            &format!("/face-authentications/{fa_id}"),
            Some(key),
            None,
        )
        .await
        .cko_ok(200)
    }

    /// `POST {root}/_facesim/checkout/attempts/{id}` with a control action.
    pub async fn cko_control(&self, attempt_id: &str, body: &Value) -> Reply {
        let request = self
            .http
            .post(self.url(&format!("/_facesim/checkout/attempts/{attempt_id}")))
            .json(body);
        self.send(request).await
    }

    /// A control action that must succeed; answers the attempt.
    pub async fn cko_act(&self, attempt_id: &str, body: Value) -> Value {
        self.cko_control(attempt_id, &body).await.ok()
    }

    /// A selfie through the control API.
    pub async fn cko_selfie(&self, attempt_id: &str, bytes: &[u8]) -> Reply {
        let image = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.cko_control(
            attempt_id,
            &json!({"action": "selfie", "image_base64": image}),
        )
        .await
    }
}

/// The status of a face authentication or attempt body.
pub fn status_of(body: &Value) -> &str {
    body["status"]
        .as_str()
        .unwrap_or_else(|| panic!("no status: {body}"))
}

/// The codes of a body's `response_codes`.
pub fn codes_of(body: &Value) -> Vec<u64> {
    body["response_codes"]
        .as_array()
        .unwrap_or_else(|| panic!("no response_codes: {body}"))
        .iter()
        .map(|c| c["code"].as_u64().unwrap())
        .collect()
}
