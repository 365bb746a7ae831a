//! One event of a pattern: a value over a stretch of time.

use super::span::Span;

/// An event ("happening"): `value` sounds over `whole`; `part` is the fragment of it that falls
/// inside the span that was queried.
#[derive(Clone, Debug, PartialEq)]
pub struct Hap<T> {
    /// The event's full extent; `None` for continuous signals.
    pub whole: Option<Span>,
    /// The fragment of the event inside the query.
    pub part: Span,
    /// What the event carries.
    pub value: T,
}

impl<T> Hap<T> {
    /// An event with both spans.
    pub fn new(whole: Option<Span>, part: Span, value: T) -> Hap<T> {
        Hap { whole, part, value }
    }

    /// Whether this fragment holds the start of its event, so a note should be struck.
    pub fn has_onset(&self) -> bool {
        self.whole.is_some_and(|w| w.begin == self.part.begin)
    }

    /// The whole span, or the part for continuous events.
    pub fn whole_or_part(&self) -> Span {
        self.whole.unwrap_or(self.part)
    }

    /// The same event carrying another value.
    pub fn with_value<U>(&self, value: U) -> Hap<U> {
        Hap {
            whole: self.whole,
            part: self.part,
            value,
        }
    }

    /// Applies `f` to every time in the event.
    pub fn with_time(
        &mut self,
        f: impl Fn(crate::theory::time::Time) -> crate::theory::time::Time,
    ) {
        // Most fragments are their whole event; then one mapping serves both.
        let whole_is_part = self.whole == Some(self.part);
        self.part = self.part.with_time(&f);
        self.whole = if whole_is_part {
            Some(self.part)
        } else {
            self.whole.map(|w| w.with_time(&f))
        };
    }
}
