//! Compiles a `.flam` file into a [`Song`], reporting every problem at once.
//!
//! Song settings are read in [`settings`](super::settings), `map` lines in
//! [`mapping`](super::mapping), transform, rudiment, arp and input lines in
//! [`transforms`](super::transforms), [`rudiments`](super::rudiments), [`arps`](super::arps)
//! and [`inputs`](super::inputs), what a track may cost is checked in
//! [`limits`](super::limits), and the small readers every line shares are in
//! [`values`](super::values). The words themselves live in [`keywords`](super::keywords).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::inputs::InputDraft;
use super::keywords::{TRACK_KEYWORDS, TRACK_OPTIONS, keyword_help};
use super::mapping::{self, Mapping};
use super::resolve::{self, Unknown};
use super::rudiments::RudimentDraft;
use super::song::Song;
use super::syntax::{Statement, Token, statements};
use super::track::Track;
use super::track_input::TrackInput;
use super::transforms::{Transform, apply};
use super::values::{arg, err, int, next_key, share, unknown_to_diagnostic, velocity_of};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::mini::ast::AtomRole;
use crate::lang::mini::{self, Compiled};
use crate::pattern::arp::ArpSettings;
use crate::pattern::rudiment_steps::play_rudiment_steps;
use crate::pattern::{Note, Pattern, Value, find_rudiment_step};
use crate::theory::tempo::{Meter, Tempo};
use crate::theory::time::{Time, parse_decimal};
use crate::theory::{gm, suggest};

/// Compiles a whole song, or returns every problem found.
pub fn compile(src: &str) -> Result<Song, Vec<Diagnostic>> {
    let (stmts, mut errors) = statements(src);
    let mut c = Compiler::default();
    for stmt in &stmts {
        if let Err(e) = c.statement(stmt) {
            errors.push(e);
        }
        errors.append(&mut c.also);
    }
    let tracks = c.finish(&mut errors);
    let maps = mapping::known_tracks(std::mem::take(&mut c.maps), &tracks, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.span.start);
        return Err(errors);
    }
    let meter = c.meter.unwrap_or_default();
    Ok(Song {
        tempo: Tempo {
            bpm: c.bpm.unwrap_or(120.0),
            meter,
        },
        tracks,
        maps,
    })
}

/// What the lines read so far have set; each concept's file adds its own `impl Compiler`.
#[derive(Default)]
pub(super) struct Compiler {
    /// `tempo`, until the song is built.
    pub(super) bpm: Option<f64>,
    /// `meter`; read it through [`Compiler::meter`].
    pub(super) meter: Option<Meter>,
    /// The song's `swing`: amount and step.
    pub(super) swing: Option<(Time, Time)>,
    /// Every track so far, the one being read last.
    pub(super) tracks: Vec<TrackDraft>,
    /// The line of the first track of each name: searching the drafts instead took time
    /// quadratic in the number of tracks.
    pub(super) track_lines: HashMap<String, usize>,
    /// Errors found on a line besides the one it returns: a line of several settings reports
    /// every bad setting, not just the first.
    pub(super) also: Vec<Diagnostic>,
    /// `map` lines, with where the track they name is written (checked once all tracks are
    /// known).
    pub(super) maps: Vec<(Mapping, Option<Range<usize>>)>,
}

impl Compiler {
    /// The song's meter: the one set, or 4/4.
    pub(super) fn meter(&self) -> Meter {
        self.meter.unwrap_or_default()
    }

