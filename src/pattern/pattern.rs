//! The pattern: a function from a span of time to the events that fall in it.
//!
//! This is the TidalCycles/Strudel query model with exact rational time. Queries append into a
//! caller's buffer, so the combinators that only move time (sequence, fast, shift) rewrite the
//! events their child produced in place instead of allocating.

use std::sync::Arc;

use super::hap::Hap;
use super::period;
use super::scratch::Scratch;
use super::span::Span;
use crate::theory::time::{Time, sam};

/// What a pattern's value must be: cheap to clone and shareable with the engine thread.
pub trait Payload: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> Payload for T {}

type QueryFn<T> = dyn Fn(Span, &mut Vec<Hap<T>>) + Send + Sync;

/// A pattern of values over time.
pub struct Pattern<T> {
    query: Arc<QueryFn<T>>,
    steps: Option<Time>,
    /// Known to hold no events (a rest), so sequences can skip it without querying.
    silent: bool,
    /// How many cycles it takes to repeat, where known (see [`super::period`]).
    period: Option<i64>,
    /// Already answers from a table of its cycles (see [`Pattern::memo`]).
    memoized: bool,
}

impl<T> Clone for Pattern<T> {
    fn clone(&self) -> Self {
        Pattern {
            query: Arc::clone(&self.query),
            steps: self.steps,
            silent: self.silent,
            period: self.period,
            memoized: self.memoized,
        }
    }
}

impl<T> std::fmt::Debug for Pattern<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pattern")
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

/// Rewrites every event from `start` on with `f`, which maps a time to a time.
fn map_times_from<T>(out: &mut [Hap<T>], start: usize, f: impl Fn(Time) -> Time) {
    for hap in &mut out[start..] {
        hap.with_time(&f);
    }
}

impl<T: Payload> Pattern<T> {
    /// A pattern from its query function.
    pub fn new(query: impl Fn(Span, &mut Vec<Hap<T>>) + Send + Sync + 'static) -> Self {
        Pattern {
            query: Arc::new(query),
            steps: None,
            silent: false,
            period: None,
            memoized: false,
        }
    }

    /// Every event overlapping `span`.
    pub fn query(&self, span: Span) -> Vec<Hap<T>> {
        let mut out = Vec::new();
        (self.query)(span, &mut out);
        out
    }

    /// Appends every event overlapping `span` to `out`.
    pub fn query_into(&self, span: Span, out: &mut Vec<Hap<T>>) {
        (self.query)(span, out)
    }

    /// The number of steps per cycle (Strudel's "tactus"), where known.
    pub fn steps(&self) -> Option<Time> {
        self.steps
    }

    /// The same pattern with a step count.
    pub fn with_steps(mut self, steps: Option<Time>) -> Self {
        self.steps = steps;
        self
    }

    /// How many cycles it takes to repeat, where known (see [`super::period`]).
    pub fn period(&self) -> Option<i64> {
        self.period
    }

    /// The same pattern, declared to repeat every `period` cycles and to answer a query for
    /// part of a cycle with the whole cycle's events clipped to it. Only a maker that knows
    /// both facts declares them: [`Pattern::memo`] relies on them.
    pub fn with_period(mut self, period: Option<i64>) -> Self {
        self.period = period.filter(|p| (1..=super::period::MAX_PERIOD).contains(p));
        self
    }

    /// Whether this pattern already answers from a table of its cycles.
    pub(super) fn is_memoized(&self) -> bool {
        self.memoized
    }

    /// Marks this pattern as answering from a table.
    pub(super) fn memoized(mut self) -> Self {
        self.memoized = true;
        self
    }

    /// No events at all.
    pub fn silence() -> Self {
        let mut silence = Pattern::new(|_, _| {});
        silence.silent = true;
        silence.period = Some(1);
        silence
    }

    /// Whether this pattern is known to hold no events.
    pub fn is_silent(&self) -> bool {
        self.silent
    }

