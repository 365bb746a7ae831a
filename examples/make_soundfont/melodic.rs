//! The melodic sounds: looped additive tones sampled every octave or so.

use crate::dsp::{Biquad, Looped, Noise, Osc, Partial, key_hz, looped_tone, saw, square};

pub const SR: u32 = 32_000;
const SRF: f64 = SR as f64;

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

/// How many harmonics fit under 12 kHz at this key, so the sample can be played a few
/// semitones higher without aliasing.
fn harmonics(key: u8) -> u32 {
    ((12_000.0 / key_hz(key)) as u32).clamp(1, 120)
}

fn no_transient(_: f64) -> f64 {
    0.0
}

/// A struck piano-like string: many harmonics, the upper ones dying fast, a hammer thud.
pub fn piano(key: u8) -> Looped {
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
    let oscs = [
        Osc {
            partials: partials.clone(),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials,
            detune_cycles: 1,
            level: 0.7,
        },
    ];
    let mut noise = Noise::new(u64::from(key));
    let mut lp = Biquad::lowpass(SRF, 1800.0, 0.7);
    let thud = std::cell::RefCell::new(move |t: f64| {
        lp.run(noise.next()) * 0.15 * (-t / 0.012).exp() * (1.0 - t / 0.6).max(0.0)
    });
    looped_tone(SR, key_hz(key), &oscs, 0.6, 0.5, &|t| {
        (thud.borrow_mut())(t)
    })
}

/// An electric piano: a sine-like tine with a bell "ping" that dies in the attack.
pub fn electric_piano(key: u8) -> Looped {
    let oscs = [
        Osc {
            partials: vec![
                Partial {
                    multiple: 1,
                    amp: 1.0,
                    decay: f64::INFINITY,
                },
                Partial {
                    multiple: 2,
                    amp: 0.35,
                    decay: 0.5,
                },
                Partial {
                    multiple: 3,
                    amp: 0.12,
                    decay: 0.3,
                },
                Partial {
                    multiple: 7,
                    amp: 0.25,
                    decay: 0.06,
                },
                Partial {
                    multiple: 14,
                    amp: 0.12,
                    decay: 0.03,
                },
            ]
            .into_iter()
            .filter(|p| key_hz(key) * f64::from(p.multiple) < 12_000.0)
            .collect(),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials: steady(&[(1, 0.15), (2, 0.08)]),
            detune_cycles: 1,
            level: 1.0,
        },
    ];
    looped_tone(SR, key_hz(key), &oscs, 0.4, 0.5, &no_transient)
}

/// A drawbar organ, 88 8800 000 plus a little 4': sub, fundamental, fifth, octave; a key click.
pub fn organ(key: u8) -> Looped {
    // Multiples of half the note's frequency, so the 16' drawbar is a whole multiple too.
    let bars = [(1, 0.8), (2, 1.0), (3, 0.8), (4, 0.5), (6, 0.25), (8, 0.2)];
    let hz = key_hz(key) / 2.0;
    let partials = steady(
        &bars
            .iter()
            .copied()
            .filter(|&(m, _)| hz * f64::from(m) < 12_000.0)
            .collect::<Vec<_>>(),
    );
    let mut noise = Noise::new(99 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, 2500.0, 0.8);
    let click = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.5 * (-t / 0.004).exp() * (1.0 - t / 0.05).max(0.0)
    });
    looped_tone(
        SR,
        hz,
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.05,
        0.3,
        &|t| (click.borrow_mut())(t),
    )
}

/// A plucked string: bright at first, mellowing quickly.
pub fn pluck(key: u8) -> Looped {
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
    let mut noise = Noise::new(7 + u64::from(key));
    let mut hp = Biquad::highpass(SRF, 2000.0, 0.7);
    let pick = std::cell::RefCell::new(move |t: f64| {
        hp.run(noise.next()) * 0.1 * (-t / 0.003).exp() * (1.0 - t / 0.5).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.5,
        0.4,
        &|t| (pick.borrow_mut())(t),
    )
}

/// A fingered electric bass: round fundamental, a little growl that fades, a finger thump.
pub fn finger_bass(key: u8) -> Looped {
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
        .filter(|p| key_hz(key) * f64::from(p.multiple) < 12_000.0)
        .collect();
    let mut noise = Noise::new(55 + u64::from(key));
    let mut lp = Biquad::lowpass(SRF, 700.0, 0.7);
    let thump = std::cell::RefCell::new(move |t: f64| {
        lp.run(noise.next()) * 0.2 * (-t / 0.008).exp() * (1.0 - t / 0.3).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.3,
        0.5,
        &|t| (thump.borrow_mut())(t),
    )
}

/// A band-limited sawtooth, for the synth bass (the filter envelope shapes it).
pub fn saw_wave(key: u8) -> Looped {
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials: saw(harmonics(key)),
            detune_cycles: 0,
            level: 1.0,
        }],
        0.0,
        0.25,
        &no_transient,
    )
}

/// Two sawtooths a few cycles per second apart: the lead.
pub fn saw_lead(key: u8) -> Looped {
    let oscs = [
        Osc {
            partials: saw(harmonics(key)),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials: saw(harmonics(key)),
            detune_cycles: 1,
            level: 0.8,
        },
    ];
    // A 0.4 s loop puts the two 2.5 cycles per second apart: a gentle beat.
    looped_tone(SR, key_hz(key), &oscs, 0.0, 0.4, &no_transient)
}

/// A square lead (odd harmonics).
pub fn square_lead(key: u8) -> Looped {
    let oscs = [
        Osc {
            partials: square(harmonics(key)),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials: square(harmonics(key)),
            detune_cycles: 1,
            level: 0.5,
        },
    ];
    looped_tone(SR, key_hz(key), &oscs, 0.0, 0.4, &no_transient)
}

/// Three sawtooths slowly beating against each other: the pad.
pub fn pad(key: u8) -> Looped {
    let h = harmonics(key).min(40);
    let oscs = [
        Osc {
            partials: saw(h),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials: saw(h),
            detune_cycles: 1,
            level: 0.9,
        },
        Osc {
            partials: saw(h),
            detune_cycles: -1,
            level: 0.9,
        },
    ];
    // A loop of about 1.2 s: the saws drift apart and back less than once a second.
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.2, &no_transient)
}

/// A soft sine with a breath of noise: used for flutes and whistles.
pub fn flute(key: u8) -> Looped {
    let partials = steady(&[(1, 1.0), (2, 0.18), (3, 0.06)]);
    let mut noise = Noise::new(3 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, key_hz(key) * 2.0, 1.5);
    let chiff = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.4 * (-t / 0.03).exp() * (1.0 - t / 0.15).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.15,
        0.3,
        &|t| (chiff.borrow_mut())(t),
    )
}
