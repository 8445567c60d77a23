//! The vendor's sandbox convention: an applicant's `external_applicant_id` encodes the outcome
//! of each attempt.
//!
//! After `eaplt_` come 26 characters: 5-digit codes, one per attempt, padded with zeros. A
//! `61xxx` code is followed by `A` (the capture is aborted) or `I` (the checks are
//! inconclusive); without a letter it is inconclusive. An attempt past the last code gets the
//! last code. `10000` approves, `62xxx` declines, `63001` refuses. A code of a known family that
//! is not in the documented table (the vendor's own examples use `62103`) stands for the
//! family's default code.

use super::model::{CodeFamily, ResponseCode};

/// The prefix of sandbox external applicant IDs.
pub const PREFIX: &str = "eaplt_";

/// Characters after [`PREFIX`].
const LENGTH: usize = 26;

/// The outcome one attempt takes under the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    /// `10000`.
    Approve,
    /// `62xxx`.
    Decline(ResponseCode),
    /// `63001`.
    Refuse,
    /// `61xxxA`.
    Abort(ResponseCode),
    /// `61xxxI` (or `61xxx` alone).
    Inconclusive(ResponseCode),
}

/// The steps an `external_applicant_id` encodes, or `None` when it follows no convention.
pub fn parse(external_applicant_id: &str) -> Option<Vec<Step>> {
    let rest = external_applicant_id.strip_prefix(PREFIX)?.as_bytes();
    if rest.len() != LENGTH {
        return None;
    }
    let mut steps = Vec::new();
    let mut at = 0;
    while at < rest.len() && rest[at..].iter().any(|&b| b != b'0') {
        let digits = rest.get(at..at + 5)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let number: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        at += 5;
        let letter = rest.get(at).copied().filter(|b| matches!(b, b'A' | b'I'));
        if letter.is_some() {
            at += 1;
        }
        steps.push(step(number, letter)?);
    }
    (!steps.is_empty()).then_some(steps)
}

/// One step written as in the convention (`10000`, `62304`, `63001`, `61411I`, `61203A`),
/// for documented codes only.
pub fn parse_step(text: &str) -> Option<Step> {
    let (digits, letter) = match text.as_bytes() {
        [d @ .., l @ (b'A' | b'I')] => (d, Some(*l)),
        d => (d, None),
    };
    if digits.len() != 5 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    if number != 10000 && number != 63001 && ResponseCode::new(number).is_none() {
        return None;
    }
    if letter.is_some() && !(61000..=61999).contains(&number) {
        return None;
    }
    step(number, letter)
}

/// The step of one code and its optional letter.
fn step(number: u32, letter: Option<u8>) -> Option<Step> {
    let family_default = |family, default| {
        ResponseCode::new(number)
            .filter(|c| c.family() == family)
            .unwrap_or(default)
    };
    match (number, letter) {
        (10000, None) => Some(Step::Approve),
        (63001, None) => Some(Step::Refuse),
        (62000..=62999, None) => Some(Step::Decline(family_default(
            CodeFamily::Declined,
            ResponseCode::FACE_MISMATCH,
        ))),
        (61000..=61999, letter) => {
            let code = family_default(
                CodeFamily::RetryRequired,
                ResponseCode::FACE_PARTIALLY_HIDDEN,
            );
            Some(match letter {
                Some(b'A') => Step::Abort(code),
                _ => Step::Inconclusive(code),
            })
        }
        _ => None,
    }
}

/// The step of the attempt numbered `index` (0 for the first opened attempt).
pub fn step_for(steps: &[Step], index: usize) -> Option<Step> {
    steps.get(index).or_else(|| steps.last()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(n: u32) -> ResponseCode {
        ResponseCode::new(n).unwrap()
    }

    #[test]
    fn single_outcomes() {
        assert_eq!(
            parse("eaplt_10000000000000000000000000"),
            Some(vec![Step::Approve])
        );
        assert_eq!(
            parse("eaplt_62405000000000000000000000"),
            Some(vec![Step::Decline(code(62405))])
        );
        assert_eq!(
            parse("eaplt_63001000000000000000000000"),
            Some(vec![Step::Refuse])
        );
    }

    #[test]
    fn retry_letters_chain_attempts() {
        assert_eq!(
            parse("eaplt_61411I10000000000000000000"),
            Some(vec![Step::Inconclusive(code(61411)), Step::Approve])
        );
        assert_eq!(
            parse("eaplt_61203A62103000000000000000"),
            Some(vec![
                Step::Abort(code(61203)),
                Step::Decline(ResponseCode::FACE_MISMATCH)
            ]),
            "62103 is no documented code: the family default stands for it"
        );
        assert_eq!(
            parse("eaplt_61121A61411I62305000000000"),
            Some(vec![
                Step::Abort(code(61121)),
                Step::Inconclusive(code(61411)),
                Step::Decline(code(62305))
            ])
        );
        assert_eq!(
            parse("eaplt_61410000000000000000000000"),
            Some(vec![Step::Inconclusive(code(61410))]),
            "no letter: inconclusive"
        );
        assert_eq!(
            parse("eaplt_61999A10000000000000000000"),
            Some(vec![
                Step::Abort(ResponseCode::FACE_PARTIALLY_HIDDEN),
                Step::Approve
            ])
        );
    }

    #[test]
    fn attempts_past_the_last_code_repeat_it() {
        let steps = parse("eaplt_61411I10000000000000000000").unwrap();
        assert_eq!(step_for(&steps, 0), Some(Step::Inconclusive(code(61411))));
        assert_eq!(step_for(&steps, 1), Some(Step::Approve));
        assert_eq!(step_for(&steps, 7), Some(Step::Approve));
        assert_eq!(step_for(&[], 0), None);
    }

    #[test]
    fn other_values_follow_no_convention() {
        for value in [
            "ext_10000000000000000000000000",
            "eaplt_1000000000000000000000000",
            "eaplt_100000000000000000000000000",
            "eaplt_00000000000000000000000000",
            "eaplt_10000A00000000000000000000",
            "eaplt_62304I00000000000000000000",
            "eaplt_64001000000000000000000000",
            "eaplt_63002000000000000000000000",
            "eaplt_20000000000000000000000000",
            "eaplt_10000000000000000000000001",
            "eaplt_1000x000000000000000000000",
            "eaplt_61411A6230400000000000000x",
            "eaplt_61411A61411A61411A61411A61",
        ] {
            assert_eq!(parse(value), None, "{value}");
        }
    }

    #[test]
    fn a_full_length_chain_parses() {
        assert_eq!(
            parse("eaplt_61411A61411I61203A10000000").map(|s| s.len()),
            Some(4)
        );
        assert_eq!(
            parse("eaplt_61411A61411I61203A62304I00"),
            None,
            "a letter after a 62xxx code breaks the grammar"
        );
        assert_eq!(
            parse("eaplt_61411A61411I61203A62304100"),
            None,
            "a trailing partial code breaks the grammar"
        );
    }
}
