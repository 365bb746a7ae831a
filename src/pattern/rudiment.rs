//! A drum rudiment: a named sticking figure from the PAS International Drum Rudiments, its
//! notation, and finding one by name.

use super::rudiments_table::RUDIMENTS;
use super::stroke::{Articulation, Grace, Stroke};
use super::value::Value;
use crate::theory::note_value::NoteValue;

/// The four sections of the PAS sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Roll rudiments: single stroke, multiple bounce and double stroke rolls.
    Roll,
    /// Diddle rudiments: the paradiddles.
    Diddle,
    /// Flam rudiments.
    Flam,
    /// Drag rudiments.
    Drag,
}

/// One of the 40 PAS International Drum Rudiments, written out stroke by stroke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rudiment {
    /// Its official PAS number, 1–40.
    pub number: u8,
    /// Its kebab-case id, such as `single-paradiddle`.
    pub id: &'static str,
    /// Its name as printed, such as "Single Paradiddle".
    pub name: &'static str,
    /// The section of the PAS sheet it belongs to.
    pub family: Family,
    /// The note value of one pulse as the PAS sheet writes it, e.g. `1/16` or `1/8T`.
    pub rate: NoteValue,
    /// Whether each repetition swaps hands, so the second is the mirror image of the first.
    pub alternates: bool,
    /// One repetition, right hand lead.
    pub strokes: &'static [Stroke],
}

impl Rudiment {
    /// How many pulses one repetition lasts.
    pub fn pulses(&self) -> u32 {
        self.strokes.iter().map(|s| s.pulses).sum()
    }

    /// How many repetitions make up one period before it repeats exactly: two if it alternates.
    pub fn repetitions_per_period(&self) -> u32 {
        if self.alternates { 2 } else { 1 }
    }

    /// The strokes of repetition `repetition` (counting from 0), mirrored on odd repetitions
    /// if the rudiment alternates.
    pub fn repetition(&self, repetition: i64) -> impl Iterator<Item = Stroke> + '_ {
        let mirror = self.alternates && repetition.rem_euclid(2) == 1;
        self.strokes
            .iter()
            .map(move |&s| if mirror { s.mirrored() } else { s })
    }

    /// How many times the sticks hit the head in one repetition, graces not counted: the
    /// number in a roll's name.
    pub fn hits(&self) -> u32 {
        self.strokes.iter().map(Stroke::hits).sum()
    }
}

/// All 40 rudiments, in PAS order.
pub fn rudiments() -> &'static [Rudiment] {
    &RUDIMENTS
}

/// The rudiment with PAS number `number` (1–40).
pub fn rudiment_by_number(number: u8) -> Option<&'static Rudiment> {
    RUDIMENTS.iter().find(|r| r.number == number)
}

/// Other names drummers use, each with the id it stands for.
const ALIASES: &[(&str, &str)] = &[
    ("paradiddle", "single-paradiddle"),
    ("paradiddle-diddle", "single-paradiddle-diddle"),
    ("paradiddlediddle", "single-paradiddle-diddle"),
    ("double-stroke-roll", "double-stroke-open-roll"),
    ("long-roll", "double-stroke-open-roll"),
    ("buzz-roll", "multiple-bounce-roll"),
    ("press-roll", "multiple-bounce-roll"),
    ("french-roll", "triple-stroke-roll"),
    ("ruff", "drag"),
    ("flam-paradiddlediddle", "flam-paradiddle-diddle"),
    ("flammed-mill", "single-flammed-mill"),
    ("mill", "single-flammed-mill"),
    ("swiss-triplet", "swiss-army-triplet"),
    ("dragadiddle", "single-dragadiddle"),
    ("single-drag", "single-drag-tap"),
    ("double-drag", "double-drag-tap"),
    ("lesson-twenty-five", "lesson-25"),
    ("ratamacue", "single-ratamacue"),
];

/// Stroke counts written as words in the ids of the rolls.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("5", "five"),
    ("6", "six"),
    ("7", "seven"),
    ("9", "nine"),
    ("10", "ten"),
    ("11", "eleven"),
    ("13", "thirteen"),
    ("15", "fifteen"),
    ("17", "seventeen"),
];

