//! Seeded randomness that reproduces Strudel's default ("legacy") generator exactly, so `?` and
//! `|` drop and choose the same events as in Strudel.

use super::pattern::{Pattern, Payload};
use crate::theory::time::{Time, to_f64};

/// How far apart, in cycles, the random streams of successive seeds are read (Strudel's
/// `randOffset` of 0.0003).
pub fn seed_offset(seed: u32) -> Time {
    Time::new(3 * seed as i64, 10_000)
}

/// A random number in `[0, 1)` that depends only on the time `t`.
pub fn rand_at(t: Time) -> f64 {
    rand_at_float(to_f64(t))
}

/// [`rand_at`] for a position already turned into a float (Strudel works in floats).
pub fn rand_at_float(x: f64) -> f64 {
    let y = x / 300.0;
    let f = y - y.trunc();
    let mut s = (f * 536_870_912.0).trunc() as i64 as i32;
    s ^= s.wrapping_shl(13);
    s ^= s >> 17;
    s ^= s.wrapping_shl(5);
    let m = s % (1 << 29);
    (m as f64 / 536_870_912.0).abs()
}

impl<T: Payload> Pattern<T> {
    /// Drops each event with probability `amount`, deciding by the random value at the event's
    /// start (Strudel's `degradeBy` with the mini-notation seed).
    pub fn degrade_by(&self, amount: f64, seed: u32) -> Self {
        let offset = seed_offset(seed);
        self.filter_haps(move |h| rand_at(h.whole_or_part().begin + offset) >= amount)
    }

    /// Keeps exactly the events `degrade_by` drops, for splitting a part in two.
    pub fn undegrade_by(&self, amount: f64, seed: u32) -> Self {
        let offset = seed_offset(seed);
        self.filter_haps(move |h| rand_at(h.whole_or_part().begin + offset) < amount)
    }

    /// Picks one of `choices` at random once per cycle (Strudel's `a | b | c`).
    pub fn choose_cycle(choices: Vec<Pattern<T>>, seed: u32) -> Self {
        let n = choices.len();
        if n == 0 {
            return Pattern::silence();
        }
        let offset = seed_offset(seed);
        // One event per cycle whose value is the chosen index, read at the cycle's start.
        let index = Pattern::new(move |span, out| {
            span.for_each_cycle(|part| {
                let whole = part.whole_cycle();
                let i = ((rand_at(whole.begin + offset) * n as f64).floor() as usize).min(n - 1);
                out.push(super::hap::Hap::new(Some(whole), part, i));
            })
        });
        index.inner_bind(move |&i| choices[i].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_stream_is_deterministic_and_in_range() {
        for i in 0..1000 {
            let r = rand_at(Time::new(i, 7));
            assert!((0.0..1.0).contains(&r));
            assert_eq!(r, rand_at(Time::new(i, 7)));
        }
        assert_eq!(rand_at(Time::from_integer(0)), 0.0);
    }

    #[test]
    fn undegrade_keeps_exactly_the_events_degrade_drops() {
        // Sixteen steps a cycle over two cycles, split in two by the same seed: every step
        // lands on exactly one side, whatever the amount, including an amount equal to the
        // random value a step draws (that step is kept by degrade, dropped by undegrade).
        let steps = Pattern::fastcat((0..16).map(Pattern::pure).collect());
        let span = crate::pattern::Span::new(Time::from_integer(0), Time::from_integer(2));
        let all: Vec<Time> = steps.query(span).iter().map(|h| h.part.begin).collect();
        for seed in [0, 1, 7] {
            let drawn = rand_at(all[5] + seed_offset(seed));
            for amount in [0.0, 0.25, 0.5, 0.75, drawn] {
                let kept: Vec<Time> = (steps.degrade_by(amount, seed).query(span))
                    .iter()
                    .map(|h| h.part.begin)
                    .collect();
                let dropped: Vec<Time> = (steps.undegrade_by(amount, seed).query(span))
                    .iter()
                    .map(|h| h.part.begin)
                    .collect();
                let mut both = kept.clone();
                both.extend(&dropped);
                both.sort();
                assert_eq!(both, all, "seed {seed}, amount {amount}");
                if amount == drawn {
                    assert!(kept.contains(&all[5]), "seed {seed}");
                }
                if amount == 0.0 {
                    assert_eq!(dropped, vec![], "seed {seed}");
                }
            }
            // Half and half is a real split, not all on one side.
            let half = steps.undegrade_by(0.5, seed).query(span).len();
            assert!(0 < half && half < all.len(), "seed {seed}: {half}");
        }
    }

    #[test]
    fn the_random_stream_repeats_every_300_cycles() {
        // Strudel seeds its generator with the fractional part of t / 300, so a song that
        // runs past cycle 300 hears the same `?` and `|` choices as from cycle 0.
        for t in [75, 150, 225] {
            let early = rand_at(Time::from_integer(t));
            assert_eq!(rand_at(Time::from_integer(t + 300)), early, "cycle {t}");
            assert_eq!(rand_at(Time::from_integer(t + 600)), early, "cycle {t}");
        }
        assert_eq!(rand_at(Time::from_integer(300)), 0.0);
    }
}
