//! The SoundFont synthesizer, sample-accurate: every note starts on its own sample.
//!
//! rustysynth renders in blocks and would start a note at the next block boundary. This
//! wrapper always renders whole, aligned blocks and starts each note part-way into its
//! block with `note_on_delayed` (flam's patch to rustysynth, see `vendor/rustysynth/FLAM.md`),
//! so an onset lands on exactly the sample it was scheduled for. Other messages (note-offs,
//! controllers, program changes) take effect at the start of the block that contains them,
//! at most one block (1.3 ms at 48 kHz with the default 64) early; releases and controllers
//! do not need more.

use std::fmt;
use std::sync::Arc;

use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};

use super::stem::Stem;
use crate::engine::message::Message;

/// The lowest sample rate the synthesizer runs at (lower output rates are rendered at a
/// multiple of the rate and decimated).
pub const MIN_SYNTH_RATE: u32 = 16_000;
/// The highest sample rate.
pub const MAX_SYNTH_RATE: u32 = 192_000;

/// How the synthesizer is set up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynthOptions {
    /// Samples per second, 16000–192000.
    pub sample_rate: u32,
    /// Samples per internal block, 8–1024: smaller is finer release timing, larger is faster.
    pub block: usize,
    /// Most notes sounding at once, 8–256.
    pub polyphony: usize,
    /// Reverb and chorus (the General MIDI defaults: reverb send 40, chorus 0).
    pub effects: bool,
    /// How many scheduled messages can wait at once before [`Synth::schedule`] refuses more.
    pub queue: usize,
    /// Output gain (1.0 is rustysynth's own level, which leaves a lot of headroom).
    pub gain: f32,
}

impl SynthOptions {
    /// Good settings for a sample rate: 64-sample blocks (note-offs and envelopes move in
    /// steps of 1.3 ms at 48 kHz; note-ons are exact), 256 voices, effects on.
    pub fn new(sample_rate: u32) -> SynthOptions {
        SynthOptions {
            sample_rate,
            block: 64,
            polyphony: 256,
            effects: true,
            queue: 8192,
            gain: 1.0,
        }
    }
}

/// Why the synthesizer could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynthError {
    /// A setting is out of range.
    Setting {
        /// Which setting.
        name: &'static str,
        /// The allowed range.
        range: &'static str,
        /// What was given.
        given: String,
    },
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthError::Setting { name, range, given } => {
                write!(f, "the synthesizer's {name} must be {range}, got {given}")
            }
        }
    }
}

impl std::error::Error for SynthError {}

/// The queue of scheduled messages is full; render some audio first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull;

/// A SoundFont synthesizer that starts every note on its exact sample.
pub struct Synth {
    inner: Synthesizer,
    block: usize,
    left: Vec<f32>,
    right: Vec<f32>,
    /// How much of the current block has been handed out.
    read: usize,
    /// Samples handed out so far.
    position: u64,
    /// Scheduled messages, sorted by sample; `head` is the first not yet sent.
    queue: Vec<(u64, Message)>,
    head: usize,
    /// Note-ons that arrived after their block was rendered, so started late.
    late: u64,
    /// Renders stems: the voices alone, the effects left to a shared bus.
    dry: bool,
    /// The current block's sends to the chorus (left, right) and the reverb, for stems
    /// with effects.
    sends: Option<[Vec<f32>; 3]>,
}

impl fmt::Debug for Synth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Synth")
            .field("block", &self.block)
            .field("position", &self.position)
            .field("queued", &(self.queue.len() - self.head))
            .finish()
    }
}

impl Synth {
    /// A synthesizer playing `font`; all buffers are allocated here, so rendering only copies.
    pub fn new(font: &Arc<SoundFont>, options: &SynthOptions) -> Result<Synth, SynthError> {
        Synth::build(font, options, false)
    }

