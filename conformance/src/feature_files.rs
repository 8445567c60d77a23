//! The Gherkin feature files of each API: embedded at build time from `features/`, or read
//! from a directory given with `--features`, then parsed with their outlines expanded.

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use std::path::{Path, PathBuf};

/// One feature file's text and the path reports name it by.
#[derive(Clone, Debug)]
pub struct FeatureFile {
    /// `features/truora/validations/enrollments.feature`, or the file read.
    pub path: String,
    /// The Gherkin text.
    pub text: String,
}

macro_rules! embed {
    ($folder:literal: $($name:literal),* $(,)?) => {
        &[$((
            concat!("features/", $folder, "/", $name),
            include_str!(concat!("../../features/", $folder, "/", $name)),
        )),*]
    };
}

/// The Truora Validations API features, in report order.
const TRUORA_VALIDATIONS: &[(&str, &str)] = embed!["truora/validations":
    "enrollments.feature",
    "enrollment_references.feature",
    "upload_links.feature",
    "validations.feature",
    "validation_outcomes.feature",
    "validation_expiry.feature",
    "validation_retries.feature",
    "file_links.feature",
    "access.feature",
    "request_errors.feature",
];

/// The Checkout.com Identity Verification API features, in report order.
const CHECKOUT_IDENTITY_VERIFICATION: &[(&str, &str)] = embed!["checkout/identity-verification":
    "applicants.feature",
    "face_authentications.feature",
    "attempts.feature",
    "attempt_conflicts.feature",
    "attempt_lists.feature",
    "sandbox_outcomes.feature",
    "forced_outcomes.feature",
    "capture_outcomes.feature",
    "selfies.feature",
    "reference_pictures.feature",
    "retries.feature",
    "link_expiry.feature",
    "anonymization.feature",
    "assets.feature",
    "webhooks.feature",
    "access.feature",
    "request_errors.feature",
];

/// The Trustmatic face verification and liveness features, in report order.
const TRUSTMATIC_VERIFICATION: &[(&str, &str)] = embed!["trustmatic/verification":
    "face_verification.feature",
    "verification_errors.feature",
    "face_liveness.feature",
    "document_liveness.feature",
    "picture_urls.feature",
    "forced_outcomes.feature",
    "access.feature",
    "request_errors.feature",
];

/// The features of facesim's own control API, in report order.
const FACESIM_CONTROL: &[(&str, &str)] = embed!["facesim/control":
    "clock.feature",
    "reset.feature",
    "scenario_rules.feature",
    "journal.feature",
    "state.feature",
    "catalogue.feature",
    "armed_outcomes.feature",
    "namespaces.feature",
    "request_errors.feature",
];

/// The embedded feature files of `api`; `None` for an API without features.
pub fn embedded(api: &str) -> Option<Vec<FeatureFile>> {
    let files = match api {
        "truora-validations" => TRUORA_VALIDATIONS,
        "checkout-identity-verification" => CHECKOUT_IDENTITY_VERIFICATION,
        "trustmatic-verification" => TRUSTMATIC_VERIFICATION,
        "facesim-control" => FACESIM_CONTROL,
        _ => return None,
    };
    Some(
        files
            .iter()
            .map(|(path, text)| FeatureFile {
                path: path.to_string(),
                text: text.to_string(),
            })
            .collect(),
    )
}

/// Every `*.feature` file directly in `dir`, sorted by name.
pub fn from_dir(dir: &Path) -> Result<Vec<FeatureFile>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("--features {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "feature"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "--features {}: no *.feature file in it",
            dir.display()
        ));
    }
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(FeatureFile {
                path: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// Parses every file and expands scenario outlines into one scenario per example row.
pub fn parse(files: &[FeatureFile]) -> Result<Vec<gherkin::Feature>, String> {
    files
        .iter()
        .map(|file| {
            let mut feature = gherkin::Feature::parse(&file.text, GherkinEnv::default())
                .map_err(|e| format!("{}: {e}", file.path))?;
            feature.path = Some(PathBuf::from(&file.path));
            feature
                .expand_examples()
                .map_err(|e| format!("{}: {e}", file.path))
        })
        .collect()
}

/// The scenarios of a feature with the tags that apply to each (feature, rule and scenario).
pub fn scenarios(feature: &gherkin::Feature) -> Vec<(&gherkin::Scenario, Vec<&str>)> {
    let own = feature.scenarios.iter().map(|s| (s, None));
    let ruled = feature
        .rules
        .iter()
        .flat_map(|rule| rule.scenarios.iter().map(move |s| (s, Some(rule))));
    own.chain(ruled)
        .map(|(scenario, rule)| {
            let tags = feature
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(&scenario.tags)
                .map(String::as_str)
                .collect();
            (scenario, tags)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_file_on_disk_is_embedded() {
        let apis = [
            ("truora-validations", "truora/validations"),
            (
                "checkout-identity-verification",
                "checkout/identity-verification",
            ),
            ("trustmatic-verification", "trustmatic/verification"),
            ("facesim-control", "facesim/control"),
        ];
        for (api, folder) in apis {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../features")
                .join(folder);
            let on_disk: Vec<String> = from_dir(&dir)
                .unwrap()
                .into_iter()
                .map(|f| f.path.rsplit('/').next().unwrap().to_string())
                .collect();
            let mut embedded: Vec<String> = embedded(api)
                .unwrap()
                .into_iter()
                .map(|f| f.path.rsplit('/').next().unwrap().to_string())
                .collect();
            embedded.sort();
            assert_eq!(embedded, on_disk, "{api}");
        }
    }

    #[test]
    fn outlines_expand_with_their_values_in_names_and_steps() {
        let file = FeatureFile {
            path: "x.feature".into(),
            text: "Feature: F\n  Scenario Outline: uses <picture>\n    When I upload \"<picture>\"\n\n    Examples:\n      | picture |\n      | a.png   |\n      | b.png   |\n".into(),
        };
        let features = parse(&[file]).unwrap();
        let names: Vec<&str> = features[0]
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["uses a.png", "uses b.png"]);
        assert_eq!(
            features[0].scenarios[1].steps[0].value,
            "I upload \"b.png\""
        );
        assert_eq!(features[0].path.as_deref(), Some(Path::new("x.feature")));
    }

    #[test]
    fn a_syntax_error_names_the_file() {
        let file = FeatureFile {
            path: "broken.feature".into(),
            text: "Scenario without a feature\n".into(),
        };
        let error = parse(&[file]).unwrap_err();
        assert!(error.starts_with("broken.feature"), "{error}");
    }

    #[test]
    fn tags_of_features_apply_to_their_scenarios() {
        let file = FeatureFile {
            path: "t.feature".into(),
            text: "@api\nFeature: F\n  @serial\n  Scenario: S\n    Given x\n".into(),
        };
        let features = parse(&[file]).unwrap();
        let scenarios = scenarios(&features[0]);
        assert_eq!(scenarios[0].1, ["api", "serial"]);
    }
}
