//! Persistence for `facesim serve --state FILE`: the state of every namespace (vendor stores,
//! armed outcomes, clock offset) saved to one JSON file at an interval and on shutdown, and
//! loaded on start.
//!
//! A save copies each store under its lock, serializes outside the locks, writes a temporary
//! file next to FILE, flushes it and renames it over FILE ([`file`]), so a crash between saves
//! loses at most one interval and never leaves a damaged file. A missing file means an empty
//! start; a file that cannot be read, parsed or restored stops `serve` before it listens
//! ([`LoadError`]). Engines stay free of I/O: each store only turns its state into a
//! snapshot value and back.

pub mod codec;
mod config;
pub mod file;
pub mod format;
mod saver;

pub use config::PersistenceConfig;
pub use file::LoadError;
pub use format::{StateFile, FORMAT_VERSION};
pub use saver::{spawn_interval_saves, SaveError, Saved, Saver};

use crate::state::App;
use std::path::Path;

/// What a load found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// There was no file: the state starts empty.
    NoFile,
    /// The file's namespaces were restored.
    Restored {
        /// How many namespaces the file held (the default one included).
        namespaces: usize,
    },
}

/// Loads the state file `path` into `app`, whose namespaces and link signing key are replaced
/// by the file's.
pub fn load(path: &Path, app: &mut App) -> Result<Loaded, LoadError> {
    let Some(state) = file::read(path)? else {
        return Ok(Loaded::NoFile);
    };
    restore(path, state, app)
}

/// Restores an already read state file into `app` (`path` names it in errors).
pub fn restore(path: &Path, state: StateFile, app: &mut App) -> Result<Loaded, LoadError> {
    let namespaces = state.namespaces.len();
    state
        .restore_into(app)
        .map_err(|detail| LoadError::Restore {
            path: path.to_path_buf(),
            detail,
        })?;
    Ok(Loaded::Restored { namespaces })
}

/// Saves `app`'s state to `path` now (see [`Saver`] for saves that skip unchanged state).
pub fn save(path: &Path, app: &App) -> Result<Saved, SaveError> {
    Saver::new(path.to_path_buf()).save(app, true)
}

#[cfg(test)]
mod tests;
