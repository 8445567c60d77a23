//! One conformance run: the features of an API (every exchange checked against its contract),
//! then its properties, with the known deviations applied.

use crate::checkout;
use crate::deviations::Deviations;
use crate::facesim_control;
use crate::feature_files;
use crate::fixtures::Fixtures;
use crate::outcome::Status;
use crate::outcome::{CaseResult, Kind};
use crate::report::RunReport;
use crate::scenarios::{self, steps::Available, Context};
use crate::tags::TagFilter;
use crate::target::Target;
use crate::truora;
use crate::trustmatic;
use futures::FutureExt as _;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// What to check and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Base URL of the API under test (`http://127.0.0.1:7700/truora/validations`).
    pub target: String,
    /// Which API it implements (`truora-validations`, `checkout-identity-verification`,
    /// `trustmatic-verification`, or facesim's own `facesim-control`).
    pub api: String,
    /// An API key with every permission (Trustmatic: `username:password`, sent as HTTP Basic;
    /// unused, and may be empty, for `facesim-control`).
    pub key: String,
    /// An API key without special permissions; scenarios needing one are skipped without it.
    pub limited_key: Option<String>,
    /// A key of a second account of the service (accounts must not see each other's
    /// resources); scenarios needing one are skipped without it.
    pub second_key: Option<String>,
    /// A key of an account whose attempts keep their videos; scenarios needing one are
    /// skipped without it.
    pub videos_key: Option<String>,
    /// Base URL of a control API (facesim's `/_facesim`); scenarios that move the clock are
    /// skipped without it.
    pub control: Option<String>,
    /// The facesim namespace every request is sent in (`Facesim-Namespace`), if any.
    pub namespace: Option<String>,
    /// The configuration resources are created with (Checkout: the user journey id of face
    /// authentications); the suite's default when `None`.
    pub user_journey: Option<String>,
    /// A tag expression selecting scenarios and properties.
    pub tags: Option<String>,
    /// How many generated cases each property checks (a multiple for the cheap ones).
    pub cases: u32,
    /// A directory whose files replace fixtures of the same name.
    pub fixtures: Option<PathBuf>,
    /// A known-deviations file.
    pub deviations: Option<PathBuf>,
    /// A directory of `*.feature` files replacing the embedded ones.
    pub features: Option<PathBuf>,
    /// How long to wait for asynchronous processing before a step fails.
    pub patience: Duration,
    /// How many scenarios run at once.
    pub concurrency: usize,
}

impl Options {
    /// Options for `api` at `target` with `key` and every default.
    pub fn new(api: &str, target: &str, key: &str) -> Self {
        Options {
            target: target.to_string(),
            api: api.to_string(),
            key: key.to_string(),
            limited_key: None,
            second_key: None,
            videos_key: None,
            control: None,
            namespace: None,
            user_journey: None,
            tags: None,
            cases: 32,
            fixtures: None,
            deviations: None,
            features: None,
            patience: Duration::from_secs(30),
            concurrency: 32,
        }
    }
}

/// The APIs the suite has features for.
pub const APIS: &[&str] = &[
    truora::API,
    checkout::API,
    trustmatic::API,
    facesim_control::API,
];

/// How the key of an API travels: its header, what comes before it, and the key as sent.
struct KeyScheme {
    header: &'static str,
    prefix: &'static str,
    key: String,
}

/// The key scheme of `api` for the `--key` given; `Err` when the key cannot be sent so.
fn key_scheme(api: &str, key: &str) -> Result<KeyScheme, String> {
    if key.is_empty() && api != facesim_control::API {
        return Err(format!("--key is required for {api}"));
    }
    Ok(match api {
        facesim_control::API => KeyScheme {
            header: "Authorization",
            prefix: "",
            key: String::new(),
        },
        checkout::API => KeyScheme {
            header: checkout::KEY_HEADER,
            prefix: checkout::KEY_PREFIX,
            key: key.to_string(),
        },
        trustmatic::API => KeyScheme {
            header: trustmatic::KEY_HEADER,
            prefix: trustmatic::KEY_PREFIX,
            key: trustmatic::basic_credentials(key)?,
        },
        _ => KeyScheme {
            header: truora::KEY_HEADER,
            prefix: "",
            key: key.to_string(),
        },
    })
}

