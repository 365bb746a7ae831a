//! A track played from a keyboard: `input [ch N] [hold|latch]`. With an `arp` line the
//! arpeggiator runs over the keys held, on the song's grid; without one the keys play
//! straight through, on the track's channel and program.

use crate::pattern::arp::ArpSettings;

/// Where a keyboard-played track takes its notes from, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackInput {
    /// The input channel it listens to, 1–16, or any.
    pub channel: Option<u8>,
    /// `latch`: a chord keeps sounding after the keys are let go, until a new chord starts
    /// (the first key pressed after all were up). Otherwise (`hold`) notes sound while held.
    pub latch: bool,
    /// `transpose`: the track's own pattern plays, moved by the key pressed (as written while
    /// c4 is held).
    pub transpose: bool,
    /// `vel played`: each note takes its velocity from the key played, not the arpeggio's.
    pub played_velocity: bool,
    /// The arpeggiator that plays the held keys; none plays them straight through.
    pub arp: Option<ArpSettings>,
}
