//! The `facesim` command line.

use clap::{Args, Parser, Subcommand};
use facesim::config::Config;
use facesim::media::{
    DeterministicMatcher, FaceCount, FixtureFormat, FixtureSpec, Liveness, Marker, Matcher,
    ModelFiles, ModelMatcher,
};
use facesim::persistence;
use facesim::scenario::ScenarioFile;
use facesim::state::App;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// A simulator of face-verification vendor APIs (Truora, Checkout.com, Trustmatic).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve every simulated API on one listener.
    Serve(ServeArgs),
    /// Write a picture (or video container) carrying a deterministic-matcher marker.
    Fixture(FixtureArgs),
    /// Check a scenario file (YAML or JSON) without serving: prints its rules or the error
    /// with its line.
    CheckScenario {
        /// The scenario file.
        file: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:7700")]
    addr: SocketAddr,
    /// Configuration file (TOML); without it the embedded default is used.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Base URL written into links such as file_upload_link (default: the bound address).
    #[arg(long)]
    public_url: Option<String>,
    /// Check every answer against the APIs' OpenAPI documents and log each violation
    /// (overrides server.strict; --strict=false turns it off).
    #[arg(long, value_name = "BOOL", num_args = 0..=1)]
    #[arg(require_equals = true, default_missing_value = "true")]
    strict: Option<bool>,
    /// The face matcher: `deterministic` (picture markers decide) or `model` (YuNet and SFace
    /// through ONNX Runtime; install the runtime once with models/install-onnxruntime.sh).
    #[arg(long, value_enum, default_value_t = MatcherChoice::Deterministic)]
    matcher: MatcherChoice,
    /// A scenario file (YAML or JSON) whose rules are in force from the start; repeat for
    /// several (their rules are tried in the order given).
    #[arg(long = "scenario", value_name = "FILE")]
    scenarios: Vec<PathBuf>,
    /// Keep the state (namespaces, vendor resources, armed outcomes, clocks) in FILE: loaded on
    /// start, saved at an interval and on SIGINT/SIGTERM. A missing FILE starts empty.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Seconds between two saves of --state (overrides persistence.interval_seconds, default 30).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    state_interval: Option<u64>,
}

/// The face matchers `serve` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MatcherChoice {
    /// Picture markers choose every outcome; no model is needed.
    Deterministic,
    /// Real face detection and recognition (ONNX Runtime).
    Model,
}

/// The models, built into the binary so that `--matcher model` needs only the runtime library.
const MODELS: ModelFiles<'static> = ModelFiles {
    detector: include_bytes!("../../models/yunet_2023mar.onnx"),
    recognizer: include_bytes!("../../models/sface_2021dec_int8bq.onnx"),
};

/// The matcher `choice` names, or why it cannot start.
fn matcher(choice: MatcherChoice) -> Result<Arc<dyn Matcher>, String> {
    match choice {
        MatcherChoice::Deterministic => Ok(Arc::new(DeterministicMatcher)),
        MatcherChoice::Model => {
            let library = facesim::media::model::runtime::library_path();
            let model = ModelMatcher::load(&library, MODELS)?;
            tracing::info!(library = %library.display(), "model matcher loaded (YuNet 2023mar, SFace 2021dec)");
            Ok(Arc::new(model))
        }
    }
}

#[derive(Args)]
struct FixtureArgs {
    /// Who is in the picture.
    #[arg(long)]
    subject: String,
    /// How many faces the picture shows.
    #[arg(long, value_parser = ["none", "one", "many"])]
    face: Option<String>,
    /// Whether the face is live or a spoof.
    #[arg(long, value_parser = ["live", "spoof"])]
    liveness: Option<String>,
    /// Forces the similarity score when this picture is the probe (0..1).
    #[arg(long)]
    similarity: Option<f64>,
    /// Marks the face as being in the client's block list.
    #[arg(long)]
    blocklist: bool,
    /// Further marker pairs, e.g. --set fault=system_error or --set speech=mismatch.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    extra: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "png")]
    format: FixtureFormat,
    /// Picture variant: two variants of one subject are different pictures of the same person.
    #[arg(long, default_value_t = 0)]
    variant: u32,
    /// Output file.
    #[arg(short = 'o', long)]
    output: PathBuf,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve(args) => serve(args),
        Command::Fixture(args) => fixture(args),
        Command::CheckScenario { file } => check_scenario(&file),
    }
}

