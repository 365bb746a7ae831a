//! A look-ahead peak limiter for the master output, so no render clips however many notes
//! pile up. Transparent below its ceiling: the gain is exactly 1 until a peak comes near.

/// A stereo look-ahead limiter with a fixed delay of [`Limiter::latency`] frames.
///
/// The gain for each frame is the smallest gain any frame in the next `latency` frames
/// needs, recovering smoothly afterwards and averaged over `latency + 1` frames; averaging
/// gains that are each small enough keeps every output sample at or under the ceiling.
///
/// All state lives in fixed rings allocated by [`Limiter::new`], so processing never
/// allocates (it runs in the live audio callback). While nothing in the look-ahead comes near
/// the ceiling the limiter is only a delay line, and [`Limiter::process`] copies whole runs.
#[derive(Debug, Clone)]
pub struct Limiter {
    ceiling: f32,
    lookahead: usize,
    recovery: f32,
    /// The delay line: the last `lookahead` input frames, oldest at `delay_at`.
    delay_left: Vec<f32>,
    delay_right: Vec<f32>,
    delay_at: usize,
    /// (index, needed gain) with increasing gains: the sliding minimum over the look-ahead,
    /// a ring of `window.len()` slots holding `window_len` entries from `window_head`.
    window: Vec<(u64, f32)>,
    window_head: usize,
    window_len: usize,
    /// The last `lookahead + 1` held gains (a ring, oldest at `smooth_at`) and their sum.
    smooth: Vec<f32>,
    smooth_at: usize,
    sum: f64,
    /// How many of the newest held gains in a row are exactly 1.
    ones: usize,
    held: f32,
    index: u64,
}

