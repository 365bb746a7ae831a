//! Offline rendering: a song's message plan played through the synthesizer as fast as the
//! CPU allows, every note on its exact sample, through a limiter, to a sink of frames.
//!
//! Each MIDI channel that plays has a synthesizer of its own, so the channels can render on
//! separate threads; their stems are summed in channel order and share one reverb and
//! chorus (see [`super::effects_bus`]), so the file is the same whatever the number of
//! threads.

use std::fmt;
use std::sync::Arc;

use rustysynth::SoundFont;

use super::decimator::Decimator;
use super::effects_bus::EffectsBus;
use super::length::{Length, messages};
use super::limiter::Limiter;
use super::parallel_render::{self, Flow, Rounds, WorkerLost};
use super::render_groups::{self, Grouping};
use super::stem::Stem;
use super::stem_render::StemRender;
use super::synth::{MIN_SYNTH_RATE, SynthError, SynthOptions};
use crate::engine::message::Message;
use crate::engine::plan::Timed;
use crate::lang::song::Song;

/// The lowest output sample rate.
pub const MIN_RATE: u32 = 8_000;
/// The highest output sample rate.
pub const MAX_RATE: u32 = 192_000;
/// The most a render may last, in seconds (one hour), tail not included.
pub const MAX_SECONDS: f64 = 3600.0;

/// How to render.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderOptions {
    /// Output samples per second, 8000–192000.
    pub sample_rate: u32,
    /// Reverb and chorus.
    pub effects: bool,
    /// The longest tail after the end for notes to ring out, in seconds (the render stops
    /// earlier once everything is silent).
    pub max_tail: f64,
    /// The look-ahead limiter on the master output (keeps every sample under −0.3 dBFS).
    pub limiter: bool,
    /// The synthesizer's block size (see [`SynthOptions::block`]).
    pub block: usize,
    /// Master gain before the limiter (see [`SynthOptions::gain`]).
    pub gain: f32,
    /// How many threads render (at least 1); the output is the same for any number.
    pub jobs: usize,
    /// How the channels are divided among synthesizers.
    pub grouping: Grouping,
}

/// The number of threads a render uses unless told: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

impl RenderOptions {
    /// The defaults for a sample rate: effects and limiter on, at most 3 s of tail.
    pub fn new(sample_rate: u32) -> RenderOptions {
        RenderOptions {
            sample_rate,
            effects: true,
            max_tail: 3.0,
            limiter: true,
            block: SynthOptions::new(sample_rate).block,
            // General MIDI fonts are mixed with a lot of headroom; +8 dB brings a full
            // arrangement near full scale and the limiter catches the rare peak.
            gain: 2.5,
            jobs: default_jobs(),
            grouping: Grouping::ByChannel,
        }
    }
}

impl RenderOptions {
    /// The synthesizer's settings for these options at `synth_rate` (the live synth output
    /// uses the same, so it sounds like the render).
    pub fn synth_options(&self, synth_rate: u32) -> SynthOptions {
        let mut synth = SynthOptions::new(synth_rate);
        synth.effects = self.effects;
        synth.block = self.block;
        synth.gain = self.gain;
        synth
    }
}

/// Why a render failed.
#[derive(Debug)]
pub enum RenderError {
    /// An option is out of range.
    Option(String),
    /// The synthesizer refused its settings.
    Synth(SynthError),
    /// The sink failed (usually writing the file).
    Sink(std::io::Error),
    /// A render thread stopped unexpectedly.
    Thread,
}

impl From<WorkerLost> for RenderError {
    fn from(_: WorkerLost) -> RenderError {
        RenderError::Thread
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Option(m) => write!(f, "{m}"),
            RenderError::Synth(e) => write!(f, "{e}"),
            RenderError::Sink(e) => write!(f, "{e}"),
            RenderError::Thread => write!(f, "a render thread stopped unexpectedly"),
        }
    }
}

impl std::error::Error for RenderError {}

