//! What the built-in synth does with a track's lanes, heard in `flam render`: a filter sweep
//! brightens the sound bar by bar, pan and volume place and level it, channel pressure sings
//! a vibrato. Measured on the rendered samples (spectrum, level, pitch), never by ear.

// The lanes' errors are tested in cc_lanes.rs; this file only renders.
#[allow(dead_code)]
#[path = "support/cli.rs"]
mod cli;
use cli::{flam_ok, scratch};

/// A rendered WAV: its sample rate and its left and right channels.
struct Audio {
    rate: usize,
    left: Vec<f64>,
    right: Vec<f64>,
}

impl Audio {
    /// Both channels mixed, from `from` to `to` seconds.
    fn mono(&self, from: f64, to: f64) -> Vec<f64> {
        let (a, b) = (
            (from * self.rate as f64) as usize,
            (to * self.rate as f64) as usize,
        );
        self.left[a..b]
            .iter()
            .zip(&self.right[a..b])
            .map(|(l, r)| (l + r) / 2.0)
            .collect()
    }
}

/// Renders `song` (written to `name`.flam in a scratch folder) over `bars` bars, without
/// reverb and chorus, so what is measured is the voice.
fn render(name: &str, song: &str, bars: u32) -> Audio {
    let dir = scratch("synth-lanes");
    let file = dir.join(format!("{name}.flam"));
    std::fs::write(&file, song).unwrap();
    let wav = dir.join(format!("{name}.wav"));
    flam_ok(&[
        "render",
        file.to_str().unwrap(),
        "--bars",
        &bars.to_string(),
        "--no-effects",
        "-o",
        wav.to_str().unwrap(),
    ]);
    let mut reader = hound::WavReader::open(&wav).unwrap();
    let spec = reader.spec();
    assert_eq!(spec.channels, 2);
    let samples: Vec<f64> = match spec.sample_format {
        hound::SampleFormat::Int => reader
            .samples::<i32>()
            .map(|s| f64::from(s.unwrap()))
            .collect(),
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .map(|s| f64::from(s.unwrap()))
            .collect(),
    };
    Audio {
        rate: spec.sample_rate as usize,
        left: samples.iter().step_by(2).copied().collect(),
        right: samples.iter().skip(1).step_by(2).copied().collect(),
    }
}

