//! `flam check`: compile files and report every error in every file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use rustysynth::SoundFont;

use super::failure::Failure;
use super::{soundfonts, source};
use crate::output::soundfont::Source;

/// Checks each file; all problems of all files are printed before the exit code is chosen.
/// Songs that compile are also checked against the SoundFont `soundfont` names (or
/// $FLAM_SOUNDFONT, or the built-in one) for notes it has no sound for.
pub fn run(files: &[PathBuf], soundfont: Option<&str>) -> Result<ExitCode, Failure> {
    let mut failed = false;
    let mut worst = 0;
    // Loaded at the first song that compiles: a file of errors needs no SoundFont.
    let mut font: Option<Option<(Source, Arc<SoundFont>)>> = None;
    for file in files {
        match source::compile(file) {
            Ok(song) => {
                source::warn(file, &song);
                let loaded = match &mut font {
                    Some(loaded) => loaded,
                    None => font.insert(load(soundfont)?),
                };
                if let Some((source, font)) = loaded {
                    source::warn_font(file, &song, source, font);
                }
                let n = song.tracks.len();
                let noun = if n == 1 { "track" } else { "tracks" };
                println!("{}: ok ({n} {noun})", file.display());
            }
            Err(f) => {
                eprint!("{}", f.message);
                if !f.message.ends_with('\n') {
                    eprintln!();
                }
                failed = true;
                worst = worst.max(f.code);
            }
        }
    }
    Ok(if failed {
        ExitCode::from(if worst == 1 { 1 } else { 2 })
    } else {
        ExitCode::SUCCESS
    })
}

/// The SoundFont to check against. One named by `--soundfont` must load; one from
/// $FLAM_SOUNDFONT that does not is only mentioned, since `check` never needed it before.
fn load(flag: Option<&str>) -> Result<Option<(Source, Arc<SoundFont>)>, Failure> {
    match soundfonts::load(flag) {
        Ok(loaded) => Ok(Some(loaded)),
        Err(f) if flag.is_some() => Err(f),
        Err(f) => {
            eprintln!(
                "{}\n  = note: so no song is checked against a SoundFont",
                f.message.trim_end()
            );
            Ok(None)
        }
    }
}
