//! A track's controller lane: a pattern of values for one MIDI controller (`cc cutoff
//! "<20 60 100>"`, `volume 100`, `pan 32`), sent at each step's start.

use crate::pattern::Pattern;

/// One controller and the values it takes over time, 0–127.
#[derive(Clone, Debug)]
pub struct Lane {
    /// The controller number, 0–119.
    pub controller: u8,
    /// Its values; each event's start is when the value is sent.
    pub pattern: Pattern<u8>,
}
