//! The note a track plays: the value of the patterns the engine turns into MIDI.

/// One struck note: which key, how hard, and a timing offset in milliseconds.
///
/// Timing offsets that musicians think of in milliseconds (a flam's grace note, a humanized
/// hit, a per-track nudge) stay in milliseconds here and are added when pattern time becomes
/// seconds, so they sound the same at any tempo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Note {
    /// MIDI note number, 0–127 (C4 = 60).
    pub key: u8,
    /// MIDI velocity, 1–127.
    pub velocity: u8,
    /// How much later (negative: earlier) than its pattern time the note sounds, in ms.
    pub nudge_ms: f32,
}

impl Note {
    /// A note with no timing offset.
    pub fn new(key: u8, velocity: u8) -> Note {
        Note {
            key,
            velocity,
            nudge_ms: 0.0,
        }
    }
}
