//! Exact musical time: a rational number of cycles, where one cycle is one bar.
//!
//! `Time` is a reduced fraction of two 64-bit integers, checked against num-rational (a
//! well-kept rational type) by a property test below. It is written for the pattern engine's
//! hot path: the common cases (equal denominators, whole numbers, coprime denominators) avoid
//! the gcd and the divisions a general rational type pays for on every operation, and
//! comparisons multiply in 128 bits instead of dividing.

use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, Sub, SubAssign};

/// A point or length in cycles, kept exact: always reduced, with a positive denominator.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    n: i64,
    d: i64,
}

/// Greatest common divisor by Stein's binary algorithm (no divisions).
fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    if a == 0 {
        return b as i64;
    }
    if b == 0 {
        return a as i64;
    }
    let shift = (a | b).trailing_zeros();
    // A power of two (1, and the denominators of halves, quarters, sixteenths) shares only
    // its factors of two: no loop.
    if a.is_power_of_two() || b.is_power_of_two() {
        return (1u64 << shift) as i64;
    }
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            break;
        }
    }
    (a << shift) as i64
}

/// `x / g` for a `g` that divides `x` exactly: a shift when `g` is a power of two, as the
/// gcds of musical times (halves, quarters, sixteenths) mostly are, instead of a division.
#[inline]
fn div_exact(x: i64, g: i64) -> i64 {
    if g & (g - 1) == 0 {
        x >> g.trailing_zeros()
    } else {
        x / g
    }
}

/// Keeps the invariant of a positive denominator even if a product wrapped around. The
/// language bounds every pattern so this never happens; if it did, a wrong time is better than
/// a crash on stage.
fn guard(n: i64, d: i64) -> Time {
    if d > 0 { Time { n, d } } else { Time::ZERO }
}

impl Time {
    /// Zero cycles.
    pub const ZERO: Time = Time { n: 0, d: 1 };
    /// One cycle.
    pub const ONE: Time = Time { n: 1, d: 1 };

    /// The fraction `numer / denom`, reduced.
    ///
    /// # Panics
    /// When `denom` is zero; use [`Time::checked_new`] for values that come from users.
    pub fn new(numer: i64, denom: i64) -> Time {
        Time::checked_new(numer, denom).expect("Time::new: zero denominator")
    }

    /// The fraction `numer / denom`, reduced, or `None` when `denom` is zero.
    pub fn checked_new(numer: i64, denom: i64) -> Option<Time> {
        if denom == 0 {
            return None;
        }
        Some(Time::reduced(numer, denom))
    }

    fn reduced(mut n: i64, mut d: i64) -> Time {
        if d < 0 {
            n = n.wrapping_neg();
            d = d.wrapping_neg();
        }
        if d == 1 {
            return Time { n, d };
        }
        let g = gcd(n, d);
        if g > 1 {
            n = div_exact(n, g);
            d = div_exact(d, g);
        }
        // A denominator of i64::MIN has no positive counterpart.
        guard(n, d)
    }

    /// A whole number of cycles.
    pub const fn from_integer(n: i64) -> Time {
        Time { n, d: 1 }
    }

    /// The numerator (carries the sign).
    pub fn numer(&self) -> &i64 {
        &self.n
    }

    /// The denominator (always positive).
    pub fn denom(&self) -> &i64 {
        &self.d
    }

    /// Whether this is a whole number.
    pub fn is_integer(&self) -> bool {
        self.d == 1
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.n == 0
    }

    /// The largest whole number not above this.
    pub fn floor(&self) -> Time {
        Time::from_integer(self.n.div_euclid(self.d))
    }

    /// The smallest whole number not below this.
    pub fn ceil(&self) -> Time {
        // The floor plus one unless whole; negating first overflowed for i64::MIN.
        let floor = self.n.div_euclid(self.d);
        Time::from_integer(floor + i64::from(self.n.rem_euclid(self.d) != 0))
    }

    /// Rounds towards zero.
    pub fn trunc(&self) -> Time {
        Time::from_integer(self.n / self.d)
    }

    /// The part after the whole number, towards zero.
    pub fn fract(&self) -> Time {
        Time {
            n: self.n % self.d,
            d: self.d,
        }
    }

    /// The whole number towards zero, as an integer.
    pub fn to_integer(&self) -> i64 {
        self.n / self.d
    }

    /// The absolute value.
    pub fn abs(&self) -> Time {
        Time {
            n: self.n.wrapping_abs(),
            d: self.d,
        }
    }

