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

/// A mallet on a tuned bar (marimba, vibraphone, bells): the fundamental rings, the bar's
/// overtones near the 4th and 10th harmonic die within the attack.
pub fn mallet(key: u8) -> Looped {
    let partials: Vec<Partial> = [
        (1, 1.0, 1.5),
        (4, 0.45, 0.25),
        (10, 0.2, 0.05),
        (1, 0.5, f64::INFINITY),
    ]
    .iter()
    .filter(|&&(m, _, _)| key_hz(key) * f64::from(m) < 12_000.0)
    .map(|&(multiple, amp, decay)| Partial {
        multiple,
        amp,
        decay,
    })
    .collect();
    let mut noise = Noise::new(201 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, 3000.0, 1.0);
    let knock = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.3 * (-t / 0.004).exp() * (1.0 - t / 0.4).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.4,
        0.3,
        &|t| (knock.borrow_mut())(t),
    )
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
    (1..=harmonics(key).min(max))
        .map(|k| {
            let f = hz * f64::from(k);
            let shape: f64 = 0.15
                + resonances
                    .iter()
                    .map(|&(c, bw, g)| g / (1.0 + ((f - c) / bw).powi(2)))
                    .sum::<f64>();
            Partial {
                multiple: k,
                amp: shape / f64::from(k).powf(tilt),
                decay: f64::INFINITY,
            }
        })
        .collect()
}

/// A bowed string: a sawtooth through a violin body's resonances, two bows a little apart,
/// bow noise as it bites.
pub fn strings(key: u8) -> Looped {
    let body = [
        (450.0, 200.0, 1.0),
        (1100.0, 400.0, 0.7),
        (2800.0, 900.0, 0.8),
    ];
    let partials = formant_saw(key, key_hz(key), 50, &body, 0.9);
    let oscs = [
        Osc {
            partials: partials.clone(),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials,
            detune_cycles: 1,
            level: 0.6,
        },
    ];
    let mut noise = Noise::new(301 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, 2500.0, 0.8);
    let bite = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.12 * (-t / 0.05).exp() * (1.0 - t / 0.2).max(0.0)
    });
    looped_tone(SR, key_hz(key), &oscs, 0.2, 0.6, &|t| {
        (bite.borrow_mut())(t)
    })
}

/// A string section: four darker bowed strings drifting against each other.
pub fn ensemble(key: u8) -> Looped {
    let body = [(500.0, 300.0, 1.0), (1300.0, 500.0, 0.5)];
    let partials = formant_saw(key, key_hz(key), 40, &body, 1.2);
    let oscs: Vec<Osc> = [(0, 1.0), (1, 0.8), (-1, 0.8), (2, 0.6)]
        .iter()
        .map(|&(detune_cycles, level)| Osc {
            partials: partials.clone(),
            detune_cycles,
            level,
        })
        .collect();
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &no_transient)
}

/// A choir singing "aah": three voices whose harmonics follow the vowel's formants.
pub fn choir(key: u8) -> Looped {
    let vowel = [
        (750.0, 90.0, 1.0),
        (1200.0, 110.0, 0.6),
        (2600.0, 160.0, 0.35),
    ];
    let partials = formant_saw(key, key_hz(key), 40, &vowel, 1.5);
    let oscs: Vec<Osc> = [(0, 1.0), (1, 0.8), (-1, 0.8)]
        .iter()
        .map(|&(detune_cycles, level)| Osc {
            partials: partials.clone(),
            detune_cycles,
            level,
        })
        .collect();
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &no_transient)
}

/// Brass: every harmonic strong (the filter envelope makes the swell), a brief lip buzz.
pub fn brass(key: u8) -> Looped {
    let partials: Vec<Partial> = (1..=harmonics(key).min(40))
        .map(|k| Partial {
            multiple: k,
            amp: 1.0 / f64::from(k).powf(0.75),
            decay: f64::INFINITY,
        })
        .collect();
    let oscs = [
        Osc {
            partials: partials.clone(),
            detune_cycles: 0,
            level: 1.0,
        },
        Osc {
            partials,
            detune_cycles: 1,
            level: 0.4,
        },
    ];
    let mut noise = Noise::new(401 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, key_hz(key) * 3.0, 2.0);
    let buzz = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.2 * (-t / 0.03).exp() * (1.0 - t / 0.1).max(0.0)
    });
    looped_tone(SR, key_hz(key), &oscs, 0.1, 0.4, &|t| {
        (buzz.borrow_mut())(t)
    })
}

