//! The known-deviations file (`--deviations FILE`): scenarios and properties a target is known
//! to fail, each with the reason. A listed case that fails is an expected failure; one that
//! passes is an unexpected pass (the entry is stale); an entry naming no known case is an error.
//!
//! ```toml
//! [[deviation]]
//! scenario = "A second enrollment for the same account is a conflict"
//! reason = "The sandbox answers 400 instead of 409"
//! target = "https://sandbox.example.com/*"   # optional: only for matching --target URLs
//! ```

use crate::outcome::{CaseResult, Kind, Status};
use serde::Deserialize;
use std::path::Path;

/// One entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Deviation {
    /// A scenario or a property.
    pub kind: Kind,
    /// Its exact name.
    pub name: String,
    /// Why it deviates.
    pub reason: String,
    /// A URL pattern (`*` matches anything) the entry is limited to.
    pub target: Option<String>,
}

/// The entries of a file.
#[derive(Clone, Debug, Default)]
pub struct Deviations {
    entries: Vec<Deviation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    deviation: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    scenario: Option<String>,
    property: Option<String>,
    reason: String,
    target: Option<String>,
}

impl Deviations {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--deviations {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("--deviations {}: {e}", path.display()))
    }

    /// Parses the TOML text of a deviations file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let entries = file
            .deviation
            .into_iter()
            .enumerate()
            .map(|(i, entry)| {
                let number = i + 1;
                let (kind, name) = match (entry.scenario, entry.property) {
                    (Some(name), None) => (Kind::Scenario, name),
                    (None, Some(name)) => (Kind::Property, name),
                    _ => {
                        return Err(format!(
                            "deviation #{number} must name exactly one scenario or property"
                        ))
                    }
                };
                if entry.reason.trim().is_empty() {
                    return Err(format!("deviation #{number} ({name}) has an empty reason"));
                }
                Ok(Deviation {
                    kind,
                    name,
                    reason: entry.reason,
                    target: entry.target,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Deviations { entries })
    }

    /// Every entry.
    pub fn entries(&self) -> &[Deviation] {
        &self.entries
    }

    /// Fails with every entry of `kind` whose name is not in `known`.
    pub fn check_names<'a>(
        &self,
        kind: Kind,
        known: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Result<(), String> {
        let unknown: Vec<String> = self
            .entries
            .iter()
            .filter(|d| d.kind == kind && !known.clone().into_iter().any(|k| k == d.name))
            .map(|d| format!("{:?}", d.name))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let what = match kind {
            Kind::Scenario => "scenario",
            Kind::Property => "property",
        };
        Err(format!(
            "the deviations file names no known {what}: {}",
            unknown.join(", ")
        ))
    }

    /// The entry that applies to a case on `target`, if any.
    pub fn find(&self, kind: Kind, name: &str, target: &str) -> Option<&Deviation> {
        self.entries
            .iter()
            .find(|d| d.kind == kind && d.name == name && applies(d.target.as_deref(), target))
    }

    /// `result` as the file says it should be seen on `target`: a listed failure becomes an
    /// expected failure, a listed pass an unexpected pass; anything else is unchanged.
    pub fn apply(&self, mut result: CaseResult, target: &str) -> CaseResult {
        let Some(deviation) = self.find(result.kind, &result.name, target) else {
            return result;
        };
        result.status = match result.status {
            Status::Failed { message } => Status::ExpectedFailure {
                reason: deviation.reason.clone(),
                message,
            },
            Status::Passed => Status::UnexpectedPass {
                reason: deviation.reason.clone(),
            },
            other => other,
        };
        result
    }
}

/// Whether an entry limited to `pattern` (or to nothing) applies to `target`.
fn applies(pattern: Option<&str>, target: &str) -> bool {
    match pattern {
        None => true,
        Some(pattern) => wildcard_match(pattern, target),
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn case(name: &str, status: Status) -> CaseResult {
        CaseResult {
            kind: Kind::Scenario,
            group: "G".into(),
            name: name.into(),
            status,
            duration: Duration::ZERO,
        }
    }

    const FILE: &str = r#"
        [[deviation]]
        scenario = "A second enrollment for the same account is a conflict"
        reason = "answers 400"

        [[deviation]]
        scenario = "Deleting an enrollment frees its account"
        reason = "no delete in the sandbox"
        target = "https://sandbox.example.com/*"

        [[deviation]]
        property = "create answers are valid"
        reason = "dates without fractions"
    "#;

    #[test]
    fn listed_failures_are_expected_and_listed_passes_unexpected() {
        let deviations = Deviations::parse(FILE).unwrap();
        let failed = case(
            "A second enrollment for the same account is a conflict",
            Status::Failed {
                message: "expected 409".into(),
            },
        );
        let applied = deviations.apply(failed.clone(), "http://x");
        assert_eq!(
            applied.status,
            Status::ExpectedFailure {
                reason: "answers 400".into(),
                message: "expected 409".into()
            }
        );
        assert!(!applied.is_failure());
        let passed = case(
            "A second enrollment for the same account is a conflict",
            Status::Passed,
        );
        assert_eq!(
            deviations.apply(passed, "http://x").status,
            Status::UnexpectedPass {
                reason: "answers 400".into()
            }
        );
        let other = case(
            "Something else",
            Status::Failed {
                message: "m".into(),
            },
        );
        assert!(deviations.apply(other, "http://x").is_failure());
        let skipped = case(
            "A second enrollment for the same account is a conflict",
            Status::Skipped { reason: "r".into() },
        );
        assert!(matches!(
            deviations.apply(skipped, "http://x").status,
            Status::Skipped { .. }
        ));
    }

    #[test]
    fn entries_scoped_to_a_target_apply_only_there() {
        let deviations = Deviations::parse(FILE).unwrap();
        let failed = case(
            "Deleting an enrollment frees its account",
            Status::Failed {
                message: "m".into(),
            },
        );
        assert!(deviations
            .apply(failed.clone(), "http://127.0.0.1:7700/truora/validations")
            .is_failure());
        let applied = deviations.apply(failed, "https://sandbox.example.com/v1");
        assert!(matches!(applied.status, Status::ExpectedFailure { .. }));
        let mut property = case(
            "create answers are valid",
            Status::Failed {
                message: "m".into(),
            },
        );
        assert!(
            deviations.apply(property.clone(), "x").is_failure(),
            "kinds differ"
        );
        property.kind = Kind::Property;
        assert!(!deviations.apply(property, "x").is_failure());
    }

    #[test]
    fn unknown_names_are_errors() {
        let deviations = Deviations::parse(FILE).unwrap();
        let known = ["A second enrollment for the same account is a conflict"];
        let error = deviations.check_names(Kind::Scenario, known).unwrap_err();
        assert!(
            error.contains("Deleting an enrollment frees its account"),
            "{error}"
        );
        assert!(!error.contains("A second enrollment"), "{error}");
        let all = [known[0], "Deleting an enrollment frees its account"];
        assert!(deviations.check_names(Kind::Scenario, all).is_ok());
        let error = deviations.check_names(Kind::Property, []).unwrap_err();
        assert!(error.contains("no known property"), "{error}");
    }

    #[test]
    fn malformed_entries_are_refused() {
        for (text, needle) in [
            ("[[deviation]]\nreason = \"r\"\n", "exactly one"),
            (
                "[[deviation]]\nscenario = \"a\"\nproperty = \"b\"\nreason = \"r\"\n",
                "exactly one",
            ),
            (
                "[[deviation]]\nscenario = \"a\"\nreason = \" \"\n",
                "empty reason",
            ),
            ("[[deviation]]\nscenario = \"a\"\n", "reason"),
            (
                "[[deviation]]\nscenario = \"a\"\nreason = \"r\"\nwhy = 1\n",
                "unknown field",
            ),
        ] {
            let error = Deviations::parse(text).unwrap_err();
            assert!(error.contains(needle), "{text}: {error}");
        }
        assert!(Deviations::parse("").unwrap().entries().is_empty());
    }

    #[test]
    fn wildcards_match_any_run() {
        assert!(wildcard_match(
            "https://*.example.com/*",
            "https://sandbox.example.com/v1"
        ));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "abc"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "acb"));
        assert!(!wildcard_match("ab*ba", "aba"));
        assert!(wildcard_match("exact", "exact"));
        assert!(!wildcard_match("exact", "exactly"));
    }
}
