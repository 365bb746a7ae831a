//! Tracks as their lines are read: the `track` header and its options, and the lines inside a
//! track (`play`, `vel`, `gate`, `swing`), handing rudiment, arp, input and transform lines to
//! their own files. [`finish`](super::finish) turns the drafts into tracks.

use std::ops::Range;

use super::compile::Compiler;
use super::inputs::InputDraft;
use super::keywords::{TRACK_OPTIONS, keyword_help};
use super::lane::Target;
use super::rudiments::RudimentDraft;
use super::syntax::{Statement, Token};
use super::transforms::Transform;
use super::values::{arg, err, int, next_key, share, velocity_of};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::mini::{self, Compiled};
use crate::pattern::arp::ArpSettings;
use crate::pattern::{Pattern, Value};
use crate::theory::gm;
use crate::theory::suggest;
use crate::theory::time::Time;

/// A pattern string of a track, parsed, with where it sits in the file.
#[derive(Clone)]
pub(super) struct Play {
    /// The pattern, with what it may cost.
    pub(super) compiled: Compiled,
    /// Its words, for checking once the track knows whether it plays drums.
    pub(super) atoms: Vec<mini::ast::Atom>,
    /// Where the string starts in the file: atoms' spans count from there.
    pub(super) offset: usize,
}

/// A General MIDI program by number (1–128) or name, 0-based.
fn program_of(text: &str, span: &Range<usize>) -> Result<u8, Diagnostic> {
    if let Ok(n) = text.parse::<i64>() {
        return if (1..=128).contains(&n) {
            Ok(n as u8 - 1)
        } else {
            Err(err(
                span,
                format!(
                    "a General MIDI program number must be a whole number from 1 to 128, got `{text}`"
                ),
                "out of range",
                "use a whole number from 1 to 128",
            ))
        };
    }
    gm::program_by_name(text).ok_or_else(|| {
        let names = gm::program_names();
        let guess = suggest::nearest(&gm::kebab_case(text), names.iter().copied());
        err(
            span,
            format!("unknown General MIDI program `{text}`"),
            "unknown program",
            match guess {
                Some(g) => format!("did you mean `{g}`?"),
                None => "write a number from 1 to 128 or a name such as `acoustic-grand-piano`, `electric-bass-finger`, `pad`".to_string(),
            },
        )
    })
}

/// A track as its lines have set it so far; [`Compiler::finish`] builds the [`Track`](super::track::Track).
#[derive(Clone, Default)]
pub(super) struct TrackDraft {
    pub(super) name: String,
    /// In a section, the draft of the track written before (above the sections, or in an
    /// earlier section) that this one plays with its own lines: it keeps that track's
    /// channel and settings.
    pub(super) base: Option<usize>,
    pub(super) line: usize,
    pub(super) header: Range<usize>,
    pub(super) channel: Option<(u8, Range<usize>)>,
    pub(super) drums: bool,
    pub(super) program: Option<u8>,
    pub(super) bank: Option<u16>,
    pub(super) muted: bool,
    pub(super) plays: Vec<Play>,
    pub(super) velocity: Option<Pattern<Value>>,
    /// Whether the velocity is one plain number, the same for every note.
    pub(super) velocity_is_constant: bool,
    /// How many events per cycle the velocity pattern may hold: each may split a note.
    pub(super) velocity_density: f64,
    pub(super) transforms: Vec<Transform>,
    pub(super) gate: Option<Time>,
    pub(super) swing: Option<(Time, Time)>,
    pub(super) rudiment: RudimentDraft,
    pub(super) arp: Option<ArpSettings>,
    /// `input`: how the track listens, and where the line is.
    pub(super) input: Option<(InputDraft, Range<usize>)>,
    /// `output NAME`: the named output it goes to.
    pub(super) output: Option<String>,
    /// `cc`, `volume`, `pan`, `bend` and `pressure` lines: one lane per target, the last
    /// line for it winning.
    pub(super) lanes: Vec<super::lane::Lane>,
    /// `bend-range N`: the pitch wheel's reach in semitones, set through RPN 0.
    pub(super) bend_range: Option<u8>,
}