/// What a render produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rendered {
    /// Frames written.
    pub frames: u64,
    /// Frames of silence put before bar 0 so notes before it (graces) are heard.
    pub preroll: u64,
    /// The frame where the song's end (the last bar or the given seconds) falls.
    pub end: u64,
    /// Notes played.
    pub notes: usize,
    /// The largest absolute sample value written.
    pub peak: f32,
    /// Voices taken from sounding notes because a synthesizer had none free.
    pub stolen: u64,
    /// How many synthesizers rendered (channel groups).
    pub groups: usize,
}

/// The output frame a time in seconds falls on, before the pre-roll is added.
pub fn frame_of(seconds: f64, sample_rate: u32) -> i64 {
    (seconds * f64::from(sample_rate)).round() as i64
}

/// The pre-roll for a message list: enough frames that the earliest message is at frame 0
/// or later.
pub fn preroll(messages: &[Timed], sample_rate: u32) -> u64 {
    let earliest = messages
        .iter()
        .map(|t| frame_of(t.seconds, sample_rate))
        .min()
        .unwrap_or(0);
    (-earliest).max(0) as u64
}

/// Checks the options against their ranges.
pub fn check(length: Length, options: &RenderOptions) -> Result<(), RenderError> {
    if !(MIN_RATE..=MAX_RATE).contains(&options.sample_rate) {
        return Err(RenderError::Option(format!(
            "the sample rate must be {MIN_RATE}–{MAX_RATE} Hz, got {}",
            options.sample_rate
        )));
    }
    match length {
        Length::Bars(0) => Err(RenderError::Option(
            "render at least 1 bar, got 0".to_string(),
        )),
        Length::Seconds(s) if !(s > 0.0 && s <= MAX_SECONDS) => Err(RenderError::Option(format!(
            "the length must be more than 0 and at most {MAX_SECONDS} seconds, got {s}"
        ))),
        _ if !(0.0..=60.0).contains(&options.max_tail) => Err(RenderError::Option(format!(
            "the tail must be 0–60 seconds, got {}",
            options.max_tail
        ))),
        _ => Ok(()),
    }
}

