//! The built-in synth as a live output: the sender hands it messages a little early, it
//! turns each into the exact sample frame it must sound on and pushes it into a wait-free
//! ring for the audio callback.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rtrb::{Producer, RingBuffer};
use rustysynth::SoundFont;

use super::handover::hand_over;
use super::limiter::Limiter;
use super::render::RenderOptions;
use super::synth::{Synth, SynthError};
use super::synth_callback::SynthCallback;
use super::synth_cue::SynthCue;
use super::synth_meters::SynthMeters;
use crate::engine::midi::Midi;
use crate::engine::sink::{Sink, SinkError};

/// How many messages can wait for the audio callback.
const RING: usize = 8192;

/// Frames the audio callback renders at a time; longer buffers go in pieces this long.
const SCRATCH: usize = 1024;

/// The least time messages are handed over early: enough for a sender woken late on a busy
/// machine.
const MIN_LEAD: f64 = 0.08;

/// Time on top of the audio system's latency and buffers before a message is needed.
const MARGIN: f64 = 0.02;

/// The most the release tail is waited for when playing ends.
const TAIL: Duration = Duration::from_secs(3);

/// Silence this long ends the tail early.
const QUIET: f64 = 0.2;

/// The built-in synthesizer as a [`Sink`]. Play time 0 is fixed to an output frame when
/// playing starts (on a synthesizer block boundary, as in an offline render), so notes are
/// spaced by the audio clock exactly as `flam render` spaces them.
pub struct SynthSink {
    cues: Producer<SynthCue>,
    meters: Arc<SynthMeters>,
    rate: f64,
    block: i64,
    /// The limiter delays the output by this many frames; messages go in that much earlier.
    delay: i64,
    /// The output frame play time 0 is heard on.
    start: i64,
    /// Play time 0, in nanoseconds of the meters' clock.
    epoch: i64,
    started: bool,
    last_frame: u64,
    stream: Option<Box<dyn Send>>,
}

impl SynthSink {
    /// A synth playing `font` at `sample_rate` with the same settings as `flam render`, and
    /// the audio callback that goes with it. Everything the callback needs is allocated here.
    pub fn new(
        font: &Arc<SoundFont>,
        sample_rate: u32,
    ) -> Result<(SynthSink, SynthCallback), SynthError> {
        let options = RenderOptions::new(sample_rate);
        let synth = Synth::new(font, &options.synth_options(sample_rate))?;
        let limiter = Limiter::for_rate(sample_rate);
        let meters = Arc::new(SynthMeters::new(sample_rate));
        let (producer, consumer) = RingBuffer::new(RING);
        let sink = SynthSink {
            cues: producer,
            meters: meters.clone(),
            rate: f64::from(sample_rate),
            block: synth.block() as i64,
            delay: limiter.latency() as i64,
            start: 0,
            epoch: 0,
            started: false,
            last_frame: 0,
            stream: None,
        };
        let scratch = (vec![0.0; SCRATCH], vec![0.0; SCRATCH]);
        let callback = SynthCallback::new(synth, limiter, consumer, meters, scratch);
        Ok((sink, callback))
    }

    /// Keeps the audio stream (or whatever drives the callback) alive as long as the sink;
    /// it is dropped, stopping the sound, only after the release tail in [`Sink::finish`].
    pub fn keep(&mut self, stream: Box<dyn Send>) {
        self.stream = Some(stream);
    }

    /// The counters the callback updates.
    pub fn meters(&self) -> Arc<SynthMeters> {
        self.meters.clone()
    }

    /// The output frame heard now, by the callback's latest report.
    fn frame_now(&self) -> Option<f64> {
        let (frame, heard) = self.meters.clock.read()?;
        let now = self.meters.clock.nanos(Instant::now());
        Some(frame as f64 + (now - heard) as f64 * 1e-9 * self.rate)
    }

