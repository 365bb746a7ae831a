//! `flam live`: the terminal UI for jamming on a song.

use std::path::PathBuf;
use std::process::ExitCode;

use super::failure::Failure;
use super::sync::{self, Sync};
use super::{soundfonts, source};
use crate::output::input_target::InputTarget;
use crate::tui::app::SendMode;
use crate::tui::kept_clock::KeptClock;
use crate::tui::player_transport::PlayerTransport;
use crate::tui::run::run as run_ui;

/// What `flam live` was asked to do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveArgs {
    /// The song file.
    pub file: PathBuf,
    /// `--out OUTPUT` or `--out NAME=OUTPUT`, once per output.
    pub out: Vec<String>,
    /// `--latency MS`.
    pub latency_ms: f64,
    /// `--as-you-type`.
    pub as_you_type: bool,
    /// `--soundfont PATH`.
    pub soundfont: Option<String>,
    /// `--in INPUT`.
    pub input: Option<String>,
    /// `--sync CLOCK`.
    pub sync: Option<String>,
}

/// Opens the song in the live UI; a missing file starts a new song there.
pub fn run(args: &LiveArgs) -> Result<ExitCode, Failure> {
    let (path, latency_ms, as_you_type) = (args.file.as_path(), args.latency_ms, args.as_you_type);
    let input = match args.input.as_deref() {
        Some(text) => Some(InputTarget::parse(text).map_err(Failure::input)?),
        None => None,
    };
    let flag_sync = sync::parse(args.sync.as_deref())?;
    sync::decide(flag_sync, None, input.is_some())?;
    if !(0.0..=1000.0).contains(&latency_ms) {
        return Err(Failure::input(format!(
            "error: --latency must be from 0 to 1000 ms, got {latency_ms}"
        )));
    }
    // A SoundFont named on the command line is loaded now, so a bad one is reported before
    // the screen opens; otherwise the built-in one loads the first time the synth plays.
    let font = match args.soundfont.as_deref() {
        Some(flag) => Some(soundfonts::load(Some(flag))?.1),
        None => None,
    };
    let text = if path.exists() {
        source::read(path)?
    } else {
        "tempo 120\n\ntrack beat\n  play \"bd ~ sn ~\"\n".to_string()
    };
    // The song's own `sync` line counts when it compiles; an edit to it counts next time.
    let written = crate::lang::song::compile(&text).ok();
    let clock = match sync::decide(
        flag_sync,
        written.as_ref().and_then(|s| s.sync),
        input.is_some(),
    )? {
        Sync::Jack => {
            return Err(Failure::input(
                "error: flam live does not follow JACK transport yet\n  = help: use `flam play --sync jack`, or --sync midi with a MIDI clock on --in",
            ));
        }
        Sync::Midi => KeptClock::Midi,
        Sync::Internal => KeptClock::Own,
        Sync::Link => link(written.as_ref().map_or(120.0, |s| s.tempo.bpm))?,
    };
    let transport = PlayerTransport::new(&args.out, latency_ms, font)
        .map_err(Failure::input)?
        .listening(input, clock);
    let mode = if as_you_type {
        SendMode::AsYouType
    } else {
        SendMode::OnCommand
    };
    let code = run_ui(path, &text, Box::new(transport), mode).map_err(Failure::io)?;
    Ok(ExitCode::from(code))
}

/// Joins the Ableton Link session at `bpm` (the session's own tempo wins when it has peers).
fn link(bpm: f64) -> Result<KeptClock, Failure> {
    #[cfg(feature = "link")]
    {
        Ok(KeptClock::Link {
            session: crate::session::link_clock::join(bpm),
            on: true,
        })
    }
    #[cfg(not(feature = "link"))]
    {
        let _ = bpm;
        // `sync::decide` refuses it first; this is the same answer.
        Err(sync::no_link("--sync"))
    }
}
