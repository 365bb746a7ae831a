//! Song form in pattern time: sections played one after another, each from its own first
//! cycle, as a song mode in a drum machine or a DAW's arrangement plays its clips.

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
use super::span::Span;
use crate::theory::time::Time;

/// One stretch of an arrangement: `pattern` from its own cycle 0 for `bars` cycles.
#[derive(Clone, Debug)]
pub struct Piece<T: Payload> {
    /// How many cycles it lasts (at least one).
    pub bars: u32,
    /// What plays; its cycle 0 is the piece's first cycle.
    pub pattern: Pattern<T>,
}

/// Plays `pieces` one after another from cycle `start`: once, then silence, or round and
/// round when `looping`. Nothing plays before `start`. A note still sounding when its piece
/// ends is cut at the piece's end, so no section rings into the next; a note that began
/// before its piece (shifted earlier) is not struck.
pub fn arrange<T: Payload>(pieces: Vec<Piece<T>>, start: i64, looping: bool) -> Pattern<T> {
    // Where each piece starts, in cycles from `start`; the last entry is where all end.
    let mut starts = vec![0i64];
    for piece in &pieces {
        let last = starts[starts.len() - 1];
        starts.push(last + i64::from(piece.bars.max(1)));
    }
    let total = starts[pieces.len()];
    if pieces.is_empty() {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Hap<T>>| {
        span.for_each_cycle(|part| {
            let cycle = part.begin.floor().to_integer();
            let into = match cycle - start {
                before if before < 0 => return,
                into if looping => into.rem_euclid(total),
                into if into < total => into,
                _ => return,
            };
            // The piece holding this cycle: the last one starting at or before it.
            let i = starts.partition_point(|&s| s <= into) - 1;
            let begin = Time::from_integer(cycle - (into - starts[i]));
            let end = begin + Time::from_integer(i64::from(pieces[i].bars.max(1)));
            let from = out.len();
            pieces[i]
                .pattern
                .query_into(part.with_time(|t| t - begin), out);
            for hap in &mut out[from..] {
                hap.with_time(|t| t + begin);
                hap.whole = hap.whole.map(|w| Span::new(w.begin, w.end.min(end)));
            }
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `words` one after another in a cycle, like mini-notation's `"a b"`.
    fn seq(words: &[&str]) -> Pattern<String> {
        Pattern::fastcat(words.iter().map(|w| Pattern::pure(w.to_string())).collect())
    }

    /// `words` one per cycle, like mini-notation's `"<a b>"`.
    fn alt(words: &[&str]) -> Pattern<String> {
        Pattern::slowcat(words.iter().map(|w| Pattern::pure(w.to_string())).collect())
    }

    /// Onsets in `[from, to)` cycles: (start, value).
    fn onsets(p: &Pattern<String>, from: i64, to: i64) -> Vec<(String, String)> {
        p.query(Span::new(Time::from_integer(from), Time::from_integer(to)))
            .into_iter()
            .filter(|h| h.has_onset())
            .map(|h| (h.part.begin.to_string(), h.value))
            .collect()
    }

    #[test]
    fn each_section_starts_from_its_own_first_bar() {
        // The verse alternates a and b; played twice in a row it starts on a both times.
        let verse = Piece {
            bars: 1,
            pattern: alt(&["a", "b"]),
        };
        let chorus = Piece {
            bars: 2,
            pattern: alt(&["c", "d", "e"]),
        };
        let song = arrange(vec![verse.clone(), verse, chorus], 0, false);
        let got: Vec<String> = onsets(&song, 0, 6).into_iter().map(|o| o.1).collect();
        assert_eq!(got, ["a", "a", "c", "d"], "then silence after four bars");
    }

    #[test]
    fn a_looped_arrangement_goes_round_from_where_it_starts() {
        let piece = |v: &str| Piece {
            bars: 1,
            pattern: seq(&v.split(' ').collect::<Vec<_>>()),
        };
        let song = arrange(vec![piece("a"), piece("b")], 3, true);
        let got = onsets(&song, 0, 7);
        assert_eq!(
            got,
            [
                ("3".to_string(), "a".to_string()),
                ("4".to_string(), "b".to_string()),
                ("5".to_string(), "a".to_string()),
                ("6".to_string(), "b".to_string())
            ],
            "nothing before bar 3"
        );
    }

    #[test]
    fn a_long_note_is_cut_where_its_section_ends() {
        // A note two bars long in a one-bar section ends at the bar line.
        let held = Piece {
            bars: 1,
            pattern: seq(&["a"]).slow(Time::from_integer(2)),
        };
        let next = Piece {
            bars: 1,
            pattern: seq(&["b"]),
        };
        let song = arrange(vec![held, next], 0, false);
        let haps = song.query(Span::new(Time::ZERO, Time::from_integer(2)));
        let a = haps.iter().find(|h| h.value == "a").expect("a plays");
        assert_eq!(a.whole, Some(Span::new(Time::ZERO, Time::from_integer(1))));
        assert_eq!(haps.len(), 2, "{haps:?}");
    }

    #[test]
    fn a_query_across_a_section_boundary_sees_both_sides_whole() {
        let piece = |v: &str| Piece {
            bars: 1,
            pattern: seq(&v.split(' ').collect::<Vec<_>>()),
        };
        let song = arrange(vec![piece("a b"), piece("c d")], 0, false);
        let haps = song.query(Span::new(Time::new(3, 4), Time::new(5, 4)));
        let got: Vec<(Span, String)> = haps
            .into_iter()
            .map(|h| (h.whole.expect("discrete"), h.value))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Span::new(Time::new(1, 2), Time::from_integer(1)),
                    "b".into()
                ),
                (
                    Span::new(Time::from_integer(1), Time::new(3, 2)),
                    "c".into()
                )
            ]
        );
    }
}
