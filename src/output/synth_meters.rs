//! What the live synth's audio callback reports: its clock, underruns, load, silence.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use super::audio_clock::AudioClock;

/// Shared between the audio callback, the sink and the status line. Plain atomics (and a
/// sequence lock for the clock): nothing here ever blocks the callback.
#[derive(Debug)]
pub struct SynthMeters {
    /// Output frames a second.
    pub sample_rate: u32,
    /// Which frame is heard when.
    pub clock: AudioClock,
    /// Raised at the end of play: what is queued for later no longer starts, note-offs go
    /// out at once.
    pub flushing: AtomicBool,
    /// Raised when the audio stream stops working (device gone, server quit).
    pub gone: AtomicBool,
    /// Underruns the audio system reported (xruns).
    pub xruns: AtomicU64,
    /// Callbacks that took longer than the sound they made lasts (deadline misses).
    pub overruns: AtomicU64,
    /// Note-ons that arrived after their frame had been rendered (started late).
    pub late_notes: AtomicU64,
    /// Callbacks so far.
    pub callbacks: AtomicU64,
    /// Frames the last callback rendered.
    pub period: AtomicU64,
    /// The output latency the audio system reported, in nanoseconds.
    pub latency: AtomicU64,
    /// The largest share of its period a callback used since the status line last looked
    /// (an `f32`'s bits).
    pub load: AtomicU32,
    /// Output frames in a row that were silent (under −80 dBFS).
    pub quiet: AtomicU64,
    /// The output frame the first note-on sounds on (`u64::MAX` until there is one).
    pub first_note: AtomicU64,
    /// Times the sink moved its frame mapping to follow a drifting audio clock.
    pub resyncs: AtomicU64,
}

impl SynthMeters {
    /// Fresh meters for a stream at `sample_rate`.
    pub fn new(sample_rate: u32) -> SynthMeters {
        SynthMeters {
            sample_rate,
            clock: AudioClock::new(),
            flushing: AtomicBool::new(false),
            gone: AtomicBool::new(false),
            xruns: AtomicU64::new(0),
            overruns: AtomicU64::new(0),
            late_notes: AtomicU64::new(0),
            callbacks: AtomicU64::new(0),
            period: AtomicU64::new(0),
            latency: AtomicU64::new(0),
            load: AtomicU32::new(0),
            quiet: AtomicU64::new(0),
            first_note: AtomicU64::new(u64::MAX),
            resyncs: AtomicU64::new(0),
        }
    }
}

impl SynthMeters {
    /// When the first note-on is heard, once the callback has taken one.
    pub fn first_note_heard(&self) -> Option<std::time::Instant> {
        match self.first_note.load(Ordering::Relaxed) {
            u64::MAX => None,
            frame => self.clock.heard_at(frame, f64::from(self.sample_rate)),
        }
    }

    /// Underruns of either kind: reported by the audio system or seen by the callback.
    pub fn underruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed) + self.overruns.load(Ordering::Relaxed)
    }

    /// The largest callback load since the last call (0–1, more when over budget).
    pub fn take_load(&self) -> f32 {
        f32::from_bits(self.load.swap(0, Ordering::Relaxed))
    }

    /// Records one callback's load (share of its period).
    pub fn record_load(&self, load: f32) {
        // Non-negative floats order like their bits.
        self.load
            .fetch_max(load.max(0.0).to_bits(), Ordering::Relaxed);
    }
}
