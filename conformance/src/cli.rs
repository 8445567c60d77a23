//! The `facesim-conformance` command line.

use crate::report::{RunReport, Verdict};
use crate::runner::{self, Options};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Checks an implementation of a face-verification API at a base URL (facesim, a vendor
/// sandbox, another mock) against the contracts derived from the vendor's documents.
#[derive(Debug, Parser)]
#[command(name = "facesim-conformance", version)]
pub struct Args {
    /// Base URL of the API under test, e.g. http://127.0.0.1:7700/truora/validations,
    /// http://127.0.0.1:7700/checkout or http://127.0.0.1:7700/trustmatic.
    #[arg(long, value_name = "URL")]
    pub target: String,
    /// The API it implements: truora-validations, checkout-identity-verification,
    /// trustmatic-verification, or facesim-control (facesim's own control API; --target is then
    /// http://HOST:PORT/_facesim and needs no --key).
    #[arg(long, value_name = "NAME", default_value = "truora-validations")]
    pub api: String,
    /// An API key with every permission (for Truora: confirmation=none and DELETE; for
    /// Checkout: a secret key, sent as "Authorization: Bearer KEY"; for Trustmatic:
    /// username:password, sent as HTTP Basic; facesim's are facesim:facesim). Required for
    /// every API but facesim-control.
    #[arg(
        long,
        value_name = "KEY",
        env = "CONFORMANCE_API_KEY",
        hide_env_values = true
    )]
    pub key: Option<String>,
    /// An API key without special permissions; the permission scenarios are skipped without it.
    #[arg(
        long,
        value_name = "KEY",
        env = "CONFORMANCE_LIMITED_API_KEY",
        hide_env_values = true
    )]
    pub limited_key: Option<String>,
    /// A key of a second account (Checkout): its scenarios check that accounts do not see each
    /// other's resources, and are skipped without it.
    #[arg(
        long,
        value_name = "KEY",
        env = "CONFORMANCE_SECOND_API_KEY",
        hide_env_values = true
    )]
    pub second_key: Option<String>,
    /// A key of an account with videos enabled (Checkout): its scenarios check that attempts
    /// keep a face video, and are skipped without it.
    #[arg(
        long,
        value_name = "KEY",
        env = "CONFORMANCE_VIDEOS_API_KEY",
        hide_env_values = true
    )]
    pub videos_key: Option<String>,
    /// Base URL of a control API able to move the target's clock and, for Checkout, to drive
    /// captures and register webhook receivers, for Trustmatic to force outcomes (facesim:
    /// http://HOST:PORT/_facesim); the scenarios that need it are skipped without it.
    #[arg(long, value_name = "URL")]
    pub control: Option<String>,
    /// facesim only: send every request, control requests included, with
    /// "Facesim-Namespace: NAME", so runs sharing one facesim keep their state, clock and
    /// rules apart (docs/namespaces.md). Not for facesim-control, whose features exercise
    /// namespaces themselves.
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// The user journey (configuration) id face authentications are created with (Checkout;
    /// a real account needs one of its own; default usj_aaaaaaaaaaaaaaaaaaaaaaaaaa).
    #[arg(long, value_name = "ID", env = "CONFORMANCE_USER_JOURNEY")]
    pub user_journey: Option<String>,
    /// A tag expression selecting scenarios and properties, e.g. "not @simulated-fault".
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Write a JUnit XML report of scenarios and properties.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the Cucumber JSON report of the scenarios.
    #[arg(long, value_name = "FILE")]
    pub cucumber_json: Option<PathBuf>,
    /// Write a Markdown report.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Generated cases per property.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub cases: u32,
    /// A directory of files replacing fixtures of the same name (real pictures for a real vendor).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// A TOML file of known deviations (see conformance/deviations.example.toml).
    #[arg(long, value_name = "FILE")]
    pub deviations: Option<PathBuf>,
    /// A directory of *.feature files to run instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// Seconds to wait for asynchronous processing before a step fails.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub patience: u64,
    /// Scenarios run at once.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub concurrency: usize,
}

impl Args {
    /// The runner options these arguments ask for.
    pub fn options(&self) -> Options {
        Options {
            target: self.target.clone(),
            api: self.api.clone(),
            key: self.key.clone().unwrap_or_default(),
            limited_key: self.limited_key.clone(),
            second_key: self.second_key.clone(),
            videos_key: self.videos_key.clone(),
            control: self.control.clone(),
            namespace: self.namespace.clone(),
            user_journey: self.user_journey.clone(),
            tags: self.tags.clone(),
            cases: self.cases,
            fixtures: self.fixtures.clone(),
            deviations: self.deviations.clone(),
            features: self.features.clone(),
            patience: Duration::from_secs(self.patience.max(1)),
            concurrency: self.concurrency.max(1),
        }
    }
}

