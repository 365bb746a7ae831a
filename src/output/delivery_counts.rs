//! What an output that places messages on frames itself (JACK) counts about their delivery.

use std::sync::atomic::{AtomicU64, Ordering};

/// Messages that did not go out exactly on their frame, counted by the real-time callback
/// (atomics only) and reported when playing ends.
#[derive(Debug, Default)]
pub struct DeliveryCounts {
    /// Reached the callback after their frame had passed; sent at the start of the cycle.
    pub late: AtomicU64,
    /// Cycles that held more messages than the port's buffer takes: the rest waited for the
    /// next cycle (and count as late there) instead of being dropped, since a dropped note-off
    /// would leave a note hanging.
    pub deferred: AtomicU64,
    /// Refused even by an empty buffer; not expected for messages of three bytes.
    pub lost: AtomicU64,
}

impl DeliveryCounts {
    /// Messages that missed their frame, for the transport's underrun figure.
    pub fn missed(&self) -> u64 {
        self.late.load(Ordering::Relaxed) + self.lost.load(Ordering::Relaxed)
    }

    /// A line for the user when any message missed its frame.
    pub fn report(&self, output: &str) -> Option<String> {
        let late = self.late.load(Ordering::Relaxed);
        let deferred = self.deferred.load(Ordering::Relaxed);
        let lost = self.lost.load(Ordering::Relaxed);
        let mut parts = Vec::new();
        if late > 0 {
            parts.push(format!(
                "{late} messages went out to {output} after their frame, at the start of a later cycle"
            ));
        }
        if deferred > 0 {
            parts.push(format!(
                "{deferred} cycles held more messages than {output}'s port buffer takes, and the rest waited for the next"
            ));
        }
        if lost > 0 {
            parts.push(format!("{lost} messages were refused by {output}"));
        }
        (!parts.is_empty()).then(|| format!("flam: {}", parts.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_run_reports_nothing_and_a_full_cycle_is_named() {
        let counts = DeliveryCounts::default();
        assert_eq!(counts.report("JACK"), None);
        counts.deferred.fetch_add(2, Ordering::Relaxed);
        counts.late.fetch_add(30, Ordering::Relaxed);
        assert_eq!(
            counts.missed(),
            30,
            "the messages that waited are the late ones"
        );
        let line = counts.report("JACK").unwrap();
        assert!(line.contains("2 cycles held more messages"), "{line}");
    }
}
