//! Chance, as Strudel rolls it: `degradeBy`, `sometimesBy` and its family, `someCyclesBy`.
//! Every roll reads the same seeded stream at the event's start ([`rand_at`]), with no
//! offset per function, so chained random transforms are correlated exactly as in Strudel
//! (after `degradeBy(0.3)`, `sometimesBy(0.3, f)` never applies `f`).

use super::cycles::Func;
use super::pattern::{Pattern, Payload};
use super::random::rand_at_float;
use crate::theory::time::{Time, sam};

/// The random number Strudel reads at time `t` of a song seeded `seed`.
pub fn roll(t: Time, seed: f64) -> f64 {
    rand_at_float(t.to_f64() + seed)
}

impl<T: Payload> Pattern<T> {
    /// Keeps each event whose roll `keep` accepts, rolled at the event's start.
    fn keep_by_roll(&self, seed: f64, keep: impl Fn(f64) -> bool + Send + Sync + 'static) -> Self {
        self.filter_haps(move |h| keep(roll(h.whole_or_part().begin, seed)))
    }

    /// Drops each event with chance `p` (Strudel's `degradeBy`).
    pub fn degrade_chance(&self, p: f64, seed: f64) -> Self {
        self.keep_by_roll(seed, move |r| r >= p)
    }

    /// Keeps exactly the events [`Pattern::degrade_chance`] with `1 - p` would drop
    /// (Strudel's `undegradeBy`).
    pub fn undegrade_chance(&self, p: f64, seed: f64) -> Self {
        self.keep_by_roll(seed, move |r| 1.0 - r >= p)
    }

    /// `f` on each event with chance `p`, the rest as they are (Strudel's `sometimesBy`).
    pub fn sometimes_by(&self, p: f64, f: &Func<T>, seed: f64) -> Self {
        Pattern::stack(vec![
            self.degrade_chance(p, seed),
            f(&self.undegrade_chance(1.0 - p, seed)),
        ])
    }

    /// `f` on whole cycles with chance `p`, rolled once at each cycle's start (Strudel's
    /// `someCyclesBy`).
    pub fn some_cycles_by(&self, p: f64, f: &Func<T>, seed: f64) -> Self {
        let cycle_roll = move |h: &super::hap::Hap<T>| roll(sam(h.part.begin), seed);
        let plain = self.filter_haps(move |h| cycle_roll(h) >= p);
        let changed = self.filter_haps(move |h| 1.0 - cycle_roll(h) >= 1.0 - p);
        Pattern::stack(vec![plain, f(&changed)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Span;
    use std::sync::Arc;

    fn hats() -> Pattern<u8> {
        Pattern::pure(42).fast(Time::from_integer(16))
    }

    fn count(p: &Pattern<u8>, value: u8) -> usize {
        p.query(Span::new(Time::ZERO, Time::from_integer(8)))
            .iter()
            .filter(|h| h.value == value)
            .count()
    }

    #[test]
    fn sometimes_changes_some_hits_and_keeps_the_others_never_both() {
        let loud: Func<u8> = Arc::new(|p: &Pattern<u8>| p.fmap(|_| 99));
        let p = hats().sometimes_by(0.5, &loud, 0.0);
        let (kept, changed) = (count(&p, 42), count(&p, 99));
        assert_eq!(kept + changed, 128, "every hit plays once");
        assert!(kept > 40 && changed > 40, "{kept} kept, {changed} changed");
    }

    #[test]
    fn a_degraded_pattern_is_the_same_every_time_and_a_seed_changes_it() {
        let a = hats().degrade_chance(0.5, 0.0);
        assert_eq!(count(&a, 42), count(&hats().degrade_chance(0.5, 0.0), 42));
        let b = hats().degrade_chance(0.5, 3.0);
        let span = Span::new(Time::ZERO, Time::ONE);
        assert_ne!(a.query(span), b.query(span));
    }
}
