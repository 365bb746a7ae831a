//! Transforms that choose per cycle what to play, as Strudel's do: `firstOf`/`every`,
//! `lastOf`, `when`, `iter`, `palindrome`, `chunk`, `brak`, `linger`, `inside` and `outside`.
//! Where Strudel surprises (its `every` is `firstOf`; these yield nothing before cycle 0;
//! its `chunk` repeats each source cycle), flam follows it so a song sounds as it does there.

use std::sync::Arc;

use super::pattern::{Pattern, Payload};
use super::span::Span;
use crate::theory::time::{Time, sam};

/// A transform passed to another, as Strudel passes functions (`every(4, fast(2))`).
pub type Func<T> = Arc<dyn Fn(&Pattern<T>) -> Pattern<T> + Send + Sync>;

impl<T: Payload> Pattern<T> {
    /// Plays `pick(cycle)` of `choices` in each cycle from 0 on, and nothing before it.
    fn per_cycle(
        choices: Vec<Pattern<T>>,
        pick: impl Fn(i64) -> usize + Send + Sync + 'static,
    ) -> Self {
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin).to_integer();
                if cycle >= 0
                    && let Some(p) = choices.get(pick(cycle))
                {
                    p.query_into(piece, out);
                }
            })
        })
    }

    /// `f` on cycles 0, n, 2n…, as it is on Strudel's `firstOf` and `every`.
    pub fn first_of(&self, n: i64, f: &Func<T>) -> Self {
        self.one_of(n, 0, f)
    }

    /// `f` on the last of every `n` cycles (Strudel's `lastOf`).
    pub fn last_of(&self, n: i64, f: &Func<T>) -> Self {
        self.one_of(n, n - 1, f)
    }

    /// `f` on the cycles `at` more than a multiple of `n` (Tidal's `every' n at`).
    pub fn one_of(&self, n: i64, at: i64, f: &Func<T>) -> Self {
        if n <= 0 {
            return self.clone();
        }
        let at = at.rem_euclid(n);
        Pattern::per_cycle(vec![f(self), self.clone()], move |c| {
            usize::from(c.rem_euclid(n) != at)
        })
    }

    /// `f` where `switch` holds true, the pattern as it is where it holds false (Strudel's
    /// `when`); the wholes come from the pattern.
    pub fn when_true(&self, switch: &Pattern<bool>, f: &Func<T>) -> Self {
        let (on, off) = (f(self), self.clone());
        switch.inner_bind(move |&b| if b { on.clone() } else { off.clone() })
    }

    /// Tidal's `whenmod a b f`: `f` in the cycles whose number modulo `a` is `b` or more.
    pub fn when_mod(&self, a: i64, b: i64, f: &Func<T>) -> Self {
        if a <= 0 {
            return self.clone();
        }
        self.when_cycle(move |c| c.rem_euclid(a) >= b, f(self))
    }

    /// Cycle `c` plays this pattern from a point `step` of a cycle further on per cycle into
    /// each group of `n`: Strudel's `iter` (`step` 1) and `iterBack` (`step` -1).
    pub fn iter_by(&self, n: i64, back: bool) -> Self {
        if n <= 0 {
            return self.clone();
        }
        let pat = self.clone();
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin).to_integer();
                let turn = Time::new(cycle.rem_euclid(n), n);
                let from =
                    Time::from_integer(cycle.div_euclid(n)) + if back { -turn } else { turn };
                let shift = from - Time::from_integer(cycle);
                let start = out.len();
                pat.query_into(piece.with_time(|t| t + shift), out);
                for hap in &mut out[start..] {
                    hap.with_time(|t| t - shift);
                }
            })
        })
    }

    /// Cycle `c` plays cycle `c / n` (rounded down) of this pattern: each cycle `n` times.
    pub fn repeat_cycles(&self, n: i64) -> Self {
        if n <= 1 {
            return self.clone();
        }
        let pat = self.clone();
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin).to_integer();
                let delta = Time::from_integer(cycle - cycle.div_euclid(n));
                let start = out.len();
                pat.query_into(piece.with_time(|t| t - delta), out);
                for hap in &mut out[start..] {
                    hap.with_time(|t| t + delta);
                }
            })
        })
    }

    /// Strudel's `chunk`: each cycle repeats `n` times, and `f` plays in one `n`th of it,
    /// the next one each cycle (`back`: the one before).
    pub fn chunk(&self, n: i64, f: &Func<T>, back: bool) -> Self {
        if n <= 0 {
            return self.clone();
        }
        let repeated = self.repeat_cycles(n);
        let switch = Pattern::new(move |span: Span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin);
                let c = cycle.to_integer();
                let j = if back {
                    (n - c.rem_euclid(n)) % n
                } else {
                    c.rem_euclid(n)
                };
                for k in 0..n {
                    let whole = Span::new(cycle + Time::new(k, n), cycle + Time::new(k + 1, n));
                    if let Some(part) = whole.intersection(&piece)
                        && part.begin < part.end
                    {
                        out.push(super::hap::Hap::new(Some(whole), part, k == j));
                    }
                }
            })
        });
        repeated.when_true(&switch, f)
    }

    /// Strudel's `brak`: every other cycle squashed into its first half and pushed a quarter
    /// cycle later.
    pub fn brak(&self) -> Self {
        let pat = self.clone();
        let squashed = Pattern::fastcat(vec![pat, Pattern::silence()]).late(Time::new(1, 4));
        self.when_cycle(|c| c.rem_euclid(2) == 1, squashed)
    }

    /// Plays only the first `amount` of each cycle, repeated to fill it (Strudel's `linger`;
    /// a negative amount takes the end of the cycle instead).
    pub fn linger(&self, amount: Time) -> Self {
        let (from, length) = match amount.cmp(&Time::ZERO) {
            std::cmp::Ordering::Equal => return Pattern::silence(),
            std::cmp::Ordering::Less => (Time::ONE + amount, -amount),
            std::cmp::Ordering::Greater => (Time::ZERO, amount),
        };
        self.zoom(from, from + length).slow(length)
    }

    /// Plays the stretch `[from, to)` of each cycle over the whole cycle.
    pub fn zoom(&self, from: Time, to: Time) -> Self {
        let width = to - from;
        if width <= Time::ZERO {
            return Pattern::silence();
        }
        let pat = self.clone();
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin);
                let there = |t: Time| cycle + (t - cycle) * width + from;
                let back = |t: Time| cycle + (t - cycle - from) / width;
                let start = out.len();
                pat.query_into(piece.with_time(there), out);
                for hap in &mut out[start..] {
                    hap.with_time(back);
                }
            })
        })
    }

    /// `f` applied to this pattern slowed `n` times, then sped up again (Strudel's `inside`).
    pub fn inside(&self, n: Time, f: &Func<T>) -> Self {
        if n <= Time::ZERO {
            return self.clone();
        }
        f(&self.slow(n)).fast(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abcd() -> Pattern<&'static str> {
        Pattern::fastcat(["a", "b", "c", "d"].map(Pattern::pure).to_vec())
    }

    fn cycle(p: &Pattern<&'static str>, c: i64) -> Vec<&'static str> {
        let mut haps = p.query(Span::new(Time::from_integer(c), Time::from_integer(c + 1)));
        haps.retain(|h| h.has_onset());
        haps.sort_by_key(|h| h.part.begin);
        haps.into_iter().map(|h| h.value).collect()
    }

    fn rev() -> Func<&'static str> {
        Arc::new(|p: &Pattern<&'static str>| p.rev())
    }

    #[test]
    fn first_of_turns_the_first_of_each_group_and_last_of_the_last() {
        let first = abcd().first_of(3, &rev());
        let last = abcd().last_of(3, &rev());
        assert_eq!(cycle(&first, 0), ["d", "c", "b", "a"]);
        assert_eq!(cycle(&first, 1), ["a", "b", "c", "d"]);
        assert_eq!(cycle(&last, 2), ["d", "c", "b", "a"]);
        assert_eq!(cycle(&last, 3), ["a", "b", "c", "d"]);
        assert!(
            cycle(&first, -1).is_empty(),
            "nothing before the song starts"
        );
    }

    #[test]
    fn iter_starts_each_cycle_one_step_further_and_iter_back_one_step_back() {
        assert_eq!(cycle(&abcd().iter_by(4, false), 1), ["b", "c", "d", "a"]);
        assert_eq!(cycle(&abcd().iter_by(4, true), 1), ["d", "a", "b", "c"]);
        assert_eq!(cycle(&abcd().iter_by(4, false), 4), ["a", "b", "c", "d"]);
    }

    #[test]
    fn linger_repeats_the_start_of_the_cycle() {
        assert_eq!(
            cycle(&abcd().linger(Time::new(1, 4)), 0),
            ["a", "a", "a", "a"]
        );
        assert_eq!(
            cycle(&abcd().linger(Time::new(-1, 4)), 0),
            ["d", "d", "d", "d"]
        );
        assert_eq!(
            cycle(&abcd().linger(Time::new(1, 2)), 0),
            ["a", "b", "a", "b"]
        );
    }

    #[test]
    fn chunk_plays_the_transform_in_one_quarter_moving_on_each_cycle() {
        let up: Func<&'static str> = Arc::new(|p: &Pattern<&'static str>| p.fmap(|_| "X"));
        assert_eq!(cycle(&abcd().chunk(4, &up, false), 1), ["a", "X", "c", "d"]);
        assert_eq!(cycle(&abcd().chunk(4, &up, true), 1), ["a", "b", "c", "X"]);
    }

    #[test]
    fn brak_squashes_every_other_cycle_a_quarter_late() {
        let p = Pattern::fastcat(vec![Pattern::pure("a"), Pattern::pure("b")]).brak();
        let odd = p.query(Span::new(Time::ONE, Time::from_integer(2)));
        let starts: Vec<Time> = odd
            .iter()
            .filter_map(|h| h.whole.map(|w| w.begin))
            .collect();
        assert_eq!(starts, [Time::new(5, 4), Time::new(3, 2)]);
    }

    /// The values of a pattern of letters over cycle `c`, in onset order.
    fn letters_in(pat: &Pattern<char>, c: i64) -> Vec<(Time, char)> {
        let mut haps = pat.query(Span::new(Time::from_integer(c), Time::from_integer(c + 1)));
        haps.sort_by_key(|h| h.part.begin);
        haps.into_iter().map(|h| (h.part.begin, h.value)).collect()
    }

    /// One step per letter, each a cycle's equal share.
    fn letters(text: &str) -> Pattern<char> {
        Pattern::fastcat(text.chars().map(Pattern::pure).collect())
    }

    /// `<a b e> c d`: cycles that differ (three of them, so a shift by two shows too).
    fn changing() -> Pattern<char> {
        Pattern::fastcat(vec![
            Pattern::slowcat(vec![
                Pattern::pure('a'),
                Pattern::pure('b'),
                Pattern::pure('e'),
            ]),
            Pattern::pure('c'),
            Pattern::pure('d'),
        ])
    }

    #[test]
    fn iter_starts_each_cycle_a_step_later_in_that_cycle_of_the_pattern() {
        let t = |n, d| Time::new(n, d);
        // Cycle 1 plays the pattern a third of the way on: `c d` of its cycle 0, then the `b`
        // that begins its cycle 1.
        assert_eq!(
            letters_in(&changing().iter_by(3, false), 1),
            vec![(t(1, 1), 'c'), (t(4, 3), 'd'), (t(5, 3), 'b')]
        );
        // Cycle 3 begins the next round of three: the pattern's cycle 1, from its start.
        assert_eq!(
            letters_in(&changing().iter_by(3, false), 3),
            vec![(t(3, 1), 'b'), (t(10, 3), 'c'), (t(11, 3), 'd')]
        );
    }

    #[test]
    fn repeating_cycles_plays_each_cycle_of_the_pattern_n_times() {
        let twice = changing().repeat_cycles(2);
        let firsts: Vec<char> = (0..6).map(|c| letters_in(&twice, c)[0].1).collect();
        assert_eq!(firsts, vec!['a', 'a', 'b', 'b', 'e', 'e']);
    }

    #[test]
    fn a_chunk_asked_for_quarter_by_quarter_has_each_note_once() {
        let up: Func<char> = Arc::new(|p: &Pattern<char>| p.fast(Time::from_integer(2)));
        let chunked = changing().chunk(4, &up, false);
        let onsets = |from: Time, to: Time| -> Vec<(Time, char)> {
            let mut found: Vec<(Time, char)> = chunked
                .query(Span::new(from, to))
                .into_iter()
                .filter(|h| h.has_onset())
                .map(|h| (h.part.begin, h.value))
                .collect();
            found.sort();
            found
        };
        for c in 0..4 {
            let start = Time::from_integer(c);
            let mut by_quarter: Vec<(Time, char)> = (0..4)
                .flat_map(|q| onsets(start + Time::new(q, 4), start + Time::new(q + 1, 4)))
                .collect();
            by_quarter.sort();
            assert_eq!(by_quarter, onsets(start, start + Time::ONE), "cycle {c}");
        }
    }

    #[test]
    fn a_negative_linger_repeats_the_end_of_the_cycle() {
        let t = |n, d| Time::new(n, d);
        // `a b c d` lingering on its last quarter: d four times.
        let abcd = letters("abcd");
        assert_eq!(
            letters_in(&abcd.linger(t(-1, 4)), 0),
            vec![
                (t(0, 1), 'd'),
                (t(1, 4), 'd'),
                (t(1, 2), 'd'),
                (t(3, 4), 'd')
            ]
        );
        assert_eq!(
            letters_in(&abcd.linger(t(-1, 2)), 0),
            vec![
                (t(0, 1), 'c'),
                (t(1, 4), 'd'),
                (t(1, 2), 'c'),
                (t(3, 4), 'd')
            ]
        );
    }

    #[test]
    fn lingering_on_nothing_is_silence() {
        let silent = letters("abcd").linger(Time::ZERO);
        assert!(letters_in(&silent, 0).is_empty());
    }

    #[test]
    fn a_negative_linger_takes_the_end_of_each_cycle_it_repeats() {
        // `a b <c d>` on its last third, thrice a cycle: the end of cycle 0, 1, 2 in turn,
        // as Strudel's `zoom(1 - t, 1).slow(t)` plays it.
        let ends_changing = Pattern::fastcat(vec![
            Pattern::pure('a'),
            Pattern::pure('b'),
            Pattern::slowcat(vec![Pattern::pure('c'), Pattern::pure('d')]),
        ]);
        let last: Vec<char> = letters_in(&ends_changing.linger(Time::new(-1, 3)), 0)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(last, vec!['c', 'd', 'c']);
    }

    #[test]
    fn zoom_stretches_the_middle_of_the_cycle_over_all_of_it() {
        let t = |n, d| Time::new(n, d);
        let abcd = letters("abcd");
        assert_eq!(
            letters_in(&abcd.zoom(t(1, 4), t(3, 4)), 1),
            vec![(t(1, 1), 'b'), (t(3, 2), 'c')]
        );
    }
}