/// A reed: strong odd harmonics with weak even ones (a clarinet's closed pipe), breath as
/// the note speaks.
pub fn reed(key: u8) -> Looped {
    let partials: Vec<Partial> = (1..=harmonics(key).min(30))
        .map(|k| Partial {
            multiple: k,
            amp: if k % 2 == 1 { 1.0 } else { 0.18 } / f64::from(k).powf(0.9),
            decay: f64::INFINITY,
        })
        .collect();
    let mut noise = Noise::new(501 + u64::from(key));
    let mut bp = Biquad::bandpass(SRF, 1800.0, 0.7);
    let breath = std::cell::RefCell::new(move |t: f64| {
        bp.run(noise.next()) * 0.25 * (-t / 0.06).exp() * (1.0 - t / 0.15).max(0.0)
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
        &|t| (breath.borrow_mut())(t),
    )
}

/// A synth effect: a glassy spread of harmonics (1, 2, 3, 5, 8, 12) from four oscillators
/// drifting apart, shimmering as they beat.
pub fn crystal(key: u8) -> Looped {
    let parts = steady(&[
        (1, 1.0),
        (2, 0.5),
        (3, 0.45),
        (5, 0.35),
        (8, 0.3),
        (12, 0.2),
    ]);
    let partials: Vec<Partial> = parts
        .into_iter()
        .filter(|p| key_hz(key) * f64::from(p.multiple) < 12_000.0)
        .collect();
    let oscs: Vec<Osc> = [(0, 1.0), (1, 0.7), (-2, 0.6), (3, 0.5)]
        .iter()
        .map(|&(detune_cycles, level)| Osc {
            partials: partials.clone(),
            detune_cycles,
            level,
        })
        .collect();
    looped_tone(SR, key_hz(key), &oscs, 0.0, 1.0, &no_transient)
}

/// A sitar-like pluck: the bridge's buzz keeps the upper harmonics as loud as the low ones,
/// and they die together.
pub fn sitar(key: u8) -> Looped {
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
    let mut noise = Noise::new(601 + u64::from(key));
    let mut hp = Biquad::highpass(SRF, 2500.0, 0.7);
    let pick = std::cell::RefCell::new(move |t: f64| {
        hp.run(noise.next()) * 0.15 * (-t / 0.003).exp() * (1.0 - t / 0.5).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.6,
        0.3,
        &|t| (pick.borrow_mut())(t),
    )
}

/// A steel drum: a struck pan whose 2nd and 3rd harmonics sing out and fade before the
/// fundamental.
pub fn steel_drum(key: u8) -> Looped {
    let partials: Vec<Partial> = [
        (1, 1.0, 1.2),
        (2, 0.7, 0.5),
        (3, 0.45, 0.25),
        (4, 0.2, 0.12),
        (1, 0.3, f64::INFINITY),
        (2, 0.08, f64::INFINITY),
    ]
    .iter()
    .filter(|&&(m, _, _)| key_hz(key) * f64::from(m) < 12_000.0)
    .map(|&(multiple, amp, decay)| Partial {
        multiple,
        amp,
        decay,
    })
    .collect();
    let mut noise = Noise::new(701 + u64::from(key));
    let mut lp = Biquad::lowpass(SRF, 2500.0, 0.7);
    let stick = std::cell::RefCell::new(move |t: f64| {
        lp.run(noise.next()) * 0.25 * (-t / 0.005).exp() * (1.0 - t / 0.4).max(0.0)
    });
    looped_tone(
        SR,
        key_hz(key),
        &[Osc {
            partials,
            detune_cycles: 0,
            level: 1.0,
        }],
        0.4,
        0.3,
        &|t| (stick.borrow_mut())(t),
    )
}

/// Noise for sound effects (wind, sea, breath, applause): a second of darkened noise whose
/// end is crossfaded into its start, so the whole of it loops seamlessly.
pub fn noise() -> Looped {
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
