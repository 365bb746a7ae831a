//! `flam check`: compile files and report every error in every file.

use std::path::PathBuf;
use std::process::ExitCode;

use super::failure::Failure;
use super::source;

/// Checks each file; all problems of all files are printed before the exit code is chosen.
pub fn run(files: &[PathBuf]) -> Result<ExitCode, Failure> {
    let mut failed = false;
    let mut worst = 0;
    for file in files {
        match source::compile(file) {
            Ok(song) => {
                source::warn(file, &song);
                println!("{}: ok ({} tracks)", file.display(), song.tracks.len());
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
