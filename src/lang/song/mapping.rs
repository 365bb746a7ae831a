//! `map` lines: a controller's knob, fader or pad bound to something the player does
//! (mute or solo a track, the tempo, the panic key, selecting a track in `flam live`).
//!
//! ```flam
//! map cc 20 mute drums
//! map cc 21 ch 2 solo bass
//! map cc 22 tempo 60 180
//! map note 36 panic
//! map cc 23 select
//! ```

use std::fmt;
use std::ops::Range;

use super::compile::Compiler;
use super::form::Form;
use super::syntax::{Statement, Token};
use super::track::Track;
use super::values::err;
use crate::lang::diagnostic::Diagnostic;
use crate::theory::suggest;

pub use super::keywords::MAP_ACTIONS;

/// What a mapping listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A controller (CC 0–127), on one channel or any.
    Control {
        /// The channel, 1–16, or any.
        channel: Option<u8>,
        /// The controller number.
        controller: u8,
    },
    /// A key or pad, on one channel or any.
    Note {
        /// The channel, 1–16, or any.
        channel: Option<u8>,
        /// The note number.
        key: u8,
    },
}

/// What a mapping does.
#[derive(Clone, Debug, PartialEq)]
pub enum MapAction {
    /// Mutes or unmutes the track of this name (a press toggles).
    Mute(String),
    /// Solos or unsolos the track of this name (a press toggles).
    Solo(String),
    /// Sets the tempo: a controller's 0–127 spread from the first BPM to the second.
    Tempo(f64, f64),
    /// Ends every sounding note and plays on.
    Panic,
    /// Selects a track in `flam live`: a controller's 0–127 spread over the tracks.
    Select,
    /// Jumps to the section of this name at the next bar line (a press).
    Section(String),
}

/// One `map` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    /// What it listens to.
    pub trigger: Trigger,
    /// What it does.
    pub action: MapAction,
    /// Its line in the file, for messages.
    pub line: usize,
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, channel, number) = match self.trigger {
            Trigger::Control {
                channel,
                controller,
            } => ("cc", channel, controller),
            Trigger::Note { channel, key } => ("note", channel, key),
        };
        write!(f, "{what} {number}")?;
        if let Some(c) = channel {
            write!(f, " ch {c}")?;
        }
        match &self.action {
            MapAction::Mute(t) => write!(f, " mute {t}"),
            MapAction::Solo(t) => write!(f, " solo {t}"),
            MapAction::Tempo(lo, hi) => write!(f, " tempo {lo} {hi}"),
            MapAction::Panic => write!(f, " panic"),
            MapAction::Select => write!(f, " select"),
            MapAction::Section(s) => write!(f, " section {s}"),
        }
    }
}

fn problem(tok: &Token, message: String, label: &str, help: &str) -> Diagnostic {
    Diagnostic::new(tok.span.clone(), message, label).with_help(help)
}

fn missing(stmt: &Statement, what: &str) -> Diagnostic {
    let end = stmt.span.end;
    Diagnostic::new(end..end, format!("`map` needs {what}"), "missing value")
        .with_help("for example `map cc 20 mute drums` or `map note 36 panic`")
}

fn number(tok: &Token, low: u32, high: u32, what: &str) -> Result<u32, Diagnostic> {
    tok.text
        .parse::<u32>()
        .ok()
        .filter(|n| (low..=high).contains(n))
        .ok_or_else(|| {
            problem(
                tok,
                format!("{what} must be {low}–{high}, got `{}`", tok.text),
                "out of range",
                "for example `map cc 20 mute drums`",
            )
        })
}

/// Reads `map (cc|note) N [ch C] ACTION …`. Track names are checked by the caller, which
/// knows the tracks.
pub fn parse(stmt: &Statement) -> Result<Mapping, Diagnostic> {
    let args = stmt.args();
    let kind = args
        .first()
        .ok_or_else(|| missing(stmt, "`cc` or `note`"))?;
    let num = args.get(1).ok_or_else(|| missing(stmt, "a number"))?;
    let mut i = 2;
    let channel = match args.get(i) {
        Some(t) if matches!(t.text.as_str(), "ch" | "channel") => {
            let c = args.get(i + 1).ok_or_else(|| missing(stmt, "a channel"))?;
            i += 2;
            Some(number(c, 1, 16, "a MIDI channel")? as u8)
        }
        _ => None,
    };
    let trigger = match kind.text.as_str() {
        "cc" | "control" => Trigger::Control {
            channel,
            controller: number(num, 0, 127, "a controller number")? as u8,
        },
        "note" => Trigger::Note {
            channel,
            key: number(num, 0, 127, "a note number")? as u8,
        },
        _ => {
            return Err(problem(
                kind,
                format!("`map` listens to `cc` or `note`, not `{}`", kind.text),
                "unknown",
                "for example `map cc 20 mute drums` or `map note 36 panic`",
            ));
        }
    };
    let action_tok = args.get(i).ok_or_else(|| {
        missing(
            stmt,
            "what to do: mute, solo, tempo, panic, select or section",
        )
    })?;
    let rest = &args[i + 1..];
    let name = |what: &str| -> Result<String, Diagnostic> {
        rest.first()
            .map(|t| t.text.clone())
            .ok_or_else(|| missing(stmt, &format!("the track to {what}")))
    };
    let action = match action_tok.text.as_str() {
        "mute" => MapAction::Mute(name("mute")?),
        "solo" => MapAction::Solo(name("solo")?),
        "tempo" => {
            let bpm = |j: usize| -> Result<f64, Diagnostic> {
                let tok = rest
                    .get(j)
                    .ok_or_else(|| missing(stmt, "the slowest and fastest tempo"))?;
                tok.text
                    .parse::<f64>()
                    .ok()
                    .filter(|b| (20.0..=999.0).contains(b))
                    .ok_or_else(|| {
                        problem(
                            tok,
                            format!("a tempo must be 20–999 BPM, got `{}`", tok.text),
                            "out of range",
                            "for example `map cc 22 tempo 60 180`",
                        )
                    })
            };
            if matches!(trigger, Trigger::Note { .. }) {
                return Err(problem(
                    action_tok,
                    "a key has no range to spread a tempo over".into(),
                    "needs a controller",
                    "map a knob or fader: `map cc 22 tempo 60 180`",
                ));
            }
            MapAction::Tempo(bpm(0)?, bpm(1)?)
        }
        "panic" => MapAction::Panic,
        "select" => MapAction::Select,
        "section" => MapAction::Section(
            rest.first()
                .map(|t| t.text.clone())
                .ok_or_else(|| missing(stmt, "the section to jump to"))?,
        ),
        other => {
            return Err(problem(
                action_tok,
                format!("`map` cannot `{other}`"),
                "unknown action",
                "a mapping can mute, solo, tempo, panic, select or section",
            ));
        }
    };
    Ok(Mapping {
        trigger,
        action,
        line: stmt.line,
    })
}

