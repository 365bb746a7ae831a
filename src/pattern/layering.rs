//! Transforms that play a pattern more than once at the same time: `off`, `superimpose`,
//! `layer`, `echo` and `stut`, as Strudel defines them.

use super::cycles::Func;
use super::pattern::{Pattern, Payload};
use super::tone::Tone;
use crate::theory::time::Time;

impl<T: Payload> Pattern<T> {
    /// The pattern, plus `f` of it played `offset` later (Strudel's `off`).
    pub fn off(&self, offset: Time, f: &Func<T>) -> Self {
        Pattern::stack(vec![self.clone(), f(&self.late(offset))])
    }

    /// The pattern, plus each of `fs` applied to it (Strudel's `superimpose`).
    pub fn superimpose(&self, fs: &[Func<T>]) -> Self {
        let mut layers = vec![self.clone()];
        layers.extend(fs.iter().map(|f| f(self)));
        Pattern::stack(layers)
    }

    /// Each of `fs` applied to the pattern, without the pattern itself (Strudel's `layer`).
    pub fn layer(&self, fs: &[Func<T>]) -> Self {
        Pattern::stack(fs.iter().map(|f| f(self)).collect())
    }

    /// Keeps this pattern's events, cut wherever `mask` changes, where `mask` is true
    /// (Strudel's `mask`: the structure is the pattern's own). The mask is written in
    /// mini-notation, so it is asked once a query, not once an event.
    pub fn mask(&self, mask: &Pattern<bool>) -> Self {
        self.app_left_discrete(&mask.filter_values(|b| *b), |v, _| v.clone())
    }

    /// This pattern's values on the structure of `hits`'s true events (Strudel's `struct`).
    /// A track's notes keep their values wherever they are asked from (signals are sampled
    /// at each note's own start), so they are asked once a query.
    pub fn structure(&self, hits: &Pattern<bool>) -> Self {
        hits.filter_values(|b| *b)
            .app_left_discrete(self, |_, v| v.clone())
    }
}

impl Pattern<Tone> {
    /// `count` copies, each `time` after the last, copy `i` at gain `feedback` to the `i`
    /// (Strudel's `echo`; the gain is set, not multiplied).
    pub fn echo(&self, count: i64, time: Time, feedback: f64) -> Self {
        Pattern::stack(
            (0..count.max(0))
                .map(|i| {
                    let gain = feedback.powi(i as i32);
                    self.late(time * Time::from_integer(i))
                        .update_values(move |t| t.gain = gain)
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Span;
    use std::sync::Arc;

    #[test]
    fn an_echo_repeats_each_note_quieter_each_time() {
        let p = Pattern::pure(Tone::key(60.0, 100)).echo(3, Time::new(1, 8), 0.5);
        let mut haps = p.query(Span::new(Time::ZERO, Time::ONE));
        haps.retain(|h| h.has_onset());
        haps.sort_by_key(|h| h.part.begin);
        let gains: Vec<f64> = haps.iter().map(|h| h.value.gain).collect();
        assert_eq!(gains, [1.0, 0.5, 0.25]);
    }

    #[test]
    fn off_adds_a_changed_copy_later() {
        let up: Func<i32> = Arc::new(|p: &Pattern<i32>| p.fmap(|v| v + 7));
        let haps = Pattern::pure(60)
            .off(Time::new(1, 8), &up)
            .query(Span::new(Time::ZERO, Time::ONE));
        let onsets: Vec<(Time, i32)> = haps
            .iter()
            .filter(|h| h.has_onset())
            .map(|h| (h.part.begin, h.value))
            .collect();
        assert_eq!(onsets, [(Time::ZERO, 60), (Time::new(1, 8), 67)]);
    }
}
