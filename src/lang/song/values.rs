//! The small readers every kind of line shares: a whole number, a share, a note value, a time
//! in milliseconds, a velocity, a setting's value, and the diagnostics they make.

use std::ops::Range;

use super::resolve::Unknown;
use super::syntax::{Statement, Token};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::Value;
use crate::theory::tempo::{Meter, parse_rate};
use crate::theory::time::{Time, parse_decimal};

/// A diagnostic with its help, the shape of nearly every error a line reports.
pub(super) fn err(
    span: &Range<usize>,
    message: impl Into<String>,
    label: &str,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(span.clone(), message, label).with_help(help)
}

/// A word [`resolve`](super::resolve) does not know, as a diagnostic at `span`.
pub(super) fn unknown_to_diagnostic(u: Unknown, span: Range<usize>) -> Diagnostic {
    let d = Diagnostic::new(span, u.message, u.label);
    match u.help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Argument `i` of a line, or an error at the line's end saying what it needs.
pub(super) fn arg<'a>(
    stmt: &'a Statement,
    i: usize,
    what: &str,
    example: &str,
) -> Result<&'a Token, Diagnostic> {
    stmt.args().get(i).ok_or_else(|| {
        let end = stmt.span.end;
        err(
            &(end..end),
            format!("`{}` needs {what}", stmt.keyword()),
            "missing value",
            format!("for example `{example}`"),
        )
    })
}

/// The value `n` places after a setting's keyword, or an error saying the setting needs one.
pub(super) fn setting_value<'a>(
    args: &'a [Token],
    at: usize,
    key: &Token,
    example: &str,
) -> Result<&'a Token, Diagnostic> {
    args.get(at).ok_or_else(|| {
        let kw = key.text.to_ascii_lowercase();
        err(
            &(key.span.end..key.span.end),
            format!("`{kw}` needs a value"),
            "missing value",
            example,
        )
    })
}

/// The index of the first token from `i` on that is one of `keys`: where checking a line of
/// settings goes on after a bad one.
pub(super) fn next_key(args: &[Token], mut i: usize, keys: &[&str]) -> usize {
    while i < args.len() && !keys.contains(&args[i].text.to_ascii_lowercase().as_str()) {
        i += 1;
    }
    i
}

/// A whole number from `min` to `max`.
pub(super) fn int(tok: &Token, min: i64, max: i64, what: &str) -> Result<i64, Diagnostic> {
    match tok.text.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        parsed => Err(err(
            &tok.span,
            format!(
                "{what} must be a whole number from {min} to {max}, got `{}`",
                tok.text
            ),
            if parsed.is_ok() {
                "out of range"
            } else {
                "not a whole number"
            },
            format!("use a whole number from {min} to {max}"),
        )),
    }
}

/// A share written as `58%`, `0.58` or `2/3`.
pub(super) fn share(tok: &Token, min: f64, max: f64, what: &str) -> Result<Time, Diagnostic> {
    let text = tok.text.as_str();
    let value = if let Some(p) = text.strip_suffix('%') {
        parse_decimal(p).map(|t| t / Time::from_integer(100))
    } else if let Some((n, d)) = text.split_once('/') {
        match (n.parse::<i64>(), d.parse::<i64>()) {
            (Ok(n), Ok(d)) if d > 0 && d <= 1000 && n.abs() <= 1000 => Some(Time::new(n, d)),
            _ => None,
        }
    } else {
        parse_decimal(text)
    };
    match value {
        Some(v) if (min..=max).contains(&v.to_f64()) => Ok(v),
        _ => Err(err(
            &tok.span,
            format!(
                "{what} must be from {}% to {}%, got `{text}`",
                min * 100.0,
                max * 100.0
            ),
            "out of range",
            "write a percentage such as `58%`, or a fraction such as `2/3`",
        )),
    }
}

/// A note value (`1/16`, `1/8T`, `1/16.`), as a length in cycles of `meter`.
pub(super) fn rate(tok: &Token, meter: Meter, what: &str) -> Result<Time, Diagnostic> {
    parse_rate(&tok.text)
        .map(|v| meter.note_value_to_cycles(v))
        .ok_or_else(|| {
            err(
                &tok.span,
                format!(
                    "{what} must be a note value such as 1/8, 1/16 or 1/8T, got `{}`",
                    tok.text
                ),
                "not a note value",
                "a trailing T makes a triplet (1/8T), a trailing . dots it (1/16.)",
            )
        })
}

/// `number`, the milliseconds of `tok` without their `ms`, from `-max` to `max`.
pub(super) fn ms_value(tok: &Token, number: &str, max: f64) -> Result<f32, Diagnostic> {
    match number.parse::<f64>() {
        Ok(v) if v.abs() <= max => Ok(v as f32),
        _ => Err(err(
            &tok.span,
            format!(
                "expected milliseconds from -{max} to {max}, got `{}`",
                tok.text
            ),
            "not a time",
            "for example `-10ms`",
        )),
    }
}

/// A velocity: 1–127, or a fraction above 0 and up to 1 written with a point (`0.8`).
pub(super) fn velocity_of(v: &Value) -> Option<u8> {
    let f = v.as_f64()?;
    let exact = v.as_time();
    if exact.is_some_and(|t| t.is_integer()) && f.fract() == 0.0 {
        return (1.0..=127.0).contains(&f).then_some(f as u8);
    }
    (f > 0.0 && f <= 1.0).then(|| ((f * 127.0).round() as u8).max(1))
}

/// [`velocity_of`] as a fraction of 127, keeping a written fraction (`0.8`) exact.
pub(super) fn velocity_fraction(v: &Value) -> Option<f64> {
    let midi = velocity_of(v)?;
    let f = v.as_f64()?;
    Some(
        if f <= 1.0 && !v.as_time().is_some_and(|t| t.is_integer()) {
            f
        } else {
            f64::from(midi) / 127.0
        },
    )
}
