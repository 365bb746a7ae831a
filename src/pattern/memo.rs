//! Answering queries from a table of one period's cycles.
//!
//! A pattern that repeats (see [`super::period`]) keeps a table with a slot for each cycle of
//! its period. The first query of a cycle fills its slot from the tree of combinators; every
//! later query of that cycle, or of one a whole number of periods away, copies the slot's
//! events, moved by whole cycles and clipped to the span when it covers less than a cycle.
//! The engine asks bar by bar, so once the song has played a period the tree no longer runs,
//! and however deep it is, a bar costs one copy per event. Filling on demand keeps compiling
//! (a live edit) as quick as before: a table costs nothing until it is asked.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
use super::span::Span;
use crate::theory::time::{Time, sam};

/// The longest period kept in a table, in cycles.
const MAX_CYCLES: i64 = 256;

/// The most events a table keeps; the cycles past it are asked of the tree each time.
const MAX_EVENTS: usize = 16_384;

thread_local! {
    /// Set while [`without_memo`] runs.
    static OFF: Cell<bool> = const { Cell::new(false) };
}

/// Runs `build` with [`Pattern::memo`] leaving patterns as they are, so what it builds
/// answers every query from its tree: the reference the tables are checked against.
pub fn without_memo<R>(build: impl FnOnce() -> R) -> R {
    let was = OFF.with(|off| off.replace(true));
    let result = build();
    OFF.with(|off| off.set(was));
    result
}

/// The events of one cycle as the tree gave them; `None` when the tree must answer that cycle
/// itself (points or continuous values, which clip by other rules, or a full table).
type Slot<T> = OnceLock<Option<Box<[Hap<T>]>>>;

/// One period's cycles, filled as they are asked.
struct Table<T> {
    /// The pattern the events come from.
    tree: Pattern<T>,
    /// One slot per cycle of the period.
    slots: Box<[Slot<T>]>,
    /// How many events the slots have been offered; past [`MAX_EVENTS`] no slot takes more.
    stored: AtomicUsize,
}

impl<T: Payload> Table<T> {
    fn new(tree: Pattern<T>, period: i64) -> Table<T> {
        Table {
            tree,
            slots: (0..period).map(|_| OnceLock::new()).collect(),
            stored: AtomicUsize::new(0),
        }
    }

    /// The events of cycle `index` of the period, filled from the tree on first asking.
    fn cycle(&self, index: usize) -> Option<&[Hap<T>]> {
        self.slots[index]
            .get_or_init(|| {
                let at = Time::from_integer(index as i64);
                let mut events = Vec::new();
                self.tree
                    .query_into(Span::new(at, at + Time::ONE), &mut events);
                let clippable = |h: &Hap<T>| {
                    h.part.begin < h.part.end && h.whole.is_some_and(|w| w.begin < w.end)
                };
                if !events.iter().all(clippable) {
                    return None;
                }
                let total = self.stored.fetch_add(events.len(), Ordering::Relaxed) + events.len();
                (total <= MAX_EVENTS).then(|| events.into_boxed_slice())
            })
            .as_deref()
    }

    /// Appends the events of `piece`, a non-empty span within one cycle.
    fn answer(&self, piece: Span, out: &mut Vec<Hap<T>>) {
        let cycle = sam(piece.begin);
        let index = cycle.to_integer().rem_euclid(self.slots.len() as i64);
        let Some(events) = self.cycle(index as usize) else {
            self.tree.query_into(piece, out);
            return;
        };
        // Adding whole cycles is the cheap kind of addition: no reduction.
        let shift = cycle - Time::from_integer(index);
        let moved = |s: Span| Span::new(s.begin + shift, s.end + shift);
        let whole_cycle = piece.begin == cycle && piece.end == cycle + Time::ONE;
        out.reserve(events.len());
        for h in events {
            let mut part = moved(h.part);
            if !whole_cycle {
                match part.intersection(&piece) {
                    Some(clipped) => part = clipped,
                    None => continue,
                }
            }
            out.push(Hap {
                whole: h.whole.map(moved),
                part,
                value: h.value.clone(),
            });
        }
    }
}

impl<T: Payload> Pattern<T> {
    /// The same pattern, answering queries from a table of its cycles when it has a period
    /// short enough to keep; otherwise (or already so) the pattern as it is. The events are
    /// exactly the tree's, in the same order: `tests/memo.rs` checks every conformance case
    /// and bundled song against the tree.
    pub fn memo(&self) -> Self {
        let off = OFF.with(Cell::get);
        let Some(period) = self.period().filter(|p| *p <= MAX_CYCLES) else {
            return self.clone();
        };
        if off || self.is_memoized() || self.is_silent() {
            return self.clone();
        }
        let table = Arc::new(Table::new(self.clone(), period));
        Pattern::new(move |span, out| {
            // A point has its own rule for which events meet it, and a span over a bar line
            // cuts events where the tree would not: the tree knows both. The engine asks bar
            // by bar, so it is always answered from the table.
            if span.begin == span.end || span.end > sam(span.begin) + Time::ONE {
                table.tree.query_into(span, out);
                return;
            }
            table.answer(span, out);
        })
        .with_steps(self.steps())
        .with_period(Some(period))
        .memoized()
    }

    /// `stage` built over this pattern, given a table of this pattern's cycles when the stage
    /// itself does not repeat (a `humanize`, a random arp): it then asks for copies instead of
    /// walking the tree below. A stage that repeats gets the pattern as it is, since only the
    /// last stage's table is ever asked.
    pub fn through<U: Payload>(&self, stage: impl Fn(&Pattern<T>) -> Pattern<U>) -> Pattern<U> {
        let built = stage(self);
        if built.period().is_some() || self.period().is_none() {
            built
        } else {
            stage(&self.memo())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: i64, d: i64) -> Time {
        Time::new(n, d)
    }

    /// `<a b c>` against `[x y]`, the last slowed to two cycles: a period of six.
    fn six_cycle_pattern() -> Pattern<&'static str> {
        let three = Pattern::slowcat(vec![
            Pattern::pure("a"),
            Pattern::pure("b"),
            Pattern::pure("c"),
        ]);
        let slow = Pattern::fastcat(vec![Pattern::pure("x"), Pattern::pure("y")]).slow(t(2, 1));
        Pattern::fastcat(vec![three, slow])
    }

    #[test]
    fn a_memo_answers_every_span_as_the_tree_does() {
        let tree = six_cycle_pattern();
        assert_eq!(tree.period(), Some(6));
        let memo = tree.memo();
        assert!(memo.is_memoized());
        for begin in -24..48 {
            for (len, den) in [(1, 1), (1, 3), (5, 4), (7, 2), (0, 1)] {
                let span = Span::new(t(begin, 3), t(begin, 3) + t(len, den));
                assert_eq!(memo.query(span), tree.query(span), "{span}");
            }
        }
    }

    #[test]
    fn a_pattern_without_a_period_is_left_as_it_is() {
        let random = six_cycle_pattern().degrade_by(0.5, 0);
        assert_eq!(random.period(), None);
        assert!(!random.memo().is_memoized());
        assert!(!without_memo(|| six_cycle_pattern().memo()).is_memoized());
    }
}