/// Exit code of a run where something failed or nothing ran.
const FAILED: u8 = 1;
/// Exit code of a run that could not start or could not write its reports.
const SETUP: u8 = 2;

/// Runs the command: prints the summary, writes the reports asked for, and answers 0 only
/// when something ran and nothing failed.
pub async fn main(args: Args) -> ExitCode {
    let report = match runner::run(args.options()).await {
        Ok(report) => report,
        Err(message) => {
            eprintln!("facesim-conformance: {message}");
            return ExitCode::from(SETUP);
        }
    };
    print!("{}", report.summary());
    if let Err(message) = write_reports(&args, &report) {
        eprintln!("facesim-conformance: {message}");
        return ExitCode::from(SETUP);
    }
    match report.verdict() {
        Verdict::Passed => ExitCode::SUCCESS,
        Verdict::Failed(_) => ExitCode::from(FAILED),
        Verdict::NothingExecuted(message) => {
            eprintln!("facesim-conformance: {message}");
            ExitCode::from(FAILED)
        }
    }
}

fn write_reports(args: &Args, report: &RunReport) -> Result<(), String> {
    let outputs = [
        (&args.junit, report.junit()),
        (&args.cucumber_json, report.cucumber_json.clone()),
        (&args.report, report.markdown()),
    ];
    for (path, text) in outputs {
        if let Some(path) = path {
            write(path, &text)?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_become_options() {
        let args = Args::try_parse_from([
            "facesim-conformance",
            "--target",
            "http://127.0.0.1:7700/truora/validations/",
            "--key",
            "k",
            "--limited-key",
            "l",
            "--control",
            "http://127.0.0.1:7700/_facesim",
            "--tags",
            "not @serial",
            "--cases",
            "5",
        ])
        .unwrap();
        let options = args.options();
        assert_eq!(options.api, "truora-validations");
        assert_eq!(options.limited_key.as_deref(), Some("l"));
        assert_eq!(
            options.control.as_deref(),
            Some("http://127.0.0.1:7700/_facesim")
        );
        assert_eq!((options.cases, options.concurrency), (5, 32));
        assert_eq!(options.patience, Duration::from_secs(30));
    }

    #[test]
    fn checkout_keys_and_user_journey_become_options() {
        let args = Args::try_parse_from([
            "facesim-conformance",
            "--api",
            "checkout-identity-verification",
            "--target",
            "http://127.0.0.1:7700/checkout",
            "--key",
            "sk_sbox_a",
            "--second-key",
            "sk_sbox_b",
            "--videos-key",
            "sk_sbox_c",
            "--user-journey",
            "usj_bbbbbbbbbbbbbbbbbbbbbbbbbb",
        ])
        .unwrap();
        let options = args.options();
        assert_eq!(options.api, "checkout-identity-verification");
        assert_eq!(
            (options.second_key.as_deref(), options.videos_key.as_deref()),
            (Some("sk_sbox_b"), Some("sk_sbox_c"))
        );
        assert_eq!(
            options.user_journey.as_deref(),
            Some("usj_bbbbbbbbbbbbbbbbbbbbbbbbbb")
        );
    }

    #[test]
    fn trustmatic_credentials_become_the_key() {
        let args = Args::try_parse_from([
            "facesim-conformance",
            "--api",
            "trustmatic-verification",
            "--target",
            "http://127.0.0.1:7700/trustmatic",
            "--key",
            "facesim:facesim",
            "--tags",
            "not @marker and not @decision",
        ])
        .unwrap();
        let options = args.options();
        assert_eq!(options.api, "trustmatic-verification");
        assert_eq!(options.key, "facesim:facesim");
        assert_eq!(
            options.tags.as_deref(),
            Some("not @marker and not @decision")
        );
    }

    #[test]
    fn the_control_api_needs_no_key() {
        let args = Args::try_parse_from([
            "facesim-conformance",
            "--api",
            "facesim-control",
            "--target",
            "http://127.0.0.1:7700/_facesim",
        ])
        .unwrap();
        let options = args.options();
        assert_eq!(
            (options.api.as_str(), options.key.as_str()),
            ("facesim-control", "")
        );
    }

    #[test]
    fn the_target_is_required() {
        let error = Args::try_parse_from(["facesim-conformance", "--key", "k"]).unwrap_err();
        assert!(error.to_string().contains("--target"), "{error}");
    }
}
