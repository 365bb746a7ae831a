//! Where the beat comes from: flam's own clock, or a master it follows (a MIDI clock, JACK
//! transport, an Ableton Link session). The planner thread reads the source every few
//! milliseconds and starts, stops, moves or re-tempos the music to match.

use std::time::Instant;

use super::stamped::Stamped;

/// What a clock says at a moment of play time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockReading {
    /// flam keeps its own time: the song's tempo and the player's transport rule.
    Internal,
    /// The master is stopped (or has not started); it will go on from `beats` quarter notes
    /// after the song's start.
    Stopped {
        /// The master's song position, in quarter notes.
        beats: f64,
    },
    /// The master runs: the song is `beats` quarter notes in at the moment asked about, at
    /// `bpm` quarter notes a minute (unknown for the first pulses of a clock that only began
    /// with Start).
    Running {
        /// The master's song position, in quarter notes.
        beats: f64,
        /// The master's tempo, once a few pulses have come.
        bpm: Option<f64>,
    },
    /// The master runs, and the song joins it at a moment still to come: at play time `at` the
    /// song is `beats` quarter notes in (a bar line of a Link session joined or started).
    Joining {
        /// The song's position at `at`, in quarter notes.
        beats: f64,
        /// Play time of the moment the song joins, in seconds since the epoch.
        at: f64,
        /// The master's tempo, in quarter notes a minute.
        bpm: f64,
    },
    /// The master's clock stopped coming while it ran (a cable pulled, the master quit).
    Lost,
}

/// A source of time for the player.
pub trait ClockSource: Send {
    /// Play time 0 is `epoch`; called once before the first reading.
    fn start(&mut self, epoch: Instant) {
        let _ = epoch;
    }

    /// Whether the music starts the moment the player does (flam's own clock), so the
    /// player may plan its first notes before it starts; a master says when to begin.
    fn starts_with_player(&self) -> bool {
        false
    }

    /// Takes in a message from the input (a master's pulse, Start, Stop …); the rest of the
    /// input's messages are for others and are ignored here.
    fn hear(&mut self, stamped: &Stamped) {
        let _ = stamped;
    }

    /// The clock at play time `now` (seconds since the epoch).
    fn read(&mut self, now: f64) -> ClockReading;

    /// A tempo asked for in flam (keys, a tap, OSC, a mapped knob), for a source that shares
    /// its tempo with others (a Link session); a master that only sends ignores it.
    fn propose_tempo(&mut self, bpm: f64) {
        let _ = bpm;
    }

    /// How many others share this clock (a Link session's peers), for a source that has them.
    fn peers(&self) -> Option<u64> {
        None
    }
}
