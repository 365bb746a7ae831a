//! The melodic sounds: looped additive tones sampled every octave or so.

use crate::dsp::{Biquad, Looped, Noise, Osc, Partial, key_hz, looped_tone, saw, series, square};

pub const SR: u32 = 32_000;
const SRF: f64 = SR as f64;

/// Partials stay under 12 kHz, so a sample can be played a few semitones higher without
/// aliasing.
const CEILING_HZ: f64 = 12_000.0;

/// Every sample set by name: its tone sampled at each root key.
pub fn sets() -> Vec<(&'static str, Vec<(u8, Looped)>)> {
    type Make = fn(u8) -> Looped;
    let sets: [(&str, Make, &[u8]); 19] = [
        ("piano", piano, &[36, 48, 60, 72, 84, 96]),
        ("epiano", electric_piano, &[36, 48, 60, 72, 84]),
        ("organ", organ, &[36, 48, 60, 72, 84, 96]),
        ("pluck", pluck, &[36, 48, 60, 72, 84]),
        ("bass", finger_bass, &[28, 40, 52]),
        ("saw", saw_wave, &[24, 36, 48, 60, 72, 84, 96]),
        ("sawlead", saw_lead, &[36, 48, 60, 72, 84, 96]),
        ("square", square_lead, &[36, 48, 60, 72, 84, 96]),
        ("pad", pad, &[36, 48, 60, 72, 84]),
        ("flute", flute, &[60, 72, 84]),
        ("mallet", mallet, &[48, 60, 72, 84, 96]),
        ("strings", strings, &[36, 48, 60, 72, 84]),
        ("ensemble", ensemble, &[36, 48, 60, 72, 84]),
        ("choir", choir, &[48, 60, 72]),
        ("brass", brass, &[36, 48, 60, 72, 84]),
        ("reed", reed, &[48, 60, 72, 84]),
        ("crystal", crystal, &[48, 60, 72, 84]),
        ("sitar", sitar, &[48, 60, 72]),
        ("steel", steel_drum, &[48, 60, 72, 84]),
    ];
    let mut melodic: Vec<(&'static str, Vec<(u8, Looped)>)> = sets
        .iter()
        .map(|&(name, make, roots)| (name, roots.iter().map(|&r| (r, make(r))).collect()))
        .collect();
    // Noise has no pitch: one sample, rooted at middle C, serves every key.
    melodic.push(("noise", vec![(60, noise())]));
    melodic
}

fn steady(parts: &[(u32, f64)]) -> Vec<Partial> {
    parts
        .iter()
        .map(|&(multiple, amp)| Partial {
            multiple,
            amp,
            decay: f64::INFINITY,
        })
        .collect()
}

/// Partials from (multiple, level, decay in seconds) rows.
fn decaying(rows: &[(u32, f64, f64)]) -> Vec<Partial> {
    rows.iter()
        .map(|&(multiple, amp, decay)| Partial {
            multiple,
            amp,
            decay,
        })
        .collect()
}

/// The partials that stay under the ceiling on a base frequency of `hz`.
fn audible(hz: f64, partials: Vec<Partial>) -> Vec<Partial> {
    partials
        .into_iter()
        .filter(|p| hz * f64::from(p.multiple) < CEILING_HZ)
        .collect()
}

/// How many harmonics fit under the ceiling at this key.
fn harmonics(key: u8) -> u32 {
    ((CEILING_HZ / key_hz(key)) as u32).clamp(1, 120)
}

/// One oscillator per (detune in cycles per loop, level), all playing the same partials:
/// unisons a little apart beat against each other.
fn voices(partials: &[Partial], detunes: &[(i64, f64)]) -> Vec<Osc> {
    detunes
        .iter()
        .map(|&(detune_cycles, level)| Osc {
            partials: partials.to_vec(),
            detune_cycles,
            level,
        })
        .collect()
}

/// A single oscillator at the note's pitch.
fn solo(partials: &[Partial]) -> Vec<Osc> {
    voices(partials, &[(0, 1.0)])
}

fn no_transient(_: f64) -> f64 {
    0.0
}

/// Filtered noise as a note speaks (a hammer, a pick, breath): `gain` loud, dying away with
/// time constant `tau` and faded out entirely by `end` seconds.
fn burst(seed: u64, mut filter: Biquad, gain: f64, tau: f64, end: f64) -> impl FnMut(f64) -> f64 {
    let mut noise = Noise::new(seed);
    move |t| filter.run(noise.next()) * gain * (-t / tau).exp() * (1.0 - t / end).max(0.0)
}

/// A struck piano-like string: many harmonics, the upper ones dying fast, a hammer thud.
fn piano(key: u8) -> Looped {
    let n = harmonics(key).min(40);
    let partials: Vec<Partial> = (1..=n)
        .map(|k| {
            let k = f64::from(k);
            // The hammer strikes near one seventh of the string: the 7th is weak.
            let notch = if (k as u32).is_multiple_of(7) {
                0.3
            } else {
                1.0
            };
            Partial {
                multiple: k as u32,
                amp: notch / k.powf(1.1) * if k == 1.0 { 1.0 } else { 0.8 },
                decay: 1.6 / (1.0 + 0.45 * k),
            }
        })
        .collect();
    // Two strings a little apart beat slowly, as a piano's unisons do.
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.7)]);
    let lp = Biquad::lowpass(SRF, 1800.0, 0.7);
    let mut thud = burst(u64::from(key), lp, 0.15, 0.012, 0.6);
    looped_tone(SR, key_hz(key), &oscs, 0.6, 0.5, &mut thud)
}

