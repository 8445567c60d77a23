//! `facesim-conformance`: checks an implementation of a face-verification API against the
//! vendors' contracts. See `conformance/README.md`.

use clap::Parser as _;
use facesim_conformance::cli::{self, Args};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    cli::main(Args::parse()).await
}