    /// A synthesizer that renders [`Stem`]s with [`Synth::render_stem`]: its voices and,
    /// with `options.effects`, their sends, for reverb and chorus shared with other
    /// synthesizers on the sum of their sends (an [`super::effects_bus::EffectsBus`]).
    pub fn for_stems(font: &Arc<SoundFont>, options: &SynthOptions) -> Result<Synth, SynthError> {
        Synth::build(font, options, true)
    }

    fn build(
        font: &Arc<SoundFont>,
        options: &SynthOptions,
        dry: bool,
    ) -> Result<Synth, SynthError> {
        let check = |ok: bool, name, range, given: String| {
            if ok {
                Ok(())
            } else {
                Err(SynthError::Setting { name, range, given })
            }
        };
        check(
            (MIN_SYNTH_RATE..=MAX_SYNTH_RATE).contains(&options.sample_rate),
            "sample rate",
            "16000–192000 Hz",
            options.sample_rate.to_string(),
        )?;
        check(
            (8..=1024).contains(&options.block),
            "block size",
            "8–1024 samples",
            options.block.to_string(),
        )?;
        check(
            (8..=256).contains(&options.polyphony),
            "polyphony",
            "8–256 voices",
            options.polyphony.to_string(),
        )?;
        let mut settings = SynthesizerSettings::new(options.sample_rate as i32);
        settings.block_size = options.block;
        settings.maximum_polyphony = options.polyphony;
        // A stem synthesizer's effects live on the shared bus, not here.
        settings.enable_reverb_and_chorus = options.effects && !dry;
        let mut inner = Synthesizer::new(font, &settings).map_err(|e| SynthError::Setting {
            name: "settings",
            range: "valid",
            given: e.to_string(),
        })?;
        inner.set_master_volume(inner.get_master_volume() * options.gain.clamp(0.0, 16.0));
        Ok(Synth {
            inner,
            block: options.block,
            left: vec![0.0; options.block],
            right: vec![0.0; options.block],
            read: options.block,
            position: 0,
            queue: Vec::with_capacity(options.queue.max(16)),
            head: 0,
            late: 0,
            dry,
            sends: (dry && options.effects).then(|| {
                [
                    vec![0.0; options.block],
                    vec![0.0; options.block],
                    vec![0.0; options.block],
                ]
            }),
        })
    }