/// Renders `length` of the song plus a tail, handing interleaved stereo frames (left, right)
/// to `sink` in chunks and the share done (0–1) to `progress`.
pub fn render(
    song: &Song,
    font: &Arc<SoundFont>,
    length: Length,
    options: &RenderOptions,
    sink: &mut dyn FnMut(&[f32]) -> std::io::Result<()>,
    progress: &mut dyn FnMut(f64),
) -> Result<Rendered, RenderError> {
    check(length, options)?;
    let (list, end_seconds) = messages(song, length);
    if end_seconds > MAX_SECONDS {
        return Err(RenderError::Option(format!(
            "the render would last {end_seconds:.0} s; at most {MAX_SECONDS} seconds are allowed"
        )));
    }
    let rate = options.sample_rate;
    // The synthesizer runs at a whole multiple of low output rates.
    let factor = MIN_SYNTH_RATE.div_ceil(rate).max(1) as usize;
    let synth_rate = rate * factor as u32;
    let synth_options = options.synth_options(synth_rate);
    let mut decimator = Decimator::new(factor);
    let mut limiter = options.limiter.then(|| Limiter::for_rate(rate));
    let latency = decimator.latency() + limiter.as_ref().map_or(0, Limiter::latency);

    let pre = preroll(&list, rate);
    let end = pre + frame_of(end_seconds, rate).max(0) as u64;
    let at = |t: &Timed| (frame_of(t.seconds, rate) + pre as i64).max(0) as u64 * factor as u64;
    let last_message = list.iter().map(at).max().unwrap_or(0) / factor as u64;
    let max_frames = end + (options.max_tail * f64::from(rate)).round() as u64;
    let notes = list
        .iter()
        .filter(|t| matches!(t.message, Message::NoteOn { .. }))
        .count();

    // Setup messages (bank, program) go first, at frame 0; they precede every note.
    let setup = list
        .iter()
        .position(|t| matches!(t.message, Message::NoteOn { .. } | Message::NoteOff { .. }))
        .unwrap_or(list.len());
    let timed: Vec<(u64, Message)> = list.iter().map(|t| (at(t), t.message)).collect();
    let groups = render_groups::split(&timed, setup, options.grouping);
    let group_count = groups.len();
    let renders = groups
        .into_iter()
        .map(|g| StemRender::new(font, &synth_options, g))
        .collect::<Result<Vec<_>, _>>()
        .map_err(RenderError::Synth)?;
    let master_volume = renders.first().map_or(0.0, StemRender::master_volume);

    // Each round is whole synthesizer blocks and whole output frames, about 8192 frames:
    // long enough that handing rounds between threads costs little, short enough that the
    // stems stay in the caches.
    const CHUNK: usize = 8192;
    let block = synth_options.block.max(1);
    let round_frames = CHUNK.div_ceil(block) * block;
    let round = round_frames * factor;
    let bus = EffectsBus::new(synth_rate, block, synth_options.effects, master_volume);
    let mut out: Vec<f32> = Vec::with_capacity(round_frames * 2);
    let mut produced: u64 = 0; // output frames out of the pipeline, latency included
    let mut written: u64 = 0;
    let mut peak = 0.0f32;
    let mut quiet_run: u64 = 0;
    let quiet_needed = u64::from(rate) / 5; // 200 ms under the floor ends the tail
    let mut fade: Option<(u64, u64)> = None;

    let mut output = |mix: &mut Stem| -> Result<Flow, RenderError> {
        let (left, right) = (&mut mix.left, &mut mix.right);
        let frames = if factor == 1 {
            round
        } else {
            let mut kept = 0;
            for i in 0..round {
                if let Some((l, r)) = decimator.process(left[i], right[i]) {
                    left[kept] = l;
                    right[kept] = r;
                    kept += 1;
                }
            }
            kept
        };
        if let Some(lim) = limiter.as_mut() {
            lim.process(&mut left[..frames], &mut right[..frames]);
        }
        // The pipeline's first `latency` frames are from before the start.
        let skip = (latency as u64).saturating_sub(produced).min(frames as u64) as usize;
        produced += frames as u64;
        out.clear();
        out.resize((frames - skip) * 2, 0.0);
        for ((pair, &l), &r) in out
            .chunks_exact_mut(2)
            .zip(&left[skip..frames])
            .zip(&right[skip..frames])
        {
            pair[0] = l;
            pair[1] = r;
        }
        // Past the end and the last note-off, stop once the tail is silent; cut it at the
        // longest tail with a short fade so it does not click.
        let mut stop_at = None;
        for (frame, pair) in (written..).zip(out.chunks_exact_mut(2)) {
            if let Some((from, len)) = fade {
                let g = 1.0 - (frame - from) as f32 / len as f32;
                pair[0] *= g.max(0.0);
                pair[1] *= g.max(0.0);
            }
            let level = pair[0].abs().max(pair[1].abs());
            peak = peak.max(level);
            if frame >= end && frame >= last_message {
                if level < 1e-4 {
                    quiet_run += 1;
                } else {
                    quiet_run = 0;
                }
                if quiet_run >= quiet_needed {
                    stop_at = Some(frame + 1);
                }
            }
            if fade.is_none() && frame + u64::from(rate) / 20 >= max_frames {
                fade = Some((frame, (max_frames - frame).max(1)));
            }
            if frame + 1 >= max_frames {
                stop_at = Some(stop_at.map_or(frame + 1, |s: u64| s.min(frame + 1)));
            }
            if stop_at.is_some() {
                break;
            }
        }
        let keep = match stop_at {
            Some(s) => (s - written) as usize,
            None => out.len() / 2,
        };
        sink(&out[..keep * 2]).map_err(RenderError::Sink)?;
        written += keep as u64;
        progress((written as f64 / max_frames.max(1) as f64).min(1.0));
        Ok(if stop_at.is_some() {
            Flow::Done
        } else {
            Flow::More
        })
    };
    // Enough rounds for the longest tail and the pipeline's delay; the mix stops sooner.
    let rounds = (max_frames + latency as u64).div_ceil(round_frames as u64) + 1;
    let rounds = Rounds {
        renders,
        bus,
        len: round,
        effects: synth_options.effects,
        rounds,
    };
    let stolen = parallel_render::render_rounds(rounds, options.jobs, &mut output)?;
    progress(1.0);
    Ok(Rendered {
        frames: written,
        preroll: pre,
        end,
        notes,
        peak,
        stolen,
        groups: group_count,
    })
}
