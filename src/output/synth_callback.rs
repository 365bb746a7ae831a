//! The live synth's audio callback: takes the messages due in its buffer off a wait-free
//! ring and renders the synthesizer, every note starting on its own sample.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rtrb::Consumer;

use super::limiter::Limiter;
use super::synth::Synth;
use super::synth_cue::SynthCue;
use super::synth_meters::SynthMeters;
use crate::engine::message::Message;

/// Under this level (−80 dBFS) a frame counts as silent.
const SILENT: f32 = 1e-4;

/// Owns the synthesizer, the master limiter and the consumer end of the ring. Runs in the
/// audio system's real-time thread: it only pops from the ring, renders into buffers
/// allocated up front and updates atomics; it never allocates, locks or blocks (a test runs
/// it under `assert_no_alloc`).
pub struct SynthCallback {
    synth: Synth,
    limiter: Limiter,
    cues: Consumer<SynthCue>,
    meters: Arc<SynthMeters>,
    left: Vec<f32>,
    right: Vec<f32>,
    rate: f64,
    flushed: bool,
    failed: bool,
    first_note: bool,
}

/// Whether a message ends a note.
fn ends_note(message: &Message) -> bool {
    matches!(
        message,
        Message::NoteOff { .. }
            | Message::Control {
                controller: 120 | 123,
                ..
            }
    )
}

/// Writes `left` and `right` into `target`, `channels` samples per frame: mono gets their
/// mean, and channels past the second stay silent.
fn interleave<T: Copy>(
    target: &mut [T],
    channels: usize,
    left: &[f32],
    right: &[f32],
    convert: &impl Fn(f32) -> T,
    silence: T,
) {
    let frames = target
        .chunks_exact_mut(channels)
        .zip(left.iter().zip(right));
    match channels {
        1 => {
            for (o, (&l, &r)) in frames {
                o[0] = convert(0.5 * (l + r));
            }
        }
        _ => {
            for (o, (&l, &r)) in frames {
                o[0] = convert(l);
                o[1] = convert(r);
                o[2..].fill(silence);
            }
        }
    }
}

impl SynthCallback {
    /// A callback rendering `synth` through `limiter`, taking messages from `cues`, with
    /// `scratch` for the two channels (allocated by the caller, so nothing in this file
    /// allocates; at least a frame each).
    pub fn new(
        synth: Synth,
        limiter: Limiter,
        cues: Consumer<SynthCue>,
        meters: Arc<SynthMeters>,
        scratch: (Vec<f32>, Vec<f32>),
    ) -> SynthCallback {
        let rate = f64::from(synth.sample_rate());
        let (left, right) = scratch;
        SynthCallback {
            synth,
            limiter,
            cues,
            meters,
            left,
            right,
            rate,
            flushed: false,
            failed: false,
            first_note: false,
        }
    }

    /// Fills `out` (interleaved, `channels` per frame) with the next frames, converting each
    /// sample with `convert`. `now` is when the callback started and `latency` how long
    /// until its first frame is heard, as the audio system says.
    ///
    /// Never panics: a bug in here silences the output and reports the stream as gone, so
    /// the sender stops and the session ends cleanly.
    pub fn render<T: Copy>(
        &mut self,
        out: &mut [T],
        channels: usize,
        convert: impl Fn(f32) -> T,
        now: Instant,
        latency: Duration,
    ) {
        let channels = channels.max(1);
        let frames = out.len() / channels;
        let silence = convert(0.0);
        let fine = self.guarded(frames, now, latency, |at, left, right| {
            let target = &mut out[at * channels..(at + left.len()) * channels];
            interleave(target, channels, left, right, &convert, silence);
        });
        if fine {
            // Whatever did not fit whole frames stays silent.
            out[frames * channels..].fill(silence);
        } else {
            out.fill(silence);
        }
    }