/// Reads a scenario file; the error names the file and the line.
fn read_scenario(path: &std::path::Path) -> Result<ScenarioFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    ScenarioFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn check_scenario(path: &std::path::Path) -> ExitCode {
    match read_scenario(path) {
        Ok(file) => {
            println!("{}: {} rule(s), valid", path.display(), file.rules.len());
            for (i, rule) in file.rules.iter().enumerate() {
                let name = rule.name.as_deref().unwrap_or("(unnamed)");
                println!("  {}. {name}", i + 1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("facesim: {message}");
    ExitCode::FAILURE
}

fn serve(args: ServeArgs) -> ExitCode {
    let mut config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(format!("invalid configuration: {e}")),
    };
    if let Some(strict) = args.strict {
        config.server.strict = strict;
    }
    if let Some(seconds) = args.state_interval {
        config.persistence.interval_seconds = seconds;
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut scenarios = Vec::new();
    for path in &args.scenarios {
        match read_scenario(path) {
            Ok(file) => scenarios.push((path.display().to_string(), file)),
            Err(e) => return fail(format!("invalid scenario {e}")),
        }
    }
    let saved_state = match args.state.as_deref().map(persistence::file::read) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(state))) => Some(state),
        Some(Err(e)) => return fail(e),
    };
    let matcher = match matcher(args.matcher) {
        Ok(m) => m,
        Err(e) => return fail(format!("--matcher model cannot start: {e}")),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot listen on {}: {e}", args.addr)),
        };
        let bound = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        let shutdown = match shutdown_signal() {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot install signal handlers: {e}")),
        };
        let configured = args
            .public_url
            .as_deref()
            .or(Some(config.server.public_url.as_str()));
        let public_url = facesim::server::public_url(configured, bound);
        let interval = std::time::Duration::from_secs(config.persistence.interval_seconds);
        let mut app = App::new(config, public_url.clone(), matcher);
        let saver = match &args.state {
            Some(path) => match restore_state(path, saved_state, &mut app) {
                Ok(()) => Some(Arc::new(persistence::Saver::new(path.clone()))),
                Err(e) => return fail(e),
            },
            None => None,
        };
        let app = Arc::new(app);
        println!("facesim listening on http://{bound}");
        let _ = std::io::stdout().flush();
        tracing::info!(%public_url, matcher = app.matcher.name(), "serving");
        for (source, file) in scenarios {
            match app.rules.lock().add(&source, None, file.rules) {
                Ok(ids) => tracing::info!(%source, rules = ids.len(), "scenario loaded"),
                Err(e) => return fail(format!("scenario {source}: {e}")),
            }
        }
        let saves = saver
            .as_ref()
            .map(|s| persistence::spawn_interval_saves(s.clone(), app.clone(), interval));
        let served = facesim::server::serve(listener, app.clone(), shutdown).await;
        if let Some(saves) = saves {
            saves.abort();
        }
        if let Some(saver) = &saver {
            saver.save_logged(&app, true).await;
        }
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        }
    })
}

/// Restores the state read from `path` (if there was a file) into `app` and logs what it did.
fn restore_state(
    path: &std::path::Path,
    state: Option<persistence::StateFile>,
    app: &mut App,
) -> Result<(), persistence::LoadError> {
    let path_shown = path.display();
    match state {
        None => tracing::info!(path = %path_shown, "no state file yet; starting empty"),
        Some(state) => {
            let saved_at = state.saved_at;
            persistence::restore(path, state, app)?;
            let namespaces = app.tenants.all().len();
            tracing::info!(path = %path_shown, %saved_at, namespaces, "state loaded");
        }
    }
    Ok(())
}

/// Installs the SIGINT/SIGTERM handlers now and answers a future that completes on either.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received");
    })
}

fn fixture(args: FixtureArgs) -> ExitCode {
    let mut marker = Marker {
        subject: Some(args.subject),
        face: args.face.as_deref().map(|f| match f {
            "none" => FaceCount::None,
            "many" => FaceCount::Many,
            _ => FaceCount::One,
        }),
        liveness: args.liveness.as_deref().map(|l| {
            if l == "spoof" {
                Liveness::Spoof
            } else {
                Liveness::Live
            }
        }),
        similarity: args.similarity,
        blocklist: args.blocklist.then_some(true),
        ..Marker::default()
    };
    for pair in &args.extra {
        match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                marker
                    .extra
                    .insert(k.trim().to_string(), v.trim().to_string());
            }
            _ => return fail(format!("--set expects KEY=VALUE, got {pair:?}")),
        }
    }
    if let Err(e) = Marker::parse(&marker.to_text()) {
        return fail(format!("invalid marker: {e}"));
    }
    let bytes = facesim::media::render(&FixtureSpec {
        marker,
        format: args.format,
        variant: args.variant,
    });
    match std::fs::write(&args.output, bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write {}: {e}", args.output.display())),
    }
}