impl Compiler {
    /// `track NAME [options…]`: starts a track.
    pub(super) fn track_header(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        if self.section_track(stmt)? {
            return Ok(());
        }
        let name_tok = arg(stmt, 0, "a name", "track drums")?;
        let name = name_tok.text.clone();
        if let Some(&line) = self.track_lines.get(&name) {
            // Keep a draft so the rest of its lines are still checked.
            self.tracks.push(TrackDraft {
                name: name.clone(),
                line: stmt.line,
                header: name_tok.span.clone(),
                ..Default::default()
            });
            return Err(err(
                &name_tok.span,
                format!("there is already a track called `{name}` (line {line})"),
                "duplicate name",
                "give each track its own name",
            ));
        }
        self.track_lines.insert(name.clone(), stmt.line);
        self.tracks.push(TrackDraft {
            name,
            line: stmt.line,
            header: name_tok.span.clone(),
            ..Default::default()
        });
        let args = &stmt.args()[1..];
        let mut i = 0;
        while i < args.len() {
            match self.track_option(&args[i], args.get(i + 1)) {
                Ok(used) => i += used,
                Err(e) => {
                    self.also.push(e);
                    i = next_key(args, i + 1, TRACK_OPTIONS);
                }
            }
        }
        Ok(())
    }

    /// A destination setting (`drums`, `channel 2`, `program piano`, `bank 1`, `mute`), on the
    /// track line or its own line; returns how many tokens it used.
    pub(super) fn track_option(
        &mut self,
        key: &Token,
        value: Option<&Token>,
    ) -> Result<usize, Diagnostic> {
        let kw = key.text.to_ascii_lowercase();
        let need = |what: &str, example: &str| {
            value.ok_or_else(|| {
                err(
                    &(key.span.end..key.span.end),
                    format!("`{kw}` needs {what}"),
                    "missing value",
                    format!("for example `{example}`"),
                )
            })
        };
        if matches!(kw.as_str(), "program" | "prog")
            && let Some(tok) = value.filter(|t| t.quoted)
        {
            return self.program_pattern(tok).map(|()| 2);
        }
        let Some(draft) = self.tracks.last_mut() else {
            return Ok(1);
        };
        match kw.as_str() {
            "drums" => {
                draft.drums = true;
                Ok(1)
            }
            "mute" | "muted" => {
                draft.muted = true;
                Ok(1)
            }
            "channel" | "ch" => {
                let tok = need("a MIDI channel", "channel 2")?;
                let ch = int(tok, 1, 16, "a MIDI channel")? as u8;
                draft.channel = Some((ch, tok.span.clone()));
                Ok(2)
            }
            "program" | "prog" => {
                let tok = need("a General MIDI program", "program electric-piano-1")?;
                draft.program = Some(program_of(&tok.text, &tok.span)?);
                Ok(2)
            }
            "bank" => {
                let tok = need("a bank number", "bank 1")?;
                draft.bank = Some(int(tok, 0, 16383, "a bank")? as u16);
                Ok(2)
            }
            _ => Err(err(
                &key.span,
                format!("unknown track setting `{}`", key.text),
                "unknown setting",
                keyword_help(&kw, true),
            )),
        }
    }

    /// `program "<1 electric-piano-1>"`: the program as a pattern, sent at each step's start
    /// (per bar with `<…>`), before that step's notes.
    fn program_pattern(&mut self, tok: &Token) -> Result<(), Diagnostic> {
        let play = self.mini(tok)?;
        for atom in &play.atoms {
            let span = atom.span.start + play.offset..atom.span.end + play.offset;
            program_of(&atom.text, &span)?;
        }
        let pattern = play.compiled.pattern.fmap(|v| {
            let text = v.to_string();
            u16::from(program_of(&text, &(0..0)).unwrap_or(0))
        });
        if let Some(d) = self.tracks.last_mut() {
            d.program = None;
        }
        self.set_lane(Target::Program, pattern);
        Ok(())
    }

