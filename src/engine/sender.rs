//! The real-time sender: takes cues off the ring and sends each one on time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rtrb::Consumer;

use super::cue::Cue;
use super::ledger::Ledger;
use super::midi::Midi;
use super::outcome::Outcome;
use super::sink::Sink;
use super::stats::Stats;
use super::system::System;
use super::wait::{instant_at, wait_until};

/// How long to nap when the ring is empty; the planner keeps it a few hundred ms ahead, so
/// an empty ring means the song is quiet or the planner is catching up.
const IDLE_NAP: Duration = Duration::from_millis(1);

/// Sends the cues of one output at their deadlines.
///
/// In its loop it only pops from a wait-free ring, reads the clock, sleeps, spins, updates a
/// fixed-size [`Ledger`] and atomics, and calls the sink: no allocation and no locks (a test
/// checks this with `assert_no_alloc`).
pub struct Sender<S: Sink> {
    sink: S,
    cues: Consumer<Cue>,
    stop: Arc<AtomicBool>,
    epoch: Instant,
    latency: f64,
    clock: bool,
    ledger: Ledger,
    stats: Arc<Stats>,
    started: bool,
    last_at: f64,
}

impl<S: Sink> Sender<S> {
    /// A sender for `sink`, reading `cues`; play time 0 is `epoch`. `latency` (seconds) sends
    /// everything that much early for an output that sounds late; `clock` sends MIDI Stop
    /// when it ends.
    pub fn new(
        sink: S,
        cues: Consumer<Cue>,
        stop: Arc<AtomicBool>,
        epoch: Instant,
        latency: f64,
        clock: bool,
    ) -> Sender<S> {
        Sender {
            sink,
            cues,
            stop,
            epoch,
            latency: if latency.is_finite() { latency } else { 0.0 },
            clock,
            ledger: Ledger::default(),
            stats: Arc::default(),
            started: false,
            last_at: f64::NEG_INFINITY,
        }
    }

    /// Counters for the status line.
    pub fn stats(&self) -> Arc<Stats> {
        self.stats.clone()
    }

    /// Sends cues until the planner is done (its end of the ring is dropped and the ring is
    /// empty), a stop is requested, or the sink fails; then releases every sounding note.
    pub fn run(&mut self) -> Outcome {
        if !self.started {
            self.started = true;
            self.sink.start(self.epoch);
        }
        let precise = self.sink.lead() <= 0.0;
        let early = self.latency + self.sink.lead().max(0.0);
        loop {
            if self.stop.load(Ordering::Acquire) {
                self.flush();
                return Outcome::Stopped;
            }
            if let Err(e) = self.sink.healthy() {
                self.flush();
                return Outcome::Failed(e);
            }
            let cue = match self.cues.peek() {
                Ok(cue) => *cue,
                Err(_) => {
                    if self.cues.is_abandoned() && self.cues.is_empty() {
                        // Sinks that take messages early still hold the last ones: let them
                        // play before the end-of-play messages go out.
                        let end = instant_at(self.epoch, self.last_at - self.latency);
                        if !wait_until(end, &self.stop, false) {
                            continue;
                        }
                        self.sink.settle();
                        self.flush();
                        return Outcome::Finished;
                    }
                    std::thread::sleep(IDLE_NAP);
                    continue;
                }
            };
            if !wait_until(instant_at(self.epoch, cue.at - early), &self.stop, precise) {
                continue;
            }
            let _ = self.cues.pop();
            if let Err(e) = self.deliver(cue.midi, cue.at - self.latency) {
                self.flush();
                return Outcome::Failed(e);
            }
        }
    }

    fn deliver(&mut self, midi: Midi, at: f64) -> Result<(), super::sink::SinkError> {
        self.sink.send(midi, at)?;
        self.last_at = self.last_at.max(at + self.latency);
        if let Midi::Channel(m) = midi {
            self.ledger.record(&m);
            if matches!(m, super::message::Message::NoteOn { .. }) {
                self.stats.notes.fetch_add(1, Ordering::Relaxed);
            }
            self.stats
                .sounding
                .store(self.ledger.sounding(), Ordering::Relaxed);
        }
        self.stats.messages.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Stops the clock, sends a note-off for every sounding note and All Notes Off on every
    /// channel used, then waits for the sink to deliver them. Send errors are ignored here:
    /// this is the last thing the sender does, and a port that is gone needs no note-offs.
    pub fn flush(&mut self) {
        let sink = &mut self.sink;
        if self.clock {
            let _ = sink.send(Midi::System(System::Stop), f64::NEG_INFINITY);
        }
        self.ledger.release(|m| {
            let _ = sink.send(Midi::Channel(m), f64::NEG_INFINITY);
        });
        self.stats.sounding.store(0, Ordering::Relaxed);
        self.sink.finish();
    }

    /// The sink, once the sender is done with it.
    pub fn into_sink(self) -> S {
        self.sink
    }
}
