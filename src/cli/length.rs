//! The `--bars N` / `--seconds S` options of `render` and `export`.

use super::failure::Failure;
use crate::output::length::Length;

/// Bars rendered when neither option is given.
pub const DEFAULT_BARS: u32 = 8;
/// The most bars one render or export may cover.
pub const MAX_BARS: u32 = 10_000;

/// The length from the two options (clap keeps them exclusive).
pub fn parse(bars: Option<u32>, seconds: Option<f64>) -> Result<Length, Failure> {
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
        (None, None) => Ok(Length::Bars(DEFAULT_BARS)),
    }
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
