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
}