impl Limiter {
    /// A limiter at `ceiling` (linear, e.g. 0.966 for −0.3 dBFS) looking `lookahead` frames
    /// ahead and recovering with time constant `release` frames.
    pub fn new(ceiling: f32, lookahead: usize, release: usize) -> Limiter {
        let lookahead = lookahead.max(1);
        Limiter {
            ceiling,
            lookahead,
            recovery: 1.0 - (-1.0 / release.max(1) as f32).exp(),
            delay_left: vec![0.0; lookahead],
            delay_right: vec![0.0; lookahead],
            delay_at: 0,
            window: vec![(0, 1.0); lookahead + 2],
            window_head: 0,
            window_len: 0,
            smooth: vec![1.0; lookahead + 1],
            smooth_at: 0,
            sum: (lookahead + 1) as f64,
            ones: lookahead + 1,
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

    /// Limits `left` and `right` in place: each frame is replaced by the frame from
    /// [`Limiter::latency`] frames earlier, limited. The slices should be the same length
    /// (the shorter one decides).
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut i = 0;
        while i < n {
            if self.calm() {
                // Nothing in the look-ahead needs less than unity gain: pass every frame
                // that stays under the ceiling straight through the delay line.
                let run = left[i..n]
                    .iter()
                    .zip(&right[i..n])
                    .take_while(|&(l, r)| l.abs().max(r.abs()) <= self.ceiling)
                    .count();
                if run > 0 {
                    self.delay_run(&mut left[i..i + run], &mut right[i..i + run]);
                    i += run;
                    continue;
                }
            }
            let (l, r) = self.step(left[i], right[i]);
            left[i] = l;
            right[i] = r;
            i += 1;
        }
    }

    /// Feeds one frame and returns the frame from [`Limiter::latency`] frames ago, limited.
    pub fn process_frame(&mut self, left: f32, right: f32) -> (f32, f32) {
        let (mut l, mut r) = ([left], [right]);
        self.process(&mut l, &mut r);
        (l[0], r[0])
    }

    /// Whether the gain is exactly 1 and stays so for every frame now in the delay line.
    fn calm(&self) -> bool {
        self.held == 1.0
            && self.ones > self.lookahead
            && (self.window_len == 0 || self.window[self.window_head].1 == 1.0)
    }

    /// Passes frames through the delay line at unity gain (see [`Limiter::calm`]).
    fn delay_run(&mut self, left: &mut [f32], right: &mut [f32]) {
        let len = self.lookahead;
        let mut done = 0;
        while done < left.len() {
            let take = (len - self.delay_at).min(left.len() - done);
            let at = self.delay_at;
            left[done..done + take].swap_with_slice(&mut self.delay_left[at..at + take]);
            right[done..done + take].swap_with_slice(&mut self.delay_right[at..at + take]);
            self.delay_at = (at + take) % len;
            done += take;
        }
        self.index += left.len() as u64;
        // The window would hold one entry, the newest frame's (its need is 1); the smoothing
        // ring holds only ones and stays as it is.
        let last = self.index - 1;
        self.window_head = 0;
        self.window_len = 1;
        self.window[0] = (last, 1.0);
        self.ones = self.ones.saturating_add(left.len());
    }

    fn step(&mut self, left: f32, right: f32) -> (f32, f32) {
        let peak = left.abs().max(right.abs());
        let need = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        let slots = self.window.len();
        while self.window_len > 0 {
            let back = (self.window_head + self.window_len - 1) % slots;
            if self.window[back].1 < need {
                break;
            }
            self.window_len -= 1;
        }
        let back = (self.window_head + self.window_len) % slots;
        self.window[back] = (self.index, need);
        self.window_len += 1;
        let oldest = self.index.saturating_sub(self.lookahead as u64);
        while self.window_len > 0 && self.window[self.window_head].0 < oldest {
            self.window_head = (self.window_head + 1) % slots;
            self.window_len -= 1;
        }
        self.index += 1;
        // The smallest gain needed by any frame from the one leaving the delay line onwards.
        let target = if self.window_len > 0 {
            self.window[self.window_head].1
        } else {
            1.0
        };
        self.held = if target < self.held {
            target
        } else {
            let up = (self.held + (1.0 - self.held) * self.recovery).min(target);
            // In floating point the recovery stops short of 1 once a step rounds away (a few
            // thousandths of a dB below): then it is there, and the limiter is transparent
            // again.
            if target == 1.0 && up <= self.held {
                1.0
            } else {
                up
            }
        };
        let old = std::mem::replace(&mut self.smooth[self.smooth_at], self.held);
        self.smooth_at = (self.smooth_at + 1) % self.smooth.len();
        self.sum += f64::from(self.held) - f64::from(old);
        if self.held == 1.0 {
            self.ones = self.ones.saturating_add(1);
            if self.ones > self.lookahead {
                // Every gain averaged is 1 again: drop the running sum's rounding error.
                self.sum = (self.lookahead + 1) as f64;
            }
        } else {
            self.ones = 0;
        }
        let gain = ((self.sum / (self.lookahead + 1) as f64) as f32).min(1.0);
        let at = self.delay_at;
        let l = std::mem::replace(&mut self.delay_left[at], left);
        let r = std::mem::replace(&mut self.delay_right[at], right);
        self.delay_at = (at + 1) % self.lookahead;
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
        let out: Vec<f32> = input.iter().map(|&x| l.process_frame(x, -x).0).collect();
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
            let (a, b) = l.process_frame(x, x * 0.5);
            peak = peak.max(a.abs()).max(b.abs());
        }
        assert!(peak <= 0.9, "peak {peak}");
    }

    #[test]
    fn whole_blocks_limit_exactly_as_frame_by_frame() {
        let signal: Vec<(f32, f32)> = (0..5000)
            .map(|i| {
                let t = i as f32;
                let loud = if (1000..1400).contains(&i) || (3000..3010).contains(&i) {
                    4.0
                } else {
                    0.5
                };
                ((t * 0.05).sin() * loud, (t * 0.031).cos() * loud * 0.7)
            })
            .collect();
        let mut one = Limiter::new(0.95, 24, 100);
        let by_frame: Vec<(f32, f32)> = signal
            .iter()
            .map(|&(l, r)| one.process_frame(l, r))
            .collect();
        let mut blocks = Limiter::new(0.95, 24, 100);
        let mut by_block = Vec::new();
        for chunk in signal.chunks(333) {
            let mut l: Vec<f32> = chunk.iter().map(|p| p.0).collect();
            let mut r: Vec<f32> = chunk.iter().map(|p| p.1).collect();
            blocks.process(&mut l, &mut r);
            by_block.extend(l.into_iter().zip(r));
        }
        assert_eq!(by_frame, by_block);
        assert!(
            by_block
                .iter()
                .all(|&(l, r)| l.abs() <= 0.95 && r.abs() <= 0.95)
        );
        // Well after the last peak the limiter is transparent again.
        assert_eq!(by_block[4900].0, signal[4900 - 24].0);
    }
}