    /// Reads one line, handing it to the file of its keyword.
    fn statement(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let kw = stmt.keyword();
        let kw_span = stmt.tokens[0].span.clone();
        if stmt.tokens[0].quoted {
            return Err(err(
                &kw_span,
                "a line cannot start with a pattern",
                "pattern without a keyword",
                "write `play \"...\"` inside a track",
            ));
        }
        match kw.as_str() {
            "track" => return self.track_header(stmt),
            "map" => return self.map_line(stmt),
            "tempo" | "bpm" => return self.tempo_line(stmt),
            "meter" | "time" => return self.meter_line(stmt),
            "title" => return self.song_only(stmt),
            "swing" if self.tracks.is_empty() => return self.song_swing_line(stmt),
            _ => {}
        }
        if self.tracks.is_empty() {
            let in_track = TRACK_KEYWORDS.contains(&kw.as_str());
            return Err(if in_track {
                err(
                    &kw_span,
                    format!("`{kw}` belongs inside a track"),
                    "outside a track",
                    "start a track first with `track NAME`",
                )
            } else {
                err(
                    &kw_span,
                    format!("unknown setting `{kw}`"),
                    "unknown keyword",
                    keyword_help(&kw, false),
                )
            });
        }
        self.track_statement(stmt)
    }

    /// Checks that a line has nothing after the `used` values its keyword takes.
    pub(super) fn no_more(&self, stmt: &Statement, used: usize) -> Result<(), Diagnostic> {
        match stmt.args().get(used) {
            None => Ok(()),
            Some(extra) => {
                let span = extra.span.start..stmt.span.end;
                let help = if matches!(stmt.keyword().as_str(), "play" | "vel" | "velocity") {
                    "put the whole pattern in double quotes, as in `play \"bd sn\"`"
                } else {
                    "put each setting on its own line"
                };
                Err(err(
                    &span,
                    format!("unexpected `{}` after `{}`", extra.text, stmt.keyword()),
                    "unexpected",
                    help,
                ))
            }
        }
    }
}

/// A pattern string of a track, parsed, with where it sits in the file.
pub(super) struct Play {
    /// The pattern, with what it may cost.
    pub(super) compiled: Compiled,
    /// Its words, for checking once the track knows whether it plays drums.
    pub(super) atoms: Vec<mini::ast::Atom>,
    /// Where the string starts in the file: atoms' spans count from there.
    pub(super) offset: usize,
}

/// A track as its lines have set it so far; [`Compiler::finish`] builds the [`Track`](super::track::Track).
#[derive(Default)]
pub(super) struct TrackDraft {
    pub(super) name: String,
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
}

