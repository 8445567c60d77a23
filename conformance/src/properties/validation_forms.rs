//! Property: every answer to a generated `POST /v1/validations` is documented; invalid forms
//! are rejected, valid ones for an enrolled account create a pending validation.

use super::context::{text_at, Context, Transcript};
use super::forms::{self, is_account_id, Assessment, Encoding, Key};
use super::judge::{self, Expect, Verdict};
use super::resources;
use super::runner::{self, Plan};
use super::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "every answer to a generated validation request is documented",
    tags: &["property", "contract", "validations"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

const SUBVALIDATIONS: [&str; 3] = ["similarity", "passive_liveness", "speech_match"];
const PRECISIONS: [&str; 4] = ["very_high", "high", "medium", "low"];
const LONGEST_TIMEOUT: u32 = 21600;

/// Whose validation a generated form asks for.
#[derive(Clone, Debug)]
pub(super) enum Account {
    /// The account enrolled for this property (waiting for its face validation).
    Enrolled,
    /// A fresh account without an enrollment.
    Unenrolled,
    /// No `account_id`.
    Omitted,
    /// Exactly this value.
    Literal(String),
}

/// A generated validation request.
#[derive(Clone, Debug)]
pub(super) struct ValidationRequest {
    key: Key,
    encoding: Encoding,
    kind: Option<String>,
    user_authorized: Option<String>,
    account: Account,
    threshold: Option<String>,
    liveness: Option<String>,
    subvalidations: Vec<String>,
    minimum_precision: Option<String>,
    timeout: Option<String>,
    retry_of_id: Option<String>,
    unknown: Vec<(String, String)>,
}

fn account() -> impl Strategy<Value = Account> + Clone {
    prop_oneof![
        8 => Just(Account::Enrolled),
        2 => Just(Account::Unenrolled),
        1 => Just(Account::Omitted),
        1 => "[a-z0-9]{0,6}[ /#;@+%?&=:\u{e9}][a-z0-9]{0,6}".prop_map(Account::Literal),
        1 => Just(Account::Literal(String::new())),
    ]
}

fn threshold() -> SBoxedStrategy<Option<String>> {
    prop_oneof![
        3 => Just(None),
        3 => "0\\.[0-9]{1,6}|1|1\\.0{1,3}|0|\\.[0-9]{1,3}".prop_map(Some),
        1 => forms::field(&["0.65"], &["1.5", "-0.1", "abc", "NaN", "inf", "2", "0.5.5"], &["", "1e-1", "+0.5"], 0),
    ]
    .sboxed()
}

fn subvalidations() -> SBoxedStrategy<Vec<String>> {
    let valid = proptest::sample::subsequence(SUBVALIDATIONS.to_vec(), 0..=3)
        .prop_map(|list| list.into_iter().map(str::to_string).collect::<Vec<_>>());
    prop_oneof![
        8 => valid.clone(),
        1 => (valid, proptest::sample::select(&["face", "similarity,passive_liveness", "SIMILARITY", "liveness", ""][..]))
            .prop_map(|(mut list, odd)| {
                list.push(odd.to_string());
                list
            }),
        1 => proptest::sample::select(SUBVALIDATIONS.to_vec())
            .prop_map(|one| vec![one.to_string(), one.to_string()]),
    ]
    .sboxed()
}

fn timeout() -> SBoxedStrategy<Option<String>> {
    prop_oneof![
        3 => Just(None),
        3 => (1..=LONGEST_TIMEOUT).prop_map(|t| Some(t.to_string())),
        1 => forms::field(&["300"], &["0", "21601", "-5", "1.5", "soon", "99999999999999999999"], &["", "0300", "+30"], 0),
    ]
    .sboxed()
}

fn retry_of_id() -> SBoxedStrategy<Option<String>> {
    prop_oneof![
        8 => Just(None),
        1 => "VLD[0-9a-f]{32}".prop_map(Some),
        1 => ".{0,20}".prop_map(Some),
    ]
    .sboxed()
}

fn request() -> impl Strategy<Value = ValidationRequest> + Clone {
    (
        (
            forms::key(),
            forms::encoding(),
            forms::validation_type(),
            forms::user_authorized(),
            account(),
        ),
        (
            threshold(),
            forms::field(
                &["passive", "disabled"],
                &["active", "PASSIVE", "true"],
                &[""],
                6,
            ),
            subvalidations(),
            forms::field(&PRECISIONS, &["ultra", "HIGH"], &[""], 6),
            timeout(),
            retry_of_id(),
            forms::unknown_fields(),
        ),
    )
        .prop_map(
            |(
                (key, encoding, kind, user_authorized, account),
                (
                    threshold,
                    liveness,
                    subvalidations,
                    minimum_precision,
                    timeout,
                    retry_of_id,
                    unknown,
                ),
            )| ValidationRequest {
                key,
                encoding,
                kind,
                user_authorized,
                account,
                threshold,
                liveness,
                subvalidations,
                minimum_precision,
                timeout,
                retry_of_id,
                unknown,
            },
        )
}

impl ValidationRequest {
    /// The form's fields for the enrolled account `enrolled`.
    fn pairs(&self, context: &Context, enrolled: &str) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut push = |key: &str, value: Option<&str>| {
            if let Some(value) = value {
                pairs.push((key.to_string(), value.to_string()));
            }
        };
        push("type", self.kind.as_deref());
        push("user_authorized", self.user_authorized.as_deref());
        let account = match &self.account {
            Account::Enrolled => Some(enrolled.to_string()),
            Account::Unenrolled => Some(context.unique_account()),
            Account::Omitted => None,
            Account::Literal(value) => Some(value.clone()),
        };
        push("account_id", account.as_deref());
        push("threshold", self.threshold.as_deref());
        push("liveness", self.liveness.as_deref());
        for subvalidation in &self.subvalidations {
            push("subvalidations", Some(subvalidation));
        }
        push("minimum_precision", self.minimum_precision.as_deref());
        push("timeout", self.timeout.as_deref());
        push("retry_of_id", self.retry_of_id.as_deref());
        pairs.extend(self.unknown.iter().cloned());
        pairs
    }
}

