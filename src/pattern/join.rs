//! Combining patterns of patterns and pairs of patterns: where the structure of the result
//! comes from decides which join to use, as in Strudel.

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
use super::period;
use super::scratch::Scratch;
use super::span::Span;
use crate::theory::time::{Time, sam};

/// Where two events' wholes overlap: `Some(None)` when either is continuous, `None` when
/// they do not meet (the pair is dropped).
fn shared_whole(a: Option<Span>, b: Option<Span>) -> Option<Option<Span>> {
    match (a, b) {
        (Some(a), Some(b)) => a.intersection(&b).map(Some),
        _ => Some(None),
    }
}

impl<T: Payload> Pattern<T> {
    /// Combines each event with the values of `other` that overlap it; the structure (the
    /// wholes) comes from `self`.
    pub fn app_left<U: Payload, V: Payload>(
        &self,
        other: &Pattern<U>,
        f: impl Fn(&T, &U) -> V + Send + Sync + 'static,
    ) -> Pattern<V> {
        self.app_left_querying(other, f, false)
    }

    /// [`Pattern::app_left`] with `other` queried once for all of this query's events instead of
    /// once per event. The same events come out when `other`'s events do not depend on the span
    /// asked for, as with everything written in mini-notation (not with continuous signals).
    /// A track's velocity pattern is applied this way: one query a bar, not one per note.
    pub fn app_left_discrete<U: Payload, V: Payload>(
        &self,
        other: &Pattern<U>,
        f: impl Fn(&T, &U) -> V + Send + Sync + 'static,
    ) -> Pattern<V> {
        self.app_left_querying(other, f, true)
    }

    /// Both kinds of `app_left`: `once` queries `other` over the span all events cover.
    fn app_left_querying<U: Payload, V: Payload>(
        &self,
        other: &Pattern<U>,
        f: impl Fn(&T, &U) -> V + Send + Sync + 'static,
        once: bool,
    ) -> Pattern<V> {
        let left = self.clone();
        let right = other.clone();
        let lefts_scratch = Scratch::default();
        let rights_scratch = Scratch::default();
        Pattern::new(move |span, out| {
            lefts_scratch.with(|lefts| {
                rights_scratch.with(|rights| {
                    left.query_into(span, lefts);
                    let mut wholes = lefts.iter().map(|l| l.whole_or_part());
                    if once && let Some(first) = wholes.next() {
                        let hull = wholes.fold(first, |h, w| {
                            Span::new(h.begin.min(w.begin), h.end.max(w.end))
                        });
                        right.query_into(hull, rights);
                    }
                    for l in lefts.iter() {
                        if !once {
                            rights.clear();
                            right.query_into(l.whole_or_part(), rights);
                        }
                        for r in rights.iter() {
                            // Cheap rejection first: most pairs lie apart.
                            if r.part.begin > l.part.end || r.part.end < l.part.begin {
                                continue;
                            }
                            if let Some(part) = l.part.intersection(&r.part) {
                                out.push(Hap::new(l.whole, part, f(&l.value, &r.value)));
                            }
                        }
                    }
                })
            })
        })
        .with_steps(self.steps())
        .with_period(period::lcm(self.period(), other.period()))
    }

    /// For each event, plays the pattern `f` makes of its value, inside the event's fragment;
    /// the structure comes from the inner patterns (Strudel's `innerJoin`).
    pub fn inner_bind<U: Payload>(
        &self,
        f: impl Fn(&T) -> Pattern<U> + Send + Sync + 'static,
    ) -> Pattern<U> {
        let outer = self.clone();
        let outers_scratch = Scratch::default();
        Pattern::new(move |span, out| {
            outers_scratch.with(|outers| {
                outer.query_into(span, outers);
                for o in outers.iter().filter(|o| o.whole.is_some()) {
                    let start = out.len();
                    f(&o.value).query_into(o.part, out);
                    // The inner query already stays within the outer fragment; drop any point events
                    // that fall exactly on its end.
                    let mut i = 0;
                    out.retain(|h| {
                        let keep = i < start || h.part.intersection(&o.part).is_some();
                        i += 1;
                        keep
                    });
                }
            })
        })
    }

    /// For each event, plays the pattern `f` makes of its value, with wholes cut to where both
    /// the outer and inner events hold (Strudel's `bind`, the "mix" join).
    pub fn bind<U: Payload>(
        &self,
        f: impl Fn(&T) -> Pattern<U> + Send + Sync + 'static,
    ) -> Pattern<U> {
        let outer = self.clone();
        Pattern::new(move |span, out| {
            let mut outers = Vec::new();
            let mut inners = Vec::new();
            outer.query_into(span, &mut outers);
            for o in &outers {
                inners.clear();
                f(&o.value).query_into(o.part, &mut inners);
                for i in inners.drain(..) {
                    let Some(whole) = shared_whole(o.whole, i.whole) else {
                        continue;
                    };
                    out.push(Hap::new(whole, i.part, i.value));
                }
            }
        })
    }

    /// For each event, squeezes one cycle of the pattern `f` makes of its value into the
    /// event's whole (Strudel's `squeezeJoin`).
    pub fn squeeze_bind<U: Payload>(
        &self,
        f: impl Fn(&T) -> Pattern<U> + Send + Sync + 'static,
    ) -> Pattern<U> {
        let outer = self.clone();
        Pattern::new(move |span, out| {
            let mut outers = Vec::new();
            let mut inners = Vec::new();
            outer.query_into(span, &mut outers);
            for o in outers.iter().filter(|o| o.whole.is_some()) {
                let whole = o.whole_or_part();
                inners.clear();
                f(&o.value).focus(whole).query_into(o.part, &mut inners);
                for i in inners.drain(..) {
                    let Some(new_whole) = shared_whole(i.whole, o.whole) else {
                        continue;
                    };
                    if let Some(part) = i.part.intersection(&o.part) {
                        out.push(Hap::new(new_whole, part, i.value));
                    }
                }
            }
        })
    }

