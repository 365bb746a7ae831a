//! The JACK process callback of the built-in synth: renders the synth into flam's two audio
//! ports.

use std::time::{Duration, Instant};

use jack::{AudioOut, Client, Control, LatencyType, Port, ProcessHandler, ProcessScope};

use crate::output::synth_callback::SynthCallback;

/// Owns the synth's callback and flam's left and right ports. Runs in JACK's real-time
/// thread: the callback renders straight into the ports' buffers; nothing here allocates,
/// locks or blocks (tests/live_synth.rs runs `render_split` under `assert_no_alloc`).
pub struct AudioProcess {
    /// The synth, limiter and message ring.
    pub callback: SynthCallback,
    /// flam's left and right output ports.
    pub ports: [Port<AudioOut>; 2],
}

impl AudioProcess {
    /// How long after the callback starts its first frame is heard, as cpal reckons it:
    /// the ports' playback latency from the cycle start when JACK reports one, else the
    /// end of the cycle (JACK's deadline for it).
    fn latency(&self, client: &Client, ps: &ProcessScope) -> Duration {
        let rate = f64::from(client.sample_rate().max(1));
        let since = f64::from(ps.frames_since_cycle_start()) / rate;
        let reported = self
            .ports
            .iter()
            .map(|p| p.get_latency_range(LatencyType::Playback).1)
            .max()
            .unwrap_or(0);
        let ahead = if reported > 0 {
            f64::from(reported) / rate
        } else {
            match ps.cycle_times() {
                Ok(t) => t.next_usecs.saturating_sub(t.current_usecs) as f64 / 1e6,
                Err(_) => f64::from(ps.n_frames()) / rate,
            }
        };
        Duration::from_secs_f64((ahead - since).max(0.0))
    }
}

impl ProcessHandler for AudioProcess {
    fn process(&mut self, client: &Client, ps: &ProcessScope) -> Control {
        let now = Instant::now();
        let latency = self.latency(client, ps);
        let [left, right] = &mut self.ports;
        self.callback
            .render_split(left.as_mut_slice(ps), right.as_mut_slice(ps), now, latency);
        Control::Continue
    }
}
