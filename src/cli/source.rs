//! Reading song files, with clear errors for missing files and text that is not UTF-8.

use std::path::Path;

use super::failure::Failure;
use crate::lang::diagnostic::{Diagnostic, render};
use crate::lang::song::{self, Song};

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

/// Compiles song text read from `path`, or renders all of its errors.
pub fn compile_text(path: &Path, text: &str) -> Result<Song, Failure> {
    song::compile(text).map_err(|errors| Failure::input(report(path, text, &errors)))
}

/// Renders diagnostics with a closing count line.
pub fn report(path: &Path, text: &str, errors: &[Diagnostic]) -> String {
    let mut out = render(&path.display().to_string(), text, errors);
    let n = errors.len();
    out.push_str(&format!(
        "{}: {n} error{}\n",
        path.display(),
        if n == 1 { "" } else { "s" }
    ));
    out
}
