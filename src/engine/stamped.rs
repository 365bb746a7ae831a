//! A MIDI message from an input with the moment it arrived.

use std::time::Instant;

use super::incoming::Incoming;

/// One message from an input, stamped by whoever received it (JACK's frame clock turned
/// into an `Instant`, or the moment the input thread read it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stamped {
    /// When the message arrived.
    pub at: Instant,
    /// The message.
    pub message: Incoming,
}
