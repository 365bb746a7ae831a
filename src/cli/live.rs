//! `flam live`: the terminal UI for jamming on a song.

use std::path::Path;
use std::process::ExitCode;

use super::failure::Failure;
use super::source;
use crate::tui::run::run as run_ui;
use crate::tui::transport::SilentTransport;

/// Opens the song in the live UI; a missing file starts a new song there.
pub fn run(path: &Path) -> Result<ExitCode, Failure> {
    let text = if path.exists() {
        source::read(path)?
    } else {
        "tempo 120\n\ntrack beat\n  play \"bd ~ sn ~\"\n".to_string()
    };
    let code = run_ui(path, &text, Box::new(SilentTransport::new())).map_err(Failure::io)?;
    Ok(ExitCode::from(code))
}
