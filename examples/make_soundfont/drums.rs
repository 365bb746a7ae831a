//! The drum kit's sounds: each a one-shot synthesized from sines, noise and filters.

use std::collections::BTreeMap;
use std::f64::consts::{PI, TAU};

use crate::dsp::{Biquad, one_shot, saturate};

pub const SR: u32 = 32_000;
const SRF: f64 = SR as f64;

/// Every drum sample by name. Noise-based drums are spiky; the saturation drive beside them
/// brings their body up to the kick's level.
pub fn sounds() -> BTreeMap<&'static str, Vec<f32>> {
    type Make = fn() -> Vec<f32>;
    let table: [(&str, Make, Option<f32>); 24] = [
        ("kick", kick, None),
        ("snare", || snare(1.0), Some(3.5)),
        ("snare2", || snare(1.25), Some(3.5)),
        ("sidestick", side_stick, Some(1.5)),
        ("clap", clap, Some(3.0)),
        ("hat", || hat(0.03, 0.15, 5), Some(2.5)),
        ("pedalhat", pedal_hat, Some(2.5)),
        ("openhat", || hat(0.32, 0.9, 16), Some(2.5)),
        ("tom", tom, None),
        ("crash", crash, Some(2.0)),
        ("ride", ride, Some(1.5)),
        ("bell", ride_bell, None),
        ("tambourine", tambourine, Some(2.5)),
        ("cowbell", cowbell, Some(2.0)),
        ("claves", claves, Some(1.5)),
        ("woodblock", wood_block, Some(1.5)),
        ("shaker", shaker, Some(2.5)),
        ("vibraslap", vibraslap, Some(2.0)),
        ("whistle", || whistle(0.18, 17), None),
        ("longwhistle", || whistle(0.6, 18), None),
        ("guiro", || guiro(7, 0.14, 19), Some(2.0)),
        ("longguiro", || guiro(26, 0.5, 20), Some(2.0)),
        ("cuica", || cuica(false, 21), None),
        ("opencuica", || cuica(true, 22), None),
    ];
    table
        .into_iter()
        .map(|(name, make, drive)| {
            let mut pcm = make();
            if let Some(drive) = drive {
                saturate(&mut pcm, drive);
            }
            (name, pcm)
        })
        .collect()
}

/// A sine whose pitch glides from `f0` to `f1` with time constant `tau`.
#[derive(Default)]
struct Glide {
    phase: f64,
}

impl Glide {
    fn at(&mut self, t: f64, f1: f64, f0: f64, tau: f64) -> f64 {
        let f = f1 + (f0 - f1) * (-t / tau).exp();
        self.phase += TAU * f / SRF;
        self.phase.sin()
    }
}

/// A square wave, ±1, after this many cycles.
fn square(cycles: f64) -> f64 {
    if cycles.fract() < 0.5 { 1.0 } else { -1.0 }
}

/// The TR-808's six square waves, scaled: the metal in hats and cymbals.
fn metal(t: f64, scale: f64) -> f64 {
    [205.3, 304.4, 369.6, 522.7, 540.0, 800.0]
        .iter()
        .map(|f| square(t * f * scale))
        .sum::<f64>()
        / 6.0
}

/// Sine partials (Hz, level, decay time constant) struck together: a bell or a cymbal's ping.
fn ring(partials: &[(f64, f64, f64)], t: f64) -> f64 {
    partials
        .iter()
        .map(|&(f, a, d)| a * (TAU * f * t).sin() * (-t / d).exp())
        .sum()
}

/// Hits at the `starts` times (seconds), each dying with time constant `tau`, added up.
fn hits(starts: &[f64], t: f64, tau: f64) -> f64 {
    starts
        .iter()
        .filter(|&&s| t >= s)
        .map(|&s| (-(t - s) / tau).exp())
        .sum::<f64>()
}

fn kick() -> Vec<f32> {
    let mut body = Glide::default();
    let mut click = Biquad::highpass(SRF, 1500.0, 0.7);
    one_shot(SR, 0.6, 1, 0.95, &mut |t, n| {
        let b = body.at(t, 48.0, 160.0, 0.035) * (-t / 0.32).exp();
        let c = click.run(n.next()) * (-t / 0.004).exp() * 0.5;
        // A touch of saturation for weight.
        (1.4 * (b + c)).tanh()
    })
}

