//! Continuous signals, as Strudel defines them: a value for every moment, sampled at the
//! start of whatever span is asked for (`segment` turns one into steps). Each is 0–1; `range`
//! maps it onto the values wanted.

use std::f64::consts::PI;

use super::hap::Hap;
use super::pattern::Pattern;
use super::random::rand_at;
use crate::theory::time::Time;

/// A signal from a function of time: one event per query, with no whole, valued at the
/// query's start.
pub fn signal(f: impl Fn(Time) -> f64 + Send + Sync + 'static) -> Pattern<f64> {
    Pattern::new(move |span, out: &mut Vec<Hap<f64>>| {
        out.push(Hap::new(None, span, f(span.begin)));
    })
}

/// The cycle position as Strudel's float: numerator over denominator.
fn float(t: Time) -> f64 {
    *t.numer() as f64 / *t.denom() as f64
}

/// Rises from 0 to 1 over each cycle.
pub fn saw() -> Pattern<f64> {
    signal(|t| float(t).rem_euclid(1.0))
}

/// Falls from 1 to 0 over each cycle.
pub fn isaw() -> Pattern<f64> {
    signal(|t| 1.0 - float(t).rem_euclid(1.0))
}

/// A sine wave, 0–1, starting at its middle and rising.
pub fn sine() -> Pattern<f64> {
    signal(|t| ((2.0 * PI * float(t)).sin() + 1.0) / 2.0)
}

/// [`sine`] a quarter cycle ahead: starts at its top.
pub fn cosine() -> Pattern<f64> {
    signal(|t| {
        let t = t + Time::new(1, 4);
        ((2.0 * PI * float(t)).sin() + 1.0) / 2.0
    })
}

/// Up over the first half of each cycle, down over the second.
pub fn tri() -> Pattern<f64> {
    Pattern::fastcat(vec![saw(), isaw()])
}

/// 0 for the first half of each cycle, 1 for the second.
pub fn square() -> Pattern<f64> {
    signal(|t| (2.0 * float(t)).rem_euclid(2.0).floor())
}

/// Strudel's random numbers, 0–1, the same at the same moment every time.
pub fn rand() -> Pattern<f64> {
    signal(rand_at)
}

/// Smooth noise: random values at each whole cycle, eased between.
pub fn perlin() -> Pattern<f64> {
    signal(|t| {
        let a = t.floor();
        let u = float(t) - float(a);
        let ease = 6.0 * u.powi(5) - 15.0 * u.powi(4) + 10.0 * u.powi(3);
        rand_at(a) + ease * (rand_at(a + Time::ONE) - rand_at(a))
    })
}

/// The signal called `name` (`sine`, `cosine`, `saw`, `isaw`, `tri`, `square`, `rand`,
/// `perlin`).
pub fn named(name: &str) -> Option<Pattern<f64>> {
    Some(match name {
        "sine" => sine(),
        "cosine" => cosine(),
        "saw" => saw(),
        "isaw" => isaw(),
        "tri" => tri(),
        "square" => square(),
        "rand" => rand(),
        "perlin" => perlin(),
        _ => return None,
    })
}

/// The names [`named`] knows.
pub const NAMES: &[&str] = &[
    "sine", "cosine", "saw", "isaw", "tri", "square", "rand", "perlin",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::span::Span;

    /// The signal's values at the starts of `n` equal steps of cycle 0.
    fn steps(p: &Pattern<f64>, n: i64) -> Vec<f64> {
        p.segment(n)
            .query(Span::new(Time::ZERO, Time::ONE))
            .into_iter()
            .map(|h| h.value)
            .collect()
    }

    #[test]
    fn saw_rises_and_isaw_falls_over_each_cycle() {
        assert_eq!(steps(&saw(), 4), [0.0, 0.25, 0.5, 0.75]);
        assert_eq!(steps(&isaw(), 4), [1.0, 0.75, 0.5, 0.25]);
    }

    #[test]
    fn sine_starts_in_the_middle_and_cosine_at_the_top() {
        let s = steps(&sine(), 4);
        let c = steps(&cosine(), 4);
        let near = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(near(&s, &[0.5, 1.0, 0.5, 0.0]), "{s:?}");
        assert!(near(&c, &[1.0, 0.5, 0.0, 0.5]), "{c:?}");
    }

    #[test]
    fn tri_goes_up_then_down_and_square_is_low_then_high() {
        assert_eq!(steps(&tri(), 4), [0.0, 0.5, 1.0, 0.5]);
        assert_eq!(steps(&square(), 4), [0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn rand_and_perlin_repeat_exactly_and_perlin_meets_rand_on_whole_cycles() {
        assert_eq!(steps(&rand(), 8), steps(&rand(), 8));
        assert_eq!(steps(&perlin(), 1)[0], rand_at(Time::ZERO));
        assert!(steps(&rand(), 8).iter().all(|v| (0.0..1.0).contains(v)));
    }

    #[test]
    fn perlin_eases_from_one_random_value_to_the_next_over_each_cycle() {
        let at = |t: Time| {
            perlin()
                .query(Span::new(t, t))
                .first()
                .map(|h| h.value)
                .expect("a value")
        };
        let (here, next) = (
            rand_at(Time::from_integer(3)),
            rand_at(Time::from_integer(4)),
        );
        // The ease 6u⁵ − 15u⁴ + 10u³ is 0.5 half way and 53/512 a quarter of the way.
        let half = at(Time::new(7, 2));
        let quarter = at(Time::new(13, 4));
        assert!(
            (half - (here + 0.5 * (next - here))).abs() < 1e-12,
            "{half}"
        );
        let ease = 53.0 / 512.0;
        assert!(
            (quarter - (here + ease * (next - here))).abs() < 1e-12,
            "{quarter}"
        );
    }

    #[test]
    fn every_name_is_a_signal() {
        for name in NAMES {
            assert!(named(name).is_some(), "{name}");
        }
        assert!(named("noise").is_none());
    }
}
