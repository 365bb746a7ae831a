//! An output that records instead of playing, for tests and benchmarks.

use std::time::Instant;

use super::captured::Captured;
use crate::engine::midi::Midi;
use crate::engine::sink::{Sink, SinkError};
use crate::engine::wait::seconds_since;

/// Records every message with its intended and actual time into a list reserved up front,
/// so sending never allocates; messages past its capacity are counted, not kept.
#[derive(Debug)]
pub struct Capture {
    epoch: Instant,
    records: Vec<Captured>,
    overflow: u64,
}

impl Capture {
    /// A capture with room for `capacity` messages.
    pub fn with_capacity(capacity: usize) -> Capture {
        Capture {
            epoch: Instant::now(),
            records: Vec::with_capacity(capacity),
            overflow: 0,
        }
    }

    /// What was sent, in order.
    pub fn records(&self) -> &[Captured] {
        &self.records
    }

    /// How many messages did not fit.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }
}

impl Sink for Capture {
    fn start(&mut self, epoch: Instant) {
        self.epoch = epoch;
    }

    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError> {
        let actual = seconds_since(self.epoch, Instant::now());
        if self.records.len() < self.records.capacity() {
            self.records.push(Captured {
                midi,
                intended: at,
                actual,
            });
        } else {
            self.overflow += 1;
        }
        Ok(())
    }
}
