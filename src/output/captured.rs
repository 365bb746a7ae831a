//! One message as the capture output saw it.

use crate::engine::midi::Midi;

/// A message and when it was meant to sound and actually sent, in seconds of play time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Captured {
    /// The message.
    pub midi: Midi,
    /// When it should have sounded (`-inf` for end-of-play note-offs, sent at once).
    pub intended: f64,
    /// When the sender handed it over, read from the clock at that moment.
    pub actual: f64,
}
