//! flam's own clock: the song's tempo, started and stopped by the player.

use rtrb::Consumer;

use super::clock_source::{ClockReading, ClockSource};
use super::stamped::Stamped;

/// The clock when nothing else leads: it always says "keep your own time". Given an input
/// that nothing else reads yet, it takes the messages off it, so a controller left
/// connected never fills the input's ring (which would count as a flood).
#[derive(Default)]
pub struct InternalClock {
    input: Option<Consumer<Stamped>>,
}

impl InternalClock {
    /// The internal clock, emptying `input` as it goes.
    pub fn draining(input: Consumer<Stamped>) -> InternalClock {
        InternalClock { input: Some(input) }
    }
}

impl ClockSource for InternalClock {
    fn read(&mut self, _now: f64) -> ClockReading {
        if let Some(input) = &mut self.input {
            while input.pop().is_ok() {}
        }
        ClockReading::Internal
    }

    fn describe(&self) -> String {
        "internal clock".into()
    }
}
