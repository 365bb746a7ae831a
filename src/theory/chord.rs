//! Chords: symbols such as `maj7` or `m7b5` as intervals, and the `ROOT:QUALITY:MODIFIER…`
//! chord text (`c4:maj7:ii`) that mini-notation hands over as the parts of a `:` list.

use super::note::{PITCH_CLASS_SPELLINGS, note_name, parse_note_default_octave};
use super::suggest::{close_matches, nearest};

/// The octave of a root written without one: Strudel's `c` in a chord is c3.
pub const DEFAULT_CHORD_OCTAVE: i8 = 3;
/// The most inversions a modifier may ask for (`inv1` to `inv6`, enough for a 13th chord).
pub const MAX_INVERSION: u32 = 6;
/// The furthest an octave shift may move a chord (`o-4` to `o+4`).
pub const MAX_OCTAVE_SHIFT: i32 = 4;

/// Every chord quality: its names (the first is the one shown in docs) and its intervals in
/// semitones from the root.
const QUALITIES: [(&[&str], &[u8]); 32] = [
    (&["maj", "M", "", "major"], &[0, 4, 7]),
    (&["m", "min", "minor", "-"], &[0, 3, 7]),
    (&["7", "dom7"], &[0, 4, 7, 10]),
    (&["maj7", "M7", "^7"], &[0, 4, 7, 11]),
    (&["m7", "min7", "-7"], &[0, 3, 7, 10]),
    (&["mmaj7", "mM7", "minmaj7"], &[0, 3, 7, 11]),
    (&["dim", "o"], &[0, 3, 6]),
    (&["dim7", "o7"], &[0, 3, 6, 9]),
    (&["m7b5", "ø", "half-dim"], &[0, 3, 6, 10]),
    (&["aug", "+"], &[0, 4, 8]),
    (&["aug7", "7#5", "+7"], &[0, 4, 8, 10]),
    (&["sus2"], &[0, 2, 7]),
    (&["sus4", "sus"], &[0, 5, 7]),
    (&["7sus4", "7sus"], &[0, 5, 7, 10]),
    (&["7sus2"], &[0, 2, 7, 10]),
    (&["5", "power"], &[0, 7]),
    (&["6", "maj6", "M6"], &[0, 4, 7, 9]),
    (&["m6", "min6"], &[0, 3, 7, 9]),
    (&["69", "six9"], &[0, 4, 7, 9, 14]),
    (&["9", "dom9"], &[0, 4, 7, 10, 14]),
    (&["maj9", "M9"], &[0, 4, 7, 11, 14]),
    (&["m9", "min9"], &[0, 3, 7, 10, 14]),
    (&["add9", "add2"], &[0, 4, 7, 14]),
    (&["madd9", "madd2"], &[0, 3, 7, 14]),
    (&["7b9"], &[0, 4, 7, 10, 13]),
    (&["7#9"], &[0, 4, 7, 10, 15]),
    (&["11", "dom11"], &[0, 4, 7, 10, 14, 17]),
    (&["maj11", "M11"], &[0, 4, 7, 11, 14, 17]),
    (&["m11", "min11"], &[0, 3, 7, 10, 14, 17]),
    (&["13", "dom13"], &[0, 4, 7, 10, 14, 17, 21]),
    (&["maj13", "M13"], &[0, 4, 7, 11, 14, 17, 21]),
    (&["m13", "min13"], &[0, 3, 7, 10, 14, 17, 21]),
];

/// The modifiers a chord may take after its quality, for docs and suggestions.
pub const CHORD_MODIFIERS: [&str; 14] = [
    "i", "ii", "iii", "inv1", "inv2", "inv3", "drop2", "drop3", "o+1", "o-1", "o+2", "o-2", "up",
    "down",
];

/// The intervals in semitones above the root of a chord quality (`m7` → 0 3 7 10).
pub fn chord_intervals(quality: &str) -> Option<&'static [u8]> {
    QUALITIES
        .iter()
        .find(|(names, _)| names.contains(&quality))
        .map(|(_, intervals)| *intervals)
}