    /// Follows an audio clock that drifts from the system clock: when the two disagree by
    /// more than half the lead, play time 0 moves by whole blocks so messages keep arriving
    /// in time. A sound card's crystal is off by some parts per million, so this happens
    /// rarely (about every ten minutes at 50 ppm), never in a test on JACK's dummy driver.
    fn follow_drift(&mut self) {
        let Some(heard_now) = self.frame_now() else {
            return;
        };
        let now = self.meters.clock.nanos(Instant::now());
        let expected = self.start as f64 + (now - self.epoch) as f64 * 1e-9 * self.rate;
        let drift = heard_now - expected;
        if drift.abs() > 0.5 * self.lead() * self.rate {
            let blocks = (drift / self.block as f64).round() as i64;
            self.start += blocks * self.block;
            self.meters.resyncs.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Waits until the callback has taken every queued message, up to `limit`.
    fn drain(&self, limit: Duration) {
        let give_up = Instant::now() + limit;
        while self.cues.slots() < self.cues.buffer().capacity()
            && Instant::now() < give_up
            && !self.meters.gone.load(Ordering::Acquire)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Sink for SynthSink {
    fn lead(&self) -> f64 {
        // Another period on top of what the callback needs, and a margin, for a sender woken
        // late on a busy machine.
        let period = self.meters.period.load(Ordering::Relaxed) as f64;
        (self.start_lead() + period / self.rate + MARGIN).max(MIN_LEAD)
    }

    fn start_lead(&self) -> f64 {
        // A message must be queued before the callback whose buffer (plus one synthesizer
        // block, plus the limiter's delay) reaches its frame runs, which is the audio
        // system's latency earlier still.
        let latency = self.meters.latency.load(Ordering::Relaxed) as f64 * 1e-9;
        let period = self.meters.period.load(Ordering::Relaxed) as f64;
        latency + (period + (self.block + self.delay) as f64) / self.rate
    }

    fn start(&mut self, epoch: Instant) {
        self.epoch = self.meters.clock.nanos(epoch);
        let now = Instant::now();
        let (frame, heard) = self
            .meters
            .clock
            .read()
            .unwrap_or((0, self.meters.clock.nanos(now)));
        let start = frame as i64 + ((self.epoch - heard) as f64 * 1e-9 * self.rate).round() as i64;
        // The synthesizer frame of play time 0 on a block boundary, as in a render from 0.
        let synth_start = (start - self.delay).max(0);
        let aligned = (synth_start + self.block - 1).div_euclid(self.block) * self.block;
        self.start = aligned + self.delay;
        self.started = true;
    }

    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError> {
        let Midi::Channel(message) = midi else {
            // Clock and transport mean nothing to a synthesizer.
            return Ok(());
        };
        let cue = if at.is_finite() {
            if self.started {
                self.follow_drift();
            }
            let heard = self.start + (at * self.rate).round() as i64;
            let frame = (heard - self.delay).max(0) as u64;
            self.last_frame = self.last_frame.max(frame);
            SynthCue {
                frame,
                asap: false,
                message,
            }
        } else {
            // Only the end of play sends "at once": from here on nothing queued starts.
            self.meters.flushing.store(true, Ordering::Release);
            SynthCue {
                frame: 0,
                asap: true,
                message,
            }
        };
        if hand_over(&mut self.cues, cue, &self.meters.gone) {
            Ok(())
        } else {
            Err(SinkError(
                "the synth stopped taking notes (its audio callback has not run for a second)",
            ))
        }
    }

    fn healthy(&self) -> Result<(), SinkError> {
        if self.meters.gone.load(Ordering::Acquire) {
            Err(SinkError(
                "the audio output stopped (the device went away or the audio server quit)",
            ))
        } else {
            Ok(())
        }
    }

    fn settle(&mut self) {
        // Every message handed over early has been rendered once the callback is past the
        // last one's block.
        self.drain(Duration::from_secs(2));
        let give_up = Instant::now() + Duration::from_secs(2);
        let past = self.last_frame + self.block as u64;
        while Instant::now() < give_up && !self.meters.gone.load(Ordering::Acquire) {
            match self.meters.clock.read() {
                Some((frame, _)) if frame > past => break,
                _ => std::thread::sleep(Duration::from_millis(1)),
            }
        }
    }

    fn finish(&mut self) {
        // Nothing queued for later may start now; the note-offs already sent go in at once.
        self.meters.flushing.store(true, Ordering::Release);
        self.drain(Duration::from_secs(1));
        // Let the releases and the reverb ring out: until the output has been silent a
        // while, or the longest tail.
        let quiet = (QUIET * self.rate) as u64;
        let seen = self.meters.callbacks.load(Ordering::Acquire);
        let give_up = Instant::now() + TAIL;
        while Instant::now() < give_up && !self.meters.gone.load(Ordering::Acquire) {
            let called = self.meters.callbacks.load(Ordering::Acquire) > seen + 1;
            if called && self.meters.quiet.load(Ordering::Relaxed) >= quiet {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.stream = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::message::Message;
    use crate::output::soundfont::{self, Source};

    fn note(at: f64, sink: &mut SynthSink) {
        let on = Message::NoteOn {
            channel: 1,
            key: 60,
            velocity: 100,
        };
        sink.send(Midi::Channel(on), at).unwrap();
    }

    #[test]
    fn play_time_zero_is_on_a_block_boundary_and_follows_a_drifting_card() {
        let font = soundfont::load(&Source::BuiltIn).unwrap();
        let (mut sink, _callback) = SynthSink::new(&font, 48_000).unwrap();
        let meters = sink.meters();
        let now = Instant::now();
        // Frame 1000 is heard now; play time 0 is 100 ms (4800 frames) later.
        meters.clock.publish(1000, now);
        sink.start(now + Duration::from_millis(100));
        assert_eq!((sink.start - sink.delay) % sink.block, 0);
        assert!(
            (5800..5800 + sink.block).contains(&sink.start),
            "{}",
            sink.start
        );
        let start = sink.start;
        note(0.0, &mut sink);
        assert_eq!(sink.start, start, "the clocks agree: nothing moves");
        assert_eq!(sink.last_frame, (start - sink.delay) as u64);

        // The card has run 100 ms ahead of the system clock: play time 0 follows it, by
        // whole blocks, so the block grid stays where it was.
        meters.clock.publish(1000 + 4800, now);
        note(0.5, &mut sink);
        assert_eq!(meters.resyncs.load(Ordering::Relaxed), 1);
        let moved = sink.start - start;
        assert_eq!(moved % sink.block, 0);
        assert!((moved - 4800).abs() <= sink.block, "moved {moved}");
    }

    #[test]
    fn the_end_of_play_sends_at_once_and_clock_messages_are_ignored() {
        let font = soundfont::load(&Source::BuiltIn).unwrap();
        let (mut sink, _callback) = SynthSink::new(&font, 48_000).unwrap();
        sink.start(Instant::now());
        let free = sink.cues.slots();
        sink.send(Midi::System(crate::engine::system::System::Clock), 0.1)
            .unwrap();
        assert_eq!(sink.cues.slots(), free, "a synth has no use for clock");
        assert!(!sink.meters.flushing.load(Ordering::Relaxed));
        let off = Message::NoteOff {
            channel: 1,
            key: 60,
        };
        sink.send(Midi::Channel(off), f64::NEG_INFINITY).unwrap();
        assert!(sink.meters.flushing.load(Ordering::Relaxed));
        assert_eq!(sink.cues.slots(), free - 1);
    }
}
