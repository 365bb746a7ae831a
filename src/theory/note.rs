//! Note names and MIDI note numbers: `c4` is 60, `eb3` is 51, `c-1` is 0, `g9` is 127.

/// The lowest octave a note name may give (`c-1` is MIDI note 0).
pub const MIN_OCTAVE: i8 = -1;
/// The highest octave a note name may give (`g9` is MIDI note 127).
pub const MAX_OCTAVE: i8 = 9;

/// Every pitch-class spelling a note name may start with, for "did you mean" suggestions:
/// naturals, sharps (`#`, `s`), flats (`b`, `f`, as Tidal writes them) and their doubles.
pub const PITCH_CLASS_SPELLINGS: [&str; 63] = [
    "c", "c#", "cs", "cb", "cf", "c##", "css", "cbb", "cff", //
    "d", "d#", "ds", "db", "df", "d##", "dss", "dbb", "dff", //
    "e", "e#", "es", "eb", "ef", "e##", "ess", "ebb", "eff", //
    "f", "f#", "fs", "fb", "ff", "f##", "fss", "fbb", "fff", //
    "g", "g#", "gs", "gb", "gf", "g##", "gss", "gbb", "gff", //
    "a", "a#", "as", "ab", "af", "a##", "ass", "abb", "aff", //
    "b", "b#", "bs", "bb", "bf", "b##", "bss", "bbb", "bff", //
];

/// Sharp spellings of the twelve pitch classes, as [`note_name`] writes them.
const SHARP_NAMES: [&str; 12] = [
    "c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b",
];

/// Semitones above C of a natural note letter.
fn letter_semitones(letter: char) -> Option<i32> {
    match letter {
        'c' => Some(0),
        'd' => Some(2),
        'e' => Some(4),
        'f' => Some(5),
        'g' => Some(7),
        'a' => Some(9),
        'b' => Some(11),
        _ => None,
    }
}

/// Reads a pitch class with accidentals (`c`, `eb`, `f##`), in semitones from C (may fall
/// outside 0..12 for `cb` or `b#`), and returns the rest of the text.
fn parse_pitch_class(text: &str) -> Option<(i32, &str)> {
    let mut chars = text.chars();
    let semitones = letter_semitones(chars.next()?)?;
    let rest = chars.as_str();
    let accidentals = rest.len() - rest.trim_start_matches(['#', 's', 'b', 'f']).len();
    let (marks, rest) = rest.split_at(accidentals);
    // Mixed marks such as `c#b` are almost certainly a typo, so they are refused.
    let shift = match marks {
        "" => 0,
        "#" | "s" => 1,
        "##" | "ss" => 2,
        "b" | "f" => -1,
        "bb" | "ff" => -2,
        _ => return None,
    };
    Some((semitones + shift, rest))
}

/// Reads an octave number, -1 to 9.
fn parse_octave(text: &str) -> Option<i8> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.len() != 1 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let octave: i8 = text.parse().ok()?;
    (MIN_OCTAVE..=MAX_OCTAVE)
        .contains(&octave)
        .then_some(octave)
}

/// The MIDI number of a pitch class in an octave, if it is 0–127.
fn midi_number(pitch_class: i32, octave: i8) -> Option<u8> {
    let number = (i32::from(octave) + 1) * 12 + pitch_class;
    u8::try_from(number).ok().filter(|n| *n <= 127)
}

/// The MIDI number of a note name with its octave (`c4` → 60, `Eb3` → 51, `cs-1` → 1).
pub fn parse_note(text: &str) -> Option<u8> {
    let lower = text.to_ascii_lowercase();
    let (pitch_class, rest) = parse_pitch_class(&lower)?;
    midi_number(pitch_class, parse_octave(rest)?)
}