/// Finds a rudiment by id, name, alias or PAS number.
///
/// Case, spaces, underscores and `#` do not matter, and roll lengths may be digits:
/// `Five Stroke Roll`, `5-stroke-roll`, `drag paradiddle #1`, `ruff` and `16` all work.
pub fn find_rudiment(name: &str) -> Option<&'static Rudiment> {
    let key = normalize(name);
    if let Ok(number) = key.parse::<u8>() {
        return rudiment_by_number(number);
    }
    let by_id = |id: &str| RUDIMENTS.iter().find(|r| r.id == id);
    if let Some(found) = by_id(&key) {
        return Some(found);
    }
    if let Some((_, id)) = ALIASES.iter().find(|(alias, _)| *alias == key) {
        return by_id(id);
    }
    let worded: Vec<&str> = key
        .split('-')
        .map(|part| {
            NUMBER_WORDS
                .iter()
                .find(|(digits, _)| *digits == part)
                .map_or(part, |(_, word)| *word)
        })
        .collect();
    by_id(&worded.join("-"))
}

/// The rudiment a step of a pattern names. As [`find_rudiment`], except that a number there is
/// a MIDI note, never a PAS number: `"36 ~ 38 ~"` is a kick and a snare, not two rudiments.
pub fn find_rudiment_step(text: &str) -> Option<&'static Rudiment> {
    match Value::from_atom(text) {
        Value::Word(_) => find_rudiment(text),
        _ => None,
    }
}

