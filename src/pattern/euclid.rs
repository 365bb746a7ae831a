//! Euclidean rhythms: k onsets spread as evenly as possible over n steps (Bjorklund).

use super::pattern::{Pattern, Payload};
use crate::theory::time::Time;

/// The Bjorklund distribution of `onsets` hits over `steps` steps, as TidalCycles and Strudel
/// compute it (so `(3,8)` is `x..x..x.`).
pub fn bjorklund(onsets: usize, steps: usize) -> Vec<bool> {
    let onsets = onsets.min(steps);
    let mut a: Vec<Vec<bool>> = vec![vec![true]; onsets];
    let mut b: Vec<Vec<bool>> = vec![vec![false]; steps - onsets];
    loop {
        let (na, nb) = (a.len(), b.len());
        if na.min(nb) <= 1 {
            break;
        }
        if na > nb {
            // Pair the first |b| of a with b; the rest of a becomes the new remainder.
            let rest = a.split_off(nb);
            for (x, y) in a.iter_mut().zip(b.drain(..)) {
                x.extend(y);
            }
            b = rest;
        } else {
            let rest = b.split_off(na);
            for (x, y) in a.iter_mut().zip(b.drain(..)) {
                x.extend(y);
            }
            b = rest;
        }
    }
    a.into_iter().chain(b).flatten().collect()
}

/// The hits of a Euclidean rhythm: negative `onsets` inverts it, and `rotation` moves every hit
/// that many steps later, wrapping (Strudel's direction). `None` when `steps` is not positive.
pub fn euclid_steps(onsets: i64, steps: i64, rotation: i64) -> Option<Vec<bool>> {
    if steps <= 0 || steps > 1 << 16 {
        return None;
    }
    let n = steps as usize;
    let k = onsets.unsigned_abs().min(n as u64) as usize;
    let mut hits = bjorklund(k, n);
    if onsets < 0 {
        hits.iter_mut().for_each(|h| *h = !*h);
    }
    let shift = rotation.rem_euclid(steps) as usize;
    hits.rotate_right(shift);
    Some(hits)
}

impl<T: Payload> Pattern<T> {
    /// Keeps this pattern's values, on the structure of a Euclidean rhythm.
    pub fn euclid(&self, onsets: i64, steps: i64, rotation: i64) -> Self {
        match euclid_steps(onsets, steps, rotation) {
            Some(hits) => self.struct_bools(&hits),
            None => Pattern::silence(),
        }
    }

    /// [`Pattern::euclid`] with each hit held until the next (Strudel's `euclidLegato`).
    pub fn euclid_legato(&self, onsets: i64, steps: i64, rotation: i64) -> Self {
        let Some(hits) = euclid_steps(onsets, steps, rotation) else {
            return Pattern::silence();
        };
        let Some(first) = hits.iter().position(|h| *h) else {
            return Pattern::silence();
        };
        // Rotate so the cycle starts on a hit, give each hit the steps up to the next, then
        // shift back to where the first hit was.
        let n = hits.len();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < n {
            // The walk ends at the next hit; at the latest it comes round to the first one.
            let mut len = 1;
            while !hits[(first + i + len) % n] {
                len += 1;
            }
            parts.push((Time::from_integer(len as i64), Pattern::pure(())));
            i += len;
        }
        let step = Time::new(1, n as i64);
        Pattern::timecat(parts)
            .late(step * Time::from_integer(first as i64))
            .app_left(self, |_, v| v.clone())
    }