    /// Plays the cycle starting at `span.begin`'s cycle stretched over `span` (Strudel's `focus`).
    pub fn focus(&self, span: Span) -> Self {
        let duration = span.duration();
        if duration <= Time::from_integer(0) {
            return Pattern::silence();
        }
        self.early(sam(span.begin))
            .fast(Time::from_integer(1) / duration)
            .late(span.begin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Value;
    use proptest::prelude::*;

    /// Every pattern of the Strudel conformance set that compiles, parsed once.
    fn mini_patterns() -> &'static [Pattern<Value>] {
        static PATTERNS: std::sync::OnceLock<Vec<Pattern<Value>>> = std::sync::OnceLock::new();
        PATTERNS.get_or_init(|| {
            include_str!("../../tests/conformance/mini/expected.jsonl")
                .lines()
                .filter_map(|l| {
                    let start = l.find("\"pattern\":\"")? + 11;
                    let end = start + l[start..].find("\",\"ok\"")?;
                    let text = l[start..end].replace("\\\"", "\"").replace("\\\\", "\\");
                    crate::lang::mini::parse(&text).ok().map(|c| c.pattern)
                })
                .collect()
        })
    }

    fn t(n: i64, d: i64) -> Time {
        Time::new(n, d)
    }

    fn span(b: Time, e: Time) -> Span {
        Span::new(b, e)
    }

    /// Instantaneous triggers, one on every bar line (a zero-width event at each whole cycle),
    /// reported for every bar line from the query's start to its end, both included.
    fn bar_line_triggers() -> Pattern<&'static str> {
        Pattern::new(|span, out| {
            let mut c = span.begin.ceil();
            while c <= span.end {
                out.push(Hap::new(Some(Span::new(c, c)), Span::new(c, c), "tick"));
                c += Time::from_integer(1);
            }
        })
    }

    fn two_steps(a: &'static str, b: &'static str) -> Pattern<&'static str> {
        Pattern::fastcat(vec![Pattern::pure(a), Pattern::pure(b)])
    }

    #[test]
    fn a_point_query_at_a_step_start_takes_the_other_patterns_value_there() {
        // Sampling "a b" at the instant b starts: b's whole is [1/2, 1), its part is the
        // point, and "x y" is read over that whole, where y starts at the same instant.
        let half = t(1, 2);
        let point = span(half, half);
        for pat in [
            two_steps("a", "b").app_left(&two_steps("x", "y"), |l, r| (*l, *r)),
            two_steps("a", "b").app_left_discrete(&two_steps("x", "y"), |l, r| (*l, *r)),
        ] {
            assert_eq!(
                pat.query(point),
                vec![Hap::new(Some(span(half, t(1, 1))), point, ("b", "y"))]
            );
        }
    }

    #[test]
    fn a_trigger_on_a_notes_start_reaches_it_and_one_on_its_end_does_not() {
        // The note "a" lasts the cycle [0, 1); the bar-line triggers at 0 and 1 both touch
        // it, but only the one at its start belongs to it, as in Strudel's appLeft.
        let note = Pattern::pure("a");
        for pat in [
            note.app_left(&bar_line_triggers(), |l, r| (*l, *r)),
            note.app_left_discrete(&bar_line_triggers(), |l, r| (*l, *r)),
        ] {
            let zero = t(0, 1);
            assert_eq!(
                pat.query(span(zero, t(1, 1))),
                vec![Hap::new(
                    Some(span(zero, t(1, 1))),
                    span(zero, zero),
                    ("a", "tick")
                )]
            );
        }
    }

    #[test]
    fn a_trigger_on_the_line_between_two_steps_is_heard_once() {
        // Each step of "a b" plays the triggers inside it (Strudel's innerJoin). The trigger
        // on the bar line at 1 lies on the end of b's fragment: it belongs to the next cycle
        // and must not be heard at the end of this one too.
        let pat = two_steps("a", "b").inner_bind(|_| bar_line_triggers());
        let zero = t(0, 1);
        let one = t(1, 1);
        assert_eq!(
            pat.query(span(zero, one)),
            vec![Hap::new(Some(span(zero, zero)), span(zero, zero), "tick")]
        );
        assert_eq!(
            pat.query(span(one, t(2, 1))),
            vec![Hap::new(Some(span(one, one)), span(one, one), "tick")]
        );
        // Over two cycles at once, the triggers at 0 and 1 once each.
        let both = pat.query(span(zero, t(2, 1)));
        let starts: Vec<Time> = both.iter().map(|h| h.part.begin).collect();
        assert_eq!(starts, vec![zero, one]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        #[test]
        fn velocities_from_one_query_equal_velocities_queried_note_by_note(
            left in 0usize..10_000,
            right in 0usize..10_000,
            begin in 0i64..64,
            length in 1i64..64,
            grid in prop::sample::select(vec![1i64, 2, 3, 4, 6, 8, 16]),
        ) {
            let patterns = mini_patterns();
            let (l, r) = (&patterns[left % patterns.len()], &patterns[right % patterns.len()]);
            let span = Span::new(Time::new(begin, grid), Time::new(begin + length, grid));
            let pair = |a: &Value, b: &Value| (a.clone(), b.clone());
            let per_note = l.app_left(r, pair).query(span);
            let once = l.app_left_discrete(r, pair).query(span);
            prop_assert_eq!(once, per_note);
        }
    }
}