/// An electric piano: a sine-like tine with a bell "ping" that dies in the attack.
fn electric_piano(key: u8) -> Looped {
    let tine = audible(
        key_hz(key),
        decaying(&[
            (1, 1.0, f64::INFINITY),
            (2, 0.35, 0.5),
            (3, 0.12, 0.3),
            (7, 0.25, 0.06),
            (14, 0.12, 0.03),
        ]),
    );
    let mut oscs = solo(&tine);
    oscs.extend(voices(&steady(&[(1, 0.15), (2, 0.08)]), &[(1, 1.0)]));
    looped_tone(SR, key_hz(key), &oscs, 0.4, 0.5, &mut no_transient)
}

/// A drawbar organ, 88 8800 000 plus a little 4': sub, fundamental, fifth, octave; a key click.
fn organ(key: u8) -> Looped {
    // Multiples of half the note's frequency, so the 16' drawbar is a whole multiple too.
    let bars = [(1, 0.8), (2, 1.0), (3, 0.8), (4, 0.5), (6, 0.25), (8, 0.2)];
    let hz = key_hz(key) / 2.0;
    let partials = audible(hz, steady(&bars));
    let bp = Biquad::bandpass(SRF, 2500.0, 0.8);
    let mut click = burst(99 + u64::from(key), bp, 0.5, 0.004, 0.05);
    looped_tone(SR, hz, &solo(&partials), 0.05, 0.3, &mut click)
}

/// A plucked string: bright at first, mellowing quickly.
fn pluck(key: u8) -> Looped {
    let n = harmonics(key).min(30);
    let partials: Vec<Partial> = (1..=n)
        .map(|k| {
            let k = f64::from(k);
            Partial {
                multiple: k as u32,
                amp: 1.0 / k,
                decay: 0.9 / (1.0 + 0.7 * k),
            }
        })
        .collect();
    let hp = Biquad::highpass(SRF, 2000.0, 0.7);
    let mut pick = burst(7 + u64::from(key), hp, 0.1, 0.003, 0.5);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.5, 0.4, &mut pick)
}

/// A fingered electric bass: round fundamental, a little growl that fades, a finger thump.
fn finger_bass(key: u8) -> Looped {
    let levels = [1.0, 0.55, 0.35, 0.22, 0.15, 0.1, 0.07, 0.05, 0.035, 0.025];
    let partials: Vec<Partial> = levels
        .iter()
        .enumerate()
        .map(|(i, &a)| Partial {
            multiple: i as u32 + 1,
            amp: a,
            decay: if i < 2 {
                f64::INFINITY
            } else {
                0.5 / (i as f64 - 0.5)
            },
        })
        .chain(levels.iter().enumerate().skip(2).map(|(i, &a)| Partial {
            // The steady part keeps some of the upper harmonics.
            multiple: i as u32 + 1,
            amp: a * 0.35,
            decay: f64::INFINITY,
        }))
        .collect();
    let partials = audible(key_hz(key), partials);
    let lp = Biquad::lowpass(SRF, 700.0, 0.7);
    let mut thump = burst(55 + u64::from(key), lp, 0.2, 0.008, 0.3);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.3, 0.5, &mut thump)
}

/// A band-limited sawtooth, for the synth bass (the filter envelope shapes it).
fn saw_wave(key: u8) -> Looped {
    let oscs = solo(&saw(harmonics(key)));
    looped_tone(SR, key_hz(key), &oscs, 0.0, 0.25, &mut no_transient)
}

