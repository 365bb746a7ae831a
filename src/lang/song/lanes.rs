//! Lane lines inside a track: `cc NUMBER|NAME`, `volume` and `pan` (CC 7 and CC 10, the two
//! every mixer has), `bend`, `pressure` and `nrpn PARAM`, each with a value, a `"pattern"` or
//! a signal (`sine range 20 100 segment 8`).

use super::compile::Compiler;
use super::keywords::CONTROLLER_NAMES;
use super::lane::{Lane, Target};
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

/// The highest NRPN parameter and value: 14 bits, two 7-bit halves.
const HIGHEST_14_BIT: i64 = 16383;

/// Whether `v`, as written, is a value `target` takes: a whole number 0–127 (0–16383 for an
/// NRPN), or −1 to 1 for the pitch wheel.
fn written_ok(target: Target, v: f64) -> bool {
    match target {
        Target::Bend => (-1.0..=1.0).contains(&v),
        Target::Nrpn(_) => v.fract() == 0.0 && (0.0..=HIGHEST_14_BIT as f64).contains(&v),
        _ => v.fract() == 0.0 && (0.0..=127.0).contains(&v),
    }
}

/// A value as written turned into what goes on the wire: 0–127, 0–16383 for an NRPN, or the
/// 14-bit wheel position (−1 is 0, 0 the middle 8192, 1 is 16383).
fn wire(target: Target, v: f64) -> u16 {
    match target {
        // The middle is exact: 8192 below it to the bottom, 8191 above it to the top.
        Target::Bend => {
            let v = v.clamp(-1.0, 1.0);
            let reach = if v < 0.0 { 8192.0 } else { 8191.0 };
            (8192.0 + v * reach).round() as u16
        }
        Target::Nrpn(_) => v.round().clamp(0.0, HIGHEST_14_BIT as f64) as u16,
        _ => v.round().clamp(0.0, 127.0) as u16,
    }
}

/// What a value of `target` looks like, for messages.
fn what(target: Target) -> &'static str {
    match target {
        Target::Bend => "a bend is a number from -1 to 1",
        Target::Pressure => "a pressure is a whole number 0–127",
        Target::Program => "a program is a number 1–128 or a General MIDI name",
        Target::Control(_) => "a controller value is a whole number 0–127",
        Target::Nrpn(_) => "an NRPN value is a whole number 0–16383",
    }
}

impl Compiler {
    /// `cc`, `volume`, `pan`, `bend`, `pressure` or `nrpn`: a lane for the track being read.
    pub(super) fn lane_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let kw = stmt.keyword();
        let (target, value_at) = match kw.as_str() {
            "volume" => (Target::Control(7), 0),
            "pan" => (Target::Control(10), 0),
            "bend" => (Target::Bend, 0),
            "pressure" => (Target::Pressure, 0),
            "nrpn" => {
                let tok = arg(stmt, 0, "a parameter number", "nrpn 1025 \"0 8192 16383\"")?;
                let param = int(tok, 0, HIGHEST_14_BIT, "an NRPN parameter")?;
                (Target::Nrpn(param as u16), 1)
            }
            _ => {
                let tok = arg(stmt, 0, "a controller", "cc cutoff \"<20 60 100>\"")?;
                (Target::Control(controller(tok)?), 1)
            }
        };
        let example = match kw.as_str() {
            "volume" => "volume 100",
            "pan" => "pan 32 (0 is left, 64 the middle, 127 right)",
            "bend" => "bend \"0 0.5 1 0\" or bend sine range -0.5 0.5",
            "pressure" => "pressure \"0 40 80 127\"",
            "nrpn" => "nrpn 1025 \"0 8192 16383\" or nrpn 1025 saw range 0 16383",
            _ => "cc cutoff \"<20 60 100>\"",
        };
        let tok = arg(stmt, value_at, "a value or a pattern of them", example)?;
        if !tok.quoted
            && let Some(wave) = signal::named(&tok.text.to_ascii_lowercase())
        {
            let pattern = signal_lane(stmt, value_at + 1, wave, target)?;
            self.set_lane(target, pattern);
            return Ok(());
        }
        let pattern = if tok.quoted {
            let play = self.mini(tok)?;
            for atom in &play.atoms {
                let value = Value::from_atom(&atom.text).as_f64();
                if !value.is_some_and(|v| written_ok(target, v)) {
                    let span = atom.span.start + play.offset..atom.span.end + play.offset;
                    return Err(err(
                        &span,
                        format!("{}, got `{}`", what(target), atom.text),
                        "not a value",
                        format!("for example `{example}`"),
                    ));
                }
            }
            play.compiled
                .pattern
                .fmap(move |v| wire(target, v.as_f64().unwrap_or(0.0)))
        } else {
            match tok.text.parse::<f64>() {
                Ok(v) if written_ok(target, v) => Pattern::pure(wire(target, v)),
                _ => {
                    return Err(err(
                        &tok.span,
                        format!("{}, got `{}`", what(target), tok.text),
                        "not a value",
                        format!("for example `{example}`"),
                    ));
                }
            }
        };
        self.set_lane(target, pattern);
        self.no_more(stmt, value_at + 1)
    }

    /// Gives the track being read `pattern` for `target`, replacing an earlier line's.
    pub(super) fn set_lane(&mut self, target: Target, pattern: Pattern<u16>) {
        if let Some(d) = self.tracks.last_mut() {
            d.lanes.retain(|l| l.target != target);
            d.lanes.push(Lane { target, pattern });
        }
    }
}

/// A signal as a lane: its settings from token `at` on (`range LO HI`, default the whole of
/// what `target` takes, 0–16383 for an NRPN; `segment N` steps a cycle, default 16; `slow N` / `fast N`), sampled
/// at each step's start.
fn signal_lane(
    stmt: &Statement,
    at: usize,
    wave: Pattern<f64>,
    target: Target,
) -> Result<Pattern<u16>, Diagnostic> {
    let args = stmt.args();
    let (mut lo, mut hi) = match target {
        Target::Bend => (-1.0, 1.0),
        Target::Nrpn(_) => (0.0, HIGHEST_14_BIT as f64),
        _ => (0.0, 127.0),
    };
    let mut steps = 16;
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
        let end = |tok: &Token| -> Result<f64, Diagnostic> {
            match tok.text.parse::<f64>() {
                Ok(v) if written_ok(target, v) => Ok(v),
                _ => Err(err(
                    &tok.span,
                    format!("{}, got `{}`", what(target), tok.text),
                    "not a value",
                    "for example `range 20 100` (`range -0.5 0.5` for a bend, `range 0 16383` for an NRPN)",
                )),
            }
        };
        match key.text.as_str() {
            "range" => {
                lo = end(value(1, "range 20 100")?)?;
                hi = end(value(2, "range 20 100")?)?;
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
        .fmap(move |v| wire(target, v * (hi - lo) + lo)))
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
