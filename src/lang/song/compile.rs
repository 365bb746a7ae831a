//! Compiles a `.flam` file into a [`Song`], reporting every problem at once.
//!
//! This file holds the entry point and the dispatcher that hands each line to the file named
//! after its concept: `settings.rs` for song settings, `tracks.rs` for track headers and
//! lines, `transforms.rs`, `rudiments.rs`, `arps.rs`, `inputs.rs` and `mapping.rs` for their
//! lines, `finish.rs` and `limits.rs` for what needs a whole track, and `values.rs` for the
//! small readers they share. The words themselves live in [`keywords`](super::keywords).

use std::collections::HashMap;
use std::ops::Range;

use super::keywords::{is_track_keyword, keyword_help};
use super::mapping::{self, Mapping};
use super::sections::{Entry, Finished, SectionDraft};
use super::song::Song;
use super::sync::Sync;
use super::syntax::{Statement, statements};
use super::tracks::TrackDraft;
use super::values::err;
use crate::lang::diagnostic::Diagnostic;
use crate::theory::tempo::{Meter, Tempo};
use crate::theory::time::Time;

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
    let mut tracks = c.finish(&mut errors);
    let form = c.build_form(&tracks, &mut errors);
    let maps = mapping::known_tracks(
        std::mem::take(&mut c.maps),
        &tracks,
        form.as_ref(),
        &mut errors,
    );
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.span.start);
        return Err(errors);
    }
    let meter = c.meter.unwrap_or_default();
    if let Some(form) = &form {
        for (i, track) in tracks.iter_mut().enumerate() {
            track.pattern = form.pattern(i);
            track.lanes = form.lanes(i);
        }
    }
    Ok(Song {
        tempo: Tempo {
            bpm: c.bpm.unwrap_or(120.0),
            meter,
        },
        tracks,
        maps,
        form,
        outputs: std::mem::take(&mut c.outputs),
        sync: c.sync,
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
    /// `section` lines so far, the one being read last.
    pub(super) sections: Vec<SectionDraft>,
    /// The `arrange` line: where it is and its entries.
    pub(super) arrangement: Option<(usize, Vec<Entry>)>,
    /// A `section` line was read and no `track` yet: a track line here has no track.
    pub(super) awaiting_track: bool,
    /// What finishing the tracks left for building the form.
    pub(super) finished: Finished,
    /// `output NAME PORT` lines: where named outputs go.
    pub(super) outputs: Vec<(String, String, usize)>,
    /// The `sync` line's clock.
    pub(super) sync: Option<Sync>,
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
            "section" => return self.section_line(stmt),
            "arrange" => return self.arrange_line(stmt),
            "map" => return self.map_line(stmt),
            "tempo" | "bpm" => return self.tempo_line(stmt),
            "meter" | "time" => return self.meter_line(stmt),
            "title" => return self.song_only(stmt),
            "sync" => return self.sync_line(stmt),
            "output" if self.tracks.is_empty() => return self.output_binding(stmt),
            "swing" if self.tracks.is_empty() => return self.song_swing_line(stmt),
            _ => {}
        }
        if self.awaiting_track && is_track_keyword(&kw) {
            return Err(err(
                &kw_span,
                format!("`{kw}` needs a track in this section"),
                "no track",
                "name the track first: `track NAME` under the section, then its lines",
            ));
        }
        if self.tracks.is_empty() {
            let in_track = is_track_keyword(&kw);
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
