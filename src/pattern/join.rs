//! Combining patterns of patterns and pairs of patterns: where the structure of the result
//! comes from decides which join to use, as in Strudel.

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
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
        Pattern::new(move |span, out| {
            let mut lefts = Vec::new();
            let mut rights = Vec::new();
            left.query_into(span, &mut lefts);
            let mut wholes = lefts.iter().map(|l| l.whole_or_part());
            if once && let Some(first) = wholes.next() {
                let hull = wholes.fold(first, |h, w| {
                    Span::new(h.begin.min(w.begin), h.end.max(w.end))
                });
                right.query_into(hull, &mut rights);
            }
            for l in &lefts {
                if !once {
                    rights.clear();
                    right.query_into(l.whole_or_part(), &mut rights);
                }
                for r in &rights {
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
        .with_steps(self.steps())
    }

    /// For each event, plays the pattern `f` makes of its value, inside the event's fragment;
    /// the structure comes from the inner patterns (Strudel's `innerJoin`).
    pub fn inner_bind<U: Payload>(
        &self,
        f: impl Fn(&T) -> Pattern<U> + Send + Sync + 'static,
    ) -> Pattern<U> {
        let outer = self.clone();
        Pattern::new(move |span, out| {
            let mut outers = Vec::new();
            outer.query_into(span, &mut outers);
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
