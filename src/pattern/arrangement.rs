//! Song form in pattern time: sections played one after another, each from its own first
//! cycle, as a song mode in a drum machine or a DAW's arrangement plays its clips.

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
use super::span::Span;
use crate::theory::time::Time;

/// One stretch of an arrangement: `pattern` from its own cycle 0 for `length` cycles.
#[derive(Clone, Debug)]
pub struct Piece<T: Payload> {
    /// How many cycles it lasts.
    pub length: Time,
    /// What plays; its cycle 0 is the piece's first cycle.
    pub pattern: Pattern<T>,
}

/// Plays `pieces` one after another from cycle `start`: once, then silence, or round and
/// round when `looping`. Nothing plays before `start`. A note still sounding when its piece
/// ends is cut at the piece's end, so no section rings into the next; a note that began
/// before its piece (shifted earlier) is not struck.
pub fn arrange<T: Payload>(pieces: Vec<Piece<T>>, start: Time, looping: bool) -> Pattern<T> {
    let zero = Time::from_integer(0);
    let pieces: Vec<Piece<T>> = pieces.into_iter().filter(|p| p.length > zero).collect();
    let total: Time = pieces.iter().fold(zero, |sum, p| sum + p.length);
    if pieces.is_empty() {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Hap<T>>| {
        let mut round = if looping {
            ((span.begin - start) / total).floor().to_integer().max(0)
        } else {
            0
        };
        loop {
            let mut begin = start + total * Time::from_integer(round);
            if begin > span.end || (!looping && round > 0) {
                return;
            }
            for piece in &pieces {
                let end = begin + piece.length;
                play_piece(piece, begin, end, span, out);
                begin = end;
            }
            round += 1;
        }
    })
}

/// Adds what `piece`, placed over `[begin, end)`, plays in `span`.
fn play_piece<T: Payload>(
    piece: &Piece<T>,
    begin: Time,
    end: Time,
    span: Span,
    out: &mut Vec<Hap<T>>,
) {
    let Some(inside) = Span::new(begin, end).intersection(&span) else {
        return;
    };
    // A zero-width query at the piece's end belongs to the next piece.
    if inside.begin == end && begin < end {
        return;
    }
    let from = out.len();
    piece
        .pattern
        .query_into(inside.with_time(|t| t - begin), out);
    let mut i = from;
    while i < out.len() {
        let hap = &mut out[i];
        hap.with_time(|t| t + begin);
        if let Some(whole) = hap.whole
            && whole.end > end
        {
            hap.whole = Some(Span::new(whole.begin, end.max(whole.begin)));
        }
        if hap.part.end > end {
            hap.part.end = end;
        }
        i += 1;
    }
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
            length: Time::from_integer(1),
            pattern: alt(&["a", "b"]),
        };
        let chorus = Piece {
            length: Time::from_integer(2),
            pattern: alt(&["c", "d", "e"]),
        };
        let song = arrange(vec![verse.clone(), verse, chorus], Time::ZERO, false);
        let got: Vec<String> = onsets(&song, 0, 6).into_iter().map(|o| o.1).collect();
        assert_eq!(got, ["a", "a", "c", "d"], "then silence after four bars");
    }

    #[test]
    fn a_looped_arrangement_goes_round_from_where_it_starts() {
        let piece = |v: &str| Piece {
            length: Time::from_integer(1),
            pattern: seq(&v.split(' ').collect::<Vec<_>>()),
        };
        let song = arrange(vec![piece("a"), piece("b")], Time::from_integer(3), true);
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
            length: Time::from_integer(1),
            pattern: seq(&["a"]).slow(Time::from_integer(2)),
        };
        let next = Piece {
            length: Time::from_integer(1),
            pattern: seq(&["b"]),
        };
        let song = arrange(vec![held, next], Time::ZERO, false);
        let haps = song.query(Span::new(Time::ZERO, Time::from_integer(2)));
        let a = haps.iter().find(|h| h.value == "a").expect("a plays");
        assert_eq!(a.whole, Some(Span::new(Time::ZERO, Time::from_integer(1))));
        assert_eq!(haps.len(), 2, "{haps:?}");
    }

    #[test]
    fn a_query_across_a_section_boundary_sees_both_sides_whole() {
        let piece = |v: &str| Piece {
            length: Time::from_integer(1),
            pattern: seq(&v.split(' ').collect::<Vec<_>>()),
        };
        let song = arrange(vec![piece("a b"), piece("c d")], Time::ZERO, false);
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