fn snare(bright: f64) -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 1800.0 * bright, 0.7);
    let mut lp = Biquad::lowpass(SRF, 9000.0 * bright, 0.7);
    let mut b1 = Glide::default();
    let mut b2 = Glide::default();
    one_shot(SR, 0.5, 2, 0.95, &mut |t, n| {
        let body = b1.at(t, 180.0 * bright, 240.0 * bright, 0.01) * (-t / 0.06).exp()
            + 0.5 * b2.at(t, 330.0 * bright, 420.0 * bright, 0.01) * (-t / 0.035).exp();
        let rattle = lp.run(hp.run(n.next())) * ((-t / 0.16).exp() * 0.8 + (-t / 0.02).exp() * 0.6);
        body * 0.7 + rattle * 1.3
    })
}

/// A rim click that starts at full level on its first sample: the sound used to measure
/// onsets, so it has no attack of its own.
fn side_stick() -> Vec<f32> {
    one_shot(SR, 0.15, 3, 0.95, &mut |t, n| {
        let ring = 0.6 * (TAU * 1700.0 * t).cos() * (-t / 0.012).exp()
            + 0.4 * (TAU * 820.0 * t).cos() * (-t / 0.025).exp();
        ring + 0.25 * n.next() * (-t / 0.003).exp()
    })
}

fn clap() -> Vec<f32> {
    let mut bp = Biquad::bandpass(SRF, 1150.0, 1.2);
    let mut hp = Biquad::highpass(SRF, 600.0, 0.7);
    one_shot(SR, 0.45, 4, 0.95, &mut |t, n| {
        let bursts = hits(&[0.0, 0.009, 0.019, 0.030], t, 0.005).min(1.2);
        let tail = if t >= 0.030 {
            0.7 * (-(t - 0.030) / 0.13).exp()
        } else {
            0.0
        };
        hp.run(bp.run(n.next())) * (bursts + tail)
    })
}

fn hat(decay: f64, seconds: f64, seed: u64) -> Vec<f32> {
    let mut hp1 = Biquad::highpass(SRF, 7000.0, 0.8);
    let mut hp2 = Biquad::highpass(SRF, 6000.0, 0.7);
    one_shot(SR, seconds, seed, 0.9, &mut |t, n| {
        let x = metal(t, 1.9) * 0.7 + n.next() * 0.5;
        hp2.run(hp1.run(x)) * ((-t / decay).exp() * 0.85 + (-t / 0.004).exp() * 0.3)
    })
}

fn pedal_hat() -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 5500.0, 0.7);
    let mut bp = Biquad::bandpass(SRF, 1200.0, 2.0);
    one_shot(SR, 0.2, 6, 0.85, &mut |t, n| {
        let x = metal(t, 1.9) * 0.6 + n.next() * 0.4;
        hp.run(x) * (-t / 0.035).exp() + 0.4 * bp.run(n.next()) * (-t / 0.01).exp()
    })
}

fn tom() -> Vec<f32> {
    let mut body = Glide::default();
    let mut bp = Biquad::bandpass(SRF, 400.0, 1.0);
    one_shot(SR, 0.9, 7, 0.95, &mut |t, n| {
        let b = body.at(t, 110.0, 165.0, 0.04) * (-t / 0.28).exp();
        let skin = bp.run(n.next()) * (-t / 0.015).exp() * 0.6;
        (1.2 * (b + skin)).tanh()
    })
}

fn crash() -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 3500.0, 0.7);
    let mut lp = Biquad::lowpass(SRF, 12000.0, 0.7);
    one_shot(SR, 2.4, 8, 0.9, &mut |t, n| {
        let x = metal(t, 3.3) * 0.5 + metal(t, 4.7) * 0.4 + n.next() * 0.8;
        lp.run(hp.run(x)) * ((-t / 0.8).exp() * 0.8 + (-t / 0.05).exp() * 0.5)
    })
}

fn ride() -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 4000.0, 0.7);
    let partials = [
        (3120.0, 0.5, 1.2),
        (4310.0, 0.35, 0.9),
        (5840.0, 0.3, 0.7),
        (7570.0, 0.2, 0.5),
    ];
    one_shot(SR, 2.0, 9, 0.85, &mut |t, n| {
        let ping = ring(&partials, t);
        let wash = hp.run(metal(t, 4.1) * 0.4 + n.next() * 0.5) * ((-t / 0.7).exp() * 0.5);
        ping * (0.4 + 0.6 * (-t / 0.04).exp()) + wash
    })
}

fn ride_bell() -> Vec<f32> {
    let partials = [
        (1720.0, 0.6, 0.9),
        (2350.0, 0.5, 0.8),
        (3110.0, 0.45, 0.6),
        (4630.0, 0.3, 0.4),
    ];
    one_shot(SR, 1.4, 10, 0.85, &mut |t, n| {
        ring(&partials, t) + 0.1 * n.next() * (-t / 0.01).exp()
    })
}

