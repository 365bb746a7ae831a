//! Song form as it is read: `section NAME [BARS]` lines, the tracks listed under each, and the
//! `arrange` line; then the [`Form`] built from them once every track is finished.

use std::collections::HashMap;
use std::ops::Range;

use super::compile::Compiler;
use super::form::{Form, Placement, Section};
use super::lane::Lane;
use super::syntax::Statement;
use super::track::Track;
use super::tracks::TrackDraft;
use super::values::{arg, err, int};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::{Note, Pattern};
use crate::theory::suggest;

/// The most bars one section may last.
const MAX_SECTION_BARS: i64 = 1024;

/// The most times `xN` may repeat a section.
const MAX_REPEATS: i64 = 256;

/// A section as its lines are read.
pub(super) struct SectionDraft {
    pub(super) name: String,
    pub(super) bars: u32,
    pub(super) line: usize,
    /// The drafts of the tracks it lists (indices into the compiler's drafts).
    pub(super) members: Vec<usize>,
}

/// What finishing the tracks left for the form: each draft's base (for a section's version
/// of a track written above), the track each base draft became, and each section version's
/// pattern (by draft).
#[derive(Default)]
pub(super) struct Finished {
    pub(super) bases: Vec<Option<usize>>,
    pub(super) of_draft: HashMap<usize, usize>,
    pub(super) variants: HashMap<usize, Pattern<Note>>,
    /// Each section version's lanes (by draft): the track's own with the version's lines
    /// in place of those for the same target.
    pub(super) variant_lanes: HashMap<usize, Vec<Lane>>,
}

/// One entry of the `arrange` line as written.
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) times: u32,
    pub(super) span: Range<usize>,
}

