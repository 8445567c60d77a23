//! Reading request bodies and query strings into typed input, collecting every problem as an
//! error code (`<field>_required`, `<field>_invalid`) in the order of the request's fields.

use serde::Serialize;
use serde_json::{Map, Value};

/// A field's value, or the error code it earned.
pub type Field<T> = Result<T, String>;

/// Longest accepted `external_applicant_name` and `external_applicant_id`, in characters.
const MAX_TEXT: usize = 255;
/// Longest accepted `redirect_url`.
const MAX_URL: usize = 2048;

/// `POST /applicants`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewApplicant {
    /// `ext_…` or a sandbox `eaplt_…` value.
    pub external_applicant_id: Option<String>,
    /// The applicant's email.
    pub email: Option<String>,
    /// The applicant's name.
    pub external_applicant_name: Option<String>,
}

/// `PATCH /applicants/{id}`: the fields to replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicantUpdate {
    /// New email.
    pub email: Option<String>,
    /// New name.
    pub external_applicant_name: Option<String>,
}

/// `POST /face-authentications`; the applicant's existence is checked by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFaceAuthentication {
    /// `aplt_…`.
    pub applicant_id: Field<String>,
    /// `usj_…`.
    pub user_journey_id: Field<String>,
}

/// `client_information` of an attempt.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ClientInformation {
    /// ISO 3166-1 alpha-2 country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_selected_residence_country: Option<String>,
    /// IETF BCP 47 language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_selected_language: Option<String>,
}

/// `phone_number` of an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PhoneNumber {
    /// `+` and digits.
    pub country_code: String,
    /// 1 to 14 digits.
    pub number: String,
}

/// `POST /face-authentications/{id}/attempts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    /// Where the applicant goes after the capture.
    pub redirect_url: String,
    /// Pre-selections for the capture page.
    pub client_information: Option<ClientInformation>,
    /// The applicant's phone number.
    pub phone_number: Option<PhoneNumber>,
}

/// `skip` and `limit` of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Items skipped.
    pub skip: usize,
    /// Items at most.
    pub limit: usize,
}

/// Default and largest `limit`.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest `limit`.
pub const MAX_LIMIT: usize = 100;

/// Collects the problems of one request.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, code: String) {
        self.0.push(code);
    }

    fn take<T>(&mut self, field: Field<T>) -> Option<T> {
        field.map_err(|code| self.add(code)).ok()
    }

    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<String>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// An optional string field that must pass `valid`; `null` counts as absent.
fn optional_text(
    body: &Map<String, Value>,
    prefix: &str,
    name: &str,
    valid: impl Fn(&str) -> bool,
) -> Field<Option<String>> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if valid(s) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{prefix}{name}_invalid")),
    }
}

/// A required string field that must pass `valid`.
fn required_text(
    body: &Map<String, Value>,
    prefix: &str,
    name: &str,
    valid: impl Fn(&str) -> bool,
) -> Field<String> {
    match body.get(name) {
        None | Some(Value::Null) => Err(format!("{prefix}{name}_required")),
        Some(Value::String(s)) if s.is_empty() => Err(format!("{prefix}{name}_required")),
        Some(Value::String(s)) if valid(s) => Ok(s.clone()),
        Some(_) => Err(format!("{prefix}{name}_invalid")),
    }
}

/// `^prefix_\w+$` (`\w` as ASCII word characters).
pub fn is_prefixed_word(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// `^usj_[a-z2-7]{26}$`.
fn is_user_journey_id(text: &str) -> bool {
    text.strip_prefix("usj_").is_some_and(|rest| {
        rest.len() == 26
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
    })
}

/// `ext_…` (the documented pattern) or `eaplt_…` (the vendor's sandbox values).
fn is_external_applicant_id(text: &str) -> bool {
    text.len() <= MAX_TEXT && (is_prefixed_word(text, "ext") || is_prefixed_word(text, "eaplt"))
}

/// An email address as the API documents it: dot-atoms of RFC 5322 characters (at most 64)
/// `@` a domain of at least two DNS labels, 254 characters at most.
fn is_email(text: &str) -> bool {
    const ATOM: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let label = |l: &str| {
        let b = l.as_bytes();
        (1..=63).contains(&b.len())
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    text.len() <= 254
        && (1..=64).contains(&local.len())
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || ATOM.contains(&c))
        })
        && domain.split('.').count() >= 2
        && domain.split('.').all(label)
}

fn is_name(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_TEXT
}