fn tambourine() -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 6500.0, 0.7);
    let jingles = [(5230.0, 0.3), (7110.0, 0.25), (9410.0, 0.2)];
    one_shot(SR, 0.4, 11, 0.85, &mut |t, n| {
        let shake = hits(&[0.0, 0.011, 0.024], t, 0.03);
        let j: f64 = jingles.iter().map(|&(f, a)| a * (TAU * f * t).sin()).sum();
        (hp.run(n.next()) * 0.8 + j) * shake * (-t / 0.12).exp()
    })
}

fn cowbell() -> Vec<f32> {
    let mut bp = Biquad::bandpass(SRF, 1100.0, 1.0);
    one_shot(SR, 0.45, 12, 0.9, &mut |t, _| {
        let x = square(t * 562.0) + square(t * 845.0);
        bp.run(x) * (0.35 * (-t / 0.14).exp() + 0.65 * (-t / 0.012).exp())
    })
}

/// Claves: a hard, pitched click that starts at full level on its first sample.
fn claves() -> Vec<f32> {
    one_shot(SR, 0.15, 13, 0.95, &mut |t, _| {
        (TAU * 2500.0 * t).cos() * (-t / 0.028).exp()
    })
}

fn wood_block() -> Vec<f32> {
    one_shot(SR, 0.15, 14, 0.95, &mut |t, _| {
        (TAU * 1150.0 * t).cos() * (-t / 0.03).exp()
            + 0.35 * (TAU * 2900.0 * t + PI / 2.0).cos() * (-t / 0.012).exp()
    })
}

fn shaker() -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 5000.0, 0.7);
    one_shot(SR, 0.14, 15, 0.8, &mut |t, n| {
        let env = (t / 0.015).min(1.0) * (-t / 0.04).exp();
        hp.run(n.next()) * env
    })
}

/// A vibraslap: a wooden box whose loose teeth rattle fast at first, slowing and dying away.
fn vibraslap() -> Vec<f32> {
    let mut bp = Biquad::bandpass(SRF, 2600.0, 4.0);
    let mut box_ = Biquad::bandpass(SRF, 950.0, 6.0);
    one_shot(SR, 1.1, 16, 0.9, &mut |t, n| {
        // Teeth strike about 32 times a second, a little slower as the arm settles.
        let rate = 32.0 - 6.0 * (t / 1.1);
        let since = (t * rate).fract() / rate;
        let click = n.next() * (-since / 0.004).exp();
        let x = bp.run(click) * 1.3 + box_.run(click) * 0.8;
        x * (-t / 0.32).exp()
    })
}

/// A referee's whistle: a high tone warbled by the pea, with breath; `seconds` long.
fn whistle(seconds: f64, seed: u64) -> Vec<f32> {
    let mut hp = Biquad::highpass(SRF, 3000.0, 0.7);
    let mut phase = 0.0f64;
    let fade = seconds * 0.25;
    one_shot(SR, seconds, seed, 0.9, &mut |t, n| {
        let f = 2450.0 + 140.0 * (TAU * 38.0 * t).sin();
        phase += TAU * f / SRF;
        let env = (t / 0.002).min(1.0) * ((seconds - t) / fade).clamp(0.0, 1.0);
        (phase.sin() + 0.12 * (2.0 * phase).sin() + 0.25 * hp.run(n.next())) * env
    })
}

/// A guiro: a stick scraped over ridges, `ticks` of them in `seconds`.
fn guiro(ticks: u32, seconds: f64, seed: u64) -> Vec<f32> {
    let mut bp = Biquad::bandpass(SRF, 3200.0, 3.0);
    let mut body = Biquad::bandpass(SRF, 1400.0, 5.0);
    let stroke = seconds * 0.85;
    one_shot(SR, seconds, seed, 0.9, &mut |t, n| {
        let x = if t < stroke {
            let since = (t * f64::from(ticks) / stroke).fract() * stroke / f64::from(ticks);
            n.next() * (-since / 0.0025).exp()
        } else {
            0.0
        };
        bp.run(x) + 0.6 * body.run(x)
    })
}

/// A cuica: a friction drum whose pitch the player's thumb bends; open whoops up, muted is
/// short and high.
fn cuica(open: bool, seed: u64) -> Vec<f32> {
    let (seconds, from, to, decay) = if open {
        (0.4, 420.0, 640.0, 0.16)
    } else {
        (0.2, 780.0, 700.0, 0.05)
    };
    let mut pitch = Glide::default();
    let mut bp = Biquad::bandpass(SRF, 1500.0, 2.0);
    one_shot(SR, seconds, seed, 0.9, &mut |t, n| {
        let tone = (2.2 * pitch.at(t, to, from, 0.06)).tanh();
        let rub = bp.run(n.next()) * 0.15;
        (tone + rub) * (t / 0.003).min(1.0) * (-t / decay).exp()
    })
}
