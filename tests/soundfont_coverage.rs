//! The built-in SoundFont covers General MIDI: every drum of the GM kit sounds, and the
//! sixteen GM instrument families each have an instrument of their own.

use std::collections::BTreeSet;
use std::sync::Arc;

use flam::output::soundfont::{self, Source};
use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};

const RATE: i32 = 48_000;

fn built_in() -> Arc<SoundFont> {
    soundfont::load(&Source::BuiltIn).unwrap()
}

/// Peak of one note at velocity 100, held for half a second and let ring for half a second.
fn peak(font: &Arc<SoundFont>, channel: i32, program: i32, key: i32) -> f32 {
    let mut settings = SynthesizerSettings::new(RATE);
    settings.enable_reverb_and_chorus = false;
    let mut synth = Synthesizer::new(font, &settings).unwrap();
    synth.process_midi_message(channel, 0xC0, program, 0);
    synth.note_on(channel, key, 100);
    let n = RATE as usize / 2;
    let (mut l, mut r) = (vec![0.0f32; n], vec![0.0f32; n]);
    synth.render(&mut l, &mut r);
    let mut loudest = l.iter().chain(&r).fold(0.0f32, |m, v| m.max(v.abs()));
    synth.note_off(channel, key);
    synth.render(&mut l, &mut r);
    loudest = l.iter().chain(&r).fold(loudest, |m, v| m.max(v.abs()));
    loudest
}

/// −40 dBFS: far above rustysynth's silence (exact zeros) and any denormal residue, far
/// below every drum and instrument of the kit (the quietest peak around −20 dBFS).
const AUDIBLE: f32 = 0.01;

#[test]
fn every_general_midi_drum_key_from_35_to_81_sounds() {
    let font = built_in();
    let silent: Vec<i32> = (35..=81)
        .filter(|&key| peak(&font, 9, 0, key) < AUDIBLE)
        .collect();
    assert!(silent.is_empty(), "silent GM drums: {silent:?}");
}

#[test]
fn a_key_outside_the_drum_kit_is_silent_so_the_drum_test_can_fail() {
    // Key 20 is no General MIDI drum and the kit has no zone for it.
    assert!(peak(&built_in(), 9, 0, 20) < AUDIBLE / 100.0);
}

#[test]
fn the_paired_latin_drums_stop_each_other_like_the_hi_hats() {
    // The open cuica is cut short by the mute one, as the open hat is by the closed hat.
    let font = built_in();
    let tail = |second: Option<i32>| {
        let mut settings = SynthesizerSettings::new(RATE);
        settings.enable_reverb_and_chorus = false;
        let mut synth = Synthesizer::new(&font, &settings).unwrap();
        let mut l = vec![0.0f32; RATE as usize / 20];
        let mut r = l.clone();
        synth.note_on(9, 79, 100);
        synth.render(&mut l, &mut r);
        if let Some(key) = second {
            synth.note_on(9, key, 1);
            synth.note_off(9, key);
        }
        // Long after the soft second hit has died, is the open cuica still ringing?
        let mut l = vec![0.0f32; RATE as usize / 5];
        let mut r = l.clone();
        synth.render(&mut l, &mut r);
        let late = &l[RATE as usize / 10..];
        late.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    };
    let alone = tail(None);
    assert!(alone > AUDIBLE / 10.0, "the open cuica rings on: {alone}");
    assert!(tail(Some(78)) < alone / 10.0, "the mute cuica chokes it");
    assert!(tail(Some(75)) > alone / 2.0, "claves do not");
}

/// The General MIDI families, eight programs each, in program order.
const FAMILIES: [&str; 16] = [
    "piano",
    "chromatic percussion",
    "organ",
    "guitar",
    "bass",
    "strings",
    "ensemble",
    "brass",
    "reed",
    "pipe",
    "synth lead",
    "synth pad",
    "synth effects",
    "ethnic",
    "percussive",
    "sound effects",
];

/// The instruments a bank-0 program's preset plays at `key`, and their samples' names.
fn sounds_of(font: &SoundFont, program: i32, key: i32) -> (BTreeSet<String>, BTreeSet<String>) {
    let preset = font
        .get_presets()
        .iter()
        .find(|p| p.get_bank_number() == 0 && p.get_patch_number() == program)
        .unwrap_or_else(|| panic!("no preset for program {program}"));
    let mut instruments = BTreeSet::new();
    let mut samples = BTreeSet::new();
    for region in preset.get_regions().iter().filter(|r| r.contains(key, 100)) {
        let instrument = &font.get_instruments()[region.get_instrument_id()];
        instruments.insert(instrument.get_name().to_string());
        for ir in instrument
            .get_regions()
            .iter()
            .filter(|r| r.contains(key, 100))
        {
            let sample = &font.get_sample_headers()[ir.get_sample_id()];
            samples.insert(sample.get_name().to_string());
        }
    }
    (instruments, samples)
}

