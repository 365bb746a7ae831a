//! Notes a SoundFont cannot sound: a drum its kit lacks, a key outside an instrument's range,
//! a program it has no preset for. Found before playing, so a song never falls silent
//! without a word.

use rustysynth::{Preset, SoundFont};

use super::soundfont::Source;
use crate::lang::song::Song;
use crate::lang::song::warning::{BARS_CHECKED, Warning};
use crate::pattern::{Hap, Note, Span};
use crate::theory::gm;
use crate::theory::note::note_name;
use crate::theory::time::Time;

/// The most warnings one song gets before the rest are counted in one closing warning:
/// a song written for another SoundFont could otherwise fill the screen.
pub const MAX_SHOWN: usize = 5;

/// The MIDI channel (1–16) General MIDI keeps for drums.
const DRUM_CHANNEL: u8 = 10;

/// How messages name a SoundFont: `built-in`, or its file name.
pub fn font_name(source: &Source) -> String {
    match source {
        Source::BuiltIn => super::soundfont::BUILT_IN_NAME.to_string(),
        Source::File(path) => path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy()
            .into_owned(),
    }
}

/// The preset the synth plays for a bank and program, found the way rustysynth finds it (see
/// `Synthesizer::note_on`): the exact one, else the General MIDI one (bank 0 for melodic
/// banks, the standard kit 128:0 for drum banks), else the lowest-numbered preset. The flag
/// says whether it had to fall back that far.
fn resolve(font: &SoundFont, bank: i32, program: i32) -> Option<(&Preset, bool)> {
    let presets = font.get_presets();
    let find = |b: i32, p: i32| {
        presets
            .iter()
            .find(|x| x.get_bank_number() == b && x.get_patch_number() == p)
    };
    let gm = if bank < 128 { (0, program) } else { (128, 0) };
    find(bank, program)
        .or_else(|| find(gm.0, gm.1))
        .map(|p| (p, false))
        .or_else(|| {
            presets
                .iter()
                .min_by_key(|p| (p.get_bank_number() << 16) | p.get_patch_number())
                .map(|p| (p, true))
        })
}

/// A program as the song language spells it (`acoustic-grand-piano`).
fn program_name(program: u8) -> String {
    gm::kebab_case(gm::program_name(program))
}

/// Whether `preset` has a zone, at both levels, that sounds `key` at `velocity`.
fn sounds(font: &SoundFont, preset: &Preset, key: u8, velocity: u8) -> bool {
    let (key, velocity) = (i32::from(key), i32::from(velocity));
    preset
        .get_regions()
        .iter()
        .filter(|r| r.contains(key, velocity))
        .any(|r| {
            font.get_instruments()
                .get(r.get_instrument_id())
                .is_some_and(|i| i.get_regions().iter().any(|z| z.contains(key, velocity)))
        })
}