/// An absolute `http`/`https` URL (RFC 3986, ASCII only) with a registered-name or IPv4 host.
fn is_redirect_url(text: &str) -> bool {
    const SUB_DELIMS: &[u8] = b"-._~!$&'()*+,;=";
    let allowed = |extra: &'static [u8]| {
        move |part: &str| {
            let b = part.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    if i + 2 >= b.len()
                        || !b[i + 1].is_ascii_hexdigit()
                        || !b[i + 2].is_ascii_hexdigit()
                    {
                        return false;
                    }
                    i += 3;
                } else if b[i].is_ascii_alphanumeric()
                    || SUB_DELIMS.contains(&b[i])
                    || extra.contains(&b[i])
                {
                    i += 1;
                } else {
                    return false;
                }
            }
            true
        }
    };
    if text.len() > MAX_URL {
        return false;
    }
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, ""));
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || SUB_DELIMS.contains(&b))
        && port.bytes().all(|b| b.is_ascii_digit())
        && userinfo.is_none_or(allowed(b":"))
        && allowed(b":@/")(path)
        && allowed(b":@/?")(query)
        && allowed(b":@/?")(fragment)
}

fn is_country(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A BCP 47 tag as the capture page understands it: `en`, `en-US`, `zh-Hant-TW`.
fn is_language(text: &str) -> bool {
    let mut parts = text.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Reads `POST /applicants`.
pub fn new_applicant(body: &Map<String, Value>) -> Result<NewApplicant, Vec<String>> {
    let mut problems = Problems::default();
    let external_applicant_id = problems.take(optional_text(
        body,
        "",
        "external_applicant_id",
        is_external_applicant_id,
    ));
    let email = problems.take(optional_text(body, "", "email", is_email));
    let name = problems.take(optional_text(body, "", "external_applicant_name", is_name));
    problems.finish(|| NewApplicant {
        external_applicant_id: external_applicant_id.flatten(),
        email: email.flatten(),
        external_applicant_name: name.flatten(),
    })
}

/// Reads `PATCH /applicants/{id}`.
pub fn applicant_update(body: &Map<String, Value>) -> Result<ApplicantUpdate, Vec<String>> {
    let mut problems = Problems::default();
    let email = problems.take(optional_text(body, "", "email", is_email));
    let name = problems.take(optional_text(body, "", "external_applicant_name", is_name));
    problems.finish(|| ApplicantUpdate {
        email: email.flatten(),
        external_applicant_name: name.flatten(),
    })
}

/// Reads `POST /face-authentications`.
pub fn new_face_authentication(body: &Map<String, Value>) -> NewFaceAuthentication {
    NewFaceAuthentication {
        applicant_id: required_text(body, "", "applicant_id", |t| is_prefixed_word(t, "aplt")),
        user_journey_id: required_text(body, "", "user_journey_id", is_user_journey_id),
    }
}

/// Reads `POST /face-authentications/{id}/attempts`.
pub fn new_attempt(body: &Map<String, Value>) -> Result<NewAttempt, Vec<String>> {
    let mut problems = Problems::default();
    let redirect_url = problems.take(required_text(body, "", "redirect_url", is_redirect_url));
    let client_information = match body.get("client_information") {
        None | Some(Value::Null) => None,
        Some(Value::Object(info)) => {
            let p = "client_information.";
            let country = problems.take(optional_text(
                info,
                p,
                "pre_selected_residence_country",
                is_country,
            ));
            let language =
                problems.take(optional_text(info, p, "pre_selected_language", is_language));
            Some(ClientInformation {
                pre_selected_residence_country: country.flatten(),
                pre_selected_language: language.flatten(),
            })
        }
        Some(_) => {
            problems.add("client_information_invalid".into());
            None
        }
    };
    let phone_number = match body.get("phone_number") {
        None | Some(Value::Null) => None,
        Some(Value::Object(phone)) => {
            let p = "phone_number.";
            let country_code = problems.take(required_text(phone, p, "country_code", |t| {
                t.len() >= 2
                    && t.len() <= 5
                    && t.starts_with('+')
                    && t[1..].bytes().all(|b| b.is_ascii_digit())
            }));
            let number = problems.take(required_text(phone, p, "number", |t| {
                (1..=14).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
            }));
            country_code
                .zip(number)
                .map(|(country_code, number)| PhoneNumber {
                    country_code,
                    number,
                })
        }
        Some(_) => {
            problems.add("phone_number_invalid".into());
            None
        }
    };
    problems.finish(|| NewAttempt {
        redirect_url: redirect_url.unwrap_or_default(),
        client_information,
        phone_number,
    })
}

/// Reads `skip` and `limit` from a query string (other parameters are ignored).
pub fn page(query: Option<&str>) -> Result<Page, Vec<String>> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let number =
        |name: &str, default: usize, range: std::ops::RangeInclusive<usize>| match value(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| range.contains(n) && !text.starts_with('+'))
                .ok_or_else(|| format!("{name}_invalid")),
        };
    let mut problems = Problems::default();
    let skip = problems.take(number("skip", 0, 0..=u32::MAX as usize));
    let limit = problems.take(number("limit", DEFAULT_LIMIT, 1..=MAX_LIMIT));
    problems.finish(|| Page {
        skip: skip.unwrap_or_default(),
        limit: limit.unwrap_or(DEFAULT_LIMIT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn applicants_take_optional_checked_fields() {
        assert_eq!(new_applicant(&Map::new()), Ok(NewApplicant::default()));
        let ok = new_applicant(&object(json!({
            "external_applicant_id": "eaplt_10000000000000000000000000",
            "email": "hannah.bret@example.com",
            "external_applicant_name": "Hannah Bret",
            "unknown": 1
        })))
        .unwrap();
        assert_eq!(ok.email.as_deref(), Some("hannah.bret@example.com"));
        let bad = new_applicant(&object(json!({
            "external_applicant_name": "x".repeat(256),
            "email": "not-an-email",
            "external_applicant_id": "abc"
        })));
        assert_eq!(
            bad,
            Err(vec![
                "external_applicant_id_invalid".into(),
                "email_invalid".into(),
                "external_applicant_name_invalid".into()
            ])
        );
        assert_eq!(
            new_applicant(&object(
                json!({"email": 5, "external_applicant_id": "ext_a b"})
            )),
            Err(vec![
                "external_applicant_id_invalid".into(),
                "email_invalid".into()
            ])
        );
        for email in [
            "a@b", "@b.c", "a@b..c", "a b@c.d", "a@b@c.d", "a..b@c.d", "a@-b.c", "é@b.c",
        ] {
            assert!(!is_email(email), "{email}");
        }
        assert!(is_email("a.b+c@d.example"));
        assert!(!is_email(&format!("{}@b.c", "a".repeat(65))));
    }

    #[test]
    fn face_authentications_need_both_ids() {
        let missing = new_face_authentication(&Map::new());
        assert_eq!(missing.applicant_id, Err("applicant_id_required".into()));
        assert_eq!(
            missing.user_journey_id,
            Err("user_journey_id_required".into())
        );
        let bad = new_face_authentication(&object(json!({
            "applicant_id": "fav_x", "user_journey_id": "usj_tooshort"
        })));
        assert_eq!(bad.applicant_id, Err("applicant_id_invalid".into()));
        assert_eq!(bad.user_journey_id, Err("user_journey_id_invalid".into()));
        let upper = new_face_authentication(&object(json!({
            "applicant_id": "aplt_x", "user_journey_id": "usj_T5BDZSDMI57EHHKRNMP5OMJIMU"
        })));
        assert_eq!(upper.applicant_id, Ok("aplt_x".into()));
        assert_eq!(upper.user_journey_id, Err("user_journey_id_invalid".into()));
    }

    #[test]
    fn attempts_check_every_nested_field() {
        let ok = new_attempt(&object(json!({
            "redirect_url": "https://myweb.site?query-param=hello",
            "client_information": {"pre_selected_residence_country": "FR", "pre_selected_language": "en-US"},
            "phone_number": {"country_code": "+33", "number": "612345678"}
        })))
        .unwrap();
        assert_eq!(
            ok.client_information
                .unwrap()
                .pre_selected_language
                .as_deref(),
            Some("en-US")
        );
        assert_eq!(ok.phone_number.unwrap().number, "612345678");
        let bad = new_attempt(&object(json!({
            "redirect_url": "not a url",
            "client_information": {"pre_selected_residence_country": "FRA", "pre_selected_language": "english!"},
            "phone_number": {"number": "x"}
        })));
        assert_eq!(
            bad,
            Err(vec![
                "redirect_url_invalid".into(),
                "client_information.pre_selected_residence_country_invalid".into(),
                "client_information.pre_selected_language_invalid".into(),
                "phone_number.country_code_required".into(),
                "phone_number.number_invalid".into(),
            ])
        );
        assert_eq!(
            new_attempt(&object(
                json!({"client_information": "FR", "phone_number": []})
            )),
            Err(vec![
                "redirect_url_required".into(),
                "client_information_invalid".into(),
                "phone_number_invalid".into()
            ])
        );
        for url in [
            "ftp://x.y/",
            "https://",
            "/relative",
            "https://a b.c/",
            "",
            "https://[::1]/",
            "https://x.y/é",
            "https://x.y/%zz",
            "https://x.y:80a/",
            "https://x.y/a|b",
        ] {
            assert!(!is_redirect_url(url), "{url}");
        }
        for url in [
            "https://myweb.site?query-param=hello",
            "http://127.0.0.1:8080/done#top",
            "https://user:pw@x.y/a/b;c?d=%20e&f=g/h",
            "HTTPS://X.Y/",
        ] {
            assert_eq!(is_redirect_url(url), !url.starts_with("HTTPS"), "{url}");
        }
    }

    #[test]
    fn pages_default_and_bound() {
        assert_eq!(page(None), Ok(Page { skip: 0, limit: 10 }));
        assert_eq!(
            page(Some("skip=20&limit=100&x=1")),
            Ok(Page {
                skip: 20,
                limit: 100
            })
        );
        assert_eq!(
            page(Some("skip=-1&limit=0")),
            Err(vec!["skip_invalid".into(), "limit_invalid".into()])
        );
        assert_eq!(page(Some("limit=101")), Err(vec!["limit_invalid".into()]));
        assert_eq!(page(Some("limit=%2B5")), Err(vec!["limit_invalid".into()]));
        assert_eq!(page(Some("skip=abc")), Err(vec!["skip_invalid".into()]));
    }
}
