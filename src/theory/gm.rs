//! General MIDI: the percussion key map (channel 10, notes 35–81) under the short drum names
//! musicians type in patterns, and the 128 melodic program names.

use std::sync::LazyLock;

/// One General MIDI percussion sound: its key, flam's canonical short name, other names it
/// answers to, and the General MIDI display name.
struct Drum {
    note: u8,
    name: &'static str,
    aliases: &'static [&'static str],
    display: &'static str,
}

/// Shorthand for a row of [`DRUMS`].
const fn drum(
    note: u8,
    name: &'static str,
    aliases: &'static [&'static str],
    display: &'static str,
) -> Drum {
    Drum {
        note,
        name,
        aliases,
        display,
    }
}

/// The General MIDI percussion map, in key order.
const DRUMS: [Drum; 47] = [
    drum(35, "bd2", &["kick2"], "Acoustic Bass Drum"),
    drum(36, "bd", &["kick"], "Bass Drum 1"),
    drum(37, "rim", &["rs", "sidestick"], "Side Stick"),
    drum(38, "sn", &["sd", "snare"], "Acoustic Snare"),
    drum(39, "cp", &["clap"], "Hand Clap"),
    drum(40, "sn2", &["esn", "sd2"], "Electric Snare"),
    drum(41, "lft", &["floortom"], "Low Floor Tom"),
    drum(42, "hh", &["ch", "hat", "hihat"], "Closed Hi-Hat"),
    drum(43, "hft", &[], "High Floor Tom"),
    drum(44, "ph", &["pedal"], "Pedal Hi-Hat"),
    drum(45, "lt", &["lowtom"], "Low Tom"),
    drum(46, "oh", &["openhat"], "Open Hi-Hat"),
    drum(47, "mt", &["lmt"], "Low-Mid Tom"),
    drum(48, "hmt", &[], "Hi-Mid Tom"),
    drum(49, "cr", &["crash"], "Crash Cymbal 1"),
    drum(50, "ht", &["hightom"], "High Tom"),
    drum(51, "rd", &["ride"], "Ride Cymbal 1"),
    drum(52, "cn", &["china"], "Chinese Cymbal"),
    drum(53, "rb", &["bell"], "Ride Bell"),
    drum(54, "tb", &["tamb"], "Tambourine"),
    drum(55, "sp", &["splash"], "Splash Cymbal"),
    drum(56, "cb", &["cowbell"], "Cowbell"),
    drum(57, "cr2", &["crash2"], "Crash Cymbal 2"),
    drum(58, "vs", &["vibraslap"], "Vibraslap"),
    drum(59, "rd2", &["ride2"], "Ride Cymbal 2"),
    drum(60, "hbo", &["bongo"], "Hi Bongo"),
    drum(61, "lbo", &[], "Low Bongo"),
    drum(62, "mhc", &[], "Mute Hi Conga"),
    drum(63, "ohc", &["conga"], "Open Hi Conga"),
    drum(64, "lc", &["lconga"], "Low Conga"),
    drum(65, "hti", &["timbale"], "High Timbale"),
    drum(66, "lti", &[], "Low Timbale"),
    drum(67, "hag", &["agogo"], "High Agogo"),
    drum(68, "lag", &[], "Low Agogo"),
    drum(69, "cab", &["cabasa"], "Cabasa"),
    drum(70, "ma", &["maracas"], "Maracas"),
    drum(71, "swh", &["whistle"], "Short Whistle"),
    drum(72, "lwh", &[], "Long Whistle"),
    drum(73, "sgu", &["guiro"], "Short Guiro"),
    drum(74, "lgu", &[], "Long Guiro"),
    drum(75, "cl", &["claves"], "Claves"),
    drum(76, "wb", &["hwb", "woodblock"], "Hi Wood Block"),
    drum(77, "lwb", &[], "Low Wood Block"),
    drum(78, "mcu", &["cuica"], "Mute Cuica"),
    drum(79, "ocu", &[], "Open Cuica"),
    drum(80, "tri", &["mtri", "triangle"], "Mute Triangle"),
    drum(81, "otri", &[], "Open Triangle"),
];

