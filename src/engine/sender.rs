//! The real-time sender: takes cues off the ring and sends each one on time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rtrb::Consumer;

use super::cue::Cue;
use super::ledger::Ledger;
use super::midi::Midi;
use super::ordered_queue::OrderedQueue;
use super::outcome::Outcome;
use super::sink::Sink;
use super::stats::Stats;
use super::system::System;
use super::wait::{instant_at, wait_until, wait_until_or};

/// How long to nap when the ring is empty; the planner keeps it a few hundred ms ahead, so
/// an empty ring means the song is quiet or the planner is catching up.
const IDLE_NAP: Duration = Duration::from_millis(1);

/// Cues the sender holds in deadline order, taken off the ring as they come: as many as the
/// ring holds, so taking never waits on room here.
const WAITING: usize = 16_384;

/// Sends the cues of one output at their deadlines.
///
/// Cues are taken off the ring as they come and kept in deadline order, so one handed over
/// late but due sooner (a key just pressed on a keyboard-played track) goes out before those
/// queued ahead of it. In its loop it only pops from a wait-free ring, inserts into a buffer
/// allocated up front, reads the clock, sleeps, spins, updates a fixed-size [`Ledger`] and
/// atomics, and calls the sink: no allocation and no locks (a test checks this with
/// `assert_no_alloc`).
pub struct Sender<S: Sink> {
    sink: S,
    cues: Consumer<Cue>,
    /// Cues taken off the ring, in deadline order.
    waiting: OrderedQueue<Cue>,
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
            waiting: OrderedQueue::with_capacity(WAITING),
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
            self.take();
            let Some(&cue) = self.waiting.first() else {
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
            };
            let due = instant_at(self.epoch, cue.at - early);
            // New cues matter only when there is room to take them in.
            let cues = &self.cues;
            let room = !self.waiting.is_full();
            if !wait_until_or(due, &self.stop, precise, || room && !cues.is_empty()) {
                continue;
            }
            self.waiting.pop();
            if let Err(e) = self.deliver(&cue, cue.at - self.latency) {
                self.flush();
                return Outcome::Failed(e);
            }
        }
    }

    /// Takes every cue off the ring into `waiting`, in deadline order; cues due at the same
    /// moment keep the order the planner gave them (a note-off before a note-on).
    fn take(&mut self) {
        while !self.waiting.is_full() {
            let Ok(cue) = self.cues.pop() else {
                return;
            };
            self.waiting.insert(cue, |a, b| a.at > b.at);
        }
    }

    fn deliver(&mut self, cue: &Cue, at: f64) -> Result<(), super::sink::SinkError> {
        let midi = cue.midi;
        self.sink.send_voiced(midi, &cue.voice, at)?;
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
