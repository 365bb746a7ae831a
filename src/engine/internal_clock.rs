//! flam's own clock: the song's tempo, started and stopped by the player.

use super::clock_source::{ClockReading, ClockSource};

/// The clock when nothing else leads: it always says "keep your own time".
#[derive(Clone, Copy, Debug, Default)]
pub struct InternalClock;

impl ClockSource for InternalClock {
    fn starts_with_player(&self) -> bool {
        true
    }

    fn read(&mut self, _now: f64) -> ClockReading {
        ClockReading::Internal
    }
}
