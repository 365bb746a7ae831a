//! Synthesis helpers: noise, filters, and looped additive tones whose loops hold whole
//! cycles of every partial and start on a zero crossing.

use std::f64::consts::TAU;

/// A small deterministic noise source (xorshift), so the SoundFont is the same every run.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise(seed.max(1))
    }

    /// White noise in −1..1.
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 * 2.0 - 1.0
    }
}

/// An RBJ biquad filter.
pub struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    fn new(b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64) -> Biquad {
        Biquad {
            b: [b0 / a0, b1 / a0, b2 / a0],
            a: [a1 / a0, a2 / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    fn w(sr: f64, f: f64, q: f64) -> (f64, f64) {
        let w = TAU * (f / sr).min(0.49);
        (w.cos(), w.sin() / (2.0 * q))
    }

    pub fn lowpass(sr: f64, f: f64, q: f64) -> Biquad {
        let (c, alpha) = Biquad::w(sr, f, q);
        Biquad::new(
            (1.0 - c) / 2.0,
            1.0 - c,
            (1.0 - c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    pub fn highpass(sr: f64, f: f64, q: f64) -> Biquad {
        let (c, alpha) = Biquad::w(sr, f, q);
        Biquad::new(
            (1.0 + c) / 2.0,
            -(1.0 + c),
            (1.0 + c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    pub fn bandpass(sr: f64, f: f64, q: f64) -> Biquad {
        let (c, alpha) = Biquad::w(sr, f, q);
        Biquad::new(alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    pub fn run(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

/// The frequency of a MIDI key.
pub fn key_hz(key: u8) -> f64 {
    440.0 * 2f64.powf((f64::from(key) - 69.0) / 12.0)
}

/// Scales so the largest sample is `peak`.
pub fn normalize(x: &mut [f32], peak: f32) {
    let m = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if m > 0.0 {
        for v in x.iter_mut() {
            *v *= peak / m;
        }
    }
}

/// A partial of a looped tone: a multiple of the base frequency, its level, and how fast it
/// decays during the attack (seconds; `f64::INFINITY` for steady).
#[derive(Clone, Copy)]
pub struct Partial {
    pub multiple: u32,
    pub amp: f64,
    pub decay: f64,
}

/// One oscillator of a looped tone: its partials and a detune in whole cycles per loop.
pub struct Osc {
    pub partials: Vec<Partial>,
    pub detune_cycles: i64,
    pub level: f64,
}

/// A looped tone: the sample, its loop (start, end), and the pitch correction in cents.
pub struct Looped {
    pub pcm: Vec<f32>,
    pub lp: (usize, usize),
    pub correction: i8,
}

/// Builds a tone at `hz` (the base frequency, partial multiples count from it). During the
/// first `attack` seconds partials decay and `transient` adds a sound that ends by then;
/// afterwards everything is frozen and exactly periodic over a loop of about `loop_s`
/// seconds that holds a whole number of cycles of every partial of every oscillator.
pub fn looped_tone(
    sr: u32,
    hz: f64,
    oscs: &[Osc],
    attack: f64,
    loop_s: f64,
    transient: &mut dyn FnMut(f64) -> f64,
) -> Looped {
    let srf = f64::from(sr);
    // The loop length whose whole number of base cycles is closest in pitch to `hz`.
    let lo = (loop_s * srf * 0.8) as i64;
    let hi = (loop_s * srf * 1.2) as i64;
    let (mut best_len, mut best_m, mut best_err) = (lo, 1i64, f64::MAX);
    for len in lo..=hi {
        let m = (hz * len as f64 / srf).round().max(1.0) as i64;
        let err = 1200.0 * (m as f64 * srf / (len as f64 * hz)).log2();
        if err.abs() < best_err.abs() {
            (best_len, best_m, best_err) = (len, m, err);
        }
    }
    let (len, m) = (best_len as usize, best_m);
    let attack_n = (attack * srf) as usize;
    let total = attack_n + 2 * len + 64;
    let nyquist_guard = 0.42 * srf;
    let mut pcm = vec![0.0f64; total];
    for osc in oscs {
        let cycles = m + osc.detune_cycles;
        for p in &osc.partials {
            let f = f64::from(p.multiple) * cycles as f64 * srf / len as f64;
            if f >= nyquist_guard {
                continue;
            }
            let step = (i64::from(p.multiple) * cycles).rem_euclid(len as i64) as usize;
            let mut phase = 0usize;
            for (n, out) in pcm.iter_mut().enumerate() {
                let t = (n.min(attack_n)) as f64 / srf;
                let env = if p.decay.is_finite() {
                    (-t / p.decay).exp()
                } else {
                    1.0
                };
                // Integer phase: exactly periodic over the loop.
                *out += osc.level * p.amp * env * (TAU * phase as f64 / len as f64).sin();
                phase += step;
                if phase >= len {
                    phase -= len;
                }
            }
        }
    }
    for (n, v) in pcm.iter_mut().enumerate().take(attack_n) {
        *v += transient(n as f64 / srf);
    }
    // Loop from the first upward zero crossing after the attack.
    let mut start = attack_n.max(8);
    for n in attack_n.max(8)..attack_n + len {
        if pcm[n - 1] <= 0.0 && pcm[n] > 0.0 {
            start = n;
            break;
        }
    }
    let end = start + len;
    let mut pcm: Vec<f32> = pcm[..end + 16].iter().map(|&v| v as f32).collect();
    normalize(&mut pcm, 0.9);
    Looped {
        pcm,
        lp: (start, end),
        correction: (-best_err).round().clamp(-50.0, 50.0) as i8,
    }
}

/// Steady partials at these multiples, each at `level(multiple)`.
pub fn series(multiples: impl Iterator<Item = u32>, level: impl Fn(u32) -> f64) -> Vec<Partial> {
    multiples
        .map(|k| Partial {
            multiple: k,
            amp: level(k),
            decay: f64::INFINITY,
        })
        .collect()
}

/// Partials of a band-limited sawtooth (levels 1/k).
pub fn saw(count: u32) -> Vec<Partial> {
    series(1..=count, |k| 1.0 / f64::from(k))
}

/// Partials of a band-limited square (odd harmonics, levels 1/k).
pub fn square(count: u32) -> Vec<Partial> {
    series((1..=count).step_by(2), |k| 1.0 / f64::from(k))
}

/// A one-shot of `seconds` made by `f(t, noise)`, normalized to `peak`.
pub fn one_shot(
    sr: u32,
    seconds: f64,
    seed: u64,
    peak: f32,
    f: &mut dyn FnMut(f64, &mut Noise) -> f64,
) -> Vec<f32> {
    let mut noise = Noise::new(seed);
    let n = (seconds * f64::from(sr)) as usize;
    let mut out: Vec<f32> = (0..n)
        .map(|i| f(i as f64 / f64::from(sr), &mut noise) as f32)
        .collect();
    normalize(&mut out, peak);
    // A short fade at the very end so no one-shot stops with a click.
    let fade = (f64::from(sr) * 0.005) as usize;
    for i in 0..fade.min(n) {
        out[n - 1 - i] *= i as f32 / fade as f32;
    }
    out
}

/// Soft saturation that keeps the peak: raises the loudness of spiky sounds (noise-based
/// drums) the way a compressor would, by `drive` (1 is gentle, 4 is strong).
pub fn saturate(x: &mut [f32], drive: f32) {
    let norm = drive.tanh();
    for v in x.iter_mut() {
        *v = (drive * *v).tanh() / norm;
    }
    normalize(x, 0.9);
}