/// Every chord quality name flam knows, aliases included (the empty name is plain major).
pub fn chord_names() -> Vec<&'static str> {
    QUALITIES
        .iter()
        .flat_map(|(names, _)| names.iter().copied())
        .collect()
}

/// Why chord text was refused: what is wrong, and a hint at what would work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChordError {
    /// What is wrong, quoting the text given.
    pub message: String,
    /// What to write instead, such as the closest known qualities.
    pub hint: String,
}

impl ChordError {
    /// An error with its hint.
    fn new(message: impl Into<String>, hint: impl Into<String>) -> ChordError {
        ChordError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for ChordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

impl std::error::Error for ChordError {}

/// A chord as the MIDI notes it sounds, lowest first.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Chord {
    /// The MIDI note numbers, sorted from low to high.
    pub notes: Vec<u8>,
}

impl Chord {
    /// Parses the parts of chord text, as [`parse_chord_parts`] does.
    pub fn parse(parts: &[&str]) -> Result<Chord, ChordError> {
        parse_chord_parts(parts).map(|notes| Chord { notes })
    }

    /// The chord of a quality built on a MIDI root, or an error when a note would leave 0–127.
    pub fn build(root: u8, quality: &str) -> Result<Chord, ChordError> {
        let intervals = chord_intervals(quality).ok_or_else(|| unknown_quality(quality))?;
        stack(root, quality, intervals).map(|notes| Chord { notes })
    }
}

/// Parses chord text such as `c4:maj7:ii` split at its colons.
pub fn parse_chord(text: &str) -> Result<Vec<u8>, ChordError> {
    let parts: Vec<&str> = text.split(':').collect();
    parse_chord_parts(&parts)
}

/// The sorted MIDI notes of chord text given as its `:` parts: `ROOT[:QUALITY[:MODIFIER…]]`.
///
/// ROOT is a note name, in octave 3 when none is written (`c` is c3, as in Strudel). QUALITY is
/// one of [`chord_names`], major when left out. Modifiers apply in the order written:
/// `i`/`ii`/`iii` or `inv1`…`inv6` move the lowest note up an octave that many times, `drop2`
/// and `drop3` move the second or third highest note down an octave, and `o+N`/`o-N` (or `up`
/// and `down`) shift the whole chord by octaves. A modifier may also stand in the quality's
/// place (`c4:ii` is a C major triad in second inversion).
pub fn parse_chord_parts(parts: &[&str]) -> Result<Vec<u8>, ChordError> {
    let Some((root_text, rest)) = parts.split_first() else {
        return Err(ChordError::new(
            "a chord needs a root",
            "write a note name, for example c4:maj7",
        ));
    };
    let root = parse_note_default_octave(root_text, DEFAULT_CHORD_OCTAVE)
        .ok_or_else(|| unknown_root(root_text))?;
    let (intervals, modifiers) = match rest.split_first() {
        None => (major(), rest),
        Some((quality, modifiers)) => match chord_intervals(quality) {
            Some(intervals) => (intervals, modifiers),
            None if parse_modifier(quality).is_some() => (major(), rest),
            None => return Err(unknown_quality(quality)),
        },
    };
    let mut notes: Vec<i32> = intervals
        .iter()
        .map(|i| i32::from(root) + i32::from(*i))
        .collect();
    for text in modifiers {
        let modifier = parse_modifier(text).ok_or_else(|| unknown_modifier(text))?;
        modifier.apply(&mut notes);
    }
    to_midi(notes, || parts.join(":"))
}

/// The plain major triad, for chords written without a quality.
fn major() -> &'static [u8] {
    &[0, 4, 7]
}

/// The notes of `intervals` stacked on `root`, checked against the MIDI range.
fn stack(root: u8, quality: &str, intervals: &[u8]) -> Result<Vec<u8>, ChordError> {
    let notes = intervals
        .iter()
        .map(|i| i32::from(root) + i32::from(*i))
        .collect();
    to_midi(notes, || format!("{}:{quality}", note_name(root)))
}

