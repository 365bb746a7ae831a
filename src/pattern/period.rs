//! How many cycles a pattern takes to repeat, worked out from how it was built.
//!
//! A pattern has a period when two facts hold: it repeats exactly every `period` cycles, and a
//! query for part of a cycle gives the events of the whole cycle clipped to that part. Both
//! hold for everything built from steps by sequencing, stacking, speeding up and shifting; they
//! fail for randomness (seeded by the cycle), for continuous signals (sampled where they are
//! asked), and for anything that looks at a fragment's edges. So a pattern built by a plain
//! query function has no period until its maker declares one, and [`Pattern::memo`] answers
//! only patterns that have one.
//!
//! [`Pattern::memo`]: super::Pattern::memo

use crate::theory::time::Time;

/// The longest period worked out; past it a pattern is treated as never repeating.
pub const MAX_PERIOD: i64 = 1 << 12;

/// Greatest common divisor of two positive numbers.
fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The period of two patterns played together: when both have come round at once.
pub fn lcm(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    let (a, b) = (a?, b?);
    let l = (a / gcd(a, b)).checked_mul(b)?;
    (l <= MAX_PERIOD).then_some(l)
}

/// The period of all of them together; `Some(1)` for none.
pub fn lcm_all(periods: impl IntoIterator<Item = Option<i64>>) -> Option<i64> {
    periods.into_iter().fold(Some(1), lcm)
}

/// The period of a pattern of period `period` played `factor` times as fast: the fewest whole
/// cycles that hold a whole number of its periods (`<a b c>*2` comes round every 3 cycles,
/// `a/4` every 4).
pub fn of_fast(period: Option<i64>, factor: Time) -> Option<i64> {
    let period = period?;
    if factor <= Time::ZERO {
        return Some(1);
    }
    let per_period = factor / Time::from_integer(period);
    let cycles = *per_period.denom();
    (cycles <= MAX_PERIOD).then_some(cycles)
}

/// The period of a pattern that repeats every `length` cycles (a rudiment's length, say),
/// in whole cycles.
pub fn of_length(length: Time) -> Option<i64> {
    if length <= Time::ZERO {
        return None;
    }
    let cycles = *length.numer();
    (cycles <= MAX_PERIOD).then_some(cycles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: i64, d: i64) -> Time {
        Time::new(n, d)
    }

    #[test]
    fn alternations_come_round_together_at_their_least_common_multiple() {
        assert_eq!(lcm(Some(2), Some(3)), Some(6));
        assert_eq!(lcm(Some(4), Some(6)), Some(12));
        assert_eq!(lcm(Some(5), None), None);
        assert_eq!(lcm_all([Some(2), Some(3), Some(4)]), Some(12));
        assert_eq!(lcm_all([]), Some(1));
    }

    #[test]
    fn speeding_up_or_slowing_down_changes_the_period_to_whole_cycles() {
        // `<a b c>*2`: six steps of the alternation take three cycles.
        assert_eq!(of_fast(Some(3), t(2, 1)), Some(3));
        // `<a b>*2` is the same every cycle.
        assert_eq!(of_fast(Some(2), t(2, 1)), Some(1));
        // `a/4` and `[a b]/2.5` (two and a half cycles a turn: five to come round).
        assert_eq!(of_fast(Some(1), t(1, 4)), Some(4));
        assert_eq!(of_fast(Some(1), t(2, 5)), Some(5));
        // `a*1.5`: three notes every two cycles.
        assert_eq!(of_fast(Some(1), t(3, 2)), Some(2));
        assert_eq!(of_fast(None, t(2, 1)), None);
    }

    #[test]
    fn a_period_too_long_to_keep_counts_as_none() {
        assert_eq!(lcm(Some(MAX_PERIOD), Some(3)), None);
        assert_eq!(of_fast(Some(1), t(1, MAX_PERIOD + 1)), None);
        assert_eq!(of_length(t(7, 3)), Some(7));
        assert_eq!(of_length(t(MAX_PERIOD + 1, 2)), None);
    }
}
