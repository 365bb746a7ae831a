//! Following a MIDI clock master: 24 pulses a quarter note, Start, Stop, Continue and Song
//! Position Pointer, heard from an input and read through a [`ClockFollower`].

use std::time::Instant;

use super::clock_follower::ClockFollower;
use super::clock_source::{ClockReading, ClockSource};
use super::incoming::Incoming;
use super::stamped::Stamped;
use super::wait::seconds_since;

/// A MIDI clock master heard through an input.
#[derive(Default)]
pub struct MidiClock {
    follower: ClockFollower,
    epoch: Option<Instant>,
    /// Where the master will go on from while it is stopped, in quarter notes.
    stopped_at: f64,
}

impl MidiClock {
    /// A follower that has heard nothing yet.
    pub fn new() -> MidiClock {
        MidiClock::default()
    }
}

impl ClockSource for MidiClock {
    fn start(&mut self, epoch: Instant) {
        self.epoch = Some(epoch);
    }

    fn hear(&mut self, stamped: &Stamped) {
        let epoch = *self.epoch.get_or_insert_with(Instant::now);
        let at = seconds_since(epoch, stamped.at);
        match stamped.message {
            Incoming::Clock => self.follower.pulse(at),
            Incoming::Start => {
                self.stopped_at = 0.0;
                self.follower.start(at);
            }
            Incoming::Stop => {
                if let Some(beats) = self.follower.beats_at(at) {
                    self.stopped_at = beats.max(0.0);
                }
                self.follower.stop(at);
            }
            Incoming::Continue => self.follower.resume(at),
            Incoming::SongPosition(sixteenths) => {
                self.follower.song_position(sixteenths);
                if !self.follower.running() {
                    self.stopped_at = f64::from(sixteenths) / 4.0;
                }
            }
            _ => {}
        }
    }

    fn read(&mut self, now: f64) -> ClockReading {
        if self.follower.running() {
            if self.follower.lost(now) {
                return ClockReading::Lost;
            }
            match self.follower.beats_at(now) {
                Some(beats) => ClockReading::Running {
                    beats,
                    bpm: self.follower.bpm(),
                },
                // Started, and waiting for the first pulse: the song begins on it.
                None => ClockReading::Stopped {
                    beats: self.stopped_at,
                },
            }
        } else {
            ClockReading::Stopped {
                beats: self.stopped_at,
            }
        }
    }
}
