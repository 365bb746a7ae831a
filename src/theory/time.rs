//! Exact musical time: a rational number of cycles, where one cycle is one bar.

use num_integer::Integer;
use num_rational::Ratio;
use num_traits::{ToPrimitive, Zero};

/// A point or length in cycles, kept exact.
pub type Time = Ratio<i64>;

/// Whole number of cycles as a [`Time`].
pub fn cycles(n: i64) -> Time {
    Time::from_integer(n)
}

/// The start of the cycle that holds `t` (its "sam", in Tidal's words).
pub fn sam(t: Time) -> Time {
    Time::from_integer(t.numer().div_floor(t.denom()))
}

/// The start of the next cycle after the one holding `t`.
pub fn next_sam(t: Time) -> Time {
    sam(t) + Time::from_integer(1)
}

/// `t` as a float, rounded once (JavaScript's `Fraction.valueOf`).
pub fn to_f64(t: Time) -> f64 {
    t.numer().to_f64().unwrap_or(0.0) / t.denom().to_f64().unwrap_or(1.0)
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
    Some(if negative && !value.is_zero() {
        -value
    } else {
        value
    })
}

/// Greatest common divisor and least common multiple of two positive times.
pub fn lcm(a: Time, b: Time) -> Time {
    // lcm(p/q, r/s) = lcm(p, r) / gcd(q, s)
    Time::new(a.numer().lcm(b.numer()), a.denom().gcd(b.denom()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sam_floors_towards_negative_infinity() {
        assert_eq!(sam(Time::new(7, 2)), cycles(3));
        assert_eq!(sam(Time::new(-1, 2)), cycles(-1));
        assert_eq!(next_sam(cycles(2)), cycles(3));
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
    }
}
