//! A look-ahead peak limiter for the master output, so no render clips however many notes
//! pile up. Transparent below its ceiling: the gain is exactly 1 until a peak comes near.

use std::collections::VecDeque;

/// A stereo look-ahead limiter with a fixed delay of [`Limiter::latency`] frames.
///
/// The gain for each frame is the smallest gain any frame in the next `latency` frames
/// needs, recovering smoothly afterwards and averaged over `latency + 1` frames; averaging
/// gains that are each small enough keeps every output sample at or under the ceiling.
#[derive(Debug, Clone)]
pub struct Limiter {
    ceiling: f32,
    lookahead: usize,
    recovery: f32,
    /// Input frames waiting to be output (the delay line).
    delay: VecDeque<(f32, f32)>,
    /// (index, needed gain), increasing gains: the sliding minimum over the look-ahead.
    window: VecDeque<(u64, f32)>,
    /// The last `lookahead + 1` smoothed gains and their sum, for the moving average.
    smooth: VecDeque<f32>,
    sum: f64,
    held: f32,
    index: u64,
}

impl Limiter {
    /// A limiter at `ceiling` (linear, e.g. 0.966 for −0.3 dBFS) looking `lookahead` frames
    /// ahead and recovering with time constant `release` frames.
    pub fn new(ceiling: f32, lookahead: usize, release: usize) -> Limiter {
        let lookahead = lookahead.max(1);
        let mut smooth = VecDeque::with_capacity(lookahead + 2);
        smooth.extend(std::iter::repeat_n(1.0f32, lookahead + 1));
        let mut delay = VecDeque::with_capacity(lookahead + 2);
        delay.extend(std::iter::repeat_n((0.0f32, 0.0f32), lookahead));
        Limiter {
            ceiling,
            lookahead,
            recovery: 1.0 - (-1.0 / release.max(1) as f32).exp(),
            delay,
            window: VecDeque::with_capacity(lookahead + 2),
            smooth,
            sum: (lookahead + 1) as f64,
            held: 1.0,
            index: 0,
        }
    }

    /// A limiter for a sample rate: −0.3 dBFS ceiling, 1.5 ms look-ahead, 80 ms release.
    pub fn for_rate(sample_rate: u32) -> Limiter {
        let ms = |m: f64| (f64::from(sample_rate) * m / 1000.0).round() as usize;
        Limiter::new(0.966, ms(1.5), ms(80.0))
    }

    /// How many frames late the output is.
    pub fn latency(&self) -> usize {
        self.lookahead
    }

    /// Feeds one frame and returns the frame from [`Limiter::latency`] frames ago, limited.
    pub fn process(&mut self, left: f32, right: f32) -> (f32, f32) {
        let peak = left.abs().max(right.abs());
        let need = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        while self.window.back().is_some_and(|&(_, g)| g >= need) {
            self.window.pop_back();
        }
        self.window.push_back((self.index, need));
        let oldest = self.index.saturating_sub(self.lookahead as u64);
        while self.window.front().is_some_and(|&(i, _)| i < oldest) {
            self.window.pop_front();
        }
        self.index += 1;
        // The smallest gain needed by any frame from the one leaving the delay line onwards.
        let target = self.window.front().map_or(1.0, |&(_, g)| g);
        self.held = if target < self.held {
            target
        } else {
            (self.held + (1.0 - self.held) * self.recovery).min(target)
        };
        self.smooth.push_back(self.held);
        self.sum += f64::from(self.held);
        if let Some(old) = self.smooth.pop_front() {
            self.sum -= f64::from(old);
        }
        let gain = ((self.sum / (self.lookahead + 1) as f64) as f32).min(1.0);
        self.delay.push_back((left, right));
        let (l, r) = self.delay.pop_front().unwrap_or((0.0, 0.0));
        // Rounding in the running sum must not let a sample slip over the ceiling.
        (
            (l * gain).clamp(-self.ceiling, self.ceiling),
            (r * gain).clamp(-self.ceiling, self.ceiling),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_music_passes_unchanged_but_late() {
        let mut l = Limiter::new(0.9, 4, 100);
        let input: Vec<f32> = (0..50).map(|i| (i as f32 * 0.3).sin() * 0.5).collect();
        let out: Vec<f32> = input.iter().map(|&x| l.process(x, -x).0).collect();
        assert_eq!(&out[4..], &input[..46]);
        assert!(out[..4].iter().all(|&x| x == 0.0));
    }

    #[test]
    fn a_loud_hit_never_goes_over_the_ceiling() {
        let mut l = Limiter::new(0.9, 16, 200);
        let mut peak = 0.0f32;
        for i in 0..2000 {
            let x = if (500..520).contains(&i) { 3.0 } else { 0.4 }
                * if i % 2 == 0 { 1.0 } else { -1.0 };
            let (a, b) = l.process(x, x * 0.5);
            peak = peak.max(a.abs()).max(b.abs());
        }
        assert!(peak <= 0.9, "peak {peak}");
    }
}