    /// Keeps this pattern's values on a structure of one step per bool, hits where true.
    pub fn struct_bools(&self, hits: &[bool]) -> Self {
        let n = hits.len() as i64;
        let structure = Pattern::fastcat(
            hits.iter()
                .map(|&h| {
                    if h {
                        Pattern::pure(())
                    } else {
                        Pattern::silence()
                    }
                })
                .collect(),
        );
        // The values are asked once a query: a pattern's events do not depend on the span
        // asked for, except a continuous signal's, which flam only samples through
        // `segment` and the value transforms, each at its own events' starts.
        structure
            .app_left_discrete(self, |_, v| v.clone())
            .with_steps(Some(Time::from_integer(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::span::Span;

    fn show(hits: &[bool]) -> String {
        hits.iter().map(|&h| if h { 'x' } else { '.' }).collect()
    }

    #[test]
    fn tresillo_is_three_over_eight() {
        assert_eq!(show(&bjorklund(3, 8)), "x..x..x.");
    }

    #[test]
    fn cinquillo_and_other_classics() {
        assert_eq!(show(&bjorklund(5, 8)), "x.xx.xx.");
        assert_eq!(show(&bjorklund(2, 5)), "x.x..");
        assert_eq!(show(&bjorklund(7, 16)), "x..x.x.x..x.x.x.");
    }

    #[test]
    fn rotation_moves_hits_later_and_negative_inverts() {
        assert_eq!(show(&euclid_steps(3, 8, 1).unwrap()), ".x..x..x");
        assert_eq!(show(&euclid_steps(3, 8, 2).unwrap()), "x.x..x..");
        assert_eq!(show(&euclid_steps(-3, 8, 0).unwrap()), ".xx.xx.x");
        assert!(euclid_steps(5, 0, 0).is_none());
    }

    #[test]
    fn no_hits_is_a_silent_bar_not_an_inverted_one() {
        assert_eq!(show(&euclid_steps(0, 8, 0).unwrap()), "........");
        assert_eq!(show(&euclid_steps(0, 8, 3).unwrap()), "........");
        assert_eq!(show(&bjorklund(0, 5)), ".....");
    }

    #[test]
    fn as_many_hits_as_steps_or_more_fills_every_step() {
        assert_eq!(show(&euclid_steps(8, 8, 0).unwrap()), "xxxxxxxx");
        assert_eq!(show(&euclid_steps(11, 8, 0).unwrap()), "xxxxxxxx");
        assert_eq!(show(&euclid_steps(-8, 8, 0).unwrap()), "........");
        assert_eq!(show(&euclid_steps(-11, 8, 2).unwrap()), "........");
    }

    #[test]
    fn negative_hits_play_the_rests_of_the_positive_rhythm() {
        for k in 1..8 {
            let on = euclid_steps(k, 8, 0).unwrap();
            let off = euclid_steps(-k, 8, 0).unwrap();
            assert!(on.iter().zip(&off).all(|(a, b)| a != b), "({k},8)");
        }
        assert_eq!(show(&euclid_steps(-1, 4, 1).unwrap()), "x.xx");
    }

    #[test]
    fn rotation_wraps_both_ways() {
        assert_eq!(euclid_steps(3, 8, 9), euclid_steps(3, 8, 1));
        assert_eq!(show(&euclid_steps(3, 8, -1).unwrap()), "..x..x.x");
        assert_eq!(euclid_steps(3, 8, -1), euclid_steps(3, 8, 7));
    }

    #[test]
    fn steps_past_the_limit_are_refused_and_the_limit_itself_plays() {
        assert!(euclid_steps(1, -3, 0).is_none());
        assert!(euclid_steps(1, (1 << 16) + 1, 0).is_none());
        assert_eq!(euclid_steps(1, 1 << 16, 0).map(|h| h.len()), Some(1 << 16));
    }

    #[test]
    fn a_pattern_with_no_hits_plays_nothing_at_all() {
        let bd = Pattern::pure(36u8);
        let bar = Span::new(Time::ZERO, Time::from_integer(1));
        assert!(bd.euclid(0, 8, 0).query(bar).is_empty());
        assert!(bd.euclid(3, 0, 0).query(bar).is_empty());
        assert_eq!(bd.euclid(8, 8, 0).query(bar).len(), 8);
        let onsets: Vec<Time> = bd
            .euclid(3, 8, 0)
            .query(bar)
            .iter()
            .map(|h| h.whole_or_part().begin)
            .collect();
        assert_eq!(onsets, [Time::ZERO, Time::new(3, 8), Time::new(6, 8)]);
    }

    #[test]
    fn a_legato_euclid_holds_each_hit_until_the_next() {
        // (3,8) is x..x..x. : hits held 3, 3 and 2 steps; rotated, the holds move with them.
        for (k, n, r) in [
            (3, 8, 0),
            (3, 8, 2),
            (2, 8, 0),
            (5, 8, 1),
            (3, 7, 3),
            (4, 12, 5),
        ] {
            let short: Vec<Time> = Pattern::pure(())
                .euclid(k, n, r)
                .query(Span::new(Time::ZERO, Time::ONE))
                .into_iter()
                .map(|h| h.part.begin)
                .collect();
            let mut held: Vec<(Time, Time)> = Pattern::pure(())
                .euclid_legato(k, n, r)
                .query(Span::new(Time::ZERO, Time::ONE))
                .into_iter()
                .filter(|h| h.has_onset())
                .map(|h| {
                    let w = h.whole.expect("a hit has a whole");
                    (w.begin, w.end)
                })
                .collect();
            held.sort();
            let onsets: Vec<Time> = held.iter().map(|(b, _)| *b).collect();
            assert_eq!(onsets, short, "({k},{n},{r}): the same hits as euclid");
            for (i, (_, end)) in held.iter().enumerate() {
                // Each lasts until the next hit, the last until the first of the next cycle.
                let next = short.get(i + 1).copied().unwrap_or(short[0] + Time::ONE);
                assert_eq!(*end, next, "({k},{n},{r}) hit {i}");
            }
        }
    }
}