/// Two sawtooths a few cycles per second apart: the lead.
fn saw_lead(key: u8) -> Looped {
    let oscs = voices(&saw(harmonics(key)), &[(0, 1.0), (1, 0.8)]);
    // A 0.4 s loop puts the two 2.5 cycles per second apart: a gentle beat.
    looped_tone(SR, key_hz(key), &oscs, 0.0, 0.4, &mut no_transient)
}

/// A square lead (odd harmonics).
fn square_lead(key: u8) -> Looped {
    let oscs = voices(&square(harmonics(key)), &[(0, 1.0), (1, 0.5)]);
    looped_tone(SR, key_hz(key), &oscs, 0.0, 0.4, &mut no_transient)
}

/// Three sawtooths slowly beating against each other: the pad.
fn pad(key: u8) -> Looped {
    let oscs = voices(
        &saw(harmonics(key).min(40)),
        &[(0, 1.0), (1, 0.9), (-1, 0.9)],
    );
    // A loop of about 1.2 s: the saws drift apart and back less than once a second.
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.2, &mut no_transient)
}

/// A soft sine with a breath of noise: used for flutes and whistles.
fn flute(key: u8) -> Looped {
    let partials = steady(&[(1, 1.0), (2, 0.18), (3, 0.06)]);
    let bp = Biquad::bandpass(SRF, key_hz(key) * 2.0, 1.5);
    let mut chiff = burst(3 + u64::from(key), bp, 0.4, 0.03, 0.15);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.15, 0.3, &mut chiff)
}

/// A mallet on a tuned bar (marimba, vibraphone, bells): the fundamental rings, the bar's
/// overtones near the 4th and 10th harmonic die within the attack.
fn mallet(key: u8) -> Looped {
    let partials = audible(
        key_hz(key),
        decaying(&[
            (1, 1.0, 1.5),
            (4, 0.45, 0.25),
            (10, 0.2, 0.05),
            (1, 0.5, f64::INFINITY),
        ]),
    );
    let bp = Biquad::bandpass(SRF, 3000.0, 1.0);
    let mut knock = burst(201 + u64::from(key), bp, 0.3, 0.004, 0.4);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.4, 0.3, &mut knock)
}

/// Harmonic levels of a sawtooth shaped by resonances (centre Hz, bandwidth Hz, gain): a
/// violin's body or a singer's vowel.
fn formant_saw(
    key: u8,
    hz: f64,
    max: u32,
    resonances: &[(f64, f64, f64)],
    tilt: f64,
) -> Vec<Partial> {
    series(1..=harmonics(key).min(max), |k| {
        let f = hz * f64::from(k);
        let shape: f64 = 0.15
            + resonances
                .iter()
                .map(|&(c, bw, g)| g / (1.0 + ((f - c) / bw).powi(2)))
                .sum::<f64>();
        shape / f64::from(k).powf(tilt)
    })
}

/// A bowed string: a sawtooth through a violin body's resonances, two bows a little apart,
/// bow noise as it bites.
fn strings(key: u8) -> Looped {
    let body = [
        (450.0, 200.0, 1.0),
        (1100.0, 400.0, 0.7),
        (2800.0, 900.0, 0.8),
    ];
    let partials = formant_saw(key, key_hz(key), 50, &body, 0.9);
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.6)]);
    let bp = Biquad::bandpass(SRF, 2500.0, 0.8);
    let mut bite = burst(301 + u64::from(key), bp, 0.12, 0.05, 0.2);
    looped_tone(SR, key_hz(key), &oscs, 0.2, 0.6, &mut bite)
}

/// A string section: four darker bowed strings drifting against each other.
fn ensemble(key: u8) -> Looped {
    let body = [(500.0, 300.0, 1.0), (1300.0, 500.0, 0.5)];
    let partials = formant_saw(key, key_hz(key), 40, &body, 1.2);
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.8), (-1, 0.8), (2, 0.6)]);
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &mut no_transient)
}

/// A choir singing "aah": three voices whose harmonics follow the vowel's formants.
fn choir(key: u8) -> Looped {
    let vowel = [
        (750.0, 90.0, 1.0),
        (1200.0, 110.0, 0.6),
        (2600.0, 160.0, 0.35),
    ];
    let partials = formant_saw(key, key_hz(key), 40, &vowel, 1.5);
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.8), (-1, 0.8)]);
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &mut no_transient)
}

