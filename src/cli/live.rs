//! `flam live`: the terminal UI for jamming on a song.

use std::path::Path;
use std::process::ExitCode;

use super::failure::Failure;
use super::{soundfonts, source};
use crate::tui::app::SendMode;
use crate::tui::player_transport::PlayerTransport;
use crate::tui::run::run as run_ui;

/// Opens the song in the live UI; a missing file starts a new song there.
pub fn run(
    path: &Path,
    out: Option<&str>,
    latency_ms: f64,
    as_you_type: bool,
    soundfont: Option<&str>,
) -> Result<ExitCode, Failure> {
    if !(0.0..=1000.0).contains(&latency_ms) {
        return Err(Failure::input(format!(
            "error: --latency must be from 0 to 1000 ms, got {latency_ms}"
        )));
    }
    // A SoundFont named on the command line is loaded now, so a bad one is reported before
    // the screen opens; otherwise the built-in one loads the first time the synth plays.
    let font = match soundfont {
        Some(flag) => Some(soundfonts::load(Some(flag))?.1),
        None => None,
    };
    let transport = PlayerTransport::new(out, latency_ms, font).map_err(Failure::input)?;
    let text = if path.exists() {
        source::read(path)?
    } else {
        "tempo 120\n\ntrack beat\n  play \"bd ~ sn ~\"\n".to_string()
    };
    let mode = if as_you_type {
        SendMode::AsYouType
    } else {
        SendMode::OnCommand
    };
    let code = run_ui(path, &text, Box::new(transport), mode).map_err(Failure::io)?;
    Ok(ExitCode::from(code))
}