    /// A line inside a track.
    pub(super) fn track_statement(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let kw = stmt.keyword();
        match kw.as_str() {
            k if TRACK_OPTIONS.contains(&k) => {
                let used = self.track_option(&stmt.tokens[0], stmt.args().first())?;
                self.no_more(stmt, used - 1)
            }
            "play"
                if stmt
                    .args()
                    .first()
                    .is_some_and(|t| !t.quoted && t.text.eq_ignore_ascii_case("choose-cycles")) =>
            {
                let play = self.choose_cycles(stmt)?;
                if let Some(d) = self.tracks.last_mut() {
                    d.plays.push(play);
                }
                Ok(())
            }
            "play" => {
                let tok = arg(stmt, 0, "a pattern in quotes", "play \"bd sn\"")?;
                let play = self.mini(tok)?;
                if let Some(d) = self.tracks.last_mut() {
                    d.plays.push(play);
                }
                self.no_more(stmt, 1)
            }
            // A signal (`velocity sine range 0.3 1`) is sampled where each note starts after
            // the transforms above it, so it is a transform.
            "vel" | "velocity"
                if stmt.args().first().is_some_and(|t| {
                    !t.quoted && t.text.parse::<f64>().is_err() && t.text != "("
                }) =>
            {
                self.transform_line(stmt)
            }
            "vel" | "velocity" => {
                let tok = arg(
                    stmt,
                    0,
                    "a velocity or a pattern of them",
                    "vel \"110 70 90 70\"",
                )?;
                let play = self.mini(tok)?;
                for atom in &play.atoms {
                    let span = atom.span.start + play.offset..atom.span.end + play.offset;
                    if velocity_of(&Value::from_atom(&atom.text)).is_none() {
                        return Err(err(
                            &span,
                            format!(
                                "a velocity must be from 1 to 127 (or a fraction such as 0.8), got `{}`",
                                atom.text
                            ),
                            "not a velocity",
                            "for example `vel \"120 60 90 60\"`",
                        ));
                    }
                }
                if let Some(d) = self.tracks.last_mut() {
                    d.velocity_is_constant =
                        velocity_of(&Value::from_atom(tok.text.trim())).is_some();
                    d.velocity_density = play.compiled.density;
                    d.velocity = Some(play.compiled.pattern);
                }
                self.no_more(stmt, 1)
            }
            // A pattern of lengths (`legato "<1 0.5>"`) sets each note's own, as Strudel's
            // `legato` does; one number is the track's gate.
            "legato" if stmt.args().first().is_some_and(|t| t.quoted) => self.transform_line(stmt),
            "gate" | "legato" => {
                let tok = arg(
                    stmt,
                    0,
                    "a length",
                    if kw == "gate" {
                        "gate 50%"
                    } else {
                        "legato 1.5"
                    },
                )?;
                let g = share(tok, 0.01, 4.0, "gate")?;
                if let Some(d) = self.tracks.last_mut() {
                    d.gate = Some(g);
                }
                self.no_more(stmt, 1)
            }
            // `swing 4` (a whole number alone) is Strudel's `swing(4)`: a transform in order.
            "swing"
                if stmt.args().len() == 1
                    && stmt.args()[0].text.parse::<i64>().is_ok_and(|n| n >= 1) =>
            {
                self.transform_line(stmt)
            }
            "swing" => {
                let s = self.swing_args(stmt)?;
                if let Some(d) = self.tracks.last_mut() {
                    d.swing = Some(s);
                }
                Ok(())
            }
            "tempo" | "bpm" | "meter" | "time" | "title" => self.song_only(stmt),
            "output" | "bend-range" if self.tracks.last().is_some_and(|d| d.base.is_some()) => {
                Err(self.setup_in_section(stmt))
            }
            "output" => {
                let tok = arg(stmt, 0, "an output's name", "output drums")?;
                if let Some(d) = self.tracks.last_mut() {
                    d.output = Some(tok.text.clone());
                }
                self.no_more(stmt, 1).map_err(|e| {
                    e.with_help(
                        "name the output only (`output drums`); say where it goes with `--out drums=PORT`",
                    )
                })
            }
            "cc" | "volume" | "pan" | "bend" | "pressure" | "nrpn" => self.lane_line(stmt),
            "bend-range" => {
                let tok = arg(stmt, 0, "semitones", "bend-range 12")?;
                let semitones = int(tok, 1, 48, "a bend range in semitones")? as u8;
                if let Some(d) = self.tracks.last_mut() {
                    d.bend_range = Some(semitones);
                }
                self.no_more(stmt, 1)
            }
            "rudiment" => self.rudiment_line(stmt),
            // `arp "0 1 2 1"` picks chord notes by number, as Strudel's does; `arp up` is the
            // arpeggiator.
            "arp" if stmt.args().first().is_some_and(|t| t.quoted) => self.transform_line(stmt),
            "arp" => self.arp_line(stmt),
            "input" => self.input_line(stmt),
            _ => self.transform_line(stmt),
        }
    }

