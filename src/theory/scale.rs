//! Scales and modes, and the scale degrees that Strudel's `scale("C:minor")` turns `n` into.

use super::note::parse_note_default_octave;
use super::suggest::close_matches;

/// The octave of a scale root written without one, as for chords (`c` is c3).
pub const DEFAULT_SCALE_OCTAVE: i8 = 3;

/// A scale: its name and its steps in semitones above the root, within one octave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scale {
    /// The scale's canonical name (`harmonic-minor`).
    pub name: &'static str,
    /// Semitones above the root of each degree, rising, starting with 0.
    pub intervals: &'static [u8],
}

/// Every scale: its canonical name first, then other names it answers to. These are the
/// scales of Strudel's tonal package that musicians reach for, with its step patterns.
const SCALES: [(&[&str], &[u8]); 56] = [
    (&["major", "ionian"], &[0, 2, 4, 5, 7, 9, 11]),
    (&["minor", "aeolian"], &[0, 2, 3, 5, 7, 8, 10]),
    (&["dorian"], &[0, 2, 3, 5, 7, 9, 10]),
    (&["phrygian"], &[0, 1, 3, 5, 7, 8, 10]),
    (&["lydian"], &[0, 2, 4, 6, 7, 9, 11]),
    (&["mixolydian"], &[0, 2, 4, 5, 7, 9, 10]),
    (&["locrian"], &[0, 1, 3, 5, 6, 8, 10]),
    (&["harmonic-minor"], &[0, 2, 3, 5, 7, 8, 11]),
    (&["melodic-minor"], &[0, 2, 3, 5, 7, 9, 11]),
    (&["major-pentatonic", "pentatonic"], &[0, 2, 4, 7, 9]),
    (&["minor-pentatonic"], &[0, 3, 5, 7, 10]),
    (&["blues", "minor-blues"], &[0, 3, 5, 6, 7, 10]),
    (&["whole-tone", "wholetone"], &[0, 2, 4, 6, 8, 10]),
    (&["chromatic"], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    (&["major-blues"], &[0, 2, 3, 4, 7, 9]),
    (&["phrygian-dominant", "spanish"], &[0, 1, 4, 5, 7, 8, 10]),
    (&["bebop", "bebop-dominant"], &[0, 2, 4, 5, 7, 9, 10, 11]),
    (&["bebop-major"], &[0, 2, 4, 5, 7, 8, 9, 11]),
    (&["bebop-minor"], &[0, 2, 3, 4, 5, 7, 9, 10]),
    (&["harmonic-major"], &[0, 2, 4, 5, 7, 8, 11]),
    (&["double-harmonic-major"], &[0, 1, 4, 5, 7, 8, 11]),
    (&["hungarian-minor"], &[0, 2, 3, 6, 7, 8, 11]),
    (&["hungarian-major"], &[0, 3, 4, 6, 7, 9, 10]),
    (&["lydian-dominant"], &[0, 2, 4, 6, 7, 9, 10]),
    (&["lydian-augmented"], &[0, 2, 4, 6, 8, 9, 11]),
    (&["altered", "super-locrian"], &[0, 1, 3, 4, 6, 8, 10]),
    (&["locrian-#2", "half-diminished"], &[0, 2, 3, 5, 6, 8, 10]),
    (&["neapolitan-major"], &[0, 1, 3, 5, 7, 9, 11]),
    (&["neapolitan-minor"], &[0, 1, 3, 5, 7, 8, 11]),
    (
        &["diminished", "whole-half-diminished"],
        &[0, 2, 3, 5, 6, 8, 9, 11],
    ),
    (&["augmented"], &[0, 3, 4, 7, 8, 11]),
    (&["ritusen"], &[0, 2, 5, 7, 9]),
    (&["hirajoshi"], &[0, 2, 3, 7, 8]),
    (&["in-sen"], &[0, 1, 5, 7, 10]),
    (&["iwato"], &[0, 1, 5, 6, 10]),
    (&["egyptian"], &[0, 2, 5, 7, 10]),
    (&["persian"], &[0, 1, 4, 5, 6, 8, 11]),
    (&["ionian-pentatonic"], &[0, 4, 5, 7, 11]),
    (&["mixolydian-pentatonic"], &[0, 4, 5, 7, 10]),
    (&["lydian-pentatonic", "chinese"], &[0, 4, 6, 7, 11]),
    (&["locrian-pentatonic"], &[0, 3, 5, 6, 10]),
    (&["minor-six-pentatonic"], &[0, 3, 5, 7, 9]),
    (&["kumoijoshi"], &[0, 1, 5, 7, 8]),
    (&["pelog", "balinese"], &[0, 1, 3, 7, 8]),
    (&["scriabin"], &[0, 1, 4, 7, 9]),
    (&["prometheus"], &[0, 2, 4, 6, 9, 10]),
    (&["six-tone-symmetric"], &[0, 1, 4, 5, 8, 9]),
    (&["enigmatic"], &[0, 1, 4, 6, 8, 10, 11]),
    (&["flamenco"], &[0, 1, 3, 4, 6, 7, 10]),
    (
        &["romanian-minor", "ukrainian-dorian"],
        &[0, 2, 3, 6, 7, 9, 10],
    ),
    (&["oriental"], &[0, 1, 4, 5, 6, 9, 10]),
    (&["leading-whole-tone"], &[0, 2, 4, 6, 8, 10, 11]),
    (&["lydian-minor"], &[0, 2, 4, 6, 7, 8, 10]),
    (&["locrian-major", "arabian"], &[0, 2, 4, 5, 6, 8, 10]),
    (&["dorian-b2", "phrygian-#6"], &[0, 1, 3, 5, 7, 9, 10]),
    (&["mixolydian-b6", "hindu"], &[0, 2, 4, 5, 7, 8, 10]),
];

/// Reduces a scale name to letters and digits, so `harmonic minor`, `harmonicMinor` and
/// `harmonic-minor` all match.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The scale with this name or alias, ignoring case, spaces, hyphens and underscores.
pub fn scale_by_name(name: &str) -> Option<Scale> {
    let key = squash(name);
    SCALES
        .iter()
        .find(|(names, _)| names.iter().any(|n| squash(n) == key))
        .map(|(names, intervals)| Scale {
            name: names[0],
            intervals,
        })
}

/// Every scale name flam knows, aliases included, for docs and suggestions.
pub fn scale_names() -> Vec<&'static str> {
    SCALES
        .iter()
        .flat_map(|(names, _)| names.iter().copied())
        .collect()
}

