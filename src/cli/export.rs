//! `flam export`: a song to a Standard MIDI File, exactly the notes it plays.

use std::path::Path;
use std::process::ExitCode;

use super::failure::Failure;
use super::{length, section, source};
use crate::output::destination::Destination;
use crate::output::smf;

/// Writes the song's notes over `--bars`/`--seconds` as a type-1 MIDI file: atomically to a
/// file, or whole to a device, FIFO or standard output (`-o -`).
pub fn run(
    file: &Path,
    out: &Path,
    bars: Option<u32>,
    section: Option<&str>,
    seconds: Option<f64>,
) -> Result<ExitCode, Failure> {
    let song = source::compile(file)?;
    source::warn(file, &song);
    let (song, section_bars) = section::place(file, song, section)?;
    let natural = section_bars.map(i64::from).or(song.length_bars());
    let length = length::parse(bars, seconds, natural)?;
    length::require_notes(file, &song, length)?;
    let export = smf::export(&song, length);
    if export.bytes.is_empty() {
        return Err(Failure::io("error: could not encode the MIDI file"));
    }
    let fail = |e: std::io::Error| length::create_failure(out, &e);
    let destination = Destination::resolve(out).map_err(fail)?;
    destination.write_all(&export.bytes).map_err(fail)?;
    let mut notes = format!(
        "wrote {}: {} tracks, {} notes, {} ticks per quarter note",
        destination.describe(),
        song.tracks.len() + 1,
        export.notes,
        export.ppq
    );
    if export.rounded > 0 {
        notes.push_str(&format!(
            ", {} times rounded to the nearest tick",
            export.rounded
        ));
    }
    if export.shift > 0 {
        notes.push_str(&format!(
            ", moved {} ticks later for notes before bar 1",
            export.shift
        ));
    }
    eprintln!("{notes}");
    Ok(ExitCode::SUCCESS)
}