    /// One event per cycle, holding `value` for the whole cycle.
    pub fn pure(value: T) -> Self {
        Pattern::new(move |span, out| {
            span.for_each_cycle(|part| {
                out.push(Hap::new(Some(part.whole_cycle()), part, value.clone()));
            })
        })
        .with_steps(Some(Time::from_integer(1)))
        .with_period(Some(1))
    }

    /// Splits every query at cycle boundaries, for combinators that work one cycle at a time.
    pub fn split_queries(&self) -> Self {
        let pat = self.clone();
        Pattern::new(move |span, out| span.for_each_cycle(|part| pat.query_into(part, out)))
            .with_steps(self.steps)
            .with_period(self.period)
    }

    /// All the patterns at once.
    pub fn stack(pats: Vec<Pattern<T>>) -> Self {
        let steps = pats.iter().filter_map(|p| p.steps).max();
        let period = period::lcm_all(pats.iter().map(|p| p.period));
        if pats.len() == 1 {
            return pats.into_iter().next().unwrap_or_else(Pattern::silence);
        }
        Pattern::new(move |span, out| {
            for pat in &pats {
                pat.query_into(span, out);
            }
        })
        .with_steps(steps)
        .with_period(period)
    }

    /// The patterns one after another within each cycle, each taking a share of the cycle
    /// proportional to its weight. Each child plays its own cycle `c` squeezed into its slot of
    /// cycle `c`, as Strudel's `timeCat` does.
    pub fn timecat(parts: Vec<(Time, Pattern<T>)>) -> Self {
        let total: Time = parts.iter().map(|(w, _)| *w).sum();
        let steps = total;
        if total <= Time::from_integer(0) {
            return Pattern::silence();
        }
        let period = period::lcm_all(parts.iter().map(|(_, p)| p.period));
        let mut slots = Vec::with_capacity(parts.len());
        let mut offset = Time::from_integer(0);
        for (weight, pat) in parts {
            let width = weight / total;
            // Rests take their share of the cycle but need no query.
            if width > Time::from_integer(0) && !pat.is_silent() {
                slots.push((offset, offset + width, width, width.recip(), pat));
            }
            offset += width;
        }
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                let cycle = sam(piece.begin);
                for (offset, offset_end, width, inverse, pat) in &slots {
                    // Adding the whole-number cycle is the cheap kind of addition.
                    let slot_begin = cycle + offset;
                    let slot_end = cycle + offset_end;
                    let begin = piece.begin.max(slot_begin);
                    let end = piece.end.min(slot_end);
                    let keep = if piece.begin == piece.end {
                        slot_begin <= piece.begin && piece.begin < slot_end
                    } else {
                        begin < end
                    };
                    if !keep {
                        continue;
                    }
                    let to_local = |t: Time| cycle + (t - slot_begin) * inverse;
                    let start = out.len();
                    pat.query_into(Span::new(to_local(begin), to_local(end)), out);
                    map_times_from(out, start, |t| slot_begin + (t - cycle) * width);
                }
            })
        })
        .with_steps(Some(steps))
        .with_period(period)
    }

    /// The patterns squeezed one after another into each cycle, with equal shares.
    pub fn fastcat(pats: Vec<Pattern<T>>) -> Self {
        let n = pats.len() as i64;
        Pattern::timecat(
            pats.into_iter()
                .map(|p| (Time::from_integer(1), p))
                .collect(),
        )
        .with_steps(Some(Time::from_integer(n)))
    }

    /// One pattern per cycle, in turn (Strudel's `<a b c>`: the sequence slowed by its length).
    pub fn slowcat(pats: Vec<Pattern<T>>) -> Self {
        let n = pats.len() as i64;
        if n == 0 {
            return Pattern::silence();
        }
        Pattern::fastcat(pats)
            .slow(Time::from_integer(n))
            .with_steps(Some(Time::from_integer(1)))
    }

    /// Plays `factor` cycles in the time of one. Zero or negative factors give silence.
    pub fn fast(&self, factor: Time) -> Self {
        if factor <= Time::from_integer(0) {
            return Pattern::silence();
        }
        if factor == Time::from_integer(1) {
            return self.clone();
        }
        let pat = self.clone();
        let inverse = factor.recip();
        Pattern::new(move |span, out| {
            let start = out.len();
            pat.query_into(span.with_time(|t| t * factor), out);
            map_times_from(out, start, |t| t * inverse);
        })
        .with_steps(self.steps)
        .with_period(period::of_fast(self.period, factor))
    }

    /// Stretches the pattern so one of its cycles lasts `factor` cycles.
    pub fn slow(&self, factor: Time) -> Self {
        if factor <= Time::from_integer(0) {
            return Pattern::silence();
        }
        self.fast(Time::from_integer(1) / factor)
    }

    /// Shifts the pattern earlier by `offset` cycles.
    pub fn early(&self, offset: Time) -> Self {
        if offset == Time::from_integer(0) {
            return self.clone();
        }
        let pat = self.clone();
        Pattern::new(move |span, out| {
            let start = out.len();
            pat.query_into(span.with_time(|t| t + offset), out);
            map_times_from(out, start, |t| t - offset);
        })
        .with_steps(self.steps)
        .with_period(self.period)
    }

    /// Shifts the pattern later by `offset` cycles.
    pub fn late(&self, offset: Time) -> Self {
        self.early(-offset)
    }

    /// Squeezes each cycle into `[begin, end)` of the same cycle, leaving the rest silent.
    pub fn compress(&self, begin: Time, end: Time) -> Self {
        let zero = Time::from_integer(0);
        let one = Time::from_integer(1);
        if begin > end || begin < zero || end > one || begin == end {
            return Pattern::silence();
        }
        Pattern::timecat(vec![
            (begin, Pattern::silence()),
            (end - begin, self.clone()),
            (one - end, Pattern::silence()),
        ])
        .with_steps(self.steps)
    }

    /// Applies `f` to every value.
    pub fn fmap<U: Payload>(&self, f: impl Fn(&T) -> U + Send + Sync + 'static) -> Pattern<U> {
        let pat = self.clone();
        let haps_scratch = Scratch::default();
        Pattern::new(move |span, out| {
            haps_scratch.with(|haps| {
                pat.query_into(span, haps);
                out.extend(haps.drain(..).map(|h| Hap {
                    whole: h.whole,
                    part: h.part,
                    value: f(&h.value),
                }));
            })
        })
        .with_steps(self.steps)
        .with_period(self.period)
    }

    /// Replaces every value by what `f` makes of it, dropping the events it makes nothing of.
    pub fn filter_map_values<U: Payload>(
        &self,
        f: impl Fn(&T) -> Option<U> + Send + Sync + 'static,
    ) -> Pattern<U> {
        self.flat_map_haps(move |h, out| {
            if let Some(value) = f(&h.value) {
                out.push(Hap {
                    whole: h.whole,
                    part: h.part,
                    value,
                });
            }
        })
        .with_steps(self.steps)
        .with_period(self.period)
    }

    /// Replaces every event by one event per value `f` appends to its buffer (none drops it).
    /// The buffer is reused from event to event, so a query allocates only twice.
    pub fn flat_map_values<U: Payload>(
        &self,
        f: impl Fn(&T, &mut Vec<U>) + Send + Sync + 'static,
    ) -> Pattern<U> {
        let pat = self.clone();
        let haps_scratch = Scratch::default();
        let values_scratch = Scratch::default();
        Pattern::new(move |span, out| {
            haps_scratch.with(|haps| {
                values_scratch.with(|values| {
                    pat.query_into(span, haps);
                    for h in haps.drain(..) {
                        f(&h.value, values);
                        out.extend(values.drain(..).map(|v| Hap {
                            whole: h.whole,
                            part: h.part,
                            value: v,
                        }));
                    }
                })
            })
        })
        .with_steps(self.steps)
        .with_period(self.period)
    }

    /// Changes each event in place (same value type), so the query allocates nothing.
    pub fn update_haps(&self, f: impl Fn(&mut Hap<T>) + Send + Sync + 'static) -> Self {
        let pat = self.clone();
        Pattern::new(move |span, out| {
            let start = out.len();
            pat.query_into(span, out);
            out[start..].iter_mut().for_each(&f);
        })
        .with_steps(self.steps)
    }

    /// Changes each event's value in place, leaving its time alone (so the period stays).
    pub fn update_values(&self, f: impl Fn(&mut T) + Send + Sync + 'static) -> Self {
        self.update_haps(move |h| f(&mut h.value))
            .with_period(self.period)
    }

    /// Keeps only the events for which `keep` holds.
    pub fn filter_haps(&self, keep: impl Fn(&Hap<T>) -> bool + Send + Sync + 'static) -> Self {
        let pat = self.clone();
        Pattern::new(move |span, out| {
            let start = out.len();
            pat.query_into(span, out);
            let mut i = 0;
            out.retain(|h| {
                let kept = i < start || keep(h);
                i += 1;
                kept
            });
        })
        .with_steps(self.steps)
    }

    /// Keeps only the values for which `keep` holds.
    pub fn filter_values(&self, keep: impl Fn(&T) -> bool + Send + Sync + 'static) -> Self {
        self.filter_haps(move |h| keep(&h.value))
            .with_period(self.period)
    }

    /// Replaces each event by the events `f` makes of it (none, itself changed, several).
    pub fn flat_map_haps<U: Payload>(
        &self,
        f: impl Fn(&Hap<T>, &mut Vec<Hap<U>>) + Send + Sync + 'static,
    ) -> Pattern<U> {
        let pat = self.clone();
        let haps_scratch = Scratch::default();
        Pattern::new(move |span, out| {
            haps_scratch.with(|haps| {
                pat.query_into(span, haps);
                for h in haps.iter() {
                    f(h, out);
                }
            })
        })
    }

    /// Keeps only fragments that start their event, so each note sounds once.
    pub fn onsets_only(&self) -> Self {
        self.filter_haps(|h| h.has_onset())
    }

    /// Plays `other` instead of this pattern in the cycles where `pick` holds.
    pub fn when_cycle(
        &self,
        pick: impl Fn(i64) -> bool + Send + Sync + 'static,
        other: Pattern<T>,
    ) -> Self {
        let pat = self.clone();
        Pattern::new(move |span, out| {
            span.for_each_cycle(|piece| {
                if pick(sam(piece.begin).to_integer()) {
                    other.query_into(piece, out)
                } else {
                    pat.query_into(piece, out)
                }
            })
        })
        .with_steps(self.steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: i64, d: i64) -> Time {
        Time::new(n, d)
    }

    fn span(b: Time, e: Time) -> Span {
        Span::new(b, e)
    }

    /// Each event as (whole, part, value), in the order the query gave them.
    fn events<T: Payload>(pat: &Pattern<T>, b: Time, e: Time) -> Vec<(Option<Span>, Span, T)> {
        pat.query(span(b, e))
            .into_iter()
            .map(|h| (h.whole, h.part, h.value))
            .collect()
    }

    fn two_steps() -> Pattern<&'static str> {
        Pattern::fastcat(vec![Pattern::pure("a"), Pattern::pure("b")])
    }

    #[test]
    fn silence_is_known_to_be_a_rest_and_a_note_is_not() {
        assert!(Pattern::<&str>::silence().is_silent());
        assert!(!Pattern::pure("a").is_silent());
        assert!(!two_steps().is_silent());
    }

    #[test]
    fn a_point_query_hears_only_the_step_that_holds_it() {
        // Sampling "a b" at single instants: a step holds its start but not its end, so the
        // instant 1/2 belongs to b alone (Strudel: a zero-width overlap at the end of a
        // non-zero-width span does not count).
        let first = Some(span(t(0, 1), t(1, 2)));
        let second = Some(span(t(1, 2), t(1, 1)));
        for (at, whole, value) in [
            (t(0, 1), first, "a"),
            (t(1, 4), first, "a"),
            (t(1, 2), second, "b"),
            (t(3, 4), second, "b"),
        ] {
            assert_eq!(
                events(&two_steps(), at, at),
                vec![(whole, span(at, at), value)],
                "at {at}"
            );
        }
    }

    #[test]
    fn slowcat_plays_one_pattern_per_cycle_in_turn() {
        let pat = Pattern::slowcat(vec![Pattern::pure("a"), Pattern::pure("b")]);
        let values: Vec<&str> = pat
            .query(span(t(0, 1), t(3, 1)))
            .into_iter()
            .map(|h| h.value)
            .collect();
        assert_eq!(values, vec!["a", "b", "a"]);
        assert_eq!(
            events(&pat, t(1, 1), t(2, 1)),
            vec![(Some(span(t(1, 1), t(2, 1))), span(t(1, 1), t(2, 1)), "b")]
        );
        assert!(Pattern::<&str>::slowcat(vec![]).is_silent());
    }

    #[test]
    fn late_moves_events_later_and_early_moves_them_earlier() {
        let a = Pattern::pure("a");
        // A quarter cycle late: the note of cycle -1 still sounds until 1/4.
        assert_eq!(
            events(&a.late(t(1, 4)), t(0, 1), t(1, 1)),
            vec![
                (Some(span(t(-3, 4), t(1, 4))), span(t(0, 1), t(1, 4)), "a"),
                (Some(span(t(1, 4), t(5, 4))), span(t(1, 4), t(1, 1)), "a"),
            ]
        );
        assert_eq!(
            events(&a.early(t(1, 4)), t(0, 1), t(1, 1)),
            vec![
                (Some(span(t(-1, 4), t(3, 4))), span(t(0, 1), t(3, 4)), "a"),
                (Some(span(t(3, 4), t(7, 4))), span(t(3, 4), t(1, 1)), "a"),
            ]
        );
        // "a b" shifted by half a cycle either way is "b a".
        for shifted in [two_steps().late(t(1, 2)), two_steps().early(t(1, 2))] {
            let values: Vec<&str> = shifted
                .query(span(t(0, 1), t(1, 1)))
                .into_iter()
                .map(|h| h.value)
                .collect();
            assert_eq!(values, vec!["b", "a"]);
        }
    }

    #[test]
    fn compress_squeezes_each_cycle_into_its_window() {
        let a = Pattern::pure("a");
        for (b, e) in [(t(1, 4), t(3, 4)), (t(0, 1), t(1, 2)), (t(1, 2), t(1, 1))] {
            let whole = |c: i64| Some(span(t(c, 1) + b, t(c, 1) + e));
            assert_eq!(
                events(&a.compress(b, e), t(0, 1), t(2, 1)),
                vec![
                    (whole(0), whole(0).unwrap(), "a"),
                    (whole(1), whole(1).unwrap(), "a")
                ],
                "compress({b}, {e})"
            );
        }
        // The whole cycle is the pattern itself.
        assert_eq!(
            events(&two_steps().compress(t(0, 1), t(1, 1)), t(0, 1), t(1, 1)),
            events(&two_steps(), t(0, 1), t(1, 1))
        );
    }

    #[test]
    fn a_compressed_window_outside_zero_to_one_is_silence() {
        // As in Strudel's compress: a window reaching before the cycle's start or past its end
        // gives silence, not a note straddling the bar line.
        let a = Pattern::pure("a");
        for (b, e) in [(t(-1, 4), t(1, 2)), (t(1, 2), t(5, 4)), (t(-1, 2), t(3, 2))] {
            let pat = a.compress(b, e);
            assert!(pat.is_silent(), "compress({b}, {e})");
            assert_eq!(
                events(&pat, t(-1, 1), t(2, 1)),
                vec![],
                "compress({b}, {e})"
            );
        }
    }

    #[test]
    fn a_backwards_or_empty_compress_window_is_a_rest() {
        let a = Pattern::pure("a");
        for (b, e) in [(t(3, 4), t(1, 4)), (t(1, 2), t(1, 2))] {
            let pat = a.compress(b, e);
            assert!(pat.is_silent(), "compress({b}, {e})");
            assert_eq!(events(&pat, t(0, 1), t(2, 1)), vec![], "compress({b}, {e})");
        }
    }
}
