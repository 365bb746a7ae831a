//! Humanize: small, seeded, repeatable deviations in timing and force, like a player's.

use std::sync::OnceLock;

use super::pattern::Pattern;
use super::random::{rand_at_float, seed_offset};
use super::tone::Tone;
use crate::theory::time::Time;

impl Pattern<Tone> {
    /// Moves each note by up to ±`ms` milliseconds and changes its velocity by up to
    /// ±`velocity`, the same way every time for the same `seed`.
    ///
    /// The deviation depends on the note's start and key, so a chord's notes spread a little
    /// as a pianist's do, and a repeated loop does not repeat its deviations for 300 cycles.
    pub fn humanize(&self, ms: f32, velocity: u8, seed: u32) -> Self {
        let timing = seed_offset(seed.wrapping_mul(2));
        let force = seed_offset(seed.wrapping_mul(2).wrapping_add(1));
        // Each key reads the streams a little apart, so notes struck together move apart. The
        // streams are read at a float position: this is a seed, not a time, and exact sums of
        // these fractions (denominators in the billions) cost more than the rest of a query.
        let apart = move |key: u8| {
            let apart = Time::new(i64::from(key), 1_000_003);
            ((apart + timing).to_f64(), (apart + force).to_f64())
        };
        // Worked out on the first query, not when the song compiles (compiling stays quick).
        let offsets: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
        self.update_haps(move |h| {
            let at = h.whole_or_part().begin.to_f64();
            let key = h.value.pitch.round().clamp(0.0, 127.0) as u8;
            let (timing, force) = offsets
                .get_or_init(|| (0..=127).map(apart).collect())
                .get(usize::from(key))
                .copied()
                .unwrap_or_else(|| apart(key));
            let dt = (rand_at_float(at + timing) * 2.0 - 1.0) as f32 * ms;
            let dv = ((rand_at_float(at + force) * 2.0 - 1.0) * f64::from(velocity)).round() as i32;
            h.value.nudge_ms += dt;
            let was = (h.value.velocity * 127.0).round() as i32;
            h.value.velocity = f64::from((was + dv).clamp(1, 127)) / 127.0;
        })
    }

    /// Shifts every note by `semitones`; a scale degree is shifted once its scale places it.
    /// A note pushed off the keyboard is silent.
    pub fn transpose(&self, semitones: i32) -> Self {
        self.update_values(move |t| {
            if t.degree {
                t.accidental = (i32::from(t.accidental) + semitones).clamp(-128, 127) as i8;
            } else {
                t.pitch += f64::from(semitones);
            }
        })
    }

    /// Moves every note by `ms` milliseconds (negative: earlier), at any tempo.
    pub fn nudge_ms(&self, ms: f32) -> Self {
        self.update_values(move |t| t.nudge_ms += ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Span;

    fn hits() -> Pattern<Tone> {
        Pattern::pure(Tone::key(38.0, 100)).fast(Time::from_integer(16))
    }

    #[test]
    fn humanized_hits_stay_within_their_range_and_repeat_with_the_seed() {
        let span = Span::new(Time::from_integer(0), Time::from_integer(4));
        let a = hits().humanize(8.0, 10, 7).query(span);
        let b = hits().humanize(8.0, 10, 7).query(span);
        assert_eq!(a, b);
        assert!(a.iter().all(|h| h.value.nudge_ms.abs() <= 8.0));
        assert!(
            a.iter()
                .all(|h| (90..=110).contains(&h.value.to_note().map_or(0, |n| n.velocity)))
        );
        assert!(a.iter().any(|h| h.value.nudge_ms != 0.0));
        let c = hits().humanize(8.0, 10, 8).query(span);
        assert_ne!(a, c);
    }

    #[test]
    fn transposing_past_the_top_of_the_keyboard_drops_the_note() {
        let span = Span::new(Time::from_integer(0), Time::from_integer(1));
        assert_eq!(
            Pattern::pure(Tone::key(120.0, 100))
                .transpose(12)
                .query(span)[0]
                .value
                .to_note(),
            None
        );
        assert_eq!(
            Pattern::pure(Tone::key(60.0, 100))
                .transpose(-12)
                .query(span)[0]
                .value
                .to_note()
                .map(|n| n.key),
            Some(48)
        );
    }

    #[test]
    fn transposing_a_scale_degree_moves_it_in_semitones_once_placed() {
        use crate::pattern::tone::Tone;
        let up = Pattern::pure(Tone::degree(2.0, 0, 100)).transpose(3);
        let down = Pattern::pure(Tone::degree(2.0, 1, 100)).transpose(-2);
        let span = Span::new(Time::ZERO, Time::ONE);
        let (up, down) = (&up.query(span)[0].value, &down.query(span)[0].value);
        assert_eq!((up.pitch, up.accidental, up.degree), (2.0, 3, true));
        assert_eq!((down.pitch, down.accidental), (2.0, -1));
    }
}
