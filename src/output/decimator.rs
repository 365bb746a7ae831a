//! Integer-factor downsampling for sample rates below what the synthesizer runs at
//! (8–16 kHz): the synthesizer renders at a multiple of the rate, a windowed-sinc low-pass
//! removes what the lower rate cannot hold, and every `factor`-th frame is kept.

/// A stereo decimator with a fixed delay of [`Decimator::latency`] output frames, so sample
/// `n * factor` at the high rate is exactly sample `n` at the low rate.
#[derive(Debug, Clone)]
pub struct Decimator {
    factor: usize,
    taps: Vec<f32>,
    /// The last `taps.len()` input frames, twice over so a window is always contiguous.
    history: Vec<(f32, f32)>,
    at: usize,
    phase: usize,
}

/// Output frames of delay on each side of the filter's centre.
const HALF_WIDTH: usize = 8;

impl Decimator {
    /// A decimator keeping one frame in `factor` (1 passes everything through).
    pub fn new(factor: usize) -> Decimator {
        let factor = factor.max(1);
        let n = 2 * HALF_WIDTH * factor + 1;
        let centre = (n / 2) as f64;
        // Cut off at 45% of the output rate, below its Nyquist frequency.
        let cutoff = 0.45 / factor as f64;
        let mut taps: Vec<f32> = (0..n)
            .map(|i| {
                let x = i as f64 - centre;
                let sinc = if x == 0.0 {
                    2.0 * cutoff
                } else {
                    (2.0 * std::f64::consts::PI * cutoff * x).sin() / (std::f64::consts::PI * x)
                };
                let w = 2.0 * std::f64::consts::PI * i as f64 / (n - 1) as f64;
                let blackman = 0.42 - 0.5 * w.cos() + 0.08 * (2.0 * w).cos();
                (sinc * blackman) as f32
            })
            .collect();
        let sum: f32 = taps.iter().sum();
        if factor > 1 {
            for t in &mut taps {
                *t /= sum;
            }
        }
        Decimator {
            factor,
            history: vec![(0.0, 0.0); 2 * n],
            taps,
            at: 0,
            phase: 0,
        }
    }

    /// The factor.
    pub fn factor(&self) -> usize {
        self.factor
    }

    /// Output frames of delay (0 when the factor is 1).
    pub fn latency(&self) -> usize {
        if self.factor > 1 { HALF_WIDTH } else { 0 }
    }

    /// Feeds one high-rate frame; every `factor`-th call returns an output frame.
    pub fn process(&mut self, left: f32, right: f32) -> Option<(f32, f32)> {
        if self.factor == 1 {
            return Some((left, right));
        }
        let n = self.taps.len();
        self.history[self.at] = (left, right);
        self.history[self.at + n] = (left, right);
        self.at = (self.at + 1) % n;
        // Emit on frames 0, factor, 2·factor…, so output frame j is centred on input j·factor.
        let emit = self.phase == 0;
        self.phase = (self.phase + 1) % self.factor;
        if !emit {
            return None;
        }
        // The window holds the last n frames, oldest first, from `at`.
        let window = &self.history[self.at..self.at + n];
        let (mut l, mut r) = (0.0f32, 0.0f32);
        for (tap, &(a, b)) in self.taps.iter().rev().zip(window) {
            l += tap * a;
            r += tap * b;
        }
        Some((l, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impulse_lands_on_its_low_rate_sample() {
        let mut d = Decimator::new(2);
        let mut out = Vec::new();
        for i in 0..200 {
            let x = if i == 60 { 1.0 } else { 0.0 };
            if let Some((l, _)) = d.process(x, 0.0) {
                out.push(l);
            }
        }
        let peak = out
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(i, _)| i)
            .unwrap();
        assert_eq!(peak, 30 + d.latency());
    }

    #[test]
    fn a_steady_level_passes_at_unity_gain() {
        let mut d = Decimator::new(3);
        let mut last = 0.0;
        for _ in 0..300 {
            if let Some((l, _)) = d.process(0.5, 0.5) {
                last = l;
            }
        }
        assert!((last - 0.5).abs() < 1e-4);
    }
}
