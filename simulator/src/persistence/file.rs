//! Writing the state file so that a crash never leaves a half-written one (a temporary file in
//! the same directory, flushed to disk, renamed over the old one, the directory flushed), and
//! reading it back with errors that say what is wrong.

use super::format::{Header, StateFile, FORMAT_VERSION};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the state file cannot be loaded. `serve` stops with this message and leaves the file
/// alone.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file exists but cannot be read.
    #[error("cannot read the state file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a facesim state file, or is damaged.
    #[error("the state file {path} is not a valid facesim state file: {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line and column when the JSON is at fault.
        detail: String,
    },
    /// The file was written in another format version.
    #[error("the state file {path} has format version {found}; this facesim reads version {expected} only (move the file away to start empty)", expected = FORMAT_VERSION)]
    Version {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        found: String,
    },
    /// The state does not fit the configuration in force.
    #[error("the state file {path} cannot be restored: {detail}")]
    Restore {
        /// The file.
        path: PathBuf,
        /// What does not fit.
        detail: String,
    },
}

/// Reads and checks the state file; `Ok(None)` when there is none (start empty).
pub fn read(path: &Path) -> Result<Option<StateFile>, LoadError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(LoadError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    parse(path, &bytes).map(Some)
}

/// Checks and decodes the bytes of the state file `path`.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<StateFile, LoadError> {
    let corrupt = |detail: String| LoadError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(corrupt("the file is empty".into()));
    }
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("invalid JSON: {e}")))?;
    match header.format {
        None => return Err(corrupt("it has no \"format\" field".into())),
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(other) => {
            return Err(LoadError::Version {
                path: path.to_path_buf(),
                found: other.to_string(),
            })
        }
    }
    serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))
}

/// The temporary file a save writes before renaming it over `path`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    path.with_file_name(format!(".{name}.tmp"))
}

/// Replaces `path` with `bytes` atomically: a reader (or a restart after a crash) sees the old
/// content or the new one, never a mix. On error the old file is intact.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = temp_path(path);
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    sync_directory(path)
}

/// Flushes the directory holding `path`, so that the rename itself survives a power loss.
fn sync_directory(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