/// Every drum name flam understands, canonical names and aliases, for suggestions.
pub const DRUM_NAMES: [&str; 90] = [
    "bd2",
    "kick2",
    "bd",
    "kick",
    "rim",
    "rs",
    "sidestick",
    "sn",
    "sd",
    "snare",
    "cp",
    "clap",
    "sn2",
    "esn",
    "sd2",
    "lft",
    "floortom",
    "hh",
    "ch",
    "hat",
    "hihat",
    "hft",
    "ph",
    "pedal",
    "lt",
    "lowtom",
    "oh",
    "openhat",
    "mt",
    "lmt",
    "hmt",
    "cr",
    "crash",
    "ht",
    "hightom",
    "rd",
    "ride",
    "cn",
    "china",
    "rb",
    "bell",
    "tb",
    "tamb",
    "sp",
    "splash",
    "cb",
    "cowbell",
    "cr2",
    "crash2",
    "vs",
    "vibraslap",
    "rd2",
    "ride2",
    "hbo",
    "bongo",
    "lbo",
    "mhc",
    "ohc",
    "conga",
    "lc",
    "lconga",
    "hti",
    "timbale",
    "lti",
    "hag",
    "agogo",
    "lag",
    "cab",
    "cabasa",
    "ma",
    "maracas",
    "swh",
    "whistle",
    "lwh",
    "sgu",
    "guiro",
    "lgu",
    "cl",
    "claves",
    "wb",
    "hwb",
    "woodblock",
    "lwb",
    "mcu",
    "cuica",
    "ocu",
    "tri",
    "mtri",
    "triangle",
    "otri",
];

/// The lowest key of the General MIDI percussion map.
pub const FIRST_DRUM_NOTE: u8 = 35;
/// The highest key of the General MIDI percussion map.
pub const LAST_DRUM_NOTE: u8 = 81;

/// The percussion key a drum name plays (`bd` → 36, `hh` → 42), ignoring letter case.
pub fn drum_note(name: &str) -> Option<u8> {
    // Asked for every drum hit of every query, so the names are sorted once and searched.
    static BY_NAME: std::sync::OnceLock<Vec<(String, u8)>> = std::sync::OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        let mut names: Vec<(String, u8)> = DRUMS
            .iter()
            .flat_map(|d| {
                std::iter::once(d.name)
                    .chain(d.aliases.iter().copied())
                    .map(move |n| (n.to_ascii_lowercase(), d.note))
            })
            .collect();
        // The first drum to use a name keeps it, as the table's order decides.
        names.sort_by(|a, b| a.0.cmp(&b.0));
        names.dedup_by(|later, first| later.0 == first.0);
        names
    });
    let find = |name: &str| {
        by_name
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| by_name[i].1)
    };
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        find(&name.to_ascii_lowercase())
    } else {
        find(name)
    }
}

/// flam's canonical short name for a percussion key (`36` → `bd`).
pub fn drum_name(note: u8) -> Option<&'static str> {
    drum_entry(note).map(|d| d.name)
}

/// The other names flam accepts for a percussion key (`36` → `kick`).
pub fn drum_aliases(note: u8) -> &'static [&'static str] {
    drum_entry(note).map_or(&[], |d| d.aliases)
}

/// The General MIDI display name of a percussion key (`42` → `Closed Hi-Hat`).
pub fn drum_display_name(note: u8) -> Option<&'static str> {
    drum_entry(note).map(|d| d.display)
}

/// The row of the percussion map for a key.
fn drum_entry(note: u8) -> Option<&'static Drum> {
    let index = note.checked_sub(FIRST_DRUM_NOTE)?;
    DRUMS.get(usize::from(index))
}

