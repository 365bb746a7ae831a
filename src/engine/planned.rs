//! A message the planner has worked out but not yet handed to the senders.

use super::midi::Midi;
use super::voice::Voice;

/// A message waiting in the planner, in play time, with what orders it against others at the
/// same moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Planned {
    /// Play time, seconds.
    pub at: f64,
    /// Order at equal times: transport, clock, setup, note-offs, note-ons.
    pub rank: u8,
    /// The track's index in the song it came from.
    pub track: usize,
    /// Which song it came from: each hot reload starts a new generation.
    pub generation: u32,
    /// What to send.
    pub midi: Midi,
    /// A note-on's sound, for outputs that play sounds by name.
    pub voice: Voice,
}

impl Planned {
    /// Rank of Start, Continue and Song Position: before anything else at the same time.
    pub const TRANSPORT: u8 = 0;
    /// Rank of clock pulses: before the notes on the same beat.
    pub const CLOCK: u8 = 1;
    /// Rank of bank and program changes: before the notes they set up.
    pub const SETUP: u8 = 2;
    /// Rank of note-offs: before note-ons at the same time, so a repeated note restarts.
    pub const NOTE_OFF: u8 = 3;
    /// Rank of controller changes: after note-offs, before the note-ons of their step.
    pub const CONTROL: u8 = 4;
    /// Rank of note-ons.
    pub const NOTE_ON: u8 = 5;
}
