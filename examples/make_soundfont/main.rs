//! Builds `soundfonts/flam-default.sf2`, flam's own General MIDI SoundFont: every sample is
//! synthesized here, so the file is the project's own work under its licence.
//!
//! Run: `cargo run --release --example make_soundfont [OUT.sf2]` (see soundfonts/README.md).

mod drums;
mod dsp;
mod melodic;
mod sf2;

use std::collections::BTreeMap;
use std::sync::Arc;

use dsp::Looped;
use sf2::{Sf2, Zone, abs_cents, op, timecents};

/// Every sample, synthesized once; the font is built twice around them (see `main`).
struct Samples {
    drums: BTreeMap<&'static str, Vec<f32>>,
    melodic: Vec<(&'static str, Vec<(u8, Looped)>)>,
}

/// A melodic instrument's design: its sample set, envelope and filter settings.
struct Design {
    name: &'static str,
    set: &'static str,
    /// Filter cutoffs (Hz, `None` open) for each of the `VELOCITY_LAYERS`.
    cutoffs: [Option<f64>; 3],
    global: Zone,
    /// RMS level a held middle C at velocity 100 should reach, dBFS.
    target: f64,
}

const OPEN: Option<f64> = None;

/// Soft, medium and hard velocities: a melodic instrument's three layers.
const VELOCITY_LAYERS: [(u8, u8); 3] = [(0, 63), (64, 100), (101, 127)];

fn designs() -> Vec<Design> {
    vec![
        Design {
            name: "Piano",
            set: "piano",
            cutoffs: [Some(2500.0), Some(5000.0), OPEN],
            global: Zone::decaying(0.002, 7.0, 60, 0.45),
            target: -20.0,
        },
        Design {
            name: "Electric Piano",
            set: "epiano",
            cutoffs: [Some(2000.0), Some(4000.0), Some(9000.0)],
            global: Zone::decaying(0.002, 5.0, 40, 0.35)
                .set(op::MOD_LFO_TO_VOLUME, 20)
                .set(op::FREQ_MOD_LFO, abs_cents(4.5))
                .set(op::CHORUS_SEND, 250),
            target: -20.0,
        },
        Design {
            name: "Organ",
            set: "organ",
            cutoffs: [OPEN, OPEN, OPEN],
            global: Zone::sustained(0.004, 0.06)
                .set(op::VIB_LFO_TO_PITCH, 8)
                .set(op::FREQ_VIB_LFO, abs_cents(6.2))
                .set(op::CHORUS_SEND, 300),
            target: -22.0,
        },
        Design {
            name: "Pluck",
            set: "pluck",
            cutoffs: [Some(2000.0), Some(4500.0), OPEN],
            global: Zone::decaying(0.001, 2.5, 40, 0.3),
            target: -23.0,
        },
        Design {
            name: "Finger Bass",
            set: "bass",
            cutoffs: [Some(600.0), Some(1100.0), Some(3000.0)],
            global: Zone::decaying(0.002, 4.0, 0, 0.1),
            target: -19.0,
        },
        Design {
            name: "Synth Bass",
            set: "saw",
            cutoffs: [Some(350.0), Some(500.0), Some(700.0)],
            global: Zone::sustained(0.002, 0.08)
                .set(op::MOD_ENV_TO_FILTER_FC, 3000)
                .set(op::DECAY_MOD_ENV, timecents(0.22))
                .set(op::SUSTAIN_MOD_ENV, 1000)
                .set(op::RELEASE_MOD_ENV, timecents(0.08))
                .set(op::INITIAL_FILTER_Q, 80),
            target: -18.0,
        },
        Design {
            name: "Saw Lead",
            set: "sawlead",
            cutoffs: [Some(2500.0), Some(4000.0), Some(6000.0)],
            global: Zone::sustained(0.004, 0.18)
                .set(op::MOD_ENV_TO_FILTER_FC, 1500)
                .set(op::DECAY_MOD_ENV, timecents(0.4))
                .set(op::SUSTAIN_MOD_ENV, 600)
                .set(op::INITIAL_FILTER_Q, 30)
                .vibrato(0.35, 5.5, 12)
                .set(op::CHORUS_SEND, 150),
            target: -22.0,
        },
        Design {
            name: "Square Lead",
            set: "square",
            cutoffs: [Some(2000.0), Some(3500.0), Some(5000.0)],
            global: Zone::sustained(0.004, 0.15)
                .vibrato(0.3, 5.0, 10)
                .set(op::CHORUS_SEND, 100),
            target: -22.0,
        },
        Design {
            name: "Warm Pad",
            set: "pad",
            cutoffs: [Some(1400.0), Some(1800.0), Some(2400.0)],
            global: Zone::sustained(0.45, 1.2)
                .set(op::INITIAL_FILTER_Q, 10)
                .set(op::MOD_LFO_TO_FILTER_FC, 500)
                .set(op::FREQ_MOD_LFO, abs_cents(0.25))
                .set(op::CHORUS_SEND, 500)
                .set(op::REVERB_SEND, 300),
            target: -23.0,
        },
        Design {
            name: "Flute",
            set: "flute",
            cutoffs: [Some(3000.0), Some(5000.0), OPEN],
            global: Zone::sustained(0.04, 0.15)
                .vibrato(0.3, 5.0, 10)
                .set(op::REVERB_SEND, 200),
            target: -22.0,
        },
        Design {
            name: "Harpsichord",
            set: "pluck",
            cutoffs: [Some(3500.0), Some(6000.0), OPEN],
            global: Zone::decaying(0.001, 1.6, 40, 0.12),
            target: -24.5,
        },
        Design {
            name: "Mallet",
            set: "mallet",
            cutoffs: [Some(2500.0), Some(5000.0), OPEN],
            global: Zone::decaying(0.001, 2.5, 50, 0.5).set(op::REVERB_SEND, 200),
            target: -21.5,
        },
        Design {
            name: "Drive Guitar",
            set: "sawlead",
            cutoffs: [Some(1800.0), Some(2800.0), Some(4000.0)],
            global: Zone::default()
                .set(op::ATTACK_VOL_ENV, timecents(0.002))
                .set(op::DECAY_VOL_ENV, timecents(3.0))
                .set(op::SUSTAIN_VOL_ENV, 120)
                .set(op::RELEASE_VOL_ENV, timecents(0.15))
                .set(op::INITIAL_FILTER_Q, 60),
            target: -24.0,
        },
        Design {
            name: "Strings",
            set: "strings",
            cutoffs: [Some(2500.0), Some(4000.0), Some(6500.0)],
            global: Zone::sustained(0.15, 0.35)
                .vibrato(0.25, 5.5, 12)
                .set(op::CHORUS_SEND, 150)
                .set(op::REVERB_SEND, 250),
            target: -23.0,
        },
        Design {
            name: "Pizzicato",
            set: "strings",
            cutoffs: [Some(1800.0), Some(3000.0), Some(5000.0)],
            global: Zone::decaying(0.001, 0.7, 40, 0.12).set(op::REVERB_SEND, 250),
            target: -27.0,
        },
        Design {
            name: "Ensemble",
            set: "ensemble",
            cutoffs: [Some(2000.0), Some(3000.0), Some(5000.0)],
            global: Zone::sustained(0.2, 0.6)
                .set(op::CHORUS_SEND, 500)
                .set(op::REVERB_SEND, 350),
            target: -23.0,
        },
        Design {
            name: "Choir",
            set: "choir",
            cutoffs: [Some(2500.0), Some(3500.0), Some(5000.0)],
            global: Zone::sustained(0.25, 0.6)
                .vibrato(0.3, 5.0, 10)
                .set(op::CHORUS_SEND, 300)
                .set(op::REVERB_SEND, 400),
            target: -24.0,
        },
        Design {
            name: "Brass",
            set: "brass",
            cutoffs: [Some(900.0), Some(1400.0), Some(2200.0)],
            global: Zone::sustained(0.03, 0.15)
                // The swell: the filter opens as the note speaks, then settles part-way.
                .set(op::MOD_ENV_TO_FILTER_FC, 2400)
                .set(op::ATTACK_MOD_ENV, timecents(0.08))
                .set(op::DECAY_MOD_ENV, timecents(0.5))
                .set(op::SUSTAIN_MOD_ENV, 400)
                .set(op::INITIAL_FILTER_Q, 20)
                .vibrato(0.4, 5.0, 8)
                .set(op::REVERB_SEND, 200),
            target: -21.0,
        },
        Design {
            name: "Reed",
            set: "reed",
            cutoffs: [Some(2200.0), Some(3500.0), Some(6000.0)],
            global: Zone::sustained(0.03, 0.12)
                .vibrato(0.35, 5.0, 10)
                .set(op::REVERB_SEND, 150),
            target: -22.0,
        },
        Design {
            name: "Crystal",
            set: "crystal",
            cutoffs: [Some(2000.0), Some(3000.0), Some(4500.0)],
            global: Zone::sustained(0.08, 1.5)
                .set(op::INITIAL_FILTER_Q, 60)
                .set(op::MOD_LFO_TO_FILTER_FC, 1200)
                .set(op::FREQ_MOD_LFO, abs_cents(0.5))
                .set(op::CHORUS_SEND, 400)
                .set(op::REVERB_SEND, 500),
            target: -23.0,
        },
        Design {
            name: "Sitar",
            set: "sitar",
            cutoffs: [Some(3000.0), Some(5000.0), OPEN],
            global: Zone::decaying(0.001, 3.0, 30, 0.4).set(op::REVERB_SEND, 200),
            target: -26.5,
        },
        Design {
            name: "Shanai",
            set: "reed",
            cutoffs: [Some(2500.0), Some(3000.0), Some(3500.0)],
            global: Zone::sustained(0.02, 0.1)
                // A narrow resonance makes the reed nasal.
                .set(op::INITIAL_FILTER_Q, 120)
                .set(op::FREQ_VIB_LFO, abs_cents(6.5))
                .set(op::VIB_LFO_TO_PITCH, 20),
            target: -23.0,
        },
        Design {
            name: "Steel Drum",
            set: "steel",
            cutoffs: [Some(2500.0), Some(4000.0), OPEN],
            global: Zone::decaying(0.001, 1.8, 0, 0.3).set(op::REVERB_SEND, 200),
            target: -23.5,
        },
        Design {
            name: "Melodic Tom",
            set: "drum:tom",
            cutoffs: [Some(3000.0), Some(6000.0), OPEN],
            global: Zone::default()
                .no_attack()
                .set(op::RELEASE_VOL_ENV, timecents(0.5)),
            target: -20.0,
        },
        Design {
            name: "Reverse Cymbal",
            set: "drum:crash",
            cutoffs: [Some(5000.0), Some(8000.0), OPEN],
            // A swell into the cymbal's decay: the nearest a forward sample gets to a reversed
            // one.
            global: Zone::sustained(1.0, 0.08),
            target: -29.0,
        },
        Design {
            name: "Noise FX",
            set: "noise",
            cutoffs: [Some(1500.0), Some(2500.0), Some(4000.0)],
            global: Zone::sustained(0.05, 0.4)
                // Slow waves: the filter and the level rise and fall like surf or wind.
                .set(op::INITIAL_FILTER_Q, 30)
                .set(op::MOD_LFO_TO_FILTER_FC, 2000)
                .set(op::MOD_LFO_TO_VOLUME, 60)
                .set(op::FREQ_MOD_LFO, abs_cents(0.15))
                .set(op::REVERB_SEND, 300),
            target: -24.0,
        },
    ]
}

fn synthesize() -> Samples {
    Samples {
        drums: drums::sounds(),
        melodic: melodic::sets(),
    }
}

/// One drum: its key, sample, tuning in semitones, pan (−500..500), target level (dBFS RMS
/// over its first 0.3 s at velocity 100), and choke group.
struct Drum {
    key: u8,
    sample: &'static str,
    tune: i16,
    pan: i16,
    target: f64,
    choke: i16,
}

fn kit() -> Vec<Drum> {
    let d = |key, sample, tune, pan, target, choke| Drum {
        key,
        sample,
        tune,
        pan,
        target,
        choke,
    };
    vec![
        d(35, "kick", -2, 0, -15.0, 0),
        d(36, "kick", 0, 0, -15.0, 0),
        d(37, "sidestick", 0, 0, -24.0, 0),
        d(38, "snare", 0, 0, -17.0, 0),
        d(39, "clap", 0, -50, -19.0, 0),
        d(40, "snare2", 0, 0, -17.0, 0),
        d(41, "tom", -5, -250, -18.0, 0),
        d(42, "hat", 0, 150, -25.0, 1),
        d(43, "tom", -3, -150, -18.0, 0),
        d(44, "pedalhat", 0, 150, -27.0, 1),
        d(45, "tom", 0, -50, -18.0, 0),
        d(46, "openhat", 0, 150, -25.0, 1),
        d(47, "tom", 2, 50, -18.0, 0),
        d(48, "tom", 4, 150, -18.0, 0),
        d(49, "crash", 0, -300, -23.0, 0),
        d(50, "tom", 7, 250, -18.0, 0),
        d(51, "ride", 0, 300, -27.0, 0),
        d(52, "crash", -3, -250, -24.0, 0),
        d(53, "bell", 0, 300, -25.0, 0),
        d(54, "tambourine", 0, -150, -27.0, 0),
        d(55, "crash", 5, -200, -24.0, 0),
        d(56, "cowbell", 0, 150, -24.0, 0),
        d(57, "crash", 2, 300, -23.0, 0),
        d(58, "vibraslap", 0, 200, -26.0, 0),
        d(59, "ride", 1, 250, -27.0, 0),
        d(60, "tom", 19, 200, -22.0, 0),
        d(61, "tom", 15, 150, -22.0, 0),
        d(62, "tom", 12, -150, -22.0, 0),
        d(63, "tom", 12, -150, -21.0, 0),
        d(64, "tom", 9, -200, -21.0, 0),
        d(65, "tom", 16, 100, -21.0, 0),
        d(66, "tom", 12, 100, -21.0, 0),
        d(67, "cowbell", 7, -100, -25.0, 0),
        d(68, "cowbell", 2, -100, -25.0, 0),
        d(69, "shaker", 0, 200, -28.0, 0),
        d(70, "shaker", 3, -200, -28.0, 0),
        // Whistles, guiros and cuicas each stop their partner, as hats and triangles do.
        d(71, "whistle", 0, 300, -27.0, 3),
        d(72, "longwhistle", 0, 300, -27.0, 3),
        d(73, "guiro", 0, -250, -26.0, 4),
        d(74, "longguiro", 0, -250, -26.0, 4),
        d(75, "claves", 0, 100, -24.0, 0),
        d(76, "woodblock", 0, 150, -24.0, 0),
        d(77, "woodblock", -4, 150, -24.0, 0),
        d(78, "cuica", 0, -100, -25.0, 5),
        d(79, "opencuica", 0, -100, -25.0, 5),
        d(80, "bell", 12, -200, -28.0, 2),
        d(81, "bell", 12, -200, -28.0, 2),
    ]
}

/// Which instrument each General MIDI program plays, and a preset-level attack change in
/// timecents. Every instrument serves one General MIDI family only (see soundfonts/README.md),
/// so the sixteen families sound distinct.
fn gm_map(program: u8) -> (&'static str, i16) {
    match program {
        0..=3 => ("Piano", 0),
        4 | 5 => ("Electric Piano", 0),
        6 | 7 => ("Harpsichord", 0),
        8..=15 => ("Mallet", 0),
        16..=23 => ("Organ", 0),
        24..=28 | 31 => ("Pluck", 0),
        29 | 30 => ("Drive Guitar", 0),
        32..=37 => ("Finger Bass", 0),
        38 | 39 => ("Synth Bass", 0),
        40..=44 => ("Strings", 0),
        45..=47 => ("Pizzicato", 0),
        48..=51 => ("Ensemble", 0),
        52..=54 => ("Choir", 0),
        // The orchestra hit: the section, striking at once.
        55 => ("Ensemble", -2400),
        56..=63 => ("Brass", 0),
        64..=71 => ("Reed", 0),
        72..=79 => ("Flute", 0),
        80 | 82 | 83 => ("Square Lead", 0),
        81 | 84..=87 => ("Saw Lead", 0),
        88..=95 => ("Warm Pad", 0),
        96..=103 => ("Crystal", 0),
        104..=108 => ("Sitar", 0),
        109..=111 => ("Shanai", 0),
        112..=114 => ("Steel Drum", 0),
        115..=118 => ("Melodic Tom", 0),
        119 => ("Reverse Cymbal", 0),
        _ => ("Noise FX", 0),
    }
}

/// Attenuations (centibels) per melodic instrument name and per drum key.
#[derive(Default)]
struct Levels {
    melodic: BTreeMap<&'static str, i16>,
    drums: BTreeMap<u8, i16>,
}

fn build(samples: &Samples, levels: &Levels) -> Sf2 {
    let mut sf = Sf2::default();
    // Drum kit.
    let mut ids = BTreeMap::new();
    for (name, pcm) in &samples.drums {
        ids.insert(*name, sf.sample(name, pcm, drums::SR, 60, 0, None));
    }
    let mut zones = Vec::new();
    for d in kit() {
        let pcm = &samples.drums[d.sample];
        let seconds = pcm.len() as f64 / f64::from(drums::SR);
        let base = Zone::default()
            .range(op::KEY_RANGE, d.key, d.key)
            .set(op::OVERRIDING_ROOT_KEY, i16::from(d.key))
            .set(op::COARSE_TUNE, d.tune)
            .set(op::PAN, d.pan)
            .no_attack()
            // A note-off lets the drum ring out as sampled.
            .set(op::RELEASE_VOL_ENV, timecents(seconds))
            .set(
                op::INITIAL_ATTENUATION,
                levels.drums.get(&d.key).copied().unwrap_or(0),
            )
            .set(op::EXCLUSIVE_CLASS, d.choke)
            .set(op::SAMPLE_ID, ids[d.sample]);
        // Soft hits are darker as well as quieter.
        zones.push(
            base.clone()
                .range(op::VEL_RANGE, 0, 70)
                .set(op::INITIAL_FILTER_FC, abs_cents(5500.0)),
        );
        zones.push(base.range(op::VEL_RANGE, 71, 127));
    }
    let kit_id = sf.instrument("flam Kit", Zone::default(), zones);
    for program in [0u16, 8, 16, 24, 25, 32, 40, 48, 56] {
        let name = if program == 0 {
            "Standard Kit"
        } else {
            "Standard Kit (alias)"
        };
        sf.preset(
            name,
            128,
            program,
            vec![Zone::default().set(op::INSTRUMENT, kit_id)],
        );
    }

    // Melodic instruments.
    let mut inst_ids = BTreeMap::new();
    // Instruments that share a sample set share its samples too.
    let mut set_ids: BTreeMap<&str, Vec<(u8, u8, i16)>> = BTreeMap::new();
    for design in designs() {
        let mut zones = Vec::new();
        if let Some(drum) = design.set.strip_prefix("drum:") {
            // A drum played melodically: its one-shot over the whole keyboard, at its pitch.
            let root = match drum {
                "tom" => 45,
                _ => 60,
            };
            let zone = Zone::default()
                .range(op::KEY_RANGE, 0, 127)
                .set(op::OVERRIDING_ROOT_KEY, root)
                .set(op::SAMPLE_ID, ids[drum]);
            zones.extend(velocity_layers(&zone, design.cutoffs));
        }
        let ranges = set_ids.entry(design.set).or_insert_with(|| {
            let Some((_, set)) = samples.melodic.iter().find(|(n, _)| *n == design.set) else {
                return Vec::new();
            };
            set.iter()
                .enumerate()
                .map(|(i, (root, tone))| {
                    let id = sf.sample(
                        &format!("{} {}", design.set, root),
                        &tone.pcm,
                        melodic::SR,
                        *root,
                        tone.correction,
                        Some(tone.lp),
                    );
                    let lo = if i == 0 {
                        0
                    } else {
                        (set[i - 1].0 + root) / 2 + 1
                    };
                    let hi = if i + 1 == set.len() {
                        127
                    } else {
                        (root + set[i + 1].0) / 2
                    };
                    (lo, hi, id)
                })
                .collect()
        });
        for &(lo, hi, id) in ranges.iter() {
            let zone = Zone::default()
                .range(op::KEY_RANGE, lo, hi)
                .set(op::SAMPLE_MODES, 1)
                .set(op::SAMPLE_ID, id);
            zones.extend(velocity_layers(&zone, design.cutoffs));
        }
        assert!(!zones.is_empty(), "{} has no samples", design.set);
        let global = design.global.clone().set(
            op::INITIAL_ATTENUATION,
            levels.melodic.get(design.name).copied().unwrap_or(0),
        );
        inst_ids.insert(design.name, sf.instrument(design.name, global, zones));
    }
    for program in 0..128u8 {
        let (name, attack) = gm_map(program);
        let mut zone = Zone::default();
        if attack != 0 {
            zone = zone.set(op::ATTACK_VOL_ENV, attack);
        }
        zone = zone.set(op::INSTRUMENT, inst_ids[name]);
        sf.preset(
            &title(flam::theory::gm::program_name(program)),
            0,
            u16::from(program),
            vec![zone],
        );
    }
    sf
}

/// Copies of `zone` for soft, medium and hard playing, each filtered at its cutoff. (Zones
/// list their generators by kind when written, so adding the velocity range last is fine.)
fn velocity_layers(zone: &Zone, cutoffs: [Option<f64>; 3]) -> impl Iterator<Item = Zone> {
    VELOCITY_LAYERS
        .into_iter()
        .zip(cutoffs)
        .map(|((lo, hi), cutoff)| {
            let layer = zone.clone().range(op::VEL_RANGE, lo, hi);
            match cutoff {
                Some(hz) => layer.set(op::INITIAL_FILTER_FC, abs_cents(hz)),
                None => layer,
            }
        })
}

/// `electric-bass-finger` as `Electric Bass Finger`.
fn title(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// RMS level in dBFS of one note rendered by rustysynth, as flam will play it (no effects).
fn level(bytes: &[u8], bank: u8, program: u8, key: u8, seconds: f64) -> f64 {
    let font = Arc::new(
        rustysynth::SoundFont::new(&mut std::io::Cursor::new(bytes))
            .expect("the font we wrote loads"),
    );
    let mut settings = rustysynth::SynthesizerSettings::new(48_000);
    settings.enable_reverb_and_chorus = false;
    let mut synth = rustysynth::Synthesizer::new(&font, &settings).expect("valid settings");
    let channel = if bank == 128 { 9 } else { 0 };
    synth.process_midi_message(channel, 0xC0, i32::from(program), 0);
    synth.note_on(channel, i32::from(key), 100);
    let n = (seconds * 48_000.0) as usize;
    let (mut l, mut r) = (vec![0.0f32; n], vec![0.0f32; n]);
    synth.render(&mut l, &mut r);
    let power: f64 = l
        .iter()
        .zip(&r)
        .map(|(a, b)| f64::from(a * a + b * b) / 2.0)
        .sum::<f64>()
        / n as f64;
    10.0 * power.max(1e-12).log10()
}

/// The attenuation that moves `measured` to `target`, in the centibels rustysynth and
/// FluidSynth apply at 40% (the EMU convention).
fn attenuation(measured: f64, target: f64) -> i16 {
    ((measured - target) * 10.0 / 0.4)
        .round()
        .clamp(0.0, 1440.0) as i16
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "soundfonts/flam-default.sf2".to_string());
    let samples = synthesize();
    // Build once at full level, measure every sound as flam renders it, then build again
    // with attenuations that balance the kit and the instruments.
    let probe = build(&samples, &Levels::default()).write("probe", "");
    // Targets are relative: the sound furthest below its target plays unattenuated.
    let drum_levels: Vec<(u8, f64, f64)> = kit()
        .iter()
        .map(|d| {
            let len = samples.drums[d.sample].len() as f64 / f64::from(drums::SR);
            (d.key, level(&probe, 128, 0, d.key, len.min(0.3)), d.target)
        })
        .collect();
    let melodic_levels: Vec<(&'static str, f64, f64)> = designs()
        .iter()
        .map(|design| {
            let program = (0..128u8)
                .find(|&p| gm_map(p) == (design.name, 0))
                .expect("every instrument has a program");
            // Basses are measured where basses play.
            let key = if design.name.ends_with("Bass") {
                40
            } else {
                60
            };
            (
                design.name,
                level(&probe, 0, program, key, 1.0),
                design.target,
            )
        })
        .collect();
    let headroom = drum_levels
        .iter()
        .map(|&(_, m, t)| t - m)
        .chain(melodic_levels.iter().map(|&(_, m, t)| t - m))
        .fold(f64::MIN, f64::max);
    let mut levels = Levels::default();
    for (key, m, t) in drum_levels {
        levels.drums.insert(key, attenuation(m, t - headroom));
    }
    for (name, m, t) in melodic_levels {
        eprintln!(
            "  {name:<16} {m:6.1} dB, target {t} → {} cB",
            attenuation(m, t - headroom)
        );
        levels.melodic.insert(name, attenuation(m, t - headroom));
    }
    let sf = build(&samples, &levels);
    let bytes = sf.write(
        "flam default",
        "flam's General MIDI set: every sample synthesized by examples/make_soundfont. Same licence as flam.",
    );
    if let Err(e) = std::fs::write(&out, &bytes) {
        eprintln!("error: cannot write {out}: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "wrote {out}: {} bytes ({} of samples)",
        bytes.len(),
        sf.sample_bytes()
    );
    eprintln!(
        "  levels {headroom:.1} dB under target; drum attenuations {:?}",
        levels.drums
    );
}