impl Compiler {
    /// `track NAME [options…]`: starts a track.
    pub(super) fn track_header(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
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
                let program = match tok.text.parse::<i64>() {
                    Ok(_) => int(tok, 1, 128, "a General MIDI program number")? as u8 - 1,
                    Err(_) => gm::program_by_name(&tok.text).ok_or_else(|| {
                        let names = gm::program_names();
                        let guess = suggest::nearest(&gm::kebab_case(&tok.text), names.iter().copied());
                        err(
                            &tok.span,
                            format!("unknown General MIDI program `{}`", tok.text),
                            "unknown program",
                            match guess {
                                Some(g) => format!("did you mean `{g}`?"),
                                None => "write a number from 1 to 128 or a name such as `acoustic-grand-piano`, `electric-bass-finger`, `pad`".to_string(),
                            },
                        )
                    })?,
                };
                draft.program = Some(program);
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

    /// A line inside a track.
    pub(super) fn track_statement(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let kw = stmt.keyword();
        match kw.as_str() {
            k if TRACK_OPTIONS.contains(&k) => {
                let used = self.track_option(&stmt.tokens[0], stmt.args().first())?;
                self.no_more(stmt, used - 1)
            }
            "play" => {
                let tok = arg(stmt, 0, "a pattern in quotes", "play \"bd sn\"")?;
                let play = self.mini(tok)?;
                if let Some(d) = self.tracks.last_mut() {
                    d.plays.push(play);
                }
                self.no_more(stmt, 1)
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
            "swing" => {
                let s = self.swing_args(stmt)?;
                if let Some(d) = self.tracks.last_mut() {
                    d.swing = Some(s);
                }
                Ok(())
            }
            "tempo" | "bpm" | "meter" | "time" | "title" => self.song_only(stmt),
            "rudiment" => self.rudiment_line(stmt),
            "arp" => self.arp_line(stmt),
            "input" => self.input_line(stmt),
            _ => self.transform_line(stmt),
        }
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

/// A stable seed from a track's name, so each track has its own random stream.
fn name_seed(name: &str) -> u32 {
    name.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    }) % 10_000
}

impl Compiler {
    /// Builds the tracks from their drafts, checking what needs the whole track first.
    pub(super) fn finish(&mut self, errors: &mut Vec<Diagnostic>) -> Vec<Track> {
        let mut used_channels: HashSet<u8> = self
            .tracks
            .iter()
            .filter_map(|t| t.channel.as_ref().map(|c| c.0))
            .collect();
        let mut next_channel = 1u8;
        let mut tracks = Vec::new();
        let mut song_density = 0.0;
        let drafts = std::mem::take(&mut self.tracks);
        // Where each track's lines end: at the next track's header.
        let ends: Vec<usize> = drafts
            .iter()
            .skip(1)
            .map(|d| d.header.start)
            .chain([usize::MAX])
            .collect();
        for (draft, end) in drafts.into_iter().zip(ends) {
            // A track whose lines already failed is not reported again as empty.
            let had_errors = errors
                .iter()
                .any(|e| (draft.header.start..end).contains(&e.span.start));
            let explicit_drums = draft.drums || draft.channel.as_ref().is_some_and(|c| c.0 == 10);
            let heads: Vec<&mini::ast::Atom> = draft
                .plays
                .iter()
                .flat_map(|p| p.atoms.iter())
                .filter(|a| a.role == AtomRole::Head)
                .collect();
            let drum_like =
                |text: &str| resolve::is_drum(text) || find_rudiment_step(text).is_some();
            let auto_drums = draft.channel.is_none()
                && heads.iter().any(|a| drum_like(&a.text))
                && heads
                    .iter()
                    .all(|a| drum_like(&a.text) || parse_decimal(&a.text).is_some());
            let drums = explicit_drums || auto_drums;
            let mut ok = true;
            for play in &draft.plays {
                for atom in &play.atoms {
                    let span = atom.span.start + play.offset..atom.span.end + play.offset;
                    let checked = match atom.role {
                        AtomRole::Head if find_rudiment_step(&atom.text).is_some() => Ok(()),
                        AtomRole::Head => {
                            resolve::keys(&Value::from_atom(&atom.text), drums).map(|_| ())
                        }
                        AtomRole::Tail if drums => Err(Unknown {
                            message: format!("`:{}` means nothing after a drum", atom.text),
                            label: "no variants".to_string(),
                            help: Some("General MIDI has one sound per drum name; use bd2, sn2, cr2 or rd2 for the second kick, snare, crash or ride".to_string()),
                        }),
                        AtomRole::Tail => resolve::check_chord_part(&atom.text),
                    };
                    if let Err(u) = checked {
                        errors.push(unknown_to_diagnostic(u, span));
                        ok = false;
                    }
                }
            }
            if let Some((input, span)) = &draft.input
                && !input.transpose
                && !draft.plays.is_empty()
            {
                errors.push(err(
                    span,
                    format!(
                        "track `{}` plays the keys held on its input, so its `play` lines would be ignored",
                        draft.name
                    ),
                    "input and play",
                    "remove the `play` lines, or write `input transpose` to move them to the key pressed",
                ));
                continue;
            }
            if let Some((input, span)) = &draft.input
                && input.transpose
                && draft.plays.is_empty()
            {
                errors.push(err(
                    span,
                    format!("track `{}` transposes its pattern by the key pressed, but plays nothing", draft.name),
                    "nothing to transpose",
                    "add a `play` line: it sounds as written while c4 is held, and moves with the key",
                ));
                continue;
            }
            if draft.plays.is_empty() && draft.input.is_none() && !had_errors {
                errors.push(err(
                    &draft.header,
                    format!("track `{}` plays nothing", draft.name),
                    "empty track",
                    "add a line such as `play \"bd ~ sn ~\"` under it",
                ));
            }
            ok &= !draft.plays.is_empty() || draft.input.is_some();
            let channel = match (&draft.channel, drums) {
                (Some((c, _)), _) => *c,
                (None, true) => 10,
                (None, false) => {
                    while next_channel == 10 || used_channels.contains(&next_channel) {
                        next_channel += 1;
                    }
                    if next_channel > 16 {
                        errors.push(err(
                            &draft.header,
                            "every MIDI channel is taken",
                            "no channel left",
                            "give some tracks the same `channel`",
                        ));
                        ok = false;
                        16
                    } else {
                        used_channels.insert(next_channel);
                        next_channel
                    }
                }
            };
            if !ok {
                continue;
            }
            let swing = draft.swing.or(self.swing);
            let density = match self.check_cost(&draft, swing, song_density) {
                Ok(density) => density,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            song_density += density;
            let seed = name_seed(&draft.name);
            let mut pattern = self.track_pattern(&draft, drums, seed);
            if let Some((amount, step)) = swing {
                pattern = pattern.swing(amount, step);
            }
            let input = draft.input.as_ref().map(|(input, _)| TrackInput {
                channel: input.channel,
                latch: input.latch,
                transpose: input.transpose,
                played_velocity: input.played_velocity,
                arp: draft.arp.clone(),
            });
            tracks.push(Track {
                input,
                name: draft.name,
                channel,
                program: draft.program,
                bank: draft.bank,
                drums,
                pattern,
                gate: draft.gate.unwrap_or(Time::ONE),
                muted: draft.muted,
                line: draft.line,
            });
        }
        tracks
    }

    /// What a track plays: its patterns, rudiments, arpeggio and velocities, then its
    /// transforms in order.
    fn track_pattern(&self, draft: &TrackDraft, drums: bool, seed: u32) -> Pattern<Note> {
        let values = Pattern::stack(
            draft
                .plays
                .iter()
                .map(|p| p.compiled.pattern.clone())
                .collect(),
        );
        let names: Vec<&str> = draft
            .plays
            .iter()
            .flat_map(|p| p.atoms.iter())
            .filter_map(|a| find_rudiment_step(&a.text).map(|_| a.text.as_str()))
            .collect();
        let rudiments = (!names.is_empty())
            .then(|| play_rudiment_steps(&values, self.rudiment_patterns(&draft.rudiment, &names)));
        let plain = if names.is_empty() {
            values
        } else {
            // The names as written, so a query compares strings instead of parsing names.
            let written: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            values.filter_values(move |v| match v {
                Value::Word(w) => !written.iter().any(|n| **n == **w),
                _ => true,
            })
        };
        let played = match &draft.arp {
            // The settings were checked when the line was read, so this cannot fail here.
            Some(settings) => plain
                .fmap(move |v| resolve::keys(v, drums).unwrap_or_default())
                .arp(settings)
                .unwrap_or_else(|_| Pattern::silence()),
            None => plain.flat_map_values(move |v, notes| {
                // Unknown words were reported when the song compiled; here they stay silent.
                let _ = resolve::each_key(v, drums, |k| notes.push(Note::new(k, 100)));
            }),
        };
        let played = match &draft.velocity {
            // A single velocity needs no pattern query per note.
            Some(vel) => match vel
                .query(crate::pattern::Span::new(Time::ZERO, Time::ONE))
                .as_slice()
            {
                [only] if draft.velocity_is_constant => {
                    let velocity = velocity_of(&only.value).unwrap_or(100);
                    played.update_haps(move |h| h.value.velocity = velocity)
                }
                _ => played.app_left_discrete(vel, |n, v| Note {
                    velocity: velocity_of(v).unwrap_or(n.velocity),
                    ..*n
                }),
            },
            None => played,
        };
        let mut notes = match rudiments {
            Some(r) => Pattern::stack(vec![r, played]),
            None => played,
        };
        for t in &draft.transforms {
            notes = apply(t, &notes, seed);
        }
        notes
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
