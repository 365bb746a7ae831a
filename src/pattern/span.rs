//! A half-open stretch of pattern time.

use crate::theory::time::{Time, next_sam, sam};

/// The time from `begin` (inclusive) to `end` (exclusive), in cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Where the span starts.
    pub begin: Time,
    /// Where the span stops.
    pub end: Time,
}

impl Span {
    /// A span from `begin` to `end`.
    pub fn new(begin: Time, end: Time) -> Span {
        Span { begin, end }
    }

    /// The span's length.
    pub fn duration(&self) -> Time {
        self.end - self.begin
    }

    /// Applies `f` to both ends.
    pub fn with_time(&self, f: impl Fn(Time) -> Time) -> Span {
        Span::new(f(self.begin), f(self.end))
    }

    /// Calls `f` with each piece of the span that lies within one cycle, in order.
    ///
    /// A zero-width span is passed through whole, so a query for a single point still answers.
    pub fn for_each_cycle(&self, mut f: impl FnMut(Span)) {
        if self.begin == self.end {
            f(*self);
            return;
        }
        let mut begin = self.begin;
        while begin < self.end {
            let end = next_sam(begin).min(self.end);
            f(Span::new(begin, end));
            begin = end;
        }
    }

    /// The whole cycle that holds this span's start.
    pub fn whole_cycle(&self) -> Span {
        let c = sam(self.begin);
        Span::new(c, c + Time::from_integer(1))
    }

    /// The overlap of two spans, following Strudel: a zero-width overlap at the end of a
    /// non-zero-width span does not count.
    pub fn intersection(&self, other: &Span) -> Option<Span> {
        let begin = self.begin.max(other.begin);
        let end = self.end.min(other.end);
        if begin > end {
            return None;
        }
        if begin == end {
            if begin == self.end && self.begin < self.end {
                return None;
            }
            if begin == other.end && other.begin < other.end {
                return None;
            }
        }
        Some(Span::new(begin, end))
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} → {}", self.begin, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(b: (i64, i64), e: (i64, i64)) -> Span {
        Span::new(Time::new(b.0, b.1), Time::new(e.0, e.1))
    }

    #[test]
    fn an_instant_meets_the_span_that_holds_it_from_either_side() {
        // Sampling at an instant (a zero-width query) hears an event that holds it, from its
        // start up to but not including its end, as in Strudel.
        let event = span((1, 4), (3, 4));
        for at in [(1, 4), (1, 2)] {
            let instant = span(at, at);
            assert_eq!(instant.intersection(&event), Some(instant), "at {at:?}");
            assert_eq!(event.intersection(&instant), Some(instant), "at {at:?}");
        }
        let end = span((3, 4), (3, 4));
        assert_eq!(end.intersection(&event), None);
        assert_eq!(event.intersection(&end), None);
        // Two instants at the same time meet.
        assert_eq!(end.intersection(&end), Some(end));
    }

    #[test]
    fn a_span_prints_as_its_two_ends_with_an_arrow() {
        assert_eq!(span((0, 1), (1, 2)).to_string(), "0 → 1/2");
    }
}
