//! The `--bars N` / `--seconds S` options of `render` and `export`.

use super::failure::Failure;
use crate::engine::message::Message;
use crate::lang::song::Song;
use crate::output::length::{Length, messages};

/// Bars rendered when neither option is given.
pub const DEFAULT_BARS: u32 = 8;
/// The most bars one render or export may cover.
pub const MAX_BARS: u32 = 10_000;

/// The length from the two options (clap keeps them exclusive); without either, `natural`
/// bars (an arranged song's length, or a section's) or [`DEFAULT_BARS`].
pub fn parse(
    bars: Option<u32>,
    seconds: Option<f64>,
    natural: Option<i64>,
) -> Result<Length, Failure> {
    match (bars, seconds) {
        (Some(n), _) if !(1..=MAX_BARS).contains(&n) => Err(Failure::input(format!(
            "error: invalid --bars {n}: give 1 to {MAX_BARS} bars"
        ))),
        (Some(n), _) => Ok(Length::Bars(n)),
        (None, Some(s)) if !(s > 0.0 && s <= crate::output::render::MAX_SECONDS) => {
            Err(Failure::input(format!(
                "error: invalid --seconds {s}: give more than 0 and at most {} seconds",
                crate::output::render::MAX_SECONDS
            )))
        }
        (None, Some(s)) => Ok(Length::Seconds(s)),
        (None, None) => Ok(Length::Bars(match natural {
            Some(n) => n.clamp(1, i64::from(MAX_BARS)) as u32,
            None => DEFAULT_BARS,
        })),
    }
}

/// Refuses a song that plays no note in `length`: an empty WAV or MIDI file is a mistake
/// (a new file, every track muted, the wrong file), not something to write.
pub fn require_notes(file: &std::path::Path, song: &Song, length: Length) -> Result<(), Failure> {
    let (list, _) = messages(song, length);
    if list
        .iter()
        .any(|t| matches!(t.message, Message::NoteOn { .. }))
    {
        return Ok(());
    }
    let span = match length {
        Length::Bars(1) => "its first bar".to_string(),
        Length::Bars(n) => format!("its first {n} bars"),
        Length::Seconds(s) => format!("its first {s} seconds"),
    };
    let help = if song.tracks.is_empty() {
        "add a track, e.g. `track drums` with `  play \"bd sn\"` below it"
    } else if song.tracks.iter().all(|t| t.muted) {
        "every track is muted: remove `mute` from the ones to hear"
    } else {
        "check the `play` lines, or give a longer --bars"
    };
    Err(Failure::input(format!(
        "error: {} plays no notes in {span}; nothing was written\n  = help: {help}",
        file.display()
    )))
}

/// An output path's problem, in words, for a file that could not be created.
pub fn create_failure(path: &std::path::Path, e: &std::io::Error) -> Failure {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let help = if e.kind() == std::io::ErrorKind::StorageFull {
        "the disk or device is full".to_string()
    } else if !dir.exists() {
        format!(
            "the folder `{}` does not exist; create it first",
            dir.display()
        )
    } else if path.is_dir() {
        "give a file name, not a folder".to_string()
    } else {
        "check that the folder is writable".to_string()
    };
    Failure::io(format!(
        "error: cannot write `{}`: {e}\n  = help: {help}",
        path.display()
    ))
}