    /// Fills `left` and `right` (one buffer per channel, as JACK gives them) with the next
    /// frames; otherwise as [`SynthCallback::render`]. A longer channel's extra frames stay
    /// silent.
    pub fn render_split(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        now: Instant,
        latency: Duration,
    ) {
        let frames = left.len().min(right.len());
        let fine = self.guarded(frames, now, latency, |at, l, r| {
            left[at..at + l.len()].copy_from_slice(l);
            right[at..at + r.len()].copy_from_slice(r);
        });
        if fine {
            left[frames..].fill(0.0);
            right[frames..].fill(0.0);
        } else {
            left.fill(0.0);
            right.fill(0.0);
        }
    }

    /// Renders `frames` frames through `write`, catching a panic: after one, this callback
    /// only plays silence and the stream counts as gone. Returns whether `write` got every
    /// frame.
    fn guarded(
        &mut self,
        frames: usize,
        now: Instant,
        latency: Duration,
        write: impl FnMut(usize, &[f32], &[f32]),
    ) -> bool {
        if self.failed {
            return false;
        }
        let fine =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.fill(frames, now, latency, write)));
        if fine.is_err() {
            self.failed = true;
            self.meters.gone.store(true, Ordering::Release);
        }
        fine.is_ok()
    }

    /// Renders the next `frames` frames in pieces as long as the scratch buffers, handing
    /// each piece to `write` with its offset, and updates the meters.
    fn fill(
        &mut self,
        frames: usize,
        now: Instant,
        latency: Duration,
        mut write: impl FnMut(usize, &[f32], &[f32]),
    ) {
        let position = self.synth.position();
        self.meters.clock.publish(position, now + latency);
        self.meters.period.store(frames as u64, Ordering::Relaxed);
        self.meters
            .latency
            .store(latency.as_nanos() as u64, Ordering::Relaxed);

        self.take_cues();

        let mut done = 0;
        let mut loudest = 0.0f32;
        let mut quiet_tail = 0u64;
        let piece = self.left.len().min(self.right.len()).max(1);
        while done < frames {
            let n = (frames - done).min(piece);
            let (left, right) = (&mut self.left[..n], &mut self.right[..n]);
            self.synth.render(left, right);
            self.limiter.process(left, right);
            write(done, left, right);
            for (&l, &r) in left.iter().zip(right.iter()) {
                let level = l.abs().max(r.abs());
                loudest = loudest.max(level);
                if level < SILENT {
                    quiet_tail += 1;
                } else {
                    quiet_tail = 0;
                }
            }
            done += n;
        }
        if loudest < SILENT {
            self.meters
                .quiet
                .fetch_add(frames as u64, Ordering::Relaxed);
        } else {
            self.meters.quiet.store(quiet_tail, Ordering::Relaxed);
        }

        let late = self.synth.late_notes();
        if late > 0 {
            self.meters.late_notes.store(late, Ordering::Relaxed);
        }
        let budget = frames as f64 / self.rate;
        let used = now.elapsed().as_secs_f64();
        if budget > 0.0 {
            let load = used / budget;
            self.meters.record_load(load as f32);
            if load > 1.0 {
                self.meters.overruns.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.meters.callbacks.fetch_add(1, Ordering::Release);
    }

    /// Schedules every queued message on its frame, as far as the synthesizer's queue has
    /// room: it keeps them in frame order, so one handed over late but due sooner (a key just
    /// pressed) sounds on its frame rather than behind those handed over before it. At the
    /// end of play, note-offs go in at once and nothing else queued for later starts.
    fn take_cues(&mut self) {
        let flushing = self.meters.flushing.load(Ordering::Acquire);
        if flushing && !self.flushed {
            self.flushed = true;
            self.synth.cancel_note_ons();
        }
        while let Ok(cue) = self.cues.peek() {
            let cue = *cue;
            if flushing {
                let _ = self.cues.pop();
                if cue.asap || ends_note(&cue.message) {
                    self.synth.send(cue.message);
                }
                continue;
            }
            if self.synth.schedule(cue.frame, cue.message).is_err() {
                // The synthesizer's queue is full: the rest waits for the next buffer.
                break;
            }
            let _ = self.cues.pop();
            if !self.first_note && matches!(cue.message, Message::NoteOn { .. }) {
                self.first_note = true;
                let heard = cue.frame + self.limiter.latency() as u64;
                self.meters.first_note.store(heard, Ordering::Relaxed);
            }
        }
    }
}
