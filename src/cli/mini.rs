//! `flam mini`: a mini-notation pattern's events in Strudel's conformance format.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::failure::Failure;
use super::source;
use super::{cycles, mini_draw};
use crate::lang::diagnostic::render;
use crate::lang::mini::{self, conformance};

/// Prints one conformance line for a pattern, or one per line of a batch file; with `draw`,
/// the pattern drawn as text instead.
pub fn run(
    pattern: Option<&str>,
    batch: Option<&Path>,
    cycles: &str,
    draw: bool,
) -> Result<ExitCode, Failure> {
    let (from, to) = cycles::parse(cycles)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let write_err = Failure::output;
    if let Some(path) = batch {
        let text = source::read(path)?;
        for line in source::without_bom(&text).lines() {
            writeln!(out, "{}", conformance::line(line, from, to)).map_err(write_err)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let pattern = pattern.unwrap_or_default();
    if draw {
        return match mini::parse(pattern) {
            Ok(compiled) => {
                for line in mini_draw::draw(&compiled.pattern, from, to) {
                    writeln!(out, "{line}").map_err(write_err)?;
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(d) => {
                eprint!("{}", render("<pattern>", pattern, &[d]));
                Ok(ExitCode::from(2))
            }
        };
    }
    writeln!(out, "{}", conformance::line(pattern, from, to)).map_err(write_err)?;
    match mini::parse(pattern) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(d) => {
            eprint!("{}", render("<pattern>", pattern, &[d]));
            Ok(ExitCode::from(2))
        }
    }
}
