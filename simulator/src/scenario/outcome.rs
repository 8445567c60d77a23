//! Outcomes a rule forces by name: the vendor handles the request as usual, and the resource
//! it creates ends with the named outcome (a Truora validation, a Checkout attempt) or the
//! check answers it (Trustmatic).

use super::file::Api;
use crate::checkout::sandbox;
use crate::truora::engine::ForcedVerdict;
use crate::trustmatic::model::ErrorCode;

/// The outcome a rule forced on a request (a request extension the vendor adapters read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForcedOutcome(pub String);

/// Whether `name` is an outcome `api` can be forced to; the error lists what it takes.
pub fn check(api: Api, name: &str) -> Result<(), String> {
    let known = match api {
        Api::Truora => ForcedVerdict::parse(name).is_some(),
        Api::Checkout => sandbox::parse_step(name).is_some(),
        Api::Trustmatic => ErrorCode::parse(name).is_some(),
    };
    if known {
        return Ok(());
    }
    Err(match api {
        Api::Truora => format!(
            "truora outcome {name:?} is not a declined_reason ({}) or system_error",
            crate::truora::model::DeclinedReason::names()
        ),
        Api::Checkout => format!(
            "checkout outcome {name:?} is not a documented response code: 10000 (approve), 62xxx (decline), 63001 (refuse), or 61xxx followed by A (abort) or I (inconclusive)"
        ),
        Api::Trustmatic => format!(
            "trustmatic outcome {name:?} is not one of {}",
            ErrorCode::names()
        ),
    })
}

/// Whether a request takes a forced outcome: it creates a Truora validation or a Checkout
/// attempt, or it is a Trustmatic check.
pub fn takes_outcome(api: Api, method: &str, path: &str) -> bool {
    if !method.eq_ignore_ascii_case("POST") {
        return false;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match api {
        Api::Truora => segments == ["v1", "validations"],
        Api::Checkout => {
            matches!(segments.as_slice(), ["face-authentications", id, "attempts"] if !id.is_empty())
        }
        Api::Trustmatic => crate::trustmatic::model::Operation::ALL
            .iter()
            .any(|op| op.path() == path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_takes_its_own_vocabulary() {
        assert!(check(Api::Truora, "passive_liveness_verification_not_passed").is_ok());
        assert!(check(Api::Truora, "system_error").is_ok());
        assert!(check(Api::Truora, "62304")
            .unwrap_err()
            .contains("declined_reason"));
        for code in ["10000", "62304", "63001", "61411I", "61203A"] {
            assert!(check(Api::Checkout, code).is_ok(), "{code}");
        }
        assert!(check(Api::Checkout, "62999").is_err(), "undocumented");
        assert!(check(Api::Trustmatic, "FACE_NOT_FOUND").is_ok());
        assert!(check(Api::Trustmatic, "face_not_found").is_err());
    }

    #[test]
    fn only_creations_and_checks_take_outcomes() {
        assert!(takes_outcome(Api::Truora, "POST", "/v1/validations"));
        assert!(!takes_outcome(Api::Truora, "GET", "/v1/validations"));
        assert!(takes_outcome(
            Api::Checkout,
            "POST",
            "/face-authentications/fav_1/attempts"
        ));
        assert!(!takes_outcome(
            Api::Checkout,
            "POST",
            "/face-authentications"
        ));
        assert!(takes_outcome(
            Api::Trustmatic,
            "POST",
            "/api/v1/face/liveness"
        ));
        assert!(!takes_outcome(
            Api::Trustmatic,
            "POST",
            "/api/v1/face/compare"
        ));
    }
}