/// Lower case, with every run of other characters than letters and digits turned into one `-`.
fn normalize(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if c == '#' {
            // "#1" is a number sign, not a separator: "paradiddle #1" → "paradiddle-1".
            continue;
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    while key.ends_with('-') {
        key.pop();
    }
    key
}

/// The sticking of one period (both halves if it alternates), as drummers write it.
///
/// `R`/`L` per stroke with `>` after accented ones, grace notes in lower case before their
/// stroke (`lR` a flam, `llR` a drag), a diddle as a doubled letter (`RR`, accented `R>R`) and a
/// buzz stroke marked `z` as on the stem in notation: single paradiddle is
/// `R> L R R L> R L L`, flam tap `lR> R rL> L`.
pub fn sticking(rudiment: &Rudiment) -> String {
    let mut words = Vec::new();
    for repetition in 0..i64::from(rudiment.repetitions_per_period()) {
        for stroke in rudiment.repetition(repetition) {
            words.push(stroke_word(&stroke));
        }
    }
    words.join(" ")
}

/// One stroke's notation, graces included.
fn stroke_word(stroke: &Stroke) -> String {
    let grace = stroke.hand.other().letter().to_ascii_lowercase();
    let main = stroke.hand.letter();
    let accent = if stroke.accent { ">" } else { "" };
    let mut word = String::new();
    match stroke.grace {
        Some(Grace::Flam) => word.push(grace),
        Some(Grace::Drag) => {
            word.push(grace);
            word.push(grace);
        }
        None => {}
    }
    word.push(main);
    match stroke.articulation {
        Articulation::Single => word.push_str(accent),
        Articulation::Diddle => {
            word.push_str(accent);
            word.push(main);
        }
        Articulation::Buzz => {
            word.push('z');
            word.push_str(accent);
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::stroke::Hand;

    fn stuck(id: &str) -> String {
        find_rudiment(id).map(sticking).unwrap_or_default()
    }

    #[test]
    fn the_sheet_holds_all_forty_in_pas_order_with_unique_ids() {
        let all = rudiments();
        assert_eq!(all.len(), 40);
        for (i, r) in all.iter().enumerate() {
            assert_eq!(usize::from(r.number), i + 1, "{} is out of order", r.id);
            assert!(!r.strokes.is_empty(), "{} has no strokes", r.id);
            assert!(
                r.strokes.iter().all(|s| s.pulses > 0),
                "{} has an empty stroke",
                r.id
            );
            assert_eq!(all.iter().filter(|o| o.id == r.id).count(), 1);
            assert_eq!(find_rudiment(r.id), Some(r));
            assert_eq!(find_rudiment(r.name), Some(r), "name {} not found", r.name);
        }
    }

    #[test]
    fn every_written_figure_starts_on_the_right_hand_or_leads_into_it() {
        // The seven stroke roll is written starting with the left hand so its release falls on
        // the right; every other figure leads with the right.
        for r in rudiments() {
            let first = r.strokes[0].hand;
            if r.id == "seven-stroke-roll" {
                assert_eq!(first, Hand::Left);
            } else {
                assert_eq!(first, Hand::Right, "{}", r.id);
            }
        }
    }

    #[test]
    fn rolls_have_as_many_strokes_as_their_names_say() {
        let counts = [
            ("single-stroke-four", 4),
            ("single-stroke-seven", 7),
            ("five-stroke-roll", 5),
            ("six-stroke-roll", 6),
            ("seven-stroke-roll", 7),
            ("nine-stroke-roll", 9),
            ("ten-stroke-roll", 10),
            ("eleven-stroke-roll", 11),
            ("thirteen-stroke-roll", 13),
            ("fifteen-stroke-roll", 15),
            ("seventeen-stroke-roll", 17),
        ];
        for (id, hits) in counts {
            assert_eq!(find_rudiment(id).map(Rudiment::hits), Some(hits), "{id}");
        }
    }

    #[test]
    fn lookup_accepts_digits_names_numbers_and_aliases() {
        let id = |name: &str| find_rudiment(name).map(|r| r.id);
        assert_eq!(id("5-stroke-roll"), Some("five-stroke-roll"));
        assert_eq!(id("17 Stroke Roll"), Some("seventeen-stroke-roll"));
        assert_eq!(id("Drag Paradiddle #1"), Some("drag-paradiddle-1"));
        assert_eq!(id("drag_paradiddle_2"), Some("drag-paradiddle-2"));
        assert_eq!(id("Lesson 25"), Some("lesson-25"));
        assert_eq!(id("paradiddle"), Some("single-paradiddle"));
        assert_eq!(id("ruff"), Some("drag"));
        assert_eq!(id("buzz roll"), Some("multiple-bounce-roll"));
        assert_eq!(id("Swiss Triplet"), Some("swiss-army-triplet"));
        assert_eq!(id("16"), Some("single-paradiddle"));
        assert_eq!(id("40"), Some("triple-ratamacue"));
        assert_eq!(id("41"), None);
        assert_eq!(id("paradiddle-paradiddle"), None);
        assert_eq!(id(""), None);
    }

    #[test]
    fn lookup_ignores_runs_of_separators_and_punctuation_around_the_name() {
        let id = |name: &str| find_rudiment(name).map(|r| r.id);
        assert_eq!(id("five -- stroke   roll"), Some("five-stroke-roll"));
        assert_eq!(id("(Flam Tap)"), Some("flam-tap"));
        assert_eq!(id("_single_paradiddle_"), Some("single-paradiddle"));
        assert_eq!(id("\"drag\""), Some("drag"));
    }

    #[test]
    fn a_number_in_a_pattern_is_a_midi_note_not_a_pas_number() {
        let step = |text: &str| find_rudiment_step(text).map(|r| r.id);
        assert_eq!(step("36"), None);
        assert_eq!(step("16"), None);
        assert_eq!(step("1.5"), None);
        assert_eq!(step("#16"), Some("single-paradiddle"));
        assert_eq!(step("flam-tap"), Some("flam-tap"));
        assert_eq!(step("5-stroke-roll"), Some("five-stroke-roll"));
    }

    #[test]
    fn single_paradiddle_sticking_shows_both_halves_with_accents() {
        assert_eq!(stuck("single-paradiddle"), "R> L R R L> R L L");
    }

    #[test]
    fn flam_tap_sticking_writes_graces_in_lower_case() {
        assert_eq!(stuck("flam-tap"), "lR> R rL> L");
        assert_eq!(stuck("flamacue"), "lR L> R L lR> rL R> L R rL>");
    }

    #[test]
    fn drag_sticking_writes_two_graces_before_each_stroke() {
        assert_eq!(stuck("drag"), "llR rrL");
        assert_eq!(stuck("single-ratamacue"), "llR L R L> rrL R L R>");
    }

    #[test]
    fn roll_sticking_shows_diddles_as_doubled_letters() {
        assert_eq!(stuck("double-stroke-open-roll"), "RR LL");
        assert_eq!(stuck("five-stroke-roll"), "RR LL R> LL RR L>");
        assert_eq!(stuck("single-dragadiddle"), "R>R L R R L>L R L L");
    }

    #[test]
    fn buzz_strokes_are_marked_z() {
        assert_eq!(stuck("multiple-bounce-roll"), "Rz Lz");
    }

    #[test]
    fn alternating_rudiments_are_marked() {
        let alternating = |id: &str| find_rudiment(id).map(|r| r.alternates);
        assert_eq!(alternating("single-paradiddle"), Some(true));
        assert_eq!(alternating("five-stroke-roll"), Some(true));
        assert_eq!(alternating("flam-accent"), Some(true));
        assert_eq!(alternating("triple-ratamacue"), Some(true));
        assert_eq!(alternating("single-paradiddle-diddle"), Some(false));
        assert_eq!(alternating("six-stroke-roll"), Some(false));
        assert_eq!(alternating("swiss-army-triplet"), Some(false));
        assert_eq!(alternating("single-stroke-roll"), Some(false));
    }
}