/// The MIDI note of a scale degree above `root`: degree 0 is the root, degrees past the end
/// carry on into the octaves above and negative degrees count down below the root. `None`
/// when the note would leave 0–127.
pub fn scale_degree(root: u8, scale: Scale, degree: i32) -> Option<u8> {
    let len = i32::try_from(scale.intervals.len())
        .ok()
        .filter(|l| *l > 0)?;
    let octave = degree.div_euclid(len);
    let step = scale.intervals[usize::try_from(degree.rem_euclid(len)).ok()?];
    let note = i64::from(root) + 12 * i64::from(octave) + i64::from(step);
    u8::try_from(note).ok().filter(|n| *n <= 127)
}

/// A scale on a particular root note, as `c4:minor` writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RootedScale {
    /// The MIDI note of degree 0.
    pub root: u8,
    /// The scale built on it.
    pub scale: Scale,
}

impl RootedScale {
    /// The MIDI note of a degree, as [`scale_degree`] counts them.
    pub fn degree(&self, degree: i32) -> Option<u8> {
        scale_degree(self.root, self.scale, degree)
    }

    /// The key of any degree, as Strudel's `scale` places it: a degree between two steps
    /// rounds up (1.2 is degree 2), and the key may leave the MIDI range.
    pub fn key_of(&self, degree: f64) -> f64 {
        let len = self.scale.intervals.len().max(1) as f64;
        let step = degree.ceil();
        let octave = (step / len).floor();
        let index = step - octave * len;
        let interval = self
            .scale
            .intervals
            .get(index as usize)
            .copied()
            .unwrap_or(0);
        f64::from(self.root) + 12.0 * octave + f64::from(interval)
    }

    /// The degree of the scale note nearest to `key`, a tie going up (Strudel snaps a note
    /// name to the scale this way).
    pub fn nearest_degree(&self, key: f64) -> f64 {
        let len = self.scale.intervals.len().max(1) as f64;
        // Start an octave below the key's octave and walk up to the first note at or above it.
        let mut d = ((key - f64::from(self.root)) / 12.0).floor() * len - len;
        while self.key_of(d + 1.0) <= key {
            d += 1.0;
        }
        let (below, above) = (self.key_of(d), self.key_of(d + 1.0));
        if below == key || key - below < above - key {
            d
        } else {
            d + 1.0
        }
    }
}

/// A rooted scale from the table in two bytes, small enough to ride on every note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScaleId {
    root: u8,
    index: u8,
}

impl RootedScale {
    /// Its two-byte form, when the scale is one of the table's.
    pub fn id(&self) -> Option<ScaleId> {
        let index = SCALES
            .iter()
            .position(|(_, iv)| std::ptr::eq(*iv, self.scale.intervals))?;
        Some(ScaleId {
            root: self.root,
            index: u8::try_from(index).ok()?,
        })
    }
}