/// Sorts the notes and checks each is a MIDI note; `label` names the chord in errors (it is
/// written only then: chords are parsed at every query of an arpeggiated track).
fn to_midi(mut notes: Vec<i32>, label: impl Fn() -> String) -> Result<Vec<u8>, ChordError> {
    notes.sort_unstable();
    notes
        .iter()
        .map(|&n| {
            u8::try_from(n).ok().filter(|n| *n <= 127).ok_or_else(|| {
                ChordError::new(
                    format!(
                        "chord `{}` has a note outside the MIDI range 0–127 (got {n})",
                        label()
                    ),
                    "use a lower or higher root octave, or fewer octave shifts",
                )
            })
        })
        .collect()
}

/// What one chord modifier does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    /// Move the lowest note up an octave this many times.
    Invert(u32),
    /// Move the nth highest note (2 for drop 2) down an octave.
    Drop(usize),
    /// Move every note by this many octaves.
    Octave(i32),
}

impl Modifier {
    /// Applies the modifier, keeping the notes sorted.
    fn apply(self, notes: &mut Vec<i32>) {
        notes.sort_unstable();
        match self {
            Modifier::Invert(times) => {
                for _ in 0..times {
                    if notes.is_empty() {
                        break;
                    }
                    let lowest = notes.remove(0);
                    notes.push(lowest + 12);
                }
            }
            Modifier::Drop(nth) => {
                if let Some(i) = notes.len().checked_sub(nth) {
                    notes[i] -= 12;
                }
            }
            Modifier::Octave(shift) => notes.iter_mut().for_each(|n| *n += 12 * shift),
        }
        notes.sort_unstable();
    }
}

/// Reads a modifier (`ii`, `inv2`, `drop2`, `o+1`, `up`).
fn parse_modifier(text: &str) -> Option<Modifier> {
    match text {
        "i" => return Some(Modifier::Invert(1)),
        "ii" => return Some(Modifier::Invert(2)),
        "iii" => return Some(Modifier::Invert(3)),
        "drop2" => return Some(Modifier::Drop(2)),
        "drop3" => return Some(Modifier::Drop(3)),
        "up" => return Some(Modifier::Octave(1)),
        "down" => return Some(Modifier::Octave(-1)),
        _ => {}
    }
    if let Some(count) = text.strip_prefix("inv") {
        let count: u32 = count.parse().ok()?;
        return (1..=MAX_INVERSION)
            .contains(&count)
            .then_some(Modifier::Invert(count));
    }
    let shift = text.strip_prefix('o')?;
    if !shift.starts_with(['+', '-']) {
        return None;
    }
    let shift: i32 = shift.parse().ok()?;
    (shift.abs() <= MAX_OCTAVE_SHIFT).then_some(Modifier::Octave(shift))
}

/// The error for a root that is not a note name.
fn unknown_root(text: &str) -> ChordError {
    let lower = text.to_ascii_lowercase();
    let letters = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    // A single wrong letter is one edit from every natural, so suggesting one would be noise.
    let close = if letters.len() > 1 {
        nearest(letters, PITCH_CLASS_SPELLINGS)
    } else {
        None
    };
    let hint = match close {
        Some(close) => {
            format!("did you mean `{close}`? A root is a note name such as c, eb or f#4")
        }
        None => "a root is a note name such as c, eb or f#4, in octaves -1 to 9".to_string(),
    };
    ChordError::new(format!("`{text}` is not a chord root"), hint)
}