/// The 128 General MIDI program names, numbered from 0.
const PROGRAMS: [&str; 128] = [
    "Acoustic Grand Piano",
    "Bright Acoustic Piano",
    "Electric Grand Piano",
    "Honky-tonk Piano",
    "Electric Piano 1",
    "Electric Piano 2",
    "Harpsichord",
    "Clavi",
    "Celesta",
    "Glockenspiel",
    "Music Box",
    "Vibraphone",
    "Marimba",
    "Xylophone",
    "Tubular Bells",
    "Dulcimer",
    "Drawbar Organ",
    "Percussive Organ",
    "Rock Organ",
    "Church Organ",
    "Reed Organ",
    "Accordion",
    "Harmonica",
    "Tango Accordion",
    "Acoustic Guitar (nylon)",
    "Acoustic Guitar (steel)",
    "Electric Guitar (jazz)",
    "Electric Guitar (clean)",
    "Electric Guitar (muted)",
    "Overdriven Guitar",
    "Distortion Guitar",
    "Guitar Harmonics",
    "Acoustic Bass",
    "Electric Bass (finger)",
    "Electric Bass (pick)",
    "Fretless Bass",
    "Slap Bass 1",
    "Slap Bass 2",
    "Synth Bass 1",
    "Synth Bass 2",
    "Violin",
    "Viola",
    "Cello",
    "Contrabass",
    "Tremolo Strings",
    "Pizzicato Strings",
    "Orchestral Harp",
    "Timpani",
    "String Ensemble 1",
    "String Ensemble 2",
    "Synth Strings 1",
    "Synth Strings 2",
    "Choir Aahs",
    "Voice Oohs",
    "Synth Voice",
    "Orchestra Hit",
    "Trumpet",
    "Trombone",
    "Tuba",
    "Muted Trumpet",
    "French Horn",
    "Brass Section",
    "Synth Brass 1",
    "Synth Brass 2",
    "Soprano Sax",
    "Alto Sax",
    "Tenor Sax",
    "Baritone Sax",
    "Oboe",
    "English Horn",
    "Bassoon",
    "Clarinet",
    "Piccolo",
    "Flute",
    "Recorder",
    "Pan Flute",
    "Blown Bottle",
    "Shakuhachi",
    "Whistle",
    "Ocarina",
    "Lead 1 (square)",
    "Lead 2 (sawtooth)",
    "Lead 3 (calliope)",
    "Lead 4 (chiff)",
    "Lead 5 (charang)",
    "Lead 6 (voice)",
    "Lead 7 (fifths)",
    "Lead 8 (bass + lead)",
    "Pad 1 (new age)",
    "Pad 2 (warm)",
    "Pad 3 (polysynth)",
    "Pad 4 (choir)",
    "Pad 5 (bowed)",
    "Pad 6 (metallic)",
    "Pad 7 (halo)",
    "Pad 8 (sweep)",
    "FX 1 (rain)",
    "FX 2 (soundtrack)",
    "FX 3 (crystal)",
    "FX 4 (atmosphere)",
    "FX 5 (brightness)",
    "FX 6 (goblins)",
    "FX 7 (echoes)",
    "FX 8 (sci-fi)",
    "Sitar",
    "Banjo",
    "Shamisen",
    "Koto",
    "Kalimba",
    "Bag pipe",
    "Fiddle",
    "Shanai",
    "Tinkle Bell",
    "Agogo",
    "Steel Drums",
    "Woodblock",
    "Taiko Drum",
    "Melodic Tom",
    "Synth Drum",
    "Reverse Cymbal",
    "Guitar Fret Noise",
    "Breath Noise",
    "Seashore",
    "Bird Tweet",
    "Telephone Ring",
    "Helicopter",
    "Applause",
    "Gunshot",
];