/// Warnings for what `song` plays in its first [`BARS_CHECKED`] bars that the SoundFont
/// `name` has no sound for: one per track and missing drum, key or program, at most
/// [`MAX_SHOWN`] and then one that counts the rest.
pub fn warnings(song: &Song, font: &SoundFont, name: &str) -> Vec<Warning> {
    let span = Span::new(Time::ZERO, Time::from_integer(BARS_CHECKED));
    let mut found = Vec::new();
    let mut haps: Vec<Hap<Note>> = Vec::new();
    for track in song.tracks.iter().filter(|t| !t.muted) {
        haps.clear();
        track.pattern.query_into(span, &mut haps);
        haps.retain(|h| h.has_onset());
        if haps.is_empty() {
            continue;
        }
        haps.sort_by_key(|h| h.part.begin);
        let drums = track.channel == DRUM_CHANNEL;
        // The synth takes the bank from CC 0 alone (rustysynth ignores CC 32) and keeps
        // channel 10's in the drum banks.
        let msb = track.bank.map_or(0, |b| i32::from((b >> 7) & 0x7f));
        let bank = msb + if drums { 128 } else { 0 };
        let program = track.program.unwrap_or(0);
        let Some((preset, fell_back)) = resolve(font, bank, i32::from(program)) else {
            continue;
        };
        if fell_back {
            found.push(Warning {
                line: track.line,
                message: format!(
                    "the SoundFont `{name}` has no {} in bank {} for track `{}`, so it plays \
                     `{}` instead",
                    // Numbered from 1, as the song language and `flam drums` number them.
                    if drums {
                        format!("drum kit at program {}", u16::from(program) + 1)
                    } else {
                        format!(
                            "program `{}` ({})",
                            program_name(program),
                            u16::from(program) + 1
                        )
                    },
                    track.bank.unwrap_or(0),
                    track.name,
                    preset.get_name()
                ),
                help: "choose another SoundFont with --soundfont, or another program".into(),
            });
        }
        let mut missing: Vec<u8> = Vec::new();
        for hap in &haps {
            let key = hap.value.key;
            if missing.contains(&key) || sounds(font, preset, key, hap.value.velocity) {
                continue;
            }
            missing.push(key);
            let bar = hap.part.begin.floor().to_integer() + 1;
            let (what, help) = match gm::drum_name(key).filter(|_| drums) {
                Some(drum) => (
                    format!("the drum `{drum}` ({key})"),
                    "choose another SoundFont with --soundfont, or another drum",
                ),
                None if drums => (
                    format!("the drum key {key}"),
                    "choose another SoundFont with --soundfont, or a General MIDI drum (35–81, \
                     see `flam drums`)",
                ),
                None => (
                    format!(
                        "the note {} ({key}) in program `{}`",
                        note_name(key),
                        program_name(program)
                    ),
                    "choose another SoundFont with --soundfont, or move the note into the \
                     instrument's range",
                ),
            };
            found.push(Warning {
                line: track.line,
                message: format!(
                    "the SoundFont `{name}` has no sound for {what} that track `{}` plays \
                     (bar {bar}): it stays silent",
                    track.name
                ),
                help: help.to_string(),
            });
        }
    }
    if found.len() > MAX_SHOWN {
        let rest = found.len() - MAX_SHOWN;
        let line = found[MAX_SHOWN].line;
        found.truncate(MAX_SHOWN);
        found.push(Warning {
            line,
            message: format!(
                "and {rest} more drum{s}, note{s} or program{s} the SoundFont `{name}` has no \
                 sound for",
                s = if rest == 1 { "" } else { "s" }
            ),
            help: "a General MIDI SoundFont (the built-in one, or see `flam soundfonts`) \
                   covers every drum and program"
                .to_string(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;
    use crate::output::soundfont;

    fn built_in_warnings(src: &str) -> Vec<Warning> {
        let font = soundfont::load(&Source::BuiltIn).unwrap();
        warnings(&compile(src).unwrap(), &font, "built-in")
    }

    #[test]
    fn the_built_in_kit_sounds_every_general_midi_drum() {
        let all: Vec<String> = (gm::FIRST_DRUM_NOTE..=gm::LAST_DRUM_NOTE)
            .map(|k| k.to_string())
            .collect();
        let src = format!("track perc drums\n  play \"{}\"\n", all.join(" "));
        assert_eq!(built_in_warnings(&src), vec![]);
    }

    #[test]
    fn a_drum_key_below_the_general_midi_kit_is_reported_with_its_bar() {
        let w = built_in_warnings("track perc drums\n  play \"<bd bd 20>\"\n");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, 1);
        assert!(w[0].message.contains("the drum key 20"), "{}", w[0].message);
        assert!(w[0].message.contains("bar 3"), "{}", w[0].message);
    }

    #[test]
    fn a_muted_track_is_not_heard_so_not_reported() {
        assert_eq!(
            built_in_warnings("track perc drums mute\n  play \"20\"\n"),
            vec![]
        );
    }

    #[test]
    fn many_missing_drums_are_capped_with_a_count_of_the_rest() {
        let w = built_in_warnings("track perc drums\n  play \"20 21 22 23 24 25 26 27\"\n");
        assert_eq!(w.len(), MAX_SHOWN + 1, "{w:?}");
        assert!(w[MAX_SHOWN].message.starts_with("and 3 more"), "{w:?}");
    }
}