/// What the face-validation guide says of a validation form (§4 Create validation), for an
/// account that is `enrolled` or not.
pub(super) fn assess(pairs: &[(String, String)], enrolled: bool) -> Assessment {
    let mut assessment = Assessment::default();
    assessment.common_fields(pairs);
    match forms::first(pairs, "account_id") {
        None => assessment.note(Verdict::Invalid, "account_id is required"),
        Some(id) if !is_account_id(id) => assessment.note(
            Verdict::Invalid,
            format!("account_id {id:?} does not match [a-zA-Z0-9_.-]+"),
        ),
        Some(_) => {}
    }
    if let Some(threshold) = forms::first(pairs, "threshold") {
        assessment.note(
            threshold_verdict(threshold),
            format!("threshold {threshold:?}"),
        );
    }
    match forms::first(pairs, "liveness") {
        None | Some("passive" | "disabled") => {}
        Some("") => assessment.note(Verdict::Unclear, "an empty liveness"),
        Some(other) => assessment.note(Verdict::Invalid, format!("liveness {other:?}")),
    }
    let listed = forms::all(pairs, "subvalidations");
    for value in &listed {
        match *value {
            "" => assessment.note(Verdict::Unclear, "an empty subvalidations value"),
            v if SUBVALIDATIONS.contains(&v) => {}
            other => assessment.note(Verdict::Invalid, format!("subvalidations value {other:?}")),
        }
    }
    if (1..listed.len()).any(|i| listed[..i].contains(&listed[i])) {
        assessment.note(Verdict::Unclear, "a repeated subvalidation");
    }
    let precision = forms::first(pairs, "minimum_precision");
    let precision_valid = precision.is_some_and(|p| PRECISIONS.contains(&p));
    if listed.contains(&"speech_match") {
        if !precision_valid {
            assessment.note(
                Verdict::Invalid,
                "speech_match needs a valid minimum_precision",
            );
        }
    } else if precision.is_some() && !precision_valid {
        assessment.note(
            Verdict::Unclear,
            format!("minimum_precision {precision:?} without speech_match"),
        );
    }
    if let Some(timeout) = forms::first(pairs, "timeout") {
        assessment.note(timeout_verdict(timeout), format!("timeout {timeout:?}"));
    }
    match forms::first(pairs, "retry_of_id") {
        None => {}
        Some("") => assessment.note(Verdict::Unclear, "an empty retry_of_id"),
        Some(id) => assessment.note(
            Verdict::Invalid,
            format!("retry_of_id {id:?} is no failed validation of the account"),
        ),
    }
    if !enrolled {
        let similarity = listed.is_empty() || listed.contains(&"similarity");
        let verdict = if similarity {
            Verdict::Invalid
        } else {
            Verdict::Unclear
        };
        assessment.note(verdict, "the account has no enrollment");
    }
    assessment
}

/// A decimal from 0 to 1 as the guide writes them; other spellings of such a number depend
/// on the parser.
fn threshold_verdict(text: &str) -> Verdict {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let plain = match text.split_once('.') {
        None => text == "0" || text == "1",
        Some(("0" | "", fraction)) => digits(fraction),
        Some(("1", fraction)) => digits(fraction) && fraction.bytes().all(|b| b == b'0'),
        Some(_) => false,
    };
    match text.parse::<f64>() {
        _ if plain => Verdict::Valid,
        Ok(n) if (0.0..=1.0).contains(&n) => Verdict::Unclear,
        _ if text.is_empty() => Verdict::Unclear,
        _ => Verdict::Invalid,
    }
}

/// Whole seconds from 1 to 21600.
fn timeout_verdict(text: &str) -> Verdict {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.trim_start_matches('+').parse::<u64>() {
        Ok(n)
            if digits
                && !text.starts_with('0')
                && (1..=u64::from(LONGEST_TIMEOUT)).contains(&n) =>
        {
            Verdict::Valid
        }
        Ok(n) if (1..=u64::from(LONGEST_TIMEOUT)).contains(&n) => Verdict::Unclear,
        _ if text.is_empty() => Verdict::Unclear,
        _ => Verdict::Invalid,
    }
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let mut transcript = Transcript::default();
        let (enrolled, _) = resources::ready_account(&context, &mut transcript)
            .await
            .map_err(|e| format!("could not enroll an account to validate: {e}"))?;
        let enrolled = Arc::new(enrolled);
        runner::check(&context, plan, request(), move |context, generated| {
            let enrolled = enrolled.clone();
            async move { case(&context, &enrolled, generated).await }
        })
        .await
    })
}