fn energy(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

fn rms(x: &[f64]) -> f64 {
    (energy(x) / x.len().max(1) as f64).sqrt()
}

/// The share of `x`'s energy above `hz`: what a windowed-sinc low-pass (255 taps, Hamming)
/// takes away, over all of it.
fn share_above(x: &[f64], hz: f64, rate: usize) -> f64 {
    const TAPS: usize = 255;
    let fc = hz / rate as f64;
    let middle = (TAPS / 2) as f64;
    let taps: Vec<f64> = (0..TAPS)
        .map(|n| {
            let t = n as f64 - middle;
            let sinc = if t == 0.0 {
                2.0 * fc
            } else {
                (2.0 * std::f64::consts::PI * fc * t).sin() / (std::f64::consts::PI * t)
            };
            let window =
                0.54 - 0.46 * (2.0 * std::f64::consts::PI * n as f64 / (TAPS - 1) as f64).cos();
            sinc * window
        })
        .collect();
    let high: Vec<f64> = (TAPS..x.len())
        .map(|i| {
            let low: f64 = taps.iter().enumerate().map(|(k, h)| h * x[i - k]).sum();
            x[i - TAPS / 2] - low
        })
        .collect();
    energy(&high) / energy(&x[TAPS / 2..x.len() - TAPS / 2]).max(1e-12)
}

/// A bright sawtooth held through each bar of four, its filter set by `cutoff`.
fn saw_song(cutoff: &str) -> String {
    format!("tempo 120\ntrack lead channel 1 program lead-2-sawtooth\n  play \"a3\"\n  {cutoff}\n")
}

/// The share of each bar's sound above 2 kHz, from its second quarter to its fourth (past
/// the attack, before the release).
fn brightness_by_bar(audio: &Audio) -> Vec<f64> {
    (0..4)
        .map(|bar| {
            let start = f64::from(bar) * 2.0;
            share_above(&audio.mono(start + 0.5, start + 1.5), 2000.0, audio.rate)
        })
        .collect()
}

#[test]
fn a_cutoff_swept_open_over_four_bars_brightens_the_sawtooth_bar_by_bar() {
    let swept = render(
        "swept",
        &saw_song("cc cutoff saw range 0 64 segment 16 slow 4"),
        4,
    );
    let shares = brightness_by_bar(&swept);
    for pair in shares.windows(2) {
        assert!(pair[1] > pair[0] * 1.2, "each bar brighter: {shares:?}");
    }
    assert!(
        shares[3] > shares[0] * 5.0,
        "the last bar far brighter than the first: {shares:?}"
    );
}

#[test]
fn a_cutoff_held_still_keeps_every_bar_as_bright_as_the_first() {
    let held = render("held", &saw_song("cc cutoff 64"), 4);
    let shares = brightness_by_bar(&held);
    for share in &shares {
        assert!(
            (share / shares[0] - 1.0).abs() < 0.05,
            "no bar brighter than another: {shares:?}"
        );
    }
}

#[test]
fn panned_hard_left_the_left_channel_is_far_louder_and_hard_right_the_right() {
    let song = |pan: u8| {
        format!(
            "tempo 120\ntrack keys channel 1 program piano\n  play \"c4 e4 g4 c5\"\n  pan {pan}\n"
        )
    };
    let left = render("pan-left", &song(0), 1);
    let right = render("pan-right", &song(127), 1);
    let (l, r) = (rms(&left.left), rms(&left.right));
    assert!(l > 10.0 * r, "pan 0: left {l}, right {r}");
    let (l, r) = (rms(&right.left), rms(&right.right));
    assert!(r > 10.0 * l, "pan 127: left {l}, right {r}");
}

#[test]
fn a_track_at_a_quarter_volume_sounds_far_softer_than_at_full() {
    let song = |volume: u8| {
        format!(
            "tempo 120\ntrack keys channel 1 program piano\n  play \"c4 e4 g4 c5\"\n  volume {volume}\n"
        )
    };
    let full = render("volume-full", &song(127), 1);
    let quarter = render("volume-quarter", &song(32), 1);
    let (loud, soft) = (rms(&full.mono(0.0, 2.0)), rms(&quarter.mono(0.0, 2.0)));
    // General MIDI's volume curve is 40 log10 (v / 127) dB: a quarter is about 24 dB down.
    assert!(loud > 8.0 * soft, "full {loud}, a quarter {soft}");
}

/// The pitch of `x` every 10 ms, in Hz, by the lag (within 20% of `near` Hz) where it best
/// matches itself shifted, refined between samples.
fn pitch_track(x: &[f64], rate: usize, near: f64) -> Vec<f64> {
    let period = rate as f64 / near;
    let (lo, hi) = ((period / 1.2) as usize, (period * 1.2) as usize + 1);
    let window = 2 * hi;
    let difference = |at: usize, lag: usize| -> f64 {
        (0..window)
            .map(|i| {
                let d = x[at + i] - x[at + i + lag];
                d * d
            })
            .sum()
    };
    (0..)
        .map(|k| k * rate / 100)
        .take_while(|at| at + window + hi + 1 < x.len())
        .map(|at| {
            let best = (lo..=hi)
                .min_by(|a, b| difference(at, *a).total_cmp(&difference(at, *b)))
                .unwrap();
            let (a, b, c) = (
                difference(at, best - 1),
                difference(at, best),
                difference(at, best + 1),
            );
            let shift = 0.5 * (a - c) / (a - 2.0 * b + c).max(1e-12);
            rate as f64 / (best as f64 + shift)
        })
        .collect()
}

/// How far the pitch of a held A4 on an ocarina (a near-sine) swings, in cents, highest to
/// lowest, with `lane` on its track.
fn swing_in_cents(name: &str, lane: &str) -> f64 {
    let song =
        format!("tempo 120\ntrack lead channel 1 program ocarina\n  play \"a4\"\n  {lane}\n");
    let audio = render(name, &song, 1);
    let track = pitch_track(&audio.mono(0.3, 1.5), audio.rate, 440.0);
    let (low, high) = track
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &f| (lo.min(f), hi.max(f)));
    1200.0 * (high / low).log2()
}

#[test]
fn full_channel_pressure_deepens_the_vibrato_as_far_as_the_mod_wheel_does() {
    // The ocarina has a slight vibrato of its own, about 20 cents from top to bottom.
    let still = swing_in_cents("pressure-none", "pressure 0");
    let pressed = swing_in_cents("pressure-full", "pressure 127");
    let wheel = swing_in_cents("mod-wheel-full", "cc mod 127");
    assert!(still < 25.0, "no pressure: {still} cents");
    // 50 cents more each way: a swing of about 120 cents, sampled every 10 ms.
    assert!(pressed > 80.0, "full pressure: {pressed} cents");
    assert!(
        (pressed / wheel - 1.0).abs() < 0.1,
        "pressure {pressed} cents, mod wheel {wheel} cents"
    );
}
