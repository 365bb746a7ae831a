//! Reading song files, with clear errors for missing files and text that is not UTF-8.

use std::path::Path;

use super::failure::Failure;
use crate::lang::diagnostic::{Diagnostic, render};
use crate::lang::song::{self, Song};
use crate::output::soundfont::Source;
use rustysynth::SoundFont;

/// Reads a file as UTF-8 text.
pub fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "check the path; `ls patterns/` shows the bundled songs"
            }
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ if path.is_dir() => "give a file, not a folder",
            _ => "check that the path names a readable file",
        };
        Failure::io(format!(
            "error: cannot read `{}`: {e}\n  = help: {hint}",
            path.display()
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let text = String::from_utf8_lossy(&bytes[..valid]);
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Failure::input(format!(
            "{}:{line}:{col}: error: the file is not UTF-8 text (byte 0x{:02x})\n  = help: save the file as UTF-8",
            path.display(),
            bytes.get(valid).copied().unwrap_or(0)
        ))
    })
}

/// Compiles a song file, or renders all of its errors.
pub fn compile(path: &Path) -> Result<Song, Failure> {
    let text = read(path)?;
    compile_text(path, &text)
}

/// Prints what in `song` will not sound as written (see [`crate::lang::song::warning`]) to
/// stderr; warnings never stop anything.
pub fn warn(path: &Path, song: &Song) {
    for w in crate::lang::song::warning::warnings(song) {
        eprint!("{}", w.render(&path.display().to_string()));
    }
}

/// Prints what in `song` the SoundFont from `source` has no sound for (see
/// [`crate::output::coverage`]) to stderr; like [`warn`], it never stops anything.
pub fn warn_font(path: &Path, song: &Song, source: &Source, font: &SoundFont) {
    let name = crate::output::coverage::font_name(source);
    for w in crate::output::coverage::warnings(song, font, &name) {
        eprint!("{}", w.render(&path.display().to_string()));
    }
}

/// Compiles song text read from `path`, or renders all of its errors.
pub fn compile_text(path: &Path, text: &str) -> Result<Song, Failure> {
    let text = without_bom(text);
    song::compile(text).map_err(|errors| Failure::input(report(path, text, &errors)))
}

/// The text without a leading byte order mark, which Windows editors write and nobody sees.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The most errors one report shows in full; the closing line still counts them all. Each
/// shows its source line, so thousands of errors on one long line ran to gigabytes.
const MAX_SHOWN: usize = 100;

/// Renders diagnostics, at most [`MAX_SHOWN`] of them, with a closing count line.
pub fn report(path: &Path, text: &str, errors: &[Diagnostic]) -> String {
    let shown = &errors[..errors.len().min(MAX_SHOWN)];
    let mut out = render(&path.display().to_string(), text, shown);
    let n = errors.len();
    if n > shown.len() {
        out.push_str(&format!(
            "{}: {} more errors not shown\n",
            path.display(),
            n - shown.len()
        ));
    }
    out.push_str(&format!(
        "{}: {n} error{}\n",
        path.display(),
        if n == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_shows_the_first_hundred_errors_and_counts_them_all() {
        let text = format!("track t\n  play \"{}\"\n", "xx ".repeat(1_000));
        let errors = song::compile(&text).unwrap_err();
        assert_eq!(errors.len(), 1_000);
        let out = report(Path::new("a.flam"), &text, &errors);
        assert_eq!(out.matches(": error: ").count(), MAX_SHOWN);
        assert!(out.ends_with("a.flam: 900 more errors not shown\na.flam: 1000 errors\n"));
    }
}