    /// One over this; zero stays zero rather than failing.
    pub fn recip(&self) -> Time {
        if self.n == 0 {
            *self
        } else {
            Time::reduced(self.d, self.n)
        }
    }

    /// The value as a float, rounded once (JavaScript's `Fraction.valueOf`).
    pub fn to_f64(&self) -> f64 {
        self.n as f64 / self.d as f64
    }
}

impl Default for Time {
    fn default() -> Self {
        Time::ZERO
    }
}

impl From<i64> for Time {
    fn from(n: i64) -> Time {
        Time::from_integer(n)
    }
}

impl Ord for Time {
    #[inline]
    fn cmp(&self, other: &Time) -> Ordering {
        if self.d == other.d {
            return self.n.cmp(&other.n);
        }
        (self.n as i128 * other.d as i128).cmp(&(other.n as i128 * self.d as i128))
    }
}

impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Time) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Add for Time {
    type Output = Time;
    #[inline]
    fn add(self, o: Time) -> Time {
        if self.d == o.d {
            return if self.d == 1 {
                Time {
                    n: self.n.wrapping_add(o.n),
                    d: 1,
                }
            } else {
                Time::reduced(self.n.wrapping_add(o.n), self.d)
            };
        }
        // Adding a whole number keeps the fraction reduced: gcd(n + k·d, d) = gcd(n, d).
        if o.d == 1 {
            return Time {
                n: self.n.wrapping_add(o.n.wrapping_mul(self.d)),
                d: self.d,
            };
        }
        if self.d == 1 {
            return Time {
                n: o.n.wrapping_add(self.n.wrapping_mul(o.d)),
                d: o.d,
            };
        }
        add_fractions(self, o)
    }
}

/// The general case of addition, out of line so the fast paths above inline into the pattern
/// code that adds times all the time. Knuth's addition: only the shared factor of the
/// denominators needs reducing.
#[inline(never)]
fn add_fractions(a: Time, b: Time) -> Time {
    let g = gcd(a.d, b.d);
    if g == 1 {
        return guard(
            a.n.wrapping_mul(b.d).wrapping_add(b.n.wrapping_mul(a.d)),
            a.d.wrapping_mul(b.d),
        );
    }
    let t =
        a.n.wrapping_mul(div_exact(b.d, g))
            .wrapping_add(b.n.wrapping_mul(div_exact(a.d, g)));
    let g2 = gcd(t, g).max(1);
    guard(
        div_exact(t, g2),
        div_exact(a.d, g).wrapping_mul(div_exact(b.d, g2)),
    )
}

impl Neg for Time {
    type Output = Time;
    fn neg(self) -> Time {
        Time {
            n: self.n.wrapping_neg(),
            d: self.d,
        }
    }
}

impl Sub for Time {
    type Output = Time;
    fn sub(self, o: Time) -> Time {
        self + (-o)
    }
}

impl Mul for Time {
    type Output = Time;
    #[inline]
    fn mul(self, o: Time) -> Time {
        if self.d == 1 && o.d == 1 {
            return Time {
                n: self.n.wrapping_mul(o.n),
                d: 1,
            };
        }
        // Scaling by a whole number (cycles to steps and back) needs only one reduction.
        if o.d == 1 {
            let g = gcd(o.n, self.d).max(1);
            return guard(self.n.wrapping_mul(div_exact(o.n, g)), div_exact(self.d, g));
        }
        if self.d == 1 {
            let g = gcd(self.n, o.d).max(1);
            return guard(o.n.wrapping_mul(div_exact(self.n, g)), div_exact(o.d, g));
        }
        multiply_fractions(self, o)
    }
}

/// The general case of multiplication, out of line like [`add_fractions`]. Cross-reducing
/// first leaves the product in lowest terms.
#[inline(never)]
fn multiply_fractions(a: Time, b: Time) -> Time {
    let g1 = gcd(a.n, b.d).max(1);
    let g2 = gcd(b.n, a.d).max(1);
    guard(
        div_exact(a.n, g1).wrapping_mul(div_exact(b.n, g2)),
        div_exact(a.d, g2).wrapping_mul(div_exact(b.d, g1)),
    )
}

impl Div for Time {
    type Output = Time;
    /// Division by zero gives zero: pattern code guards its divisors, and a wrong silence is
    /// better than a crash on stage.
    fn div(self, o: Time) -> Time {
        if o.n == 0 {
            return Time::ZERO;
        }
        let inv = if o.n < 0 {
            Time {
                n: o.d.wrapping_neg(),
                d: o.n.wrapping_neg(),
            }
        } else {
            Time { n: o.d, d: o.n }
        };
        self * inv
    }
}

