//! Transformations that reshape a pattern in time: reverse, every-N, ply, swing.

use super::pattern::{Pattern, Payload};
use super::span::Span;
use crate::theory::time::{Time, next_sam, sam};

impl<T: Payload> Pattern<T> {
    /// Plays each cycle backwards.
    pub fn rev(&self) -> Self {
        let pat = self.clone();
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin);
                let next = next_sam(piece.begin);
                let reflect = |s: Span| Span::new(cycle + next - s.end, cycle + next - s.begin);
                let start = out.len();
                pat.query_into(reflect(piece), out);
                for hap in &mut out[start..] {
                    hap.part = reflect(hap.part);
                    hap.whole = hap.whole.map(reflect);
                }
            })
        })
        .with_steps(self.steps())
    }

    /// Applies `f` on the first of every `n` cycles (Tidal's `every`, Strudel's `firstOf`).
    pub fn every(&self, n: i64, f: impl FnOnce(&Pattern<T>) -> Pattern<T>) -> Self {
        if n <= 0 {
            return self.clone();
        }
        let changed = f(self);
        self.when_cycle(move |c| c.rem_euclid(n) == 0, changed)
    }

    /// Repeats each event `factor` times within its own span.
    pub fn ply(&self, factor: i64) -> Self {
        if factor <= 1 {
            return self.clone();
        }
        let factor = Time::from_integer(factor);
        self.squeeze_bind(move |v| Pattern::pure(v.clone()).fast(factor))
    }

    /// Swing: within every pair of steps of length `step`, the second step starts at `ratio` of
    /// the pair instead of half way (0.5 is straight, 2/3 is a triplet feel). Time in between is
    /// stretched evenly, so notes keep their order and never overlap more than they did.
    pub fn swing(&self, ratio: Time, step: Time) -> Self {
        let half = Time::new(1, 2);
        if ratio == half
            || step <= Time::from_integer(0)
            || ratio <= Time::from_integer(0)
            || ratio >= Time::from_integer(1)
        {
            return self.clone();
        }
        let cell = step * Time::from_integer(2);
        let per_cell = cell.recip();
        let one = Time::ONE;
        // Slopes of the two halves of a pair: [0, 1/2) → [0, ratio), [1/2, 1) → [ratio, 1).
        let (first, second) = (ratio * 2, (one - ratio) * 2);
        // Most notes sit on the grid, where the warp is a plain lookup; the general case is
        // one multiply per half.
        let warp = move |t: Time| {
            let u = t * per_cell;
            let k = u.floor();
            let x = u - k;
            if x.is_zero() {
                return t;
            }
            let y = if x == half {
                ratio
            } else if x < half {
                x * first
            } else {
                ratio + (x - half) * second
            };
            (k + y) * cell
        };
        let unwarp = move |t: Time| {
            let u = t * per_cell;
            let k = u.floor();
            let y = u - k;
            if y.is_zero() {
                return t;
            }
            let x = if y == ratio {
                half
            } else if y < ratio {
                y / first
            } else {
                half + (y - ratio) / second
            };
            (k + x) * cell
        };
        let pat = self.clone();
        Pattern::new(move |span, out| {
            let start = out.len();
            pat.query_into(span.with_time(unwarp), out);
            for hap in &mut out[start..] {
                hap.with_time(warp);
            }
        })
        .with_steps(self.steps())
        // The warp repeats every pair of steps, so whole cycles that hold whole pairs.
        .with_period(super::period::lcm(
            self.period(),
            super::period::of_length(cell),
        ))
    }

    /// Samples this pattern `n` times per cycle, giving discrete steps.
    pub fn segment(&self, n: i64) -> Self {
        if n <= 0 {
            return Pattern::silence();
        }
        let grid = Pattern::pure(()).fast(Time::from_integer(n));
        grid.app_left(self, |_, v| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn four_steps() -> Pattern<&'static str> {
        Pattern::fastcat(["a", "b", "c", "d"].map(Pattern::pure).to_vec())
    }

    fn bar(pat: &Pattern<&'static str>) -> Vec<(Option<Span>, Span, &'static str)> {
        pat.query(Span::new(Time::ZERO, Time::ONE))
            .into_iter()
            .map(|h| (h.whole, h.part, h.value))
            .collect()
    }

    #[test]
    fn swing_delays_the_second_step_of_each_pair() {
        // Quarter-note steps swung 2:1: b and d start two thirds of the way through their pair.
        let onsets: Vec<Time> = bar(&four_steps().swing(Time::new(2, 3), Time::new(1, 4)))
            .iter()
            .map(|(w, _, _)| w.map_or(Time::ZERO, |w| w.begin))
            .collect();
        assert_eq!(
            onsets,
            vec![
                Time::ZERO,
                Time::new(1, 3),
                Time::new(1, 2),
                Time::new(5, 6)
            ]
        );
    }

    #[test]
    fn a_swung_pattern_queried_in_pieces_off_the_grid_gives_the_same_notes() {
        // The engine asks for whatever stretch of time the audio block covers, rarely on the
        // grid. Pieces a twelfth of a cycle long (ends before, on and after the swung off-beat)
        // must give the notes of a two-bar query, each cut to its piece.
        let swung = four_steps().swing(Time::new(2, 3), Time::new(1, 4));
        let full = swung.query(Span::new(Time::ZERO, Time::from_integer(2)));
        assert_eq!(full.len(), 8);
        for i in 0..24 {
            let piece = Span::new(Time::new(i, 12), Time::new(i + 1, 12));
            let expected: Vec<(Option<Span>, Span, &str)> = full
                .iter()
                .filter_map(|h| {
                    let part = h.whole?.intersection(&piece)?;
                    Some((h.whole, part, h.value))
                })
                .collect();
            let got: Vec<(Option<Span>, Span, &str)> = swung
                .query(piece)
                .into_iter()
                .map(|h| (h.whole, h.part, h.value))
                .collect();
            assert_eq!(got, expected, "piece {piece}");
        }
    }

    #[test]
    fn segment_samples_the_pattern_on_an_even_grid() {
        // "a b" sampled four times a cycle: each quarter takes the value sounding there.
        let two = Pattern::fastcat(vec![Pattern::pure("a"), Pattern::pure("b")]);
        let quarters: Vec<(Option<Span>, &str)> = bar(&two.segment(4))
            .into_iter()
            .map(|(w, _, v)| (w, v))
            .collect();
        let q = |i: i64| Some(Span::new(Time::new(i, 4), Time::new(i + 1, 4)));
        assert_eq!(
            quarters,
            vec![(q(0), "a"), (q(1), "a"), (q(2), "b"), (q(3), "b")]
        );
        assert_eq!(bar(&two.segment(0)), vec![]);
        assert_eq!(bar(&two.segment(-2)), vec![]);
    }

    #[test]
    fn swing_on_no_step_or_with_a_ratio_outside_zero_to_one_plays_straight() {
        let straight = bar(&four_steps());
        let quarter = Time::new(1, 4);
        for (ratio, step) in [
            (Time::new(2, 3), Time::ZERO),
            (Time::new(2, 3), Time::new(-1, 4)),
            (Time::ZERO, quarter),
            (Time::new(-1, 3), quarter),
            (Time::ONE, quarter),
            (Time::new(4, 3), quarter),
            (Time::new(1, 2), quarter),
        ] {
            assert_eq!(
                bar(&four_steps().swing(ratio, step)),
                straight,
                "swing {ratio} on {step}"
            );
        }
    }
}
