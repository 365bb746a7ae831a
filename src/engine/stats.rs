//! Counters the real-time sender updates and the status line reads.

use std::sync::atomic::{AtomicU32, AtomicU64};

/// What one sender has done so far. Plain atomics: updating them never blocks.
#[derive(Debug, Default)]
pub struct Stats {
    /// Note-ons sent.
    pub notes: AtomicU64,
    /// Messages sent of any kind.
    pub messages: AtomicU64,
    /// Notes sounding now.
    pub sounding: AtomicU32,
}