/// The error for an unknown quality, suggesting the closest known ones.
fn unknown_quality(text: &str) -> ChordError {
    let names = chord_names();
    let close = close_matches(text, names.iter().copied().filter(|n| !n.is_empty()), 5);
    let hint = if close.is_empty() {
        format!(
            "known qualities: {}",
            names
                .iter()
                .filter(|n| !n.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        )
    } else {
        format!("did you mean {}?", quoted(&close))
    };
    ChordError::new(format!("unknown chord quality `{text}`"), hint)
}

/// The error for an unknown modifier, naming the allowed ones and their ranges.
fn unknown_modifier(text: &str) -> ChordError {
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if text.strip_prefix("inv").is_some_and(is_number) {
        return ChordError::new(
            format!("chord inversion `{text}` is out of range"),
            format!("inversions go from inv1 to inv{MAX_INVERSION}"),
        );
    }
    if text
        .strip_prefix("o+")
        .or_else(|| text.strip_prefix("o-"))
        .is_some_and(is_number)
    {
        return ChordError::new(
            format!("chord octave shift `{text}` is out of range"),
            format!("octave shifts go from o-{MAX_OCTAVE_SHIFT} to o+{MAX_OCTAVE_SHIFT}"),
        );
    }
    let hint = match nearest(text, CHORD_MODIFIERS) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "modifiers are i, ii, iii, inv1–inv{MAX_INVERSION}, drop2, drop3, \
             o-{MAX_OCTAVE_SHIFT}–o+{MAX_OCTAVE_SHIFT}, up and down"
        ),
    };
    ChordError::new(format!("unknown chord modifier `{text}`"), hint)
}

