//! What went wrong on a MIDI input, counted by its callback and reported once by the session.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters an input's callback updates (plain atomics: the callback never waits).
#[derive(Debug, Default)]
pub struct InputCounts {
    /// Messages lost because the session did not take them fast enough (a flood).
    pub dropped: AtomicU64,
    /// Data bytes with no message to belong to, and undefined status bytes.
    pub stray: AtomicU64,
    /// System Exclusive messages skipped.
    pub sysex: AtomicU64,
}

impl InputCounts {
    /// A line for the user when something was counted, else `None`.
    pub fn report(&self, what: &str) -> Option<String> {
        let dropped = self.dropped.load(Ordering::Relaxed);
        let stray = self.stray.load(Ordering::Relaxed);
        let sysex = self.sysex.load(Ordering::Relaxed);
        let mut parts = Vec::new();
        if dropped > 0 {
            parts.push(format!("{dropped} messages dropped in a flood"));
        }
        if stray > 0 {
            parts.push(format!("{stray} stray bytes ignored"));
        }
        if sysex > 0 {
            parts.push(format!("{sysex} System Exclusive messages skipped"));
        }
        (!parts.is_empty()).then(|| format!("flam: {what}: {}", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_input_says_nothing_and_a_noisy_one_says_what_it_skipped() {
        let counts = InputCounts::default();
        assert_eq!(counts.report("JACK input"), None);
        counts.sysex.fetch_add(2, Ordering::Relaxed);
        counts.stray.fetch_add(5, Ordering::Relaxed);
        assert_eq!(
            counts.report("JACK input").unwrap(),
            "flam: JACK input: 5 stray bytes ignored, 2 System Exclusive messages skipped"
        );
    }
}