impl Rem for Time {
    type Output = Time;
    /// The remainder after whole divisions, with the sign of `self` (like `%` on integers).
    fn rem(self, o: Time) -> Time {
        if o.n == 0 {
            return Time::ZERO;
        }
        self - (self / o).trunc() * o
    }
}

macro_rules! ref_ops {
    ($($tr:ident $m:ident $atr:ident $am:ident),*) => {$(
        impl $tr<&Time> for Time {
            type Output = Time;
            fn $m(self, o: &Time) -> Time { $tr::$m(self, *o) }
        }
        impl $tr<Time> for &Time {
            type Output = Time;
            fn $m(self, o: Time) -> Time { $tr::$m(*self, o) }
        }
        impl $tr<&Time> for &Time {
            type Output = Time;
            fn $m(self, o: &Time) -> Time { $tr::$m(*self, *o) }
        }
        impl $atr for Time {
            fn $am(&mut self, o: Time) { *self = $tr::$m(*self, o); }
        }
        impl $atr<&Time> for Time {
            fn $am(&mut self, o: &Time) { *self = $tr::$m(*self, *o); }
        }
    )*};
}
ref_ops!(Add add AddAssign add_assign, Sub sub SubAssign sub_assign, Mul mul MulAssign mul_assign, Div div DivAssign div_assign);

impl Mul<i64> for Time {
    type Output = Time;
    fn mul(self, o: i64) -> Time {
        self * Time::from_integer(o)
    }
}

impl Div<i64> for Time {
    type Output = Time;
    fn div(self, o: i64) -> Time {
        self / Time::from_integer(o)
    }
}

impl Sum for Time {
    fn sum<I: Iterator<Item = Time>>(iter: I) -> Time {
        iter.fold(Time::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.d == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d)
        }
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Whole number of cycles as a [`Time`].
pub fn cycles(n: i64) -> Time {
    Time::from_integer(n)
}

/// The start of the cycle that holds `t` (its "sam", in Tidal's words).
pub fn sam(t: Time) -> Time {
    t.floor()
}

/// The start of the next cycle after the one holding `t`.
pub fn next_sam(t: Time) -> Time {
    // Saturates at the end of time rather than overflow: a loop over cycles then stops there.
    Time::from_integer(t.n.div_euclid(t.d).saturating_add(1))
}

/// `t` as a float, rounded once (JavaScript's `Fraction.valueOf`).
pub fn to_f64(t: Time) -> f64 {
    t.to_f64()
}

/// Parses a plain decimal (`3`, `-0.25`, `.5`, `1.`) into an exact time.
///
/// Returns `None` for anything else or for values that would not fit: flam keeps time exact,
/// so it refuses rather than rounds.
pub fn parse_decimal(text: &str) -> Option<Time> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac_part = frac_part.trim_end_matches('0');
    if frac_part.len() > 9 || int_part.trim_start_matches('0').len() > 12 {
        return None;
    }
    let denom = 10_i64.pow(frac_part.len() as u32);
    let int_value: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let frac_value: i64 = if frac_part.is_empty() {
        0
    } else {
        frac_part.parse().ok()?
    };
    let numer = int_value.checked_mul(denom)?.checked_add(frac_value)?;
    let value = Time::new(numer, denom);
    Some(if negative { -value } else { value })
}