    /// `play choose-cycles "a b" "c d" …`: one of the patterns each cycle, picked by
    /// Strudel's dice at the cycle's start (its `chooseCycles`).
    fn choose_cycles(&self, stmt: &Statement) -> Result<Play, Diagnostic> {
        let example = "play choose-cycles \"c3 e3 g3\" \"a2 c3 e3\"";
        let choices = &stmt.args()[1..];
        if choices.is_empty() {
            arg(stmt, 1, "the patterns to choose from, in quotes", example)?;
        }
        let mut plays = Vec::new();
        for tok in choices {
            if !tok.quoted {
                return Err(err(
                    &tok.span,
                    format!("expected a pattern in quotes, got `{}`", tok.text),
                    "not a pattern",
                    format!("for example `{example}`"),
                ));
            }
            plays.push(self.mini(tok)?);
        }
        let offset = plays[0].offset;
        let atoms = plays
            .iter()
            .flat_map(|p| {
                p.atoms.iter().map(move |a| mini::ast::Atom {
                    span: a.span.start + p.offset - offset..a.span.end + p.offset - offset,
                    ..a.clone()
                })
            })
            .collect();
        let density = plays.iter().map(|p| p.compiled.density).fold(0.0, f64::max);
        let pattern =
            Pattern::choose_cycle(plays.into_iter().map(|p| p.compiled.pattern).collect(), 0);
        Ok(Play {
            compiled: mini::compile::Compiled {
                pattern,
                steps: None,
                density,
            },
            atoms,
            offset,
        })
    }

    /// An `output` or `bend-range` line under a track a section plays: both hold for the
    /// whole song (the port is opened, the wheel's reach set, before the first note).
    fn setup_in_section(&self, stmt: &Statement) -> Diagnostic {
        let kw = stmt.keyword();
        let (name, line) = match self.tracks.last() {
            Some(d) => (
                d.name.as_str(),
                d.base
                    .and_then(|b| self.tracks.get(b))
                    .map_or(0, |b| b.line),
            ),
            None => ("", 0),
        };
        err(
            &stmt.tokens[0].span,
            format!("`{kw}` holds for the whole song, so a section cannot change it"),
            "set for the whole song",
            format!(
                "put `{kw}` under `track {name}` on line {line}, where the track is first written"
            ),
        )
    }

    /// Parses a pattern string in quotes, its spans placed in the file.
    pub(super) fn mini(&self, tok: &Token) -> Result<Play, Diagnostic> {
        let offset = tok.span.start;
        let group = mini::parser::parse(&tok.text).map_err(|d| d.shifted(offset))?;
        let compiled = mini::compile::compile(&group).map_err(|d| d.shifted(offset))?;
        Ok(Play {
            compiled,
            atoms: group.value_atoms(),
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::song::compile;

    #[test]
    fn a_second_track_of_the_same_name_points_at_the_first() {
        let errors = compile("track a\n  play \"bd\"\ntrack a\n  play \"sn\"\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "there is already a track called `a` (line 1)"
        );
    }
}
