//! Song form: named sections and the arrangement that plays them, from intro to outro. A
//! song with sections plays each track's section pattern while that section plays, each
//! section from its own first bar, as a drum machine's song mode or a DAW's arrangement does.

use crate::pattern::arrangement::{Piece, arrange};
use crate::pattern::{Note, Pattern};

/// One section: its name, length, and what each of the song's tracks plays in it.
#[derive(Clone, Debug)]
pub struct Section {
    /// Its name, unique within the song.
    pub name: String,
    /// How many bars it lasts.
    pub bars: u32,
    /// The line it starts on, for messages.
    pub line: usize,
    /// Per track of the song (in the song's track order): what it plays here; `None` when
    /// the section leaves it out.
    pub patterns: Vec<Option<Pattern<Note>>>,
}

/// Where the song's arrangement is placed in play time: which entry plays from which bar,
/// and whether one section loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The bar (from 0) the placed music starts on.
    pub at: i64,
    /// The arrangement entry that starts there.
    pub from: usize,
    /// Loop that entry's section instead of going on through the arrangement.
    pub looping: bool,
}

/// The sections and their order.
#[derive(Clone, Debug)]
pub struct Form {
    /// Every section, in file order.
    pub sections: Vec<Section>,
    /// The arrangement: a section index per entry, repeats written out (`verse x2` is two
    /// entries).
    pub order: Vec<usize>,
    /// How the arrangement is placed now.
    pub placement: Placement,
}

/// Where a bar falls in the arrangement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    /// The arrangement entry.
    pub entry: usize,
    /// The section it plays.
    pub section: usize,
    /// The bar within the section, from 0.
    pub bar: i64,
}

impl Form {
    /// The section called `name`.
    pub fn section(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.name == name)
    }

    /// The arrangement's length in bars.
    pub fn bars(&self) -> i64 {
        self.order
            .iter()
            .map(|&s| i64::from(self.sections[s].bars))
            .sum()
    }

    /// How many bars the placed music lasts from its start: `None` when a section loops.
    pub fn remaining_bars(&self) -> Option<i64> {
        if self.placement.looping {
            return None;
        }
        Some(
            self.order
                .iter()
                .skip(self.placement.from)
                .map(|&s| i64::from(self.sections[s].bars))
                .sum(),
        )
    }

    /// The entry that first plays section `section`.
    pub fn entry_of(&self, section: usize) -> Option<usize> {
        self.order.iter().position(|&s| s == section)
    }

    /// Where play-time bar `bar` falls; `None` before the placed music or after its end.
    pub fn spot(&self, bar: i64) -> Option<Spot> {
        let mut into = bar - self.placement.at;
        if into < 0 {
            return None;
        }
        let first = *self.order.get(self.placement.from)?;
        if self.placement.looping {
            let length = i64::from(self.sections[first].bars.max(1));
            return Some(Spot {
                entry: self.placement.from,
                section: first,
                bar: into % length,
            });
        }
        for (entry, &section) in self.order.iter().enumerate().skip(self.placement.from) {
            let length = i64::from(self.sections[section].bars);
            if into < length {
                return Some(Spot {
                    entry,
                    section,
                    bar: into,
                });
            }
            into -= length;
        }
        None
    }

    /// Track `track`'s pattern as placed: its part in each section, one after another.
    pub fn pattern(&self, track: usize) -> Pattern<Note> {
        let piece = |&section: &usize| {
            let s = &self.sections[section];
            Piece {
                bars: s.bars,
                pattern: s
                    .patterns
                    .get(track)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(Pattern::silence),
            }
        };
        let Placement { at, from, looping } = self.placement;
        let pieces: Vec<Piece<Note>> = if looping {
            self.order.get(from).map(piece).into_iter().collect()
        } else {
            self.order.iter().skip(from).map(piece).collect()
        };
        arrange(pieces, at, looping)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::span::Span;
    use crate::theory::time::Time;

    fn hit(key: u8) -> Pattern<Note> {
        Pattern::pure(Note::new(key, 100))
    }

    /// Intro (1 bar: kick), verse (2 bars: kick and bass), played intro, verse x2.
    fn form() -> Form {
        Form {
            sections: vec![
                Section {
                    name: "intro".into(),
                    bars: 1,
                    line: 1,
                    patterns: vec![Some(hit(36)), None],
                },
                Section {
                    name: "verse".into(),
                    bars: 2,
                    line: 5,
                    patterns: vec![Some(hit(36)), Some(hit(40))],
                },
            ],
            order: vec![0, 1, 1],
            placement: Placement {
                at: 0,
                from: 0,
                looping: false,
            },
        }
    }

    fn keys(p: &Pattern<Note>, from: i64, to: i64) -> Vec<(i64, u8)> {
        p.query(Span::new(Time::from_integer(from), Time::from_integer(to)))
            .into_iter()
            .filter(|h| h.has_onset())
            .map(|h| (h.part.begin.floor().to_integer(), h.value.key))
            .collect()
    }

    #[test]
    fn the_bass_comes_in_with_the_verse_and_the_song_ends_with_it() {
        let f = form();
        assert_eq!(f.bars(), 5);
        assert_eq!(
            keys(&f.pattern(0), 0, 8),
            [(0, 36), (1, 36), (2, 36), (3, 36), (4, 36)]
        );
        assert_eq!(
            keys(&f.pattern(1), 0, 8),
            [(1, 40), (2, 40), (3, 40), (4, 40)]
        );
    }

    #[test]
    fn every_bar_knows_its_section_and_the_bar_within_it() {
        let f = form();
        let spots: Vec<(usize, i64)> = (0..5)
            .map(|b| f.spot(b).map(|s| (s.entry, s.bar)).expect("in the song"))
            .collect();
        assert_eq!(spots, [(0, 0), (1, 0), (1, 1), (2, 0), (2, 1)]);
        assert_eq!(f.spot(5), None, "after the end");
        assert_eq!(f.spot(-1), None);
    }

    #[test]
    fn a_jump_places_the_section_at_the_bar_asked_and_goes_on_from_there() {
        let mut f = form();
        f.placement = Placement {
            at: 7,
            from: f.entry_of(1).expect("verse plays"),
            looping: false,
        };
        assert_eq!(f.remaining_bars(), Some(4));
        assert_eq!(
            keys(&f.pattern(1), 0, 12),
            [(7, 40), (8, 40), (9, 40), (10, 40)]
        );
        assert_eq!(f.spot(9).map(|s| (s.entry, s.bar)), Some((2, 0)));
    }

    #[test]
    fn a_looped_section_goes_round_and_never_ends() {
        let mut f = form();
        f.placement = Placement {
            at: 2,
            from: 1,
            looping: true,
        };
        assert_eq!(f.remaining_bars(), None);
        assert_eq!(keys(&f.pattern(1), 0, 7).len(), 5, "bars 2 to 6");
        assert_eq!(f.spot(6).map(|s| s.bar), Some(0), "round again");
    }
}
