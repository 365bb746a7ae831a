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
