//! The `--cycles A..B` option.

use super::failure::Failure;

/// The most cycles one listing may cover.
pub const MAX_CYCLES: i64 = 100_000;
/// How far from zero a listing may start or end.
pub const MAX_CYCLE: i64 = 1 << 20;

/// Parses `A..B` into whole cycles with `A < B`.
pub fn parse(text: &str) -> Result<(i64, i64), Failure> {
    let bad = |why: &str| {
        Failure::input(format!(
            "error: invalid --cycles `{text}`: {why}\n  = help: write whole bars as A..B, for example --cycles 0..8 (B is not included)"
        ))
    };
    let (a, b) = text.split_once("..").ok_or_else(|| bad("expected A..B"))?;
    let a: i64 = a
        .trim()
        .parse()
        .map_err(|_| bad("A is not a whole number"))?;
    let b: i64 = b
        .trim()
        .parse()
        .map_err(|_| bad("B is not a whole number"))?;
    if a >= b {
        return Err(bad("A must be less than B"));
    }
    if a.abs() > MAX_CYCLE || b.abs() > MAX_CYCLE {
        return Err(bad(&format!(
            "bars must be from -{MAX_CYCLE} to {MAX_CYCLE}"
        )));
    }
    if b - a > MAX_CYCLES {
        return Err(bad(&format!("at most {MAX_CYCLES} bars at a time")));
    }
    Ok((a, b))
}