impl Compiler {
    /// `section NAME [BARS [bars]]`: the tracks after it, up to the next section, play in it.
    pub(super) fn section_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let name_tok = arg(stmt, 0, "a name", "section verse 8")?;
        let name = name_tok.text.clone();
        let duplicate = self.sections.iter().find(|s| s.name == name).map(|first| {
            err(
                &name_tok.span,
                format!(
                    "there is already a section called `{name}` (line {})",
                    first.line
                ),
                "duplicate section",
                "give each section its own name; to play one twice, name it twice in `arrange`",
            )
        });
        let bars = match stmt.args().get(1) {
            Some(tok) => int(tok, 1, MAX_SECTION_BARS, "a number of bars")? as u32,
            None => 1,
        };
        let used = match stmt.args().get(2) {
            Some(t) if matches!(t.text.as_str(), "bar" | "bars") => 3,
            _ => 2,
        };
        self.sections.push(SectionDraft {
            name,
            bars,
            line: stmt.line,
            members: Vec::new(),
        });
        self.awaiting_track = true;
        // Even a duplicate is kept, so the tracks under it are checked as its own.
        if let Some(e) = duplicate {
            return Err(e);
        }
        self.no_more(stmt, used)
    }

    /// `arrange intro, verse x2, chorus`: the order the sections play in.
    pub(super) fn arrange_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        if let Some((line, _)) = &self.arrangement {
            return Err(err(
                &stmt.tokens[0].span,
                format!("the song is already arranged (line {line})"),
                "second arrangement",
                "write every section in one `arrange` line, in the order they play",
            ));
        }
        arg(
            stmt,
            0,
            "the sections in order",
            "arrange intro, verse x2, chorus",
        )?;
        let mut entries: Vec<Entry> = Vec::new();
        for tok in stmt.args() {
            for (piece, at) in split_commas(&tok.text) {
                let span = tok.span.start + at..tok.span.start + at + piece.len();
                let repeat = piece
                    .strip_prefix(['x', 'X', '×'])
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                match (repeat, entries.last_mut()) {
                    (Some(n), Some(last)) => {
                        let times = n.parse::<i64>().unwrap_or(i64::MAX);
                        if !(1..=MAX_REPEATS).contains(&times) {
                            return Err(err(
                                &span,
                                format!("a section repeats 1 to {MAX_REPEATS} times, not {n}"),
                                "repeats",
                                "for example `verse x4`",
                            ));
                        }
                        last.times = times as u32;
                    }
                    (Some(_), None) => {
                        return Err(err(
                            &span,
                            format!("`{piece}` repeats the section before it, but there is none"),
                            "nothing to repeat",
                            "write the section first: `arrange verse x2`",
                        ));
                    }
                    (None, _) => entries.push(Entry {
                        name: piece.to_string(),
                        times: 1,
                        span,
                    }),
                }
            }
        }
        self.arrangement = Some((stmt.line, entries));
        Ok(())
    }

    /// `track NAME` inside a section: the track written above plays here (with the lines
    /// below it instead of its own, when there are any), or a new track starts that only the
    /// sections listing it play. Returns `true` when the header was handled here.
    pub(super) fn section_track(&mut self, stmt: &Statement) -> Result<bool, Diagnostic> {
        let Some(section) = self.sections.len().checked_sub(1) else {
            return Ok(false);
        };
        let name_tok = arg(stmt, 0, "a name", "track drums")?;
        let name = name_tok.text.clone();
        let listed = self.sections[section]
            .members
            .iter()
            .any(|&m| self.tracks[m].name == name);
        self.awaiting_track = false;
        let Some(base) = self
            .tracks
            .iter()
            .position(|d| d.name == name && d.base.is_none())
        else {
            // A new track, the song's from here on: `track_header` reads it.
            self.sections[section].members.push(self.tracks.len());
            return Ok(false);
        };
        self.sections[section].members.push(self.tracks.len());
        self.tracks.push(TrackDraft {
            name: name.clone(),
            line: stmt.line,
            header: name_tok.span.clone(),
            base: Some(base),
            ..Default::default()
        });
        if listed {
            return Err(err(
                &name_tok.span,
                format!(
                    "track `{name}` is already in section `{}`",
                    self.sections[section].name
                ),
                "listed twice",
                "list each track once in a section; put both patterns in one track with two `play` lines",
            ));
        }
        if let Some(extra) = stmt.args().get(1) {
            return Err(err(
                &(extra.span.start..stmt.span.end),
                format!(
                    "track `{name}` is set up on line {}; a section plays it as it is there",
                    self.tracks[base].line
                ),
                "settings in a section",
                "change its channel, program or drums where the track is first written",
            ));
        }
        Ok(true)
    }

    /// Builds the song form from the sections, once the song's `tracks` are finished (and
    /// with them [`Finished`]).
    pub(super) fn build_form(
        &mut self,
        tracks: &[Track],
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Form> {
        let Finished {
            bases,
            of_draft,
            variants,
            variant_lanes,
        } = &self.finished;
        if self.sections.is_empty() {
            if let Some((line, entries)) = &self.arrangement
                && let Some(first) = entries.first()
            {
                errors.push(err(
                    &first.span,
                    format!("`arrange` (line {line}) names sections, but the song has none"),
                    "no sections",
                    "start each section with `section NAME BARS` and the tracks it plays",
                ));
            }
            return None;
        }
        let sections: Vec<Section> = self
            .sections
            .iter()
            .map(|s| {
                let mut patterns: Vec<Option<Pattern<Note>>> = vec![None; tracks.len()];
                let mut lanes: Vec<Vec<Lane>> = vec![Vec::new(); tracks.len()];
                for &member in &s.members {
                    let base = bases.get(member).copied().flatten();
                    let track = of_draft.get(&base.unwrap_or(member)).copied();
                    let (pattern, own) = match base {
                        Some(_) => (
                            variants.get(&member).cloned(),
                            variant_lanes.get(&member).cloned(),
                        ),
                        None => (
                            track.map(|t| tracks[t].pattern.clone()),
                            track.map(|t| tracks[t].lanes.clone()),
                        ),
                    };
                    if let (Some(t), Some(p)) = (track, pattern) {
                        patterns[t] = Some(p);
                        lanes[t] = own.unwrap_or_default();
                    }
                }
                Section {
                    name: s.name.clone(),
                    bars: s.bars,
                    line: s.line,
                    patterns,
                    lanes,
                }
            })
            .collect();
        let order: Vec<usize> = match &self.arrangement {
            None => (0..sections.len()).collect(),
            Some((_, entries)) => {
                let mut order = Vec::new();
                for entry in entries {
                    match sections.iter().position(|s| s.name == entry.name) {
                        Some(i) => order.extend(std::iter::repeat_n(i, entry.times as usize)),
                        None => {
                            let guess = suggest::nearest(
                                &entry.name,
                                sections.iter().map(|s| s.name.as_str()),
                            );
                            errors.push(err(
                                &entry.span,
                                format!("there is no section called `{}`", entry.name),
                                "unknown section",
                                match guess {
                                    Some(g) => format!("did you mean `{g}`?"),
                                    None => format!(
                                        "the sections are {}",
                                        sections
                                            .iter()
                                            .map(|s| format!("`{}`", s.name))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                },
                            ));
                        }
                    }
                }
                order
            }
        };
        Some(Form {
            sections,
            order,
            placement: Placement::START,
        })
    }
}

/// The pieces of `text` between commas, with where each starts; empty pieces dropped.
fn split_commas(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ',')]) {
        if c == ',' {
            let piece = text[start..i].trim();
            if !piece.is_empty() {
                let at = start + (text[start..i].len() - text[start..i].trim_start().len());
                out.push((piece, at));
            }
            start = i + c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_commas;

    #[test]
    fn commas_may_stick_to_either_word() {
        assert_eq!(split_commas("intro,"), [("intro", 0)]);
        assert_eq!(split_commas(",verse"), [("verse", 1)]);
        assert_eq!(split_commas("a,b"), [("a", 0), ("b", 2)]);
    }
}
