//! Where the sender puts messages: a MIDI port, a JACK port, or a test capture.

use std::time::Instant;

use super::midi::Midi;
use super::voice::Voice;

/// Why a sink could not send: a fixed text, so reporting it never allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SinkError(pub &'static str);

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// One output, driven by the real-time sender.
///
/// Every method except [`Sink::finish`] runs on the real-time thread and must neither allocate
/// nor block.
pub trait Sink: Send {
    /// How many seconds before its deadline a message may be handed over. Sinks that send
    /// immediately (ALSA) say 0 and the sender waits for the deadline; sinks that place
    /// messages themselves (JACK, at a frame) take them a little early.
    fn lead(&self) -> f64 {
        0.0
    }

    /// How long before its play time a message must reach this output at the least, when
    /// the sender is awake with it in hand: what the output itself needs (a JACK period, the
    /// synth's buffers), without the margin [`Sink::lead`] keeps for a sender woken late. The
    /// player starts this far ahead (and a little more), so the first note comes as soon as
    /// it can still be on time.
    fn start_lead(&self) -> f64 {
        0.0
    }

    /// Called once before the first message: play time 0 is at `epoch`.
    fn start(&mut self, _epoch: Instant) {}

    /// Sends one message meant to sound at play time `at` (seconds from `epoch`);
    /// `f64::NEG_INFINITY` means as soon as possible.
    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError>;

    /// [`Sink::send`] with the note's voice: outputs that play sounds by name (SuperDirt)
    /// read it; MIDI outputs need only the message.
    fn send_voiced(&mut self, midi: Midi, _voice: &Voice, at: f64) -> Result<(), SinkError> {
        self.send(midi, at)
    }

    /// Whether the output still works (for example its port still exists).
    fn healthy(&self) -> Result<(), SinkError> {
        Ok(())
    }

    /// At the natural end of a song, before the end-of-play messages: waits until every
    /// message handed over early has gone out (not real-time: called once).
    fn settle(&mut self) {}

    /// Waits until everything sent has left (not real-time: called once, at the end).
    fn finish(&mut self) {}
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn lead(&self) -> f64 {
        (**self).lead()
    }
    fn start_lead(&self) -> f64 {
        (**self).start_lead()
    }
    fn start(&mut self, epoch: Instant) {
        (**self).start(epoch)
    }
    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError> {
        (**self).send(midi, at)
    }
    fn send_voiced(&mut self, midi: Midi, voice: &Voice, at: f64) -> Result<(), SinkError> {
        (**self).send_voiced(midi, voice, at)
    }
    fn healthy(&self) -> Result<(), SinkError> {
        (**self).healthy()
    }
    fn settle(&mut self) {
        (**self).settle()
    }
    fn finish(&mut self) {
        (**self).finish()
    }
}