/// The MIDI number of a note name, using `default_octave` when none is written (`eb` → 51
/// with default octave 3).
pub fn parse_note_default_octave(text: &str, default_octave: i8) -> Option<u8> {
    let lower = text.to_ascii_lowercase();
    let (pitch_class, rest) = parse_pitch_class(&lower)?;
    let octave = if rest.is_empty() {
        default_octave
    } else {
        parse_octave(rest)?
    };
    midi_number(pitch_class, octave)
}

/// The name of a MIDI note with sharps and its octave (`61` → `c#4`, `0` → `c-1`).
pub fn note_name(note: u8) -> String {
    let octave = i32::from(note / 12) - 1;
    format!("{}{}", SHARP_NAMES[usize::from(note % 12)], octave)
}

/// The sharp spelling of a MIDI note's pitch class, without octave (`61` → `c#`).
pub fn pitch_class_name(note: u8) -> &'static str {
    SHARP_NAMES[usize::from(note % 12)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn middle_c_is_sixty() {
        assert_eq!(parse_note("c4"), Some(60));
        assert_eq!(parse_note("C4"), Some(60));
        assert_eq!(parse_note("a4"), Some(69));
    }

    #[test]
    fn sharps_are_written_with_hash_or_s() {
        assert_eq!(parse_note("c#4"), Some(61));
        assert_eq!(parse_note("cs4"), Some(61));
        assert_eq!(parse_note("F#2"), Some(42));
    }

    #[test]
    fn flats_are_written_with_b_or_tidal_f() {
        assert_eq!(parse_note("eb3"), Some(51));
        assert_eq!(parse_note("bb2"), Some(46));
        assert_eq!(parse_note("ef3"), Some(51));
        assert_eq!(parse_note("Bb2"), Some(46));
    }

    #[test]
    fn double_sharps_and_flats_move_a_whole_tone() {
        assert_eq!(parse_note("c##4"), Some(62));
        assert_eq!(parse_note("dbb4"), Some(60));
        assert_eq!(parse_note("bbb3"), Some(57));
    }

    #[test]
    fn b_sharp_and_c_flat_cross_the_octave_line() {
        assert_eq!(parse_note("b#3"), Some(60));
        assert_eq!(parse_note("cb4"), Some(59));
    }

    #[test]
    fn the_midi_range_runs_from_c_minus_one_to_g_nine() {
        assert_eq!(parse_note("c-1"), Some(0));
        assert_eq!(parse_note("g9"), Some(127));
        assert_eq!(parse_note("g#9"), None);
        assert_eq!(parse_note("cb-1"), None);
        assert_eq!(parse_note("c10"), None);
        assert_eq!(parse_note("c-2"), None);
    }

    #[test]
    fn a_note_without_octave_needs_a_default() {
        assert_eq!(parse_note("c"), None);
        assert_eq!(parse_note_default_octave("c", 3), Some(48));
        assert_eq!(parse_note_default_octave("eb", 3), Some(51));
        assert_eq!(parse_note_default_octave("e5", 3), Some(76));
        assert_eq!(parse_note_default_octave("c", 11), None);
    }

    #[test]
    fn words_that_are_not_notes_are_refused() {
        for text in ["", "h4", "bd", "c#b4", "c4x", "c 4", "#4", "c+4", "c04"] {
            assert_eq!(parse_note(text), None, "{text}");
        }
    }

    #[test]
    fn names_use_sharps() {
        assert_eq!(note_name(60), "c4");
        assert_eq!(note_name(61), "c#4");
        assert_eq!(note_name(0), "c-1");
        assert_eq!(note_name(127), "g9");
        assert_eq!(pitch_class_name(70), "a#");
    }

    #[test]
    fn every_listed_spelling_is_a_pitch_class() {
        for spelling in PITCH_CLASS_SPELLINGS {
            assert!(
                parse_note_default_octave(spelling, 4).is_some(),
                "{spelling}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_midi_note_survives_a_round_trip_through_its_name(note in 0u8..=127) {
            prop_assert_eq!(parse_note(&note_name(note)), Some(note));
        }
    }
}