async fn case(
    context: &Context,
    enrolled: &str,
    generated: ValidationRequest,
) -> Result<(), String> {
    let target = &context.target;
    let pairs = generated.pairs(context, enrolled);
    let assessment = assess(&pairs, !matches!(generated.account, Account::Unenrolled));
    let (encoding, encoding_why) = generated.encoding.verdict();
    let (expect, why) = match generated.key.refusal(target) {
        Some(refusal) => (refusal, "the API key is missing or unknown".to_string()),
        None if encoding == Verdict::Invalid => (Expect::Rejected, encoding_why.to_string()),
        None => (
            Verdict::all([assessment.verdict(), encoding]).expect(),
            assessment.why(),
        ),
    };
    let request = generated.key.request(target, "POST", "/v1/validations");
    let (request, source) = generated.encoding.encode(request, &pairs);
    let mut transcript = Transcript::default();
    let exchange = if generated.encoding.oversized() {
        let answer = transcript
            .send_oversized(
                context,
                "create a validation",
                request,
                source.as_deref(),
                true,
            )
            .await?;
        match answer {
            Some(exchange) => exchange,
            None => return Ok(()),
        }
    } else {
        transcript
            .send(context, "create a validation", request, source.as_deref())
            .await?
    };
    judge::expected_because(&exchange, expect, &why)
        .map_err(|problem| transcript.failure(&problem))?;
    if exchange.status != 200 {
        return Ok(());
    }
    let body = exchange.json().unwrap_or_default();
    let sent = forms::first(&pairs, "account_id");
    let created = (
        text_at(&body, "/validation_status"),
        text_at(&body, "/account_id"),
    );
    if created != (Some("pending"), sent) {
        return Err(transcript.failure(&format!(
            "a new validation must be pending for account {sent:?}, got {created:?}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(list: &[(&str, &str)]) -> Vec<(String, String)> {
        resources::face_form("acc", list)
    }

    #[test]
    fn the_guide_decides_validation_forms() {
        let valid = [
            &[][..],
            &[("threshold", "0.8"), ("timeout", "21600")],
            &[
                ("subvalidations", "passive_liveness"),
                ("subvalidations", "similarity"),
            ],
            &[
                ("subvalidations", "speech_match"),
                ("minimum_precision", "low"),
            ],
            &[("liveness", "passive"), ("minimum_precision", "high")],
        ];
        for extra in valid {
            let assessment = assess(&form(extra), true);
            assert_eq!(
                assessment.verdict(),
                Verdict::Valid,
                "{extra:?}: {}",
                assessment.why()
            );
        }
        let invalid = [
            &[("threshold", "1.5")][..],
            &[("subvalidations", "face")],
            &[("subvalidations", "speech_match")],
            &[("timeout", "0")],
            &[("retry_of_id", "VLD00000000000000000000000000000000")],
            &[("liveness", "active")],
        ];
        for extra in invalid {
            assert_eq!(
                assess(&form(extra), true).verdict(),
                Verdict::Invalid,
                "{extra:?}"
            );
        }
        let unclear = [
            &[("threshold", "1e-1")][..],
            &[("timeout", "0300")],
            &[("liveness", "")],
        ];
        for extra in unclear {
            assert_eq!(
                assess(&form(extra), true).verdict(),
                Verdict::Unclear,
                "{extra:?}"
            );
        }
    }

    #[test]
    fn an_account_without_enrollment_cannot_be_compared() {
        assert_eq!(assess(&form(&[]), false).verdict(), Verdict::Invalid);
        let liveness_only = form(&[("subvalidations", "passive_liveness")]);
        assert_eq!(assess(&liveness_only, false).verdict(), Verdict::Unclear);
        let missing = assess(&resources::face_form("x", &[])[..2], true);
        assert_eq!(missing.why(), "account_id is required");
    }

    #[test]
    fn numbers_are_judged_by_their_spelling() {
        for (text, verdict) in [
            ("0", Verdict::Valid),
            ("1.000", Verdict::Valid),
            (".5", Verdict::Valid),
            ("0.65", Verdict::Valid),
            ("1.01", Verdict::Invalid),
            ("NaN", Verdict::Invalid),
            ("+0.5", Verdict::Unclear),
        ] {
            assert_eq!(threshold_verdict(text), verdict, "threshold {text}");
        }
        for (text, verdict) in [
            ("1", Verdict::Valid),
            ("21600", Verdict::Valid),
            ("21601", Verdict::Invalid),
            ("0", Verdict::Invalid),
            ("+30", Verdict::Unclear),
            ("1.5", Verdict::Invalid),
        ] {
            assert_eq!(timeout_verdict(text), verdict, "timeout {text}");
        }
    }
}
