//! `facesim-conformance`: checks an implementation of a face-verification API against the vendors' contracts.
//!
//! The runner is not implemented yet; the binary says so and fails, so nobody mistakes it for a passing check.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "facesim-conformance: the conformance runner is not implemented yet; no check was run"
    );
    ExitCode::from(2)
}
