//! Song form: named sections and the arrangement that plays them, from intro to outro. A
//! song with sections plays each track's section pattern while that section plays, each
//! section from its own first bar, as a drum machine's song mode or a DAW's arrangement does.

use super::lane::{Lane, Target};
use crate::pattern::arrangement::{Piece, arrange};
use crate::pattern::pattern::Payload;
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
    /// Per track of the song: its lanes here (its own from above, with the section's lines
    /// in place of those for the same target); empty when the section leaves it out.
    pub lanes: Vec<Vec<Lane>>,
}

/// Where the song's arrangement is placed in play time: which entry plays from which bar,
/// whether one section loops, and whether the arrangement goes round (live) or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The bar (from 0) the placed music starts on.
    pub at: i64,
    /// The arrangement entry that starts there.
    pub from: usize,
    /// Loop that entry's section instead of going on through the arrangement.
    pub looping: bool,
    /// After the last entry, start again at the first (as `flam live` plays a song).
    pub round: bool,
}

impl Placement {
    /// The arrangement from its start at bar 0, once.
    pub const START: Placement = Placement {
        at: 0,
        from: 0,
        looping: false,
        round: false,
    };
}

/// A change of where the arrangement is, asked for while it plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Go to this arrangement entry's section, from its first bar.
    Jump(usize),
    /// Loop the section playing (`true`), or go on through the arrangement after it.
    Loop(bool),
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

    /// The entries one pass of the music placed by `placement` plays, in order, and whether it
    /// goes round.
    fn pass(&self, placement: Placement) -> (Vec<usize>, bool) {
        let Placement {
            from,
            looping,
            round,
            ..
        } = placement;
        let from = from.min(self.order.len());
        if looping {
            return ((from..self.order.len()).take(1).collect(), true);
        }
        let rest = from..self.order.len();
        if round {
            (rest.chain(0..from).collect(), true)
        } else {
            (rest.collect(), false)
        }
    }

    /// How many bars the placed music lasts from its start: `None` when it goes round.
    pub fn remaining_bars(&self) -> Option<i64> {
        let (pass, cycles) = self.pass(self.placement);
        (!cycles).then(|| pass.iter().map(|&e| self.entry_bars(e)).sum())
    }

    /// The bar (from 0) the placed music ends on, when it ends.
    pub fn end_bar(&self) -> Option<i64> {
        self.remaining_bars().map(|n| self.placement.at + n)
    }

    /// How long entry `entry` lasts, in bars.
    fn entry_bars(&self, entry: usize) -> i64 {
        i64::from(self.sections[self.order[entry]].bars.max(1))
    }

    /// The placement that makes `change` from bar `bar` on (the bar line it takes over at): a
    /// jump starts its section there; looping or leaving a loop keeps the section's place in
    /// its bars, so the music goes on without a stumble.
    pub fn moved(&self, change: Move, bar: i64) -> Placement {
        let round = self.placement.round;
        let last = self.order.len().saturating_sub(1);
        match (change, self.spot(bar)) {
            (Move::Jump(entry), _) => Placement {
                at: bar,
                from: entry.min(last),
                looping: false,
                round,
            },
            (Move::Loop(looping), Some(spot)) => Placement {
                at: bar - spot.bar,
                from: spot.entry,
                looping,
                round,
            },
            // Past the end of a song that ends: loop or go on from its last section.
            (Move::Loop(looping), None) => Placement {
                at: bar,
                from: last,
                looping,
                round,
            },
        }
    }

    /// The entry that first plays the section called `name`; `None` when there is no such
    /// section or the arrangement leaves it out.
    pub fn entry_named(&self, name: &str) -> Option<usize> {
        self.section(name).and_then(|s| self.entry_of(s))
    }

    /// The entry that first plays section `section`.
    pub fn entry_of(&self, section: usize) -> Option<usize> {
        self.order.iter().position(|&s| s == section)
    }

    /// Where play-time bar `bar` falls; `None` before the placed music or after its end.
    pub fn spot(&self, bar: i64) -> Option<Spot> {
        self.spot_placed(self.placement, bar)
    }

    /// [`Form::spot`] for the arrangement placed by `placement` (as the engine reports it),
    /// without placing a copy.
    pub fn spot_placed(&self, placement: Placement, bar: i64) -> Option<Spot> {
        let (pass, cycles) = self.pass(placement);
        let total: i64 = pass.iter().map(|&e| self.entry_bars(e)).sum();
        let mut into = bar - placement.at;
        if into < 0 || total == 0 || (!cycles && into >= total) {
            return None;
        }
        into %= total;
        for entry in pass {
            let length = self.entry_bars(entry);
            if into < length {
                return Some(Spot {
                    entry,
                    section: self.order[entry],
                    bar: into,
                });
            }
            into -= length;
        }
        None
    }

    /// Track `track`'s pattern as placed: its part in each section, one after another.
    pub fn pattern(&self, track: usize) -> Pattern<Note> {
        self.placed(|s| s.patterns.get(track).cloned().flatten())
    }

    /// Track `track`'s lanes as placed: one for each target any section moves, playing that
    /// section's values while it plays and nothing in the sections without it, so a chorus
    /// can open a filter the verse keeps closed.
    pub fn lanes(&self, track: usize) -> Vec<Lane> {
        let mut targets: Vec<Target> = self
            .sections
            .iter()
            .filter_map(|s| s.lanes.get(track))
            .flatten()
            .map(|l| l.target)
            .collect();
        targets.sort();
        targets.dedup();
        targets
            .into_iter()
            .map(|target| Lane {
                target,
                pattern: self.placed(|s| {
                    let lanes = s.lanes.get(track)?;
                    let lane = lanes.iter().find(|l| l.target == target)?;
                    Some(lane.pattern.clone())
                }),
            })
            .collect()
    }

    /// What `part` gives for each section, one section after another as placed; silence
    /// where it gives nothing.
    fn placed<T: Payload>(&self, part: impl Fn(&Section) -> Option<Pattern<T>>) -> Pattern<T> {
        let (pass, cycles) = self.pass(self.placement);
        let pieces: Vec<Piece<T>> = pass
            .iter()
            .map(|&entry| {
                let s = &self.sections[self.order[entry]];
                Piece {
                    bars: s.bars,
                    pattern: part(s).unwrap_or_else(Pattern::silence),
                }
            })
            .collect();
        arrange(pieces, self.placement.at, cycles)
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
                    lanes: vec![Vec::new(), Vec::new()],
                },
                Section {
                    name: "verse".into(),
                    bars: 2,
                    line: 5,
                    patterns: vec![Some(hit(36)), Some(hit(40))],
                    lanes: vec![Vec::new(), Vec::new()],
                },
            ],
            order: vec![0, 1, 1],
            placement: Placement::START,
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
            round: false,
        };
        assert_eq!(f.remaining_bars(), Some(4));
        assert_eq!(
            keys(&f.pattern(1), 0, 12),
            [(7, 40), (8, 40), (9, 40), (10, 40)]
        );
        assert_eq!(f.spot(9).map(|s| (s.entry, s.bar)), Some((2, 0)));
    }

    #[test]
    fn played_live_the_arrangement_goes_round_from_the_intro_again() {
        let mut f = form();
        f.placement.round = true;
        assert_eq!(f.remaining_bars(), None);
        let bass: Vec<i64> = keys(&f.pattern(1), 0, 10).iter().map(|k| k.0).collect();
        assert_eq!(bass, [1, 2, 3, 4, 6, 7, 8, 9], "bar 5 is the intro again");
        assert_eq!(f.spot(5).map(|s| s.entry), Some(0));
    }

    #[test]
    fn looping_the_verse_keeps_its_bar_and_leaving_the_loop_goes_on_to_what_follows() {
        let mut f = form();
        // Bar 2 is the second bar of the first verse: looped from there, its first bar comes
        // back at bar 3, where the second verse would have started anyway.
        f.placement = f.moved(Move::Loop(true), 2);
        assert_eq!(f.placement.at, 1);
        assert_eq!(f.spot(5).map(|s| (s.entry, s.bar)), Some((1, 0)));
        // Leaving the loop in its second bar: the arrangement goes on after this pass.
        f.placement = f.moved(Move::Loop(false), 6);
        assert_eq!(f.spot(6).map(|s| (s.entry, s.bar)), Some((1, 1)));
        assert_eq!(
            f.spot(7).map(|s| s.entry),
            Some(2),
            "the second verse follows"
        );
        // A jump starts the section on the bar asked.
        f.placement = f.moved(Move::Jump(0), 9);
        assert_eq!(f.spot(9).map(|s| (s.entry, s.bar)), Some((0, 0)));
    }

    #[test]
    fn a_looped_section_goes_round_and_never_ends() {
        let mut f = form();
        f.placement = Placement {
            at: 2,
            from: 1,
            looping: true,
            round: false,
        };
        assert_eq!(f.remaining_bars(), None);
        assert_eq!(keys(&f.pattern(1), 0, 7).len(), 5, "bars 2 to 6");
        assert_eq!(f.spot(6).map(|s| s.bar), Some(0), "round again");
    }
}
