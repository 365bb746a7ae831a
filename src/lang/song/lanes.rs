//! Controller lines inside a track: `cc NUMBER|NAME VALUE|"PATTERN"`, and `volume` and `pan`
//! for the two every mixer has (CC 7 and CC 10).

use super::compile::Compiler;
use super::keywords::CONTROLLER_NAMES;
use super::syntax::{Statement, Token};
use super::transforms::speed as speed_of;
use super::values::{arg, err, int};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::{Pattern, Value, signal};
use crate::theory::suggest;
use crate::theory::time::Time;

/// The highest controller a lane may set: 120–127 are channel mode messages (All Notes Off
/// and its kin), which flam sends itself.
const HIGHEST_CONTROLLER: i64 = 119;

/// A controller value written as a whole number 0–127.
pub(super) fn controller_value(v: &Value) -> Option<u8> {
    let f = v.as_f64()?;
    (f.fract() == 0.0 && (0.0..=127.0).contains(&f)).then_some(f as u8)
}

impl Compiler {
    /// `cc`, `volume` or `pan`: a controller lane for the track being read.
    pub(super) fn lane_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let kw = stmt.keyword();
        let (controller, value_at) = match kw.as_str() {
            "volume" => (7, 0),
            "pan" => (10, 0),
            _ => {
                let tok = arg(stmt, 0, "a controller", "cc cutoff \"<20 60 100>\"")?;
                (controller(tok)?, 1)
            }
        };
        let example = match kw.as_str() {
            "volume" => "volume 100",
            "pan" => "pan 32 (0 is left, 64 the middle, 127 right)",
            _ => "cc cutoff \"<20 60 100>\"",
        };
        let tok = arg(
            stmt,
            value_at,
            "a value 0–127 or a pattern of them",
            example,
        )?;
        if !tok.quoted
            && let Some(wave) = signal::named(&tok.text.to_ascii_lowercase())
        {
            let pattern = signal_lane(stmt, value_at + 1, wave)?;
            self.set_lane(controller, pattern);
            return Ok(());
        }
        let pattern = if tok.quoted {
            let play = self.mini(tok)?;
            for atom in &play.atoms {
                if controller_value(&Value::from_atom(&atom.text)).is_none() {
                    let span = atom.span.start + play.offset..atom.span.end + play.offset;
                    return Err(err(
                        &span,
                        format!(
                            "a controller value is a whole number 0–127, got `{}`",
                            atom.text
                        ),
                        "not a value",
                        format!("for example `{example}`"),
                    ));
                }
            }
            play.compiled
                .pattern
                .fmap(|v| controller_value(v).unwrap_or(0))
        } else {
            Pattern::pure(int(tok, 0, 127, "a controller value")? as u8)
        };
        self.set_lane(controller, pattern);
        self.no_more(stmt, value_at + 1)
    }

    /// Gives the track being read `pattern` for `controller`, replacing an earlier line's.
    fn set_lane(&mut self, controller: u8, pattern: Pattern<u8>) {
        if let Some(d) = self.tracks.last_mut() {
            d.lanes.retain(|l| l.controller != controller);
            d.lanes.push(super::lane::Lane {
                controller,
                pattern,
            });
        }
    }
}

/// A signal as a lane: its settings from token `at` on (`range LO HI`, default 0–127;
/// `segment N` steps a cycle, default 16; `slow N` / `fast N`), sampled at each step's start.
fn signal_lane(stmt: &Statement, at: usize, wave: Pattern<f64>) -> Result<Pattern<u8>, Diagnostic> {
    let args = stmt.args();
    let (mut lo, mut hi, mut steps) = (0.0, 127.0, 16);
    let mut speed: Option<(bool, Time)> = None;
    let mut i = at;
    while let Some(key) = args.get(i) {
        let value = |j: usize, example: &str| {
            args.get(i + j).ok_or_else(|| {
                err(
                    &(key.span.end..key.span.end),
                    format!("`{}` needs a value", key.text),
                    "missing value",
                    format!("for example `{example}`"),
                )
            })
        };
        match key.text.as_str() {
            "range" => {
                lo = int(value(1, "range 20 100")?, 0, 127, "the low end of a range")? as f64;
                hi = int(value(2, "range 20 100")?, 0, 127, "the high end of a range")? as f64;
                i += 3;
            }
            "segment" => {
                steps = int(value(1, "segment 16")?, 1, 128, "steps a cycle")?;
                i += 2;
            }
            "slow" | "fast" => {
                let kw = key.text.as_str();
                speed = Some((kw == "fast", speed_of(value(1, "slow 4")?, kw)?));
                i += 2;
            }
            _ => {
                return Err(err(
                    &key.span,
                    format!("a signal lane has no setting `{}`", key.text),
                    "unknown setting",
                    "a signal takes `range LO HI`, `segment N`, `slow N` or `fast N`",
                ));
            }
        }
    }
    let wave = match speed {
        Some((true, by)) => wave.fast(by),
        Some((false, by)) => wave.slow(by),
        None => wave,
    };
    Ok(wave
        .segment(steps)
        .fmap(move |v| (v * (hi - lo) + lo).round().clamp(0.0, 127.0) as u8))
}

/// A controller by number (0–119) or by name (`cutoff`, `mod`, `sustain` …).
fn controller(tok: &Token) -> Result<u8, Diagnostic> {
    if tok.text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(int(tok, 0, HIGHEST_CONTROLLER, "a controller number")? as u8);
    }
    let name = tok.text.to_ascii_lowercase();
    if let Some(&(_, number)) = CONTROLLER_NAMES.iter().find(|(n, _)| *n == name) {
        return Ok(number);
    }
    let names = CONTROLLER_NAMES.iter().map(|(n, _)| *n);
    Err(err(
        &tok.span,
        format!("unknown controller `{}`", tok.text),
        "unknown controller",
        match suggest::nearest(&name, names.clone()) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "give a number 0–{HIGHEST_CONTROLLER} or a name: {}",
                names.collect::<Vec<_>>().join(", ")
            ),
        },
    ))
}