/// The least common multiple of two positive times.
pub fn lcm(a: Time, b: Time) -> Time {
    // lcm(p/q, r/s) = lcm(p, r) / gcd(q, s)
    let g = gcd(a.n, b.n).max(1);
    Time::reduced(
        (a.n / g).wrapping_mul(b.n).wrapping_abs(),
        gcd(a.d, b.d).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::Ratio;
    use proptest::prelude::*;

    #[test]
    fn a_bar_and_a_half_is_not_whole_its_fraction_is_the_half_and_zero_is_zero() {
        let bar_and_a_half = Time::new(3, 2);
        assert!(!bar_and_a_half.is_integer());
        assert!(cycles(4).is_integer());
        assert_eq!(bar_and_a_half.fract(), Time::new(1, 2));
        assert_eq!(Time::new(11, 4).fract(), Time::new(3, 4));
        assert_eq!(Time::new(-7, 4).fract(), Time::new(-3, 4), "towards zero");
        assert_eq!(Time::new(11, 4).to_integer(), 2);
        assert_eq!(Time::new(-11, 4).to_integer(), -2);
        assert_eq!(Time::new(11, 4).trunc(), cycles(2));
        assert!(Time::ZERO.is_zero());
        assert!(!Time::new(1, 16).is_zero());
        assert_eq!(Time::from(5), cycles(5));
        assert_eq!(Time::new(-3, 4).abs(), Time::new(3, 4));
    }

    #[test]
    fn reducing_keeps_the_sign_on_top_and_finds_odd_common_factors() {
        let t = Time::new(6, -8);
        assert_eq!((*t.numer(), *t.denom()), (-3, 4));
        let t = Time::new(21, 35);
        assert_eq!((*t.numer(), *t.denom()), (3, 5));
        let t = Time::new(48, 36);
        assert_eq!((*t.numer(), *t.denom()), (4, 3));
        assert_eq!(gcd(0, 12), 12);
        assert_eq!(gcd(12, 0), 12);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(16, 24), 8);
        assert_eq!(gcd(-9, 6), 3);
    }

    #[test]
    fn dividing_by_a_negative_time_flips_the_sign() {
        assert_eq!(Time::new(1, 2) / Time::new(-1, 4), cycles(-2));
        assert_eq!(Time::new(-3, 4) / Time::new(-3, 8), cycles(2));
        assert_eq!(Time::new(3, 4) / Time::ZERO, Time::ZERO);
        assert_eq!(Time::new(3, 4).recip(), Time::new(4, 3));
        assert_eq!(Time::new(-3, 4).recip(), Time::new(-4, 3));
        assert_eq!(Time::ZERO.recip(), Time::ZERO);
    }

    #[test]
    fn weights_add_up_and_times_print_as_fractions() {
        let weights = [Time::new(1, 2), Time::new(1, 3), Time::new(1, 6)];
        assert_eq!(weights.iter().copied().sum::<Time>(), Time::ONE);
        assert_eq!(format!("{:?}", Time::new(3, 4)), "3/4");
        assert_eq!(format!("{:?}", cycles(-2)), "-2");
        assert_eq!(Time::new(7, 8).to_string(), "7/8");
    }

    #[test]
    fn times_compare_across_denominators() {
        assert!(Time::new(1, 3) < Time::new(1, 2));
        assert!(Time::new(2, 3) > Time::new(5, 8));
        assert!(Time::new(-1, 3) < Time::new(-1, 4));
        assert_eq!(Time::new(2, 4).cmp(&Time::new(1, 2)), Ordering::Equal);
        assert!(Time::new(3, 8) < Time::new(5, 8));
    }

    #[test]
    fn sam_floors_towards_negative_infinity() {
        assert_eq!(sam(Time::new(7, 2)), cycles(3));
        assert_eq!(sam(Time::new(-1, 2)), cycles(-1));
        assert_eq!(next_sam(cycles(2)), cycles(3));
        assert_eq!(Time::new(-1, 2).ceil(), cycles(0));
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("2.75"), Some(Time::new(11, 4)));
        assert_eq!(parse_decimal(".25"), Some(Time::new(1, 4)));
        assert_eq!(parse_decimal("-0.5"), Some(Time::new(-1, 2)));
        assert_eq!(parse_decimal("0.1"), Some(Time::new(1, 10)));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("99999999999999999999"), None);
        // A sign belongs in front only.
        assert_eq!(parse_decimal("1.-5"), None);
        assert_eq!(parse_decimal("+1.+5"), None);
        assert_eq!(parse_decimal("1-.5"), None);
        assert_eq!(parse_decimal("+2.5"), Some(Time::new(5, 2)));
        // Nine decimals and twelve whole digits at most: exact, never rounded.
        assert_eq!(
            parse_decimal("0.123456789"),
            Some(Time::new(123_456_789, 1_000_000_000))
        );
        assert_eq!(parse_decimal("0.1234567891"), None);
        assert_eq!(parse_decimal("0.1000000000"), Some(Time::new(1, 10)));
        assert_eq!(parse_decimal("999999999999"), Some(cycles(999_999_999_999)));
        assert_eq!(parse_decimal("1000000000000"), None);
    }

    #[test]
    fn triplets_and_sixteenths_meet_on_the_beat() {
        assert_eq!(Time::new(1, 3) + Time::new(1, 6), Time::new(1, 2));
        assert_eq!(lcm(Time::new(3, 1), Time::new(4, 1)), cycles(12));
        assert_eq!(Time::new(2, 3) * Time::new(3, 4), Time::new(1, 2));
        assert_eq!(Time::new(1, 2) / Time::new(-1, 4), cycles(-2));
        assert_eq!(format!("{}", Time::new(6, 4)), "3/2");
    }

    #[test]
    fn extreme_values_never_panic_and_keep_a_positive_denominator() {
        let edges = [
            i64::MIN,
            i64::MIN + 1,
            -3,
            -1,
            0,
            1,
            2,
            i64::MAX - 1,
            i64::MAX,
        ];
        let times: Vec<Time> = edges
            .iter()
            .flat_map(|&n| edges.iter().filter_map(move |&d| Time::checked_new(n, d)))
            .collect();
        let ok = |t: Time| assert!(*t.denom() > 0, "{}/{}", t.numer(), t.denom());
        for &a in &times {
            ok(a);
            for t in [
                a.floor(),
                a.ceil(),
                a.trunc(),
                a.fract(),
                a.recip(),
                -a,
                next_sam(a),
            ] {
                ok(t);
            }
            assert!(next_sam(a) >= a.floor());
            for &b in &times {
                for t in [a + b, a - b, a * b, a / b, a % b] {
                    ok(t);
                }
            }
        }
        assert_eq!(
            Time::from_integer(i64::MIN).ceil(),
            Time::from_integer(i64::MIN)
        );
        assert_eq!(
            next_sam(Time::from_integer(i64::MAX)),
            Time::from_integer(i64::MAX)
        );
    }

    fn small() -> impl Strategy<Value = Time> {
        (-10_000i64..10_000, 1i64..5_000).prop_map(|(n, d)| Time::new(n, d))
    }

    /// Times as patterns make them: whole cycles, binary and triplet subdivisions, swing ratios
    /// and arbitrary fractions, so every fast path of the arithmetic is exercised.
    fn musical() -> impl Strategy<Value = Time> {
        let denominator = prop_oneof![
            Just(1i64),
            (0u32..12).prop_map(|k| 1i64 << k),
            (0u32..8).prop_map(|k| 3i64 << k),
            Just(20i64),
            Just(1_000_003i64),
            1i64..100_000,
        ];
        (-1_000_000i64..1_000_000, denominator).prop_map(|(n, d)| Time::new(n, d))
    }

    /// The same value in num-rational, a well-kept rational type, as an independent reference.
    fn reference(t: Time) -> Ratio<i128> {
        Ratio::new(i128::from(*t.numer()), i128::from(*t.denom()))
    }

    fn agrees(t: Time, r: Ratio<i128>) -> bool {
        i128::from(*t.numer()) == *r.numer() && i128::from(*t.denom()) == *r.denom()
    }

    proptest! {
        #[test]
        fn arithmetic_agrees_with_plain_fractions(a in small(), b in small()) {
            let (an, ad, bn, bd) = (*a.numer() as i128, *a.denom() as i128, *b.numer() as i128, *b.denom() as i128);
            let same = |t: Time, n: i128, d: i128| (*t.numer() as i128) * d == n * (*t.denom() as i128);
            prop_assert!(same(a + b, an * bd + bn * ad, ad * bd));
            prop_assert!(same(a - b, an * bd - bn * ad, ad * bd));
            prop_assert!(same(a * b, an * bn, ad * bd));
            prop_assert_eq!(a < b, an * bd < bn * ad);
            for t in [a + b, a - b, a * b] {
                prop_assert_eq!(gcd(*t.numer(), *t.denom()).max(1), 1);
                prop_assert!(*t.denom() > 0);
            }
        }

        #[test]
        fn arithmetic_agrees_with_num_rational_in_lowest_terms(a in musical(), b in musical()) {
            let (ra, rb) = (reference(a), reference(b));
            prop_assert!(agrees(a + b, ra + rb), "{a} + {b} = {}", a + b);
            prop_assert!(agrees(a - b, ra - rb), "{a} - {b} = {}", a - b);
            prop_assert!(agrees(a * b, ra * rb), "{a} * {b} = {}", a * b);
            prop_assert_eq!(a.cmp(&b), ra.cmp(&rb));
            prop_assert!(agrees(a.floor(), ra.floor()));
            prop_assert!(agrees(a.ceil(), ra.ceil()));
            prop_assert!(agrees(a.trunc(), ra.trunc()));
            if !b.is_zero() {
                prop_assert!(agrees(a / b, ra / rb), "{a} / {b} = {}", a / b);
                prop_assert!(agrees(a % b, ra % rb), "{a} % {b} = {}", a % b);
                prop_assert!(agrees(b.recip(), rb.recip()));
            }
        }
    }
}