/// Short names for the programs people reach for most, on top of the kebab-case names.
pub const PROGRAM_ALIASES: [(&str, u8); 24] = [
    ("piano", 0),
    ("grand", 0),
    ("epiano", 4),
    ("rhodes", 4),
    ("clav", 7),
    ("vibes", 11),
    ("bells", 14),
    ("organ", 16),
    ("guitar", 24),
    ("bass", 33),
    ("synth-bass", 38),
    ("strings", 48),
    ("synth-strings", 50),
    ("choir", 52),
    ("brass", 61),
    ("sax", 65),
    ("lead", 80),
    ("square", 80),
    ("saw", 81),
    ("sawtooth", 81),
    ("pad", 89),
    ("warm-pad", 89),
    ("sweep", 95),
    ("harp", 46),
];

/// The kebab-case lookup name of every program, in program order (`acoustic-grand-piano`).
static PROGRAM_KEYS: LazyLock<Vec<String>> =
    LazyLock::new(|| PROGRAMS.iter().map(|name| kebab_case(name)).collect());

/// Lower-cases `text` and joins its words with single hyphens, dropping punctuation, so
/// `Lead 8 (bass + lead)` becomes `lead-8-bass-lead`.
pub fn kebab_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The 0-based program number for a kebab-case program name or alias; any spelling that
/// reduces to the same kebab case works too (`Acoustic Grand Piano`, `acoustic_grand_piano`).
pub fn program_by_name(name: &str) -> Option<u8> {
    let key = kebab_case(name);
    if let Some((_, program)) = PROGRAM_ALIASES.iter().find(|(alias, _)| *alias == key) {
        return Some(*program);
    }
    PROGRAM_KEYS
        .iter()
        .position(|k| *k == key)
        .and_then(|i| u8::try_from(i).ok())
}

/// The General MIDI display name of a program; numbers above 127 wrap, as MIDI keeps 7 bits.
pub fn program_name(program: u8) -> &'static str {
    PROGRAMS[usize::from(program & 0x7f)]
}