impl ScaleId {
    /// The rooted scale it stands for.
    pub fn rooted(&self) -> RootedScale {
        let (names, intervals) = SCALES[usize::from(self.index) % SCALES.len()];
        RootedScale {
            root: self.root,
            scale: Scale {
                name: names[0],
                intervals,
            },
        }
    }
}

/// Why scale text was refused: what is wrong, and a hint at what would work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleError {
    /// What is wrong, quoting the text given.
    pub message: String,
    /// What to write instead, such as the closest known scale names.
    pub hint: String,
}

impl std::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

impl std::error::Error for ScaleError {}

/// Parses scale text such as `c4:minor`, `eb:dorian` or `a:minor:pentatonic`.
pub fn parse_scale(text: &str) -> Result<RootedScale, ScaleError> {
    let parts: Vec<&str> = text.split(':').collect();
    parse_scale_parts(&parts)
}

/// Parses scale text given as its `:` parts: `ROOT[:NAME…]`. The root is a note name, in
/// octave 3 when none is written; the name defaults to major, and a name split over several
/// parts is joined (`minor:pentatonic` is `minor-pentatonic`).
pub fn parse_scale_parts(parts: &[&str]) -> Result<RootedScale, ScaleError> {
    let Some((root_text, name_parts)) = parts.split_first() else {
        return Err(ScaleError {
            message: "a scale needs a root".to_string(),
            hint: "write a note name and a scale, for example c4:minor".to_string(),
        });
    };
    let root =
        parse_note_default_octave(root_text, DEFAULT_SCALE_OCTAVE).ok_or_else(|| ScaleError {
            message: format!("`{root_text}` is not a scale root"),
            hint: "a root is a note name such as c, eb or f#4, in octaves -1 to 9".to_string(),
        })?;
    let name = if name_parts.is_empty() {
        "major".to_string()
    } else {
        name_parts.join("-")
    };
    let scale = scale_by_name(&name).ok_or_else(|| unknown_scale(&name))?;
    Ok(RootedScale { root, scale })
}