impl Compiler {
    /// A `map` line, kept with where the track it names is written: tracks may come later.
    pub(super) fn map_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let mapping = parse(stmt)?;
        let name = match mapping.action {
            MapAction::Mute(_) | MapAction::Solo(_) | MapAction::Section(_) => {
                stmt.args().last().map(|t| t.span.clone())
            }
            _ => None,
        };
        self.maps.push((mapping, name));
        Ok(())
    }
}

/// The mappings whose track the song has; one naming another track is reported, with the
/// nearest name.
pub(super) fn known_tracks(
    maps: Vec<(Mapping, Option<Range<usize>>)>,
    tracks: &[Track],
    form: Option<&Form>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Mapping> {
    let mut known = Vec::new();
    for (m, span) in maps {
        if let (MapAction::Section(name), Some(span)) = (&m.action, &span)
            && form.is_none_or(|f| f.section(name).is_none())
        {
            let names: Vec<&str> = form
                .map(|f| f.sections.iter().map(|s| s.name.as_str()).collect())
                .unwrap_or_default();
            let help = match suggest::nearest(name, names.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None if names.is_empty() => {
                    "the song has no sections; start one with `section NAME BARS`".to_string()
                }
                None => format!("the sections are: {}", names.join(", ")),
            };
            errors.push(err(
                span,
                format!("`map` jumps to the section `{name}`, which the song does not have"),
                "no such section",
                help,
            ));
            continue;
        }
        if let (MapAction::Mute(name) | MapAction::Solo(name), Some(span)) = (&m.action, &span)
            && !tracks.iter().any(|t| &t.name == name)
        {
            let names: Vec<&str> = tracks.iter().map(|t| t.name.as_str()).collect();
            let help = match suggest::nearest(name, names.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("the tracks are: {}", names.join(", ")),
            };
            errors.push(err(
                span,
                format!("`map` names the track `{name}`, which the song does not have"),
                "no such track",
                help,
            ));
            continue;
        }
        known.push(m);
    }
    known
}

#[cfg(test)]
mod tests {
    use crate::lang::song::compile;

    const BAND: &str = "track drums drums\n  play \"bd sn\"\ntrack bass\n  play \"c2\"\n";

    #[test]
    fn a_fader_a_knob_and_two_pads_are_mapped() {
        let song = compile(&format!(
            "map cc 20 mute drums\nmap cc 21 ch 2 solo bass\nmap cc 22 tempo 60 180\nmap note 36 panic\n{BAND}map cc 23 select\n"
        ))
        .unwrap();
        let words: Vec<String> = song.maps.iter().map(|m| m.to_string()).collect();
        assert_eq!(
            words,
            [
                "cc 20 mute drums",
                "cc 21 ch 2 solo bass",
                "cc 22 tempo 60 180",
                "note 36 panic",
                "cc 23 select"
            ]
        );
    }

    #[test]
    fn a_misspelt_track_gets_a_did_you_mean_and_a_key_cannot_set_a_tempo() {
        let errors = compile(&format!(
            "map cc 20 mute drms\nmap note 40 tempo 60 180\nmap cc 300 panic\nmap cc 1 loop\n{BAND}"
        ))
        .unwrap_err();
        let said: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(
            said.iter()
                .any(|m| m.contains("a controller number must be 0–127")),
            "{said:?}"
        );
        assert!(said.iter().any(|m| m.contains("cannot `loop`")), "{said:?}");
        let track = errors
            .iter()
            .find(|e| e.message.contains("`drms`"))
            .unwrap();
        assert_eq!(track.help.as_deref(), Some("did you mean `drums`?"));
        assert!(
            said.iter()
                .any(|m| m.contains("no range to spread a tempo over")),
            "{said:?}"
        );
    }
}