#[test]
fn the_sixteen_general_midi_families_sound_distinct() {
    let font = built_in();
    let first_of_each: Vec<(&str, i32)> = FAMILIES.into_iter().zip((0..128).step_by(8)).collect();
    let sounds: Vec<_> = first_of_each
        .iter()
        .map(|&(family, program)| (family, sounds_of(&font, program, 60)))
        .collect();
    for (i, (a, (ia, sa))) in sounds.iter().enumerate() {
        assert!(
            !ia.is_empty(),
            "the {a} family's middle C has an instrument"
        );
        for (b, (ib, sb)) in &sounds[i + 1..] {
            assert!(
                ia.is_disjoint(ib),
                "{a} and {b} share the instrument {ia:?}"
            );
            assert!(sa.is_disjoint(sb), "{a} and {b} share the samples {sa:?}");
        }
    }
    for &(family, program) in &first_of_each {
        let p = peak(&font, 0, program, 60);
        assert!(
            p > AUDIBLE,
            "the {family} family's middle C sounds: peak {p}"
        );
    }
}

#[test]
fn every_program_plays_an_instrument_of_its_own_family() {
    // A family may have several instruments (a piano and an electric piano), but no
    // instrument stands in for two families: a saw lead is no brass section.
    let font = built_in();
    let mut owner = std::collections::BTreeMap::new();
    for program in 0..128 {
        let family = FAMILIES[program as usize / 8];
        let (instruments, _) = sounds_of(&font, program, 60);
        assert!(
            !instruments.is_empty(),
            "program {program} has an instrument"
        );
        for name in instruments {
            let first = *owner.entry(name.clone()).or_insert(family);
            assert_eq!(first, family, "{name} serves {first} and program {program}");
        }
    }
}

// --- Warnings for notes a SoundFont cannot sound -------------------------------------------

/// The generator's SF2 writer, to build a tiny SoundFont that lacks things.
#[allow(dead_code)]
#[path = "../examples/make_soundfont/sf2.rs"]
mod sf2;

use flam::output::coverage;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A SoundFont with a kit of one drum (the bass drum, 36) and a piano that only spans
/// c3–c5 (48–72): nothing else.
fn tiny_font(dir: &Path) -> PathBuf {
    use sf2::{Sf2, Zone, op};
    let mut sf = Sf2::default();
    let pcm: Vec<f32> = (0..3200)
        .map(|i| (i as f32 * 0.1).sin() * (1.0 - i as f32 / 3200.0))
        .collect();
    let sample = sf.sample("tone", &pcm, 32_000, 60, 0, None);
    let kick = sf.instrument(
        "kick",
        Zone::default(),
        vec![
            Zone::default()
                .range(op::KEY_RANGE, 36, 36)
                .set(op::SAMPLE_ID, sample),
        ],
    );
    let piano = sf.instrument(
        "piano",
        Zone::default(),
        vec![
            Zone::default()
                .range(op::KEY_RANGE, 48, 72)
                .set(op::SAMPLE_ID, sample),
        ],
    );
    sf.preset(
        "kit",
        128,
        0,
        vec![Zone::default().set(op::INSTRUMENT, kick)],
    );
    sf.preset(
        "piano",
        0,
        0,
        vec![Zone::default().set(op::INSTRUMENT, piano)],
    );
    let path = dir.join("tiny.sf2");
    std::fs::write(&path, sf.write("tiny", "a test font")).unwrap();
    path
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flam-coverage-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PERCUSSION: &str = "track perc drums\n  play \"bd*2 <~ vs>\"\n";

fn flam(args: &[&str], dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_flam"))
        .args(args)
        .current_dir(dir)
        .env_remove("FLAM_SOUNDFONT")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_warns_that_the_vibraslap_is_missing_from_a_kit_without_one_and_exits_0() {
    let dir = scratch("check");
    tiny_font(&dir);
    std::fs::write(dir.join("perc.flam"), PERCUSSION).unwrap();
    let (code, err) = flam(&["check", "--soundfont", "tiny.sf2", "perc.flam"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "perc.flam:1: warning: the SoundFont `tiny.sf2` has no sound for the drum `vs` (58) \
             that track `perc` plays (bar 2)"
        ),
        "{err}"
    );
    assert!(err.contains("another drum"), "{err}");
    // The bass drum it does have is not mentioned.
    assert!(!err.contains("(36)"), "{err}");
    // The built-in kit has a vibraslap.
    let (code, err) = flam(&["check", "perc.flam"], &dir);
    assert_eq!((code, err.contains("warning")), (0, false), "{err}");
}

#[test]
fn render_warns_about_a_program_the_font_lacks_and_a_note_out_of_the_pianos_range() {
    let dir = scratch("render");
    tiny_font(&dir);
    let song = "track keys channel 1 program piano\n  play \"c4 c7\"\n\
                track lead channel 2 program sitar\n  play \"c4\"\n";
    std::fs::write(dir.join("song.flam"), song).unwrap();
    let (code, err) = flam(
        &[
            "render",
            "--soundfont",
            "tiny.sf2",
            "--bars",
            "1",
            "song.flam",
            "-o",
            "out.wav",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no sound for the note c7 (96) in program `acoustic-grand-piano`"),
        "{err}"
    );
    assert!(
        !err.contains("c4 (60)"),
        "c4 is in the piano's range: {err}"
    );
    assert!(
        err.contains(
            "has no program `sitar` (105) in bank 0 for track `lead`, so it plays `piano`"
        ),
        "{err}"
    );
    assert!(dir.join("out.wav").exists());
}

#[test]
fn no_bundled_song_plays_a_note_the_built_in_font_cannot_sound() {
    let font = soundfont::load(&Source::BuiltIn).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/patterns")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flam") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let song = flam::lang::song::compile(&text).unwrap();
        let w = coverage::warnings(&song, &font, "built-in");
        assert!(w.is_empty(), "{}: {w:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} bundled songs found");
}
