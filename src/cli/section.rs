//! `--section NAME`: one section of an arranged song, on its own.

use std::path::Path;

use super::failure::Failure;
use crate::lang::song::Song;
use crate::lang::song::form::Placement;
use crate::theory::suggest;

/// The song with section `name` placed at its first bar, round and round, and the section's
/// length in bars; the song as it is when no section is asked for.
pub fn place(file: &Path, song: Song, name: Option<&str>) -> Result<(Song, Option<u32>), Failure> {
    let Some(name) = name else {
        return Ok((song, None));
    };
    let Some(form) = &song.form else {
        return Err(Failure::input(format!(
            "error: --section {name}: {} has no sections\n  = help: a song's sections start with `section NAME BARS` lines (see docs/language.md)",
            file.display()
        )));
    };
    let Some(section) = form.section(name) else {
        let help = match suggest::nearest(name, form.sections.iter().map(|s| s.name.as_str())) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "its sections are {}",
                form.sections
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Failure::input(format!(
            "error: --section {name}: {} has no section called `{name}`\n  = help: {help}",
            file.display()
        )));
    };
    let bars = form.sections[section].bars;
    // A section the arrangement leaves out still plays: it is placed on its own.
    let mut alone = form.clone();
    let from = alone.entry_of(section).unwrap_or_else(|| {
        alone.order.push(section);
        alone.order.len() - 1
    });
    let mut song = Song {
        form: Some(alone),
        ..song
    };
    song = song.placed(Placement {
        at: 0,
        from,
        looping: true,
        round: false,
    });
    Ok((song, Some(bars)))
}
