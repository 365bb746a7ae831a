//! What the planner hands the real-time sender: a message and when it must sound.

use super::midi::Midi;
use super::voice::Voice;

/// A message with its deadline. `Copy` and small, so the ring that carries cues is
/// preallocated and moving one never allocates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cue {
    /// When it must sound, in seconds of play time: 0 is the downbeat of the bar playback
    /// starts from; setup messages and grace notes come slightly before.
    pub at: f64,
    /// What to send.
    pub midi: Midi,
    /// The note's sound, for outputs that play sounds by name (a note-on's; else none).
    pub voice: Voice,
}

impl Cue {
    /// A message with no voice: what every MIDI-only path hands on.
    pub fn new(at: f64, midi: Midi) -> Cue {
        Cue {
            at,
            midi,
            voice: Voice::NONE,
        }
    }
}
