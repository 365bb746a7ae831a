//! A message for the live synth's audio callback, placed at an absolute sample frame.

use crate::engine::message::Message;

/// A message and the synthesizer frame it must start on. `Copy`, for the wait-free ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthCue {
    /// The synthesizer frame (counted from the stream's first frame) it is meant for.
    pub frame: u64,
    /// Apply at once, whatever the frame says (the end-of-play note-offs).
    pub asap: bool,
    /// The message.
    pub message: Message,
}
