//! The JACK process callback: writes each message at its exact frame in the cycle.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use jack::{Client, Control, MidiOut, Port, ProcessHandler, ProcessScope, RawMidi};
use rtrb::Consumer;

use super::frame_cue::FrameCue;
use crate::engine::ordered_queue::OrderedQueue;
use crate::output::delivery_counts::DeliveryCounts;

/// Owns flam's MIDI out port and the consumer end of the ring; runs in JACK's real-time thread
/// and neither allocates nor locks. Messages are taken off the ring as they come and written
/// in frame order, so one handed over late but due sooner (a key just pressed) is not held
/// behind those handed over before it.
pub struct Process {
    /// flam's MIDI output port.
    pub port: Port<MidiOut>,
    /// Messages from the sender, mostly in frame order.
    pub cues: Consumer<FrameCue>,
    /// Messages taken off the ring, in frame order; allocated up front with room for a
    /// whole ring.
    pub waiting: OrderedQueue<FrameCue>,
    /// How many messages wait in `waiting` after each cycle, for the end of play to see.
    pub held: Arc<AtomicUsize>,
    /// Messages that were late, waited for room, or were refused.
    pub counts: Arc<DeliveryCounts>,
    /// Cycles processed, so the end of play can wait for its last messages to go out.
    pub cycles: Arc<AtomicU64>,
    /// Raised when playing stops: what is still queued for later is not played, except
    /// note-offs, which go out at once so no note is left hanging.
    pub flushing: Arc<AtomicBool>,
}

/// Whether a message ends a note (a note-off, or a note-on with velocity 0).
fn ends_note(cue: &FrameCue) -> bool {
    match cue.bytes[0] & 0xf0 {
        0x80 => true,
        0x90 => cue.bytes[2] == 0,
        _ => false,
    }
}

/// Where `cue` falls from the cycle starting at `start`: at once for the end of play, else its
/// signed distance in frames (correct across the frame counter's wrap).
fn key(cue: &FrameCue, start: u32) -> i64 {
    if cue.asap {
        i64::MIN
    } else {
        i64::from(cue.frame.wrapping_sub(start) as i32)
    }
}

impl Process {
    /// Takes every message off the ring into `waiting`, in frame order; messages on one
    /// frame keep the order they came in.
    fn take(&mut self, start: u32) {
        while !self.waiting.is_full() {
            let Ok(cue) = self.cues.pop() else {
                return;
            };
            self.waiting
                .insert(cue, |a, b| key(a, start) > key(b, start));
        }
    }
}

impl ProcessHandler for Process {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let start = ps.last_frame_time();
        let n = i64::from(ps.n_frames());
        self.take(start);
        let mut writer = self.port.writer(ps);
        let mut last = 0i64;
        let mut written = 0usize;
        let flushing = self.flushing.load(Ordering::Acquire);
        while let Some(&cue) = self.waiting.first() {
            if flushing && !cue.asap && !ends_note(&cue) {
                // Handed over early, before the stop: it must not start after it.
                self.waiting.pop();
                continue;
            }
            let offset = if cue.asap || flushing {
                0
            } else {
                key(&cue, start)
            };
            if offset >= n {
                break;
            }
            if offset < 0 {
                self.counts.late.fetch_add(1, Ordering::Relaxed);
            }
            // JACK needs times in order within a cycle.
            let time = offset.max(0).max(last);
            let len = usize::from(cue.len.min(3));
            let event = RawMidi {
                time: time as u32,
                bytes: &cue.bytes[..len],
            };
            if writer.write(&event).is_err() {
                if written > 0 {
                    // The port's buffer is full for this cycle. Dropping the message could leave
                    // a note hanging, so it and everything after it go out at the start of the
                    // next cycle, a period late.
                    self.counts.deferred.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                self.counts.lost.fetch_add(1, Ordering::Relaxed);
            } else {
                written += 1;
            }
            last = time;
            self.waiting.pop();
        }
        self.held.store(self.waiting.len(), Ordering::Release);
        self.cycles.fetch_add(1, Ordering::Release);
        Control::Continue
    }
}