/// Words as `a`, `b` or `c` for a hint.
fn quoted(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chord(text: &str) -> Vec<u8> {
        parse_chord(text).unwrap()
    }

    #[test]
    fn c_major_seventh_is_c_e_g_b() {
        assert_eq!(chord("c4:maj7"), vec![60, 64, 67, 71]);
        assert_eq!(chord("c4:M7"), vec![60, 64, 67, 71]);
    }

    #[test]
    fn a_bare_root_is_a_major_triad_in_octave_three() {
        assert_eq!(chord("c"), vec![48, 52, 55]);
        assert_eq!(chord("c:"), vec![48, 52, 55]);
        assert_eq!(chord("c:M"), vec![48, 52, 55]);
        assert_eq!(chord("eb4:maj"), vec![63, 67, 70]);
    }

    #[test]
    fn minor_and_dominant_sevenths_flatten_the_right_notes() {
        assert_eq!(chord("a3:m"), vec![57, 60, 64]);
        assert_eq!(chord("g3:7"), vec![55, 59, 62, 65]);
        assert_eq!(chord("d4:m7"), vec![62, 65, 69, 72]);
        assert_eq!(chord("b3:m7b5"), vec![59, 62, 65, 69]);
    }

    #[test]
    fn diminished_augmented_and_suspended_triads() {
        assert_eq!(chord("b3:dim"), vec![59, 62, 65]);
        assert_eq!(chord("b3:dim7"), vec![59, 62, 65, 68]);
        assert_eq!(chord("c4:aug"), vec![60, 64, 68]);
        assert_eq!(chord("c4:+"), vec![60, 64, 68]);
        assert_eq!(chord("c4:sus2"), vec![60, 62, 67]);
        assert_eq!(chord("c4:sus4"), vec![60, 65, 67]);
        assert_eq!(chord("g3:7sus4"), vec![55, 60, 62, 65]);
    }

    #[test]
    fn a_power_chord_is_root_and_fifth() {
        assert_eq!(chord("e2:5"), vec![40, 47]);
    }

    #[test]
    fn sixths_and_extended_chords_stack_above_the_octave() {
        assert_eq!(chord("c4:6"), vec![60, 64, 67, 69]);
        assert_eq!(chord("c4:m6"), vec![60, 63, 67, 69]);
        assert_eq!(chord("c4:9"), vec![60, 64, 67, 70, 74]);
        assert_eq!(chord("c4:maj9"), vec![60, 64, 67, 71, 74]);
        assert_eq!(chord("c4:m9"), vec![60, 63, 67, 70, 74]);
        assert_eq!(chord("c4:add9"), vec![60, 64, 67, 74]);
        assert_eq!(chord("c4:11"), vec![60, 64, 67, 70, 74, 77]);
        assert_eq!(chord("c4:13"), vec![60, 64, 67, 70, 74, 77, 81]);
    }

    #[test]
    fn c_major_seventh_first_inversion_starts_on_e() {
        assert_eq!(chord("c4:maj7:i"), vec![64, 67, 71, 72]);
        assert_eq!(chord("c4:maj7:inv1"), vec![64, 67, 71, 72]);
    }

    #[test]
    fn c_major_seventh_second_inversion_starts_on_g() {
        assert_eq!(chord("c4:maj7:ii"), vec![67, 71, 72, 76]);
        assert_eq!(chord("c4:maj7:inv2"), vec![67, 71, 72, 76]);
    }

    #[test]
    fn c_major_seventh_third_inversion_starts_on_b() {
        assert_eq!(chord("c4:maj7:iii"), vec![71, 72, 76, 79]);
    }

    #[test]
    fn an_inversion_may_stand_in_for_the_quality() {
        assert_eq!(chord("c4:ii"), vec![67, 72, 76]);
    }

    #[test]
    fn drop2_lowers_the_second_highest_note_an_octave() {
        // C E G B → G dropped: G3 C4 E4 B4.
        assert_eq!(chord("c4:maj7:drop2"), vec![55, 60, 64, 71]);
        assert_eq!(chord("c4:maj7:drop3"), vec![52, 60, 67, 71]);
    }

    #[test]
    fn octave_shifts_move_the_whole_chord() {
        assert_eq!(chord("c4:m:o+1"), vec![72, 75, 79]);
        assert_eq!(chord("c4:m:up"), vec![72, 75, 79]);
        assert_eq!(chord("c4:m:o-1"), vec![48, 51, 55]);
        assert_eq!(chord("c4:m:down"), vec![48, 51, 55]);
    }

    #[test]
    fn modifiers_apply_in_the_order_written() {
        assert_eq!(chord("c4:maj7:i:drop2"), vec![59, 64, 67, 72]);
        assert_eq!(chord("c4:maj7:drop2:i"), vec![60, 64, 67, 71]);
    }

    #[test]
    fn a_misspelled_quality_suggests_close_ones() {
        let err = parse_chord("c4:maj8").unwrap_err();
        assert_eq!(err.message, "unknown chord quality `maj8`");
        assert!(err.hint.contains("`maj7`"), "{}", err.hint);
        assert!(err.hint.contains("`maj9`"), "{}", err.hint);
    }

    #[test]
    fn a_quality_with_no_near_match_lists_them_all() {
        let err = parse_chord("c4:xylophone").unwrap_err();
        assert!(
            err.hint.starts_with("known qualities: maj M major"),
            "{}",
            err.hint
        );
    }

    #[test]
    fn a_bad_root_or_modifier_is_named() {
        let err = parse_chord("h4:maj").unwrap_err();
        assert_eq!(err.message, "`h4` is not a chord root");
        let err = parse_chord("c4:maj:inv9").unwrap_err();
        assert_eq!(err.message, "chord inversion `inv9` is out of range");
        assert_eq!(err.hint, "inversions go from inv1 to inv6");
        let err = parse_chord("c4:maj:o+7").unwrap_err();
        assert_eq!(err.hint, "octave shifts go from o-4 to o+4");
        let err = parse_chord("c4:maj:sideways").unwrap_err();
        assert_eq!(err.message, "unknown chord modifier `sideways`");
        assert!(err.hint.contains("inv1–inv6"), "{}", err.hint);
        let err = parse_chord("c4:maj:drop").unwrap_err();
        assert_eq!(err.hint, "did you mean `drop2`?");
        assert!(parse_chord_parts(&[]).is_err());
    }

    #[test]
    fn octave_shifts_of_two_or_more_move_by_that_many_octaves() {
        assert_eq!(chord("c4:m:o+2"), vec![84, 87, 91]);
        assert_eq!(chord("c4:m:o-2"), vec![36, 39, 43]);
        assert_eq!(chord("c4:m:o+0"), vec![60, 63, 67]);
    }

    #[test]
    fn a_misspelled_root_suggests_a_note_name_but_a_wrong_letter_does_not() {
        // Every single wrong letter is one edit from every natural, so it gets the general
        // hint, whatever octave follows; a longer misspelling gets the nearest spelling.
        let general = "a root is a note name such as c, eb or f#4, in octaves -1 to 9";
        // A right letter in an octave out of range gets the general hint too, which names the
        // octaves, not `c#` for `c10`.
        for root in ["h", "h4", "h-1", "x12", "c10", "e-2"] {
            let err = parse_chord(&format!("{root}:maj")).unwrap_err();
            assert_eq!(err.hint, general, "{root}");
        }
        // The octave is not part of the spelling: `gq4` is `g` with a slip, whatever octave.
        for root in ["gq4", "gq-1", "gq"] {
            let err = parse_chord(&format!("{root}:maj")).unwrap_err();
            assert_eq!(err.message, format!("`{root}` is not a chord root"));
            assert_eq!(
                err.hint, "did you mean `g`? A root is a note name such as c, eb or f#4",
                "{root}"
            );
        }
        let err = parse_chord("ebx4:maj").unwrap_err();
        assert!(err.hint.starts_with("did you mean `eb`?"), "{}", err.hint);
    }

    #[test]
    fn an_inversion_or_octave_shift_without_its_number_is_a_slip_not_out_of_range() {
        let err = parse_chord("c4:maj:inv").unwrap_err();
        assert_eq!(err.message, "unknown chord modifier `inv`");
        assert_eq!(err.hint, "did you mean `inv1`?");
        let err = parse_chord("c4:maj:o+").unwrap_err();
        assert_eq!(err.message, "unknown chord modifier `o+`");
        assert_eq!(err.hint, "did you mean `o+1`?");
    }

    #[test]
    fn suggested_qualities_read_as_a_list_with_or_before_the_last() {
        assert_eq!(
            parse_chord("c4:powr").unwrap_err().hint,
            "did you mean `power`?"
        );
        assert_eq!(
            parse_chord("c4:maj8").unwrap_err().hint,
            "did you mean `maj`, `maj7`, `maj6`, `maj9` or `major`?"
        );
    }

    #[test]
    fn a_chord_error_reads_as_what_is_wrong_then_the_hint() {
        let err = parse_chord("c4:maj:drop").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown chord modifier `drop` (did you mean `drop2`?)"
        );
    }

    #[test]
    fn chords_that_leave_the_midi_range_are_refused() {
        let err = parse_chord("g9:maj").unwrap_err();
        assert!(err.message.contains("0–127"), "{}", err.message);
        assert!(parse_chord("c-1:maj:o-1").is_err());
    }

    #[test]
    fn every_quality_name_is_unique_and_starts_on_the_root() {
        let names = chord_names();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} listed twice");
            assert_eq!(chord_intervals(name).and_then(|iv| iv.first()), Some(&0));
        }
        assert_eq!(
            Chord::build(60, "m7"),
            Ok(Chord {
                notes: vec![60, 63, 67, 70]
            })
        );
    }

    proptest! {
        #[test]
        fn inversions_keep_the_pitch_classes(
            root in 36u8..72,
            quality in proptest::sample::select(chord_names()),
            inversion in 1u32..=MAX_INVERSION,
        ) {
            let root_name = crate::theory::note::note_name(root);
            let plain = parse_chord_parts(&[&root_name, quality]).unwrap();
            let inv = format!("inv{inversion}");
            let inverted = parse_chord_parts(&[&root_name, quality, &inv]).unwrap();
            let classes = |notes: &[u8]| {
                let mut pcs: Vec<u8> = notes.iter().map(|n| n % 12).collect();
                pcs.sort_unstable();
                pcs
            };
            prop_assert_eq!(classes(&plain), classes(&inverted));
            prop_assert_eq!(plain.len(), inverted.len());
            prop_assert!(inverted.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
