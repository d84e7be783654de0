//! `manpage` (hidden, for packaging): writes `drivly-keys.1` and one page per subcommand
//! (`drivly-keys-token.1`, …) generated from the clap definitions, so the man pages never
//! drift from `--help`.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::CliError;

/// Writes the pages into `out` (created when missing).
///
/// # Errors
/// [`CliError::Output`] when the folder or a page cannot be written.
pub fn run(out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|e| CliError::Output(e.to_string()))?;
    clap_mangen::generate_to(Cli::command(), out).map_err(|e| CliError::Output(e.to_string()))
}