/// Brass: every harmonic strong (the filter envelope makes the swell), a brief lip buzz.
fn brass(key: u8) -> Looped {
    let partials = series(1..=harmonics(key).min(40), |k| {
        1.0 / f64::from(k).powf(0.75)
    });
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.4)]);
    let bp = Biquad::bandpass(SRF, key_hz(key) * 3.0, 2.0);
    let mut buzz = burst(401 + u64::from(key), bp, 0.2, 0.03, 0.1);
    looped_tone(SR, key_hz(key), &oscs, 0.1, 0.4, &mut buzz)
}

/// A reed: strong odd harmonics with weak even ones (a clarinet's closed pipe), breath as
/// the note speaks.
fn reed(key: u8) -> Looped {
    let partials = series(1..=harmonics(key).min(30), |k| {
        (if k % 2 == 1 { 1.0 } else { 0.18 }) / f64::from(k).powf(0.9)
    });
    let bp = Biquad::bandpass(SRF, 1800.0, 0.7);
    let mut breath = burst(501 + u64::from(key), bp, 0.25, 0.06, 0.15);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.15, 0.3, &mut breath)
}

/// A synth effect: a glassy spread of harmonics (1, 2, 3, 5, 8, 12) from four oscillators
/// drifting apart, shimmering as they beat.
fn crystal(key: u8) -> Looped {
    let partials = audible(
        key_hz(key),
        steady(&[
            (1, 1.0),
            (2, 0.5),
            (3, 0.45),
            (5, 0.35),
            (8, 0.3),
            (12, 0.2),
        ]),
    );
    let oscs = voices(&partials, &[(0, 1.0), (1, 0.7), (-2, 0.6), (3, 0.5)]);
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &mut no_transient)
}

/// A sitar-like pluck: the bridge's buzz keeps the upper harmonics as loud as the low ones,
/// and they die together.
fn sitar(key: u8) -> Looped {
    let partials: Vec<Partial> = (1..=harmonics(key).min(45))
        .flat_map(|k| {
            let kf = f64::from(k);
            // The buzz: a broad hump of harmonics around 2–3 kHz.
            let hump = 1.0 + 1.5 / (1.0 + ((kf * key_hz(key) - 2500.0) / 1200.0).powi(2));
            [
                Partial {
                    multiple: k,
                    amp: hump / kf.powf(0.7),
                    decay: 0.6,
                },
                Partial {
                    multiple: k,
                    amp: 0.12 * hump / kf.powf(0.7),
                    decay: f64::INFINITY,
                },
            ]
        })
        .collect();
    let hp = Biquad::highpass(SRF, 2500.0, 0.7);
    let mut pick = burst(601 + u64::from(key), hp, 0.15, 0.003, 0.5);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.6, 0.3, &mut pick)
}

/// A steel drum: a struck pan whose 2nd and 3rd harmonics sing out and fade before the
/// fundamental.
fn steel_drum(key: u8) -> Looped {
    let partials = audible(
        key_hz(key),
        decaying(&[
            (1, 1.0, 1.2),
            (2, 0.7, 0.5),
            (3, 0.45, 0.25),
            (4, 0.2, 0.12),
            (1, 0.3, f64::INFINITY),
            (2, 0.08, f64::INFINITY),
        ]),
    );
    let lp = Biquad::lowpass(SRF, 2500.0, 0.7);
    let mut stick = burst(701 + u64::from(key), lp, 0.25, 0.005, 0.4);
    looped_tone(SR, key_hz(key), &solo(&partials), 0.4, 0.3, &mut stick)
}

/// Noise for sound effects (wind, sea, breath, applause): a second of darkened noise whose
/// end is crossfaded into its start, so the whole of it loops seamlessly.
fn noise() -> Looped {
    let n = SR as usize;
    let fade = SR as usize / 10;
    let mut source = Noise::new(801);
    let mut lp = Biquad::lowpass(SRF, 6000.0, 0.7);
    let raw: Vec<f64> = (0..n + fade).map(|_| lp.run(source.next())).collect();
    let mut pcm: Vec<f32> = (0..n)
        .map(|i| {
            if i < fade {
                let a = i as f64 / fade as f64;
                (raw[i] * a + raw[n + i] * (1.0 - a)) as f32
            } else {
                raw[i] as f32
            }
        })
        .collect();
    let wrap: Vec<f32> = pcm[..16].to_vec();
    pcm.extend(wrap);
    crate::dsp::normalize(&mut pcm, 0.9);
    Looped {
        pcm,
        lp: (0, n),
        correction: 0,
    }
}