/// Runs the suite. `Err` is a setup problem (unknown API, unreadable file, deviation entry
/// naming no known case); failing checks are in the report.
pub async fn run(options: Options) -> Result<RunReport, String> {
    let started = SystemTime::now();
    let clock = Instant::now();
    if !APIS.contains(&options.api.as_str()) {
        return Err(format!(
            "--api {}: unknown API (known: {})",
            options.api,
            APIS.join(", ")
        ));
    }
    let contract = facesim_schemas::contract(&options.api)
        .ok_or_else(|| format!("--api {}: no contract is embedded for it", options.api))?;
    if options.namespace.is_some() && options.api == facesim_control::API {
        return Err(format!(
            "--namespace cannot be used with --api {}: its features choose their namespaces themselves",
            facesim_control::API
        ));
    }
    let filter = TagFilter::parse(options.tags.as_deref())?;
    let fixtures = match &options.fixtures {
        Some(dir) => Fixtures::with_overrides(dir).map_err(|e| format!("--fixtures {e}"))?,
        None => Fixtures::embedded(),
    };
    let files = match &options.features {
        Some(dir) => feature_files::from_dir(dir)?,
        None => feature_files::embedded(&options.api).expect("every known API has features"),
    };
    let features = feature_files::parse(&files)?;
    let scheme = key_scheme(&options.api, &options.key)?;
    let target = Target::new(
        &options.target,
        &scheme.key,
        scheme.header,
        contract,
        options.control.as_deref(),
    )
    .with_key_prefix(scheme.prefix)
    .with_configuration(options.user_journey.clone())
    .with_namespace(options.namespace.clone());
    let deviations = match &options.deviations {
        Some(path) => Deviations::load(path)?,
        None => Deviations::default(),
    };
    let scenario_names: Vec<String> = features
        .iter()
        .flat_map(|f| {
            feature_files::scenarios(f)
                .into_iter()
                .map(|(s, _)| s.name.clone())
        })
        .collect();
    deviations.check_names(Kind::Scenario, scenario_names.iter().map(String::as_str))?;
    let property_names = property_names(&target, &fixtures).await;
    deviations.check_names(Kind::Property, property_names.iter().map(String::as_str))?;
    let available = Available {
        control: options.control.is_some(),
        limited_key: options.limited_key.is_some(),
        second_key: options.second_key.is_some(),
        videos_key: options.videos_key.is_some(),
    };

    let mut context = Context::new(
        target.clone(),
        options.limited_key.clone(),
        fixtures.clone(),
        options.patience,
    );
    context.second_key = options.second_key.clone();
    context.videos_key = options.videos_key.clone();
    let context = Arc::new(context);
    let concurrency = options.concurrency;
    // One call per API: each API's steps drive a world of its own type.
    macro_rules! run_scenarios {
        ($steps:expr) => {
            scenarios::run(
                features,
                $steps,
                context.clone(),
                available,
                &filter,
                concurrency,
            )
            .await
        };
    }
    let scenarios = match options.api.as_str() {
        checkout::API => run_scenarios!(checkout::steps()),
        trustmatic::API => run_scenarios!(trustmatic::steps()),
        facesim_control::API => run_scenarios!(facesim_control::steps()),
        _ => run_scenarios!(truora::steps()),
    };
    checkout::unsubscribe(&context).await;
    drop(context);

    let left_out = AtomicUsize::new(0);
    let selected = |_: &str, tags: &[&str]| {
        let chosen = filter.selects(tags);
        left_out.fetch_add(usize::from(!chosen), Ordering::Relaxed);
        chosen
    };
    let properties = AssertUnwindSafe(crate::properties::run(
        &target,
        &fixtures,
        options.cases,
        &selected,
    ))
    .catch_unwind()
    .await
    .unwrap_or_else(|panic| vec![properties_panicked(panic)]);

    let results: Vec<CaseResult> = scenarios
        .results
        .into_iter()
        .chain(properties)
        .map(|result| deviations.apply(result, &options.target))
        .collect();
    Ok(RunReport {
        api: options.api,
        target: target.base,
        control: target.control.map(|c| c.base),
        namespace: target.namespace,
        tags: filter.text().map(str::to_string),
        started,
        duration: clock.elapsed(),
        results,
        filtered_out: scenarios.filtered_out + left_out.into_inner(),
        cucumber_json: scenarios.cucumber_json,
    })
}

