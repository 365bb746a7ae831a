//! `flam rudiments`: the 40 PAS International Drum Rudiments, with their sticking.

use std::io::Write;
use std::process::ExitCode;

use super::failure::Failure;
use crate::pattern::{rudiments, sticking};

/// Prints each rudiment's number, name, id, natural rate and sticking.
pub fn run() -> Result<ExitCode, Failure> {
    let mut out = String::from(
        "  #  name                          id                          rate   sticking\n",
    );
    for r in rudiments() {
        out.push_str(&format!(
            "{:>3}  {:<28}  {:<26}  {:<5}  {}\n",
            r.number,
            r.name,
            r.id,
            r.rate.to_string(),
            sticking(r)
        ));
    }
    out.push_str("\nR/L: right/left hand, > accent, lower case: grace notes (flams, drags), RR/LL: diddles.\n");
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(Failure::output)?;
    Ok(ExitCode::SUCCESS)
}
