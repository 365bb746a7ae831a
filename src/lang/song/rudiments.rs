//! `rudiment` lines: which rudiment a track plays and how (rate, hands, velocities, the flam's
//! grace offset, repeats), and the patterns the track's rudiment names play.

use super::compile::Compiler;
use super::keywords::{RUDIMENT_KEYS, unknown_setting};
use super::resolve;
use super::syntax::{Statement, Token};
use super::values::{err, int, ms_value, next_key, rate, setting_value, unknown_to_diagnostic};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::rudiment_steps::RudimentPatterns;
use crate::pattern::{
    RudimentSettings, Value, find_rudiment, find_rudiment_step, rudiment_pattern,
};
use crate::theory::tempo::Tempo;
use crate::theory::time::Time;

/// What `rudiment` lines set; unset values fall back to each rudiment's own defaults.
#[derive(Clone, Default)]
pub(super) struct RudimentDraft {
    pub(super) rate: Option<Time>,
    pub(super) hands: Option<(u8, u8)>,
    pub(super) accent: Option<u8>,
    pub(super) tap: Option<u8>,
    pub(super) grace: Option<u8>,
    pub(super) diddle: Option<u8>,
    pub(super) grace_offset: Option<GraceOffset>,
    pub(super) repeats: Option<u32>,
}

/// How far before its stroke a grace note falls.
#[derive(Clone, Copy)]
pub(super) enum GraceOffset {
    Ms(f32),
    Note(Time),
}

/// A drum or note name (or MIDI number) for one hand of a rudiment.
fn drum_key(tok: &Token) -> Result<u8, Diagnostic> {
    match resolve::keys(&Value::from_atom(&tok.text), true) {
        Ok(keys) if keys.len() == 1 => Ok(keys[0]),
        Ok(_) => Err(err(
            &tok.span,
            "a hand plays one drum or note",
            "not a single voice",
            "for example `hands sn rim`",
        )),
        Err(u) => Err(unknown_to_diagnostic(u, tok.span.clone())),
    }
}

impl Compiler {
    /// `rudiment [NAME] [rate R] [hands RIGHT LEFT] [voice V] [accent V] [tap V] [grace V]
    /// [diddle V] [flam 25ms|1/64] [repeats N]`; a NAME also plays that rudiment.
    pub(super) fn rudiment_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let args = stmt.args();
        let meter = self.meter();
        let mut i = 0;
        if let Some(first) = args.first()
            && !RUDIMENT_KEYS.contains(&first.text.to_ascii_lowercase().as_str())
        {
            if find_rudiment(&first.text).is_none() {
                let help = match resolve::nearest_rudiment(&first.text) {
                    Some(g) => format!("did you mean `{g}`? `flam rudiments` lists all 40"),
                    None => "`flam rudiments` lists all 40 PAS rudiments by name".to_string(),
                };
                return Err(err(
                    &first.span,
                    format!("unknown rudiment `{}`", first.text),
                    "unknown rudiment",
                    help,
                ));
            }
            // A PAS number (`rudiment 16`) plays the rudiment it numbers: in a pattern a number
            // would be a MIDI note.
            let play = match (find_rudiment_step(&first.text), find_rudiment(&first.text)) {
                (None, Some(numbered)) => self.mini(&Token {
                    text: numbered.id.to_string(),
                    ..first.clone()
                })?,
                _ => self.mini(first)?,
            };
            if let Some(d) = self.tracks.last_mut() {
                d.plays.push(play);
            }
            i = 1;
        }
        let Some(draft) = self.tracks.last_mut().map(|d| &mut d.rudiment) else {
            return Ok(());
        };
        let mut bad = Vec::new();
        while i < args.len() {
            let key = &args[i];
            let kw = key.text.to_ascii_lowercase();
            let value = |n: usize| {
                setting_value(
                    args,
                    i + n,
                    key,
                    "for example `rudiment flam-tap rate 1/16 hands sn sn accent 120`",
                )
            };
            let velocity =
                |tok: &Token| int(tok, 1, 127, &format!("the {kw} velocity")).map(|v| v as u8);
            let mut setting = || -> Result<usize, Diagnostic> {
                Ok(match kw.as_str() {
                    "rate" => {
                        draft.rate = Some(rate(value(1)?, meter, "the rudiment rate")?);
                        2
                    }
                    "hands" => {
                        draft.hands = Some((drum_key(value(1)?)?, drum_key(value(2)?)?));
                        3
                    }
                    "voice" => {
                        let k = drum_key(value(1)?)?;
                        draft.hands = Some((k, k));
                        2
                    }
                    "accent" => {
                        draft.accent = Some(velocity(value(1)?)?);
                        2
                    }
                    "tap" => {
                        draft.tap = Some(velocity(value(1)?)?);
                        2
                    }
                    "grace" => {
                        draft.grace = Some(velocity(value(1)?)?);
                        2
                    }
                    "diddle" => {
                        draft.diddle = Some(velocity(value(1)?)?);
                        2
                    }
                    "flam" => {
                        let tok = value(1)?;
                        draft.grace_offset = Some(match tok.text.strip_suffix("ms") {
                            Some(ms) => {
                                let v = ms_value(tok, ms, 200.0)?;
                                if v <= 0.0 {
                                    return Err(err(
                                        &tok.span,
                                        format!(
                                            "a grace falls 1 to 200 ms before its stroke, got `{}`",
                                            tok.text
                                        ),
                                        "out of range",
                                        "about 25ms sounds like a real flam",
                                    ));
                                }
                                GraceOffset::Ms(v)
                            }
                            None => GraceOffset::Note(rate(tok, meter, "the grace offset")?),
                        });
                        2
                    }
                    "repeats" => {
                        draft.repeats = Some(int(value(1)?, 1, 1024, "`repeats`")? as u32);
                        2
                    }
                    _ => return Err(unknown_setting(key, "rudiment", RUDIMENT_KEYS)),
                })
            };
            match setting() {
                Ok(used) => i += used,
                Err(e) => {
                    bad.push(e);
                    i = next_key(args, i + 1, RUDIMENT_KEYS);
                }
            }
        }
        self.also.extend(bad);
        Ok(())
    }

    /// One pattern per rudiment the track names, with the track's settings over each
    /// rudiment's own rate.
    pub(super) fn rudiment_patterns(
        &self,
        draft: &RudimentDraft,
        names: &[&str],
    ) -> RudimentPatterns {
        let defaults = RudimentSettings::default();
        let spc = Tempo {
            bpm: self.bpm.unwrap_or(120.0),
            meter: self.meter(),
        }
        .seconds_per_cycle();
        let mut out = RudimentPatterns::new();
        for name in names {
            let Some(r) = find_rudiment(name) else {
                continue;
            };
            let (right, left) = draft.hands.unwrap_or((defaults.right, defaults.left));
            let settings = RudimentSettings {
                step: draft
                    .rate
                    .unwrap_or_else(|| self.meter().note_value_to_cycles(r.rate.of_whole())),
                right,
                left,
                accent: draft.accent.unwrap_or(defaults.accent),
                tap: draft.tap.unwrap_or(defaults.tap),
                grace: draft.grace.unwrap_or(defaults.grace),
                diddle: draft.diddle.unwrap_or(defaults.diddle),
                grace_ms: match draft.grace_offset {
                    Some(GraceOffset::Ms(ms)) => ms,
                    Some(GraceOffset::Note(cycles)) => (cycles.to_f64() * spc * 1000.0) as f32,
                    None => defaults.grace_ms,
                },
                repeats: draft.repeats,
            };
            out.insert(name.to_string(), rudiment_pattern(r, &settings));
        }
        out
    }
}
