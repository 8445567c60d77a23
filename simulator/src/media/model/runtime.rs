//! Finding and loading the ONNX Runtime shared library (the one inside the PyPI `onnxruntime`
//! wheel, installed by `models/install-onnxruntime.sh`).

use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The ONNX Runtime version the install script puts in place.
pub const VERSION: &str = "1.22.1";
/// The variable that names another library file.
pub const PATH_VARIABLE: &str = "ORT_DYLIB_PATH";
/// The command that installs the library at its default location.
pub const INSTALL_COMMAND: &str = "models/install-onnxruntime.sh";

/// `${XDG_DATA_HOME:-$HOME/.local/share}/facesim/onnxruntime/libonnxruntime.so.<VERSION>`.
pub fn default_path() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from(".local/share"));
    data.join("facesim/onnxruntime")
        .join(format!("libonnxruntime.so.{VERSION}"))
}

/// The library facesim loads: `$ORT_DYLIB_PATH` when set, else [`default_path`].
pub fn library_path() -> PathBuf {
    std::env::var_os(PATH_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(default_path)
}

/// The process's ONNX Runtime environment, loaded once from `library`; later calls answer the
/// first outcome whatever path they give (a process loads one library).
pub fn environment(library: &Path) -> Result<&'static Environment, String> {
    static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| load(library))
        .as_ref()
        .map_err(Clone::clone)
}

fn load(library: &Path) -> Result<Environment, String> {
    if !library.is_file() {
        return Err(format!(
            "the ONNX Runtime library is not at {}; install it with `{INSTALL_COMMAND}` \
             (it puts libonnxruntime.so.{VERSION} from the PyPI onnxruntime wheel at {}), \
             or set {PATH_VARIABLE} to a libonnxruntime.so file",
            library.display(),
            default_path().display()
        ));
    }
    let builder = ort::init_from(library).map_err(|e| {
        format!(
            "cannot load the ONNX Runtime library {}: {e}; reinstall it with `{INSTALL_COMMAND}`",
            library.display()
        )
    })?;
    builder
        .with_name("facesim")
        .build()
        .map_err(|e| format!("cannot start ONNX Runtime: {e}"))
}

/// A session of the model in `bytes` with facesim's options: full graph optimisation,
/// `intra_threads` intra-op threads that do not spin, and QDQ handling off so that ONNX Runtime
/// folds block-quantised weights to fp32 once at load. `name` only labels the error.
pub fn session(
    environment: &Environment,
    bytes: &[u8],
    name: &str,
    intra_threads: usize,
) -> Result<Session, String> {
    let configured = || -> ort::Result<_> {
        Ok(Session::builder(environment)?
            .with_optimization_level(GraphOptimizationLevel::All)?
            .with_intra_threads(intra_threads)?
            .with_intra_op_spinning(false)?
            .with_quant_qdq(false)?)
    };
    configured()
        .map_err(|e| format!("cannot configure the {name} session: {e}"))?
        .commit_from_memory(bytes)
        .map_err(|e| format!("cannot load the {name} model: {e}"))
}
