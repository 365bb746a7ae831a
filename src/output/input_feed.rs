//! What every input callback does with the bytes that arrive: parse them, stamp each message
//! with the moment, push it for the session, and count what was lost or skipped.

use std::sync::atomic::Ordering;
use std::time::Instant;

use rtrb::Producer;

use super::input_counts::InputCounts;
use crate::engine::midi_parser::MidiParser;
use crate::engine::stamped::Stamped;

/// Parses `bytes` that arrived at `at` into `out`. Runs in real-time callbacks: it neither
/// allocates nor blocks (a full ring drops the message and counts it).
pub fn feed(
    parser: &mut MidiParser,
    bytes: &[u8],
    at: Instant,
    out: &mut Producer<Stamped>,
    counts: &InputCounts,
) {
    let (stray, sysex) = (parser.stray(), parser.sysex());
    for &byte in bytes {
        if let Some(message) = parser.feed(byte)
            && out.push(Stamped { at, message }).is_err()
        {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
    counts
        .stray
        .fetch_add(parser.stray() - stray, Ordering::Relaxed);
    counts
        .sysex
        .fetch_add(parser.sysex() - sysex, Ordering::Relaxed);
}