/// The name of every property, learnt by letting the properties ask which to run and
/// choosing none.
async fn property_names(target: &Target, fixtures: &Fixtures) -> Vec<String> {
    let names = Mutex::new(Vec::new());
    let none = |name: &str, _: &[&str]| {
        names.lock().expect("property names").push(name.to_string());
        false
    };
    let ran = crate::properties::run(target, fixtures, 1, &none).await;
    debug_assert!(ran.is_empty(), "no property was selected");
    names.into_inner().expect("property names")
}

/// The result standing for properties that panicked instead of answering results.
fn properties_panicked(panic: Box<dyn std::any::Any + Send>) -> CaseResult {
    let text = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into());
    CaseResult {
        kind: Kind::Property,
        group: "properties".into(),
        name: "every property".into(),
        status: Status::Failed {
            message: format!("the properties panicked: {text}"),
        },
        duration: Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails unless every case the deviations file `text` names is a scenario or property of
    /// `api` (at `target`, with `key_header`).
    async fn assert_deviations_name_known_cases(
        text: &str,
        api: &str,
        target: &str,
        key_header: &'static str,
    ) {
        let deviations = Deviations::parse(text).unwrap();
        let features = feature_files::parse(&feature_files::embedded(api).unwrap()).unwrap();
        let scenarios: Vec<String> = features
            .iter()
            .flat_map(|f| {
                feature_files::scenarios(f)
                    .into_iter()
                    .map(|(s, _)| s.name.clone())
            })
            .collect();
        deviations
            .check_names(Kind::Scenario, scenarios.iter().map(String::as_str))
            .unwrap();
        let target = Target::new(
            target,
            "k",
            key_header,
            facesim_schemas::contract(api).unwrap(),
            None,
        );
        let properties = property_names(&target, &Fixtures::embedded()).await;
        deviations
            .check_names(Kind::Property, properties.iter().map(String::as_str))
            .unwrap();
    }

    #[tokio::test]
    async fn the_example_deviations_file_names_known_cases() {
        assert_deviations_name_known_cases(
            include_str!("../deviations.example.toml"),
            truora::API,
            "http://127.0.0.1:9/truora/validations",
            truora::KEY_HEADER,
        )
        .await;
    }

    #[tokio::test]
    async fn the_checkout_example_deviations_file_names_known_cases() {
        assert_deviations_name_known_cases(
            include_str!("../deviations.checkout.example.toml"),
            checkout::API,
            "http://127.0.0.1:9/checkout",
            checkout::KEY_HEADER,
        )
        .await;
    }

    #[tokio::test]
    async fn setup_problems_are_errors_before_anything_is_sent() {
        let options = |change: fn(&mut Options)| {
            let mut options =
                Options::new(truora::API, "http://127.0.0.1:9/truora/validations", "k");
            change(&mut options);
            options
        };
        let unknown_api = run(options(|o| o.api = "acme".into())).await.unwrap_err();
        assert!(unknown_api.contains("unknown API"), "{unknown_api}");
        let bad_tags = run(options(|o| o.tags = Some("@a and".into())))
            .await
            .unwrap_err();
        assert!(bad_tags.contains("not a tag expression"), "{bad_tags}");
        let no_features = run(options(|o| o.features = Some("/nonexistent".into())))
            .await
            .unwrap_err();
        assert!(
            no_features.contains("--features /nonexistent"),
            "{no_features}"
        );
        let no_password = run(options(|o| o.api = trustmatic::API.into()))
            .await
            .unwrap_err();
        assert!(no_password.contains("username:password"), "{no_password}");
        let namespaced_control = run(options(|o| {
            o.api = facesim_control::API.into();
            o.namespace = Some("ci-x".into());
        }))
        .await
        .unwrap_err();
        assert!(
            namespaced_control.contains("--namespace cannot be used with --api facesim-control"),
            "{namespaced_control}"
        );
    }

    #[test]
    fn trustmatic_credentials_travel_as_basic() {
        let scheme = key_scheme(trustmatic::API, "facesim:facesim").unwrap();
        assert_eq!(
            (scheme.header, scheme.prefix, scheme.key.as_str()),
            ("Authorization", "Basic ", "ZmFjZXNpbTpmYWNlc2lt")
        );
        let checkout = key_scheme(checkout::API, "sk_sbox_x").unwrap();
        assert_eq!(
            (checkout.prefix, checkout.key.as_str()),
            ("Bearer ", "sk_sbox_x")
        );
        assert!(key_scheme(trustmatic::API, ":password").is_err());
    }
}