    /// The sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.inner.get_sample_rate() as u32
    }

    /// Samples rendered so far: the next sample [`Synth::render`] writes has this number.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The master volume every voice and effect is scaled by (rustysynth's, times the gain).
    pub fn master_volume(&self) -> f32 {
        self.inner.get_master_volume()
    }

    /// Voices taken from sounding notes because all [`SynthOptions::polyphony`] were busy.
    pub fn stolen_voices(&self) -> u64 {
        self.inner.stolen_voices()
    }

    /// Note-ons that were scheduled too late to start on their sample (0 when used right).
    pub fn late_notes(&self) -> u64 {
        self.late
    }

    /// The first sample a newly scheduled note can still start on exactly: the start of the
    /// next block to be rendered.
    pub fn earliest_exact(&self) -> u64 {
        self.position + (self.block - self.read) as u64
    }

    /// Schedules a message for sample `at` (counted like [`Synth::position`]). Messages for
    /// the same sample are sent in the order they were scheduled.
    pub fn schedule(&mut self, at: u64, message: Message) -> Result<(), QueueFull> {
        if self.head > 0 && self.queue.len() == self.queue.capacity() {
            self.queue.drain(..self.head);
            self.head = 0;
        }
        if self.queue.len() == self.queue.capacity() {
            return Err(QueueFull);
        }
        // Usually in order already; otherwise insert after every message at or before `at`.
        let index = if self.queue.last().is_none_or(|&(t, _)| t <= at) {
            self.queue.len()
        } else {
            self.head + self.queue[self.head..].partition_point(|&(t, _)| t <= at)
        };
        self.queue.insert(index, (at, message));
        Ok(())
    }

    /// Sends a message at once: it takes effect at the start of the next rendered block (a
    /// note-on lands on its sample only when [`Synth::position`] is on a block boundary; use
    /// [`Synth::schedule`] for exact timing).
    pub fn send(&mut self, message: Message) {
        self.apply(message, 0);
    }

    /// The internal block size: note-offs and controllers take effect on its boundaries.
    pub fn block(&self) -> usize {
        self.block
    }

    /// Drops every scheduled note-on not yet started (other scheduled messages stay), so
    /// nothing starts after a stop. Never allocates.
    pub fn cancel_note_ons(&mut self) {
        self.queue.drain(..self.head);
        self.head = 0;
        self.queue
            .retain(|(_, m)| !matches!(m, Message::NoteOn { .. }));
    }

    /// Ends every note at once (no release) and clears the queue.
    pub fn silence(&mut self) {
        self.inner.note_off_all(true);
        self.queue.clear();
        self.head = 0;
    }

    /// Renders the next `left.len()` samples of both channels (the slices must be the same
    /// length; the shorter one decides otherwise).
    pub fn render(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut wrote = 0;
        while wrote < n {
            if self.read == self.block {
                self.render_block();
            }
            let take = (self.block - self.read).min(n - wrote);
            left[wrote..wrote + take].copy_from_slice(&self.left[self.read..self.read + take]);
            right[wrote..wrote + take].copy_from_slice(&self.right[self.read..self.read + take]);
            self.read += take;
            self.position += take as u64;
            wrote += take;
        }
    }

    /// Renders the next `stem.len()` samples of a synthesizer made with
    /// [`Synth::for_stems`]: the dry mix and, if the stem has room for them, the sends.
    pub fn render_stem(&mut self, stem: &mut Stem) {
        let n = stem.len();
        let mut wrote = 0;
        while wrote < n {
            if self.read == self.block {
                self.render_block();
            }
            let take = (self.block - self.read).min(n - wrote);
            let (from, to) = (self.read..self.read + take, wrote..wrote + take);
            stem.left[to.clone()].copy_from_slice(&self.left[from.clone()]);
            stem.right[to.clone()].copy_from_slice(&self.right[from.clone()]);
            if let (Some(sends), true) = (&self.sends, stem.has_sends()) {
                for (out, send) in stem.sends.iter_mut().zip(sends) {
                    out[to.clone()].copy_from_slice(&send[from.clone()]);
                }
            }
            self.read += take;
            self.position += take as u64;
            wrote += take;
        }
    }

    fn render_block(&mut self) {
        let start = self.position;
        let end = start + self.block as u64;
        while let Some(&(at, message)) = self.queue.get(self.head) {
            if at >= end {
                break;
            }
            self.head += 1;
            let delay = if at >= start {
                (at - start) as usize
            } else {
                if matches!(message, Message::NoteOn { .. }) {
                    self.late += 1;
                }
                0
            };
            self.apply(message, delay);
        }
        if self.head == self.queue.len() {
            self.queue.clear();
            self.head = 0;
        }
        if self.dry {
            let sends = self
                .sends
                .as_mut()
                .map(|[a, b, c]| [a.as_mut_slice(), b.as_mut_slice(), c.as_mut_slice()]);
            self.inner
                .render_block_dry(&mut self.left, &mut self.right, sends);
        } else {
            self.inner.render(&mut self.left, &mut self.right);
        }
        self.read = 0;
    }

    fn apply(&mut self, message: Message, delay: usize) {
        let ([status, a, b], _) = message.bytes();
        let channel = i32::from(status & 0x0f);
        match message {
            Message::NoteOn { .. } => {
                self.inner
                    .note_on_delayed(channel, i32::from(a), i32::from(b), delay);
            }
            _ => self.inner.process_midi_message(
                channel,
                i32::from(status & 0xf0),
                i32::from(a),
                i32::from(b),
            ),
        }
    }
}