/// The error for an unknown scale name, suggesting the closest known ones.
fn unknown_scale(name: &str) -> ScaleError {
    let names = scale_names();
    let mut close = close_matches(name, names.iter().copied(), 3);
    // Only the closest: `mixolidian` is mixolydian, not mixolydian-b6 as well.
    let distance = |c: &&str| super::suggest::suggestion_distance(name, c);
    if let Some(best) = close.first().and_then(distance) {
        close.retain(|c| distance(c) == Some(best));
    }
    let hint = if close.is_empty() {
        format!("known scales: {}", names.join(" "))
    } else {
        format!("did you mean {}?", close.join(" or "))
    };
    ScaleError {
        message: format!("unknown scale `{name}`"),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn degrees(text: &str, range: std::ops::Range<i32>) -> Vec<u8> {
        let scale = parse_scale(text).unwrap();
        range.filter_map(|d| scale.degree(d)).collect()
    }

    #[test]
    fn a_scale_error_reads_as_what_is_wrong_then_the_hint() {
        let err = parse_scale("c4:mixolidian").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown scale `mixolidian` (did you mean mixolydian?)"
        );
    }

    #[test]
    fn a_scale_with_no_steps_has_no_degrees() {
        // Not one of flam's scales, but `Scale` is public: an empty one gives silence rather
        // than a division by zero.
        let empty = Scale {
            name: "empty",
            intervals: &[],
        };
        for degree in [-1, 0, 1, 7] {
            assert_eq!(scale_degree(60, empty, degree), None, "degree {degree}");
        }
    }

    #[test]
    fn c_major_climbs_the_white_keys() {
        assert_eq!(
            degrees("c4:major", 0..8),
            vec![60, 62, 64, 65, 67, 69, 71, 72]
        );
        assert_eq!(degrees("c4:ionian", 0..8), degrees("c4:major", 0..8));
    }

    #[test]
    fn a_natural_minor_is_c_major_from_a() {
        assert_eq!(
            degrees("a3:minor", 0..8),
            vec![57, 59, 60, 62, 64, 65, 67, 69]
        );
        assert_eq!(degrees("a3:aeolian", 0..8), degrees("a3:minor", 0..8));
    }

    #[test]
    fn the_church_modes_are_the_white_keys_from_each_degree() {
        let white_keys = |root: &str, mode: &str| {
            degrees(&format!("{root}:{mode}"), 0..7)
                .iter()
                .all(|n| ![1, 3, 6, 8, 10].contains(&(n % 12)))
        };
        for (root, mode) in [
            ("d4", "dorian"),
            ("e4", "phrygian"),
            ("f4", "lydian"),
            ("g4", "mixolydian"),
            ("b4", "locrian"),
        ] {
            assert!(white_keys(root, mode), "{root} {mode}");
        }
    }

    #[test]
    fn harmonic_minor_raises_the_seventh_and_melodic_minor_the_sixth_too() {
        assert_eq!(degrees("a3:harmonic-minor", 5..7), vec![65, 68]);
        assert_eq!(degrees("a3:melodic-minor", 5..7), vec![66, 68]);
        assert_eq!(
            degrees("a3:harmonicMinor", 0..7),
            degrees("a3:harmonic-minor", 0..7)
        );
        assert_eq!(
            degrees("a3:harmonic_minor", 0..7),
            degrees("a3:harmonic-minor", 0..7)
        );
    }

    #[test]
    fn pentatonics_blues_whole_tone_and_chromatic() {
        assert_eq!(
            degrees("c4:major-pentatonic", 0..6),
            vec![60, 62, 64, 67, 69, 72]
        );
        assert_eq!(
            degrees("a3:minor:pentatonic", 0..5),
            vec![57, 60, 62, 64, 67]
        );
        assert_eq!(degrees("c4:blues", 0..6), vec![60, 63, 65, 66, 67, 70]);
        assert_eq!(degrees("c4:whole tone", 0..6), vec![60, 62, 64, 66, 68, 70]);
        assert_eq!(
            degrees("c4:chromatic", 0..13),
            (60..=72).collect::<Vec<u8>>()
        );
    }

    #[test]
    fn negative_degrees_walk_down_below_the_root() {
        assert_eq!(degrees("c4:major", -3..0), vec![55, 57, 59]);
        assert_eq!(degrees("c4:minor", -7..-6), vec![48]);
    }

    #[test]
    fn a_scale_without_an_octave_sits_in_octave_three() {
        assert_eq!(parse_scale("c:minor").unwrap().root, 48);
        assert_eq!(parse_scale("eb").unwrap().scale.name, "major");
    }

    #[test]
    fn degrees_past_the_midi_range_are_silent() {
        let scale = scale_by_name("major").unwrap();
        assert_eq!(scale_degree(120, scale, 7), None);
        assert_eq!(scale_degree(5, scale, -7), None);
        assert_eq!(scale_degree(0, scale, 0), Some(0));
    }

    #[test]
    fn a_misspelled_mode_suggests_the_right_one() {
        let err = parse_scale("c4:mixolidian").unwrap_err();
        assert_eq!(err.message, "unknown scale `mixolidian`");
        assert_eq!(err.hint, "did you mean mixolydian?");
        let err = parse_scale("c4:zzz").unwrap_err();
        assert!(err.hint.starts_with("known scales: major ionian"));
        assert!(parse_scale("q4:major").is_err());
        assert!(parse_scale_parts(&[]).is_err());
    }

    proptest! {
        #[test]
        fn scale_degrees_rise_with_the_degree(
            root in 0u8..=127,
            name in proptest::sample::select(scale_names()),
            degree in -80i32..80,
        ) {
            let scale = scale_by_name(name).unwrap();
            if let (Some(low), Some(high)) =
                (scale_degree(root, scale, degree), scale_degree(root, scale, degree + 1))
            {
                prop_assert!(low < high);
            }
        }
    }

    #[test]
    fn a_key_below_the_root_snaps_to_the_scale_note_under_the_root() {
        let c4_major = parse_scale("c4:major").unwrap();
        // d3 (50) is degree -6 of C major from c4; c#3 (49) snaps up to d3 too.
        assert_eq!(c4_major.nearest_degree(50.0), -6.0);
        assert_eq!(c4_major.nearest_degree(49.0), -6.0);
        assert_eq!(c4_major.nearest_degree(35.0), -15.0);
    }

    #[test]
    fn a_key_between_scale_notes_snaps_to_the_nearer_a_tie_going_up() {
        let c4_major = parse_scale("c4:major").unwrap();
        // Nearer the lower note, nearer the upper, on a note, halfway (c#4: up to d4).
        assert_eq!(c4_major.nearest_degree(60.4), 0.0);
        assert_eq!(c4_major.nearest_degree(61.6), 1.0);
        assert_eq!(c4_major.nearest_degree(64.0), 2.0);
        assert_eq!(c4_major.nearest_degree(61.0), 1.0);
        // e4 to f4 is a half step: 64.4 is e4's, 64.6 f4's.
        assert_eq!(c4_major.nearest_degree(64.4), 2.0);
        assert_eq!(c4_major.nearest_degree(64.6), 3.0);
        // Two octaves up.
        assert_eq!(c4_major.nearest_degree(84.4), 14.0);
    }
}