/// Every name [`program_by_name`] accepts in kebab case, aliases first, for suggestions.
pub fn program_names() -> Vec<&'static str> {
    PROGRAM_ALIASES
        .iter()
        .map(|(alias, _)| *alias)
        .chain(PROGRAM_KEYS.iter().map(String::as_str))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kick_is_thirty_six_and_the_closed_hat_forty_two() {
        assert_eq!(drum_note("bd"), Some(36));
        assert_eq!(drum_note("kick"), Some(36));
        assert_eq!(drum_note("hh"), Some(42));
        assert_eq!(drum_note("ch"), Some(42));
        assert_eq!(drum_note("oh"), Some(46));
        assert_eq!(drum_note("BD"), Some(36));
    }

    #[test]
    fn snares_claps_and_rimshots_sit_between_the_kicks_and_hats() {
        assert_eq!(drum_note("bd2"), Some(35));
        assert_eq!(drum_note("kick2"), Some(35));
        assert_eq!(drum_note("rim"), Some(37));
        assert_eq!(drum_note("rs"), Some(37));
        assert_eq!(drum_note("sidestick"), Some(37));
        assert_eq!(drum_note("sn"), Some(38));
        assert_eq!(drum_note("sd"), Some(38));
        assert_eq!(drum_note("cp"), Some(39));
        assert_eq!(drum_note("sn2"), Some(40));
        assert_eq!(drum_note("esn"), Some(40));
    }

    #[test]
    fn toms_run_from_low_floor_to_high() {
        let toms = ["lft", "hft", "lt", "mt", "hmt", "ht"];
        let notes: Vec<u8> = toms.iter().filter_map(|t| drum_note(t)).collect();
        assert_eq!(notes, vec![41, 43, 45, 47, 48, 50]);
    }

    #[test]
    fn cymbals_and_hand_percussion_follow_general_midi() {
        let expected = [
            ("cr", 49),
            ("rd", 51),
            ("cn", 52),
            ("rb", 53),
            ("tb", 54),
            ("sp", 55),
            ("cb", 56),
            ("cr2", 57),
            ("vs", 58),
            ("rd2", 59),
            ("cl", 75),
            ("wb", 76),
            ("hwb", 76),
            ("lwb", 77),
            ("tri", 80),
            ("otri", 81),
        ];
        for (name, note) in expected {
            assert_eq!(drum_note(name), Some(note), "{name}");
        }
    }

    #[test]
    fn every_percussion_key_has_a_canonical_name_that_maps_back() {
        for note in FIRST_DRUM_NOTE..=LAST_DRUM_NOTE {
            let name = drum_name(note);
            assert!(name.is_some(), "{note}");
            assert_eq!(name.and_then(drum_note), Some(note));
            assert!(drum_display_name(note).is_some());
        }
        assert_eq!(drum_name(34), None);
        assert_eq!(drum_name(82), None);
        assert_eq!(drum_display_name(42), Some("Closed Hi-Hat"));
    }

    #[test]
    fn a_drum_key_lists_the_other_names_it_answers_to() {
        assert!(drum_aliases(36).contains(&"kick"), "{:?}", drum_aliases(36));
        assert!(drum_aliases(42).contains(&"ch"), "{:?}", drum_aliases(42));
        assert!(
            !drum_aliases(36).contains(&"bd"),
            "the canonical name is not an alias"
        );
        for note in FIRST_DRUM_NOTE..=LAST_DRUM_NOTE {
            for alias in drum_aliases(note) {
                assert_eq!(drum_note(alias), Some(note), "{alias}");
            }
        }
        assert!(drum_aliases(34).is_empty());
        assert!(drum_aliases(82).is_empty());
    }

    #[test]
    fn the_suggestion_list_holds_every_drum_name_once() {
        let mut listed: Vec<&str> = DRUMS
            .iter()
            .flat_map(|d| std::iter::once(d.name).chain(d.aliases.iter().copied()))
            .collect();
        let mut names = DRUM_NAMES.to_vec();
        names.sort_unstable();
        listed.sort_unstable();
        assert_eq!(names, listed);
        names.dedup();
        assert_eq!(names.len(), DRUM_NAMES.len());
    }

    #[test]
    fn programs_are_found_by_kebab_case_name() {
        assert_eq!(program_by_name("acoustic-grand-piano"), Some(0));
        assert_eq!(program_by_name("Acoustic Grand Piano"), Some(0));
        assert_eq!(program_by_name("honky-tonk-piano"), Some(3));
        assert_eq!(program_by_name("lead-8-bass-lead"), Some(87));
        assert_eq!(program_by_name("fx-8-sci-fi"), Some(103));
        assert_eq!(program_by_name("gunshot"), Some(127));
        assert_eq!(program_by_name("kazoo"), None);
    }

    #[test]
    fn friendly_aliases_pick_the_usual_sounds() {
        assert_eq!(program_by_name("piano"), Some(0));
        assert_eq!(program_by_name("epiano"), Some(4));
        assert_eq!(program_by_name("organ"), Some(16));
        assert_eq!(program_by_name("bass"), Some(33));
        assert_eq!(program_by_name("strings"), Some(48));
        assert_eq!(program_by_name("pad"), Some(89));
        assert_eq!(program_by_name("lead"), Some(80));
        assert_eq!(program_by_name("saw"), Some(81));
    }

    #[test]
    fn program_names_read_like_the_general_midi_list() {
        assert_eq!(program_name(0), "Acoustic Grand Piano");
        assert_eq!(program_name(40), "Violin");
        assert_eq!(program_name(127), "Gunshot");
        for program in 0..=127u8 {
            assert_eq!(program_by_name(program_name(program)), Some(program));
        }
    }

    #[test]
    fn aliases_do_not_shadow_a_program_name() {
        let keys: Vec<String> = PROGRAMS.iter().map(|p| kebab_case(p)).collect();
        for (alias, _) in PROGRAM_ALIASES {
            assert!(!keys.iter().any(|k| k == alias), "{alias}");
        }
        assert_eq!(program_names().len(), 128 + PROGRAM_ALIASES.len());
    }
}
