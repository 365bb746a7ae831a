//! The 40 PAS International Drum Rudiments, encoded from the PAS sheet.
//!
//! Each is written once, right hand lead, in pulses of its natural rate; the pattern builder
//! mirrors the alternating ones. A stroke lasting more than one pulse is a longer note value on
//! the sheet (or a note followed by a rest): its length only moves the next stroke.

use super::rudiment::{Family, Rudiment};
use super::stroke::{Hand, Stroke};
use crate::theory::note_value::NoteValue;

const R: Stroke = Stroke::tap(Hand::Right);
const L: Stroke = Stroke::tap(Hand::Left);
const RR: Stroke = R.diddle();
const LL: Stroke = L.diddle();

/// The rudiment swaps lead hand on every repetition.
const ALTERNATES: bool = true;
/// The rudiment repeats on the same lead hand.
const SAME_LEAD: bool = false;

const SIXTEENTH: NoteValue = NoteValue::SIXTEENTH;
const EIGHTH: NoteValue = NoteValue::EIGHTH;
const SIXTEENTH_TRIPLET: NoteValue = NoteValue::SIXTEENTH_TRIPLET;
const EIGHTH_TRIPLET: NoteValue = NoteValue::EIGHTH_TRIPLET;

/// A table row, kept short so the table reads like the sheet.
const fn rudiment(
    number: u8,
    id: &'static str,
    name: &'static str,
    family: Family,
    rate: NoteValue,
    alternates: bool,
    strokes: &'static [Stroke],
) -> Rudiment {
    Rudiment {
        number,
        id,
        name,
        family,
        rate,
        alternates,
        strokes,
    }
}

/// All 40, in PAS order.
pub static RUDIMENTS: [Rudiment; 40] = [
    // I. Roll rudiments. A. Single stroke roll rudiments.
    rudiment(
        1,
        "single-stroke-roll",
        "Single Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        SAME_LEAD,
        &[R, L],
    ),
    // A sixteenth-note triplet into an eighth: in sixteenth-triplet pulses, 1 1 1 3. The last
    // stroke lands the figure, so it carries the accent.
    rudiment(
        2,
        "single-stroke-four",
        "Single Stroke Four",
        Family::Roll,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[R, L, R, L.accent().lasting(3)],
    ),
    // Six sextuplet sixteenths into a quarter note.
    rudiment(
        3,
        "single-stroke-seven",
        "Single Stroke Seven",
        Family::Roll,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[R, L, R, L, R, L, R.accent().lasting(6)],
    ),
    // B. Multiple bounce roll rudiments.
    rudiment(
        4,
        "multiple-bounce-roll",
        "Multiple Bounce Roll",
        Family::Roll,
        SIXTEENTH,
        SAME_LEAD,
        &[R.buzz(), L.buzz()],
    ),
    // Even triple strokes on sixteenth-note triplets, no accents: evenness is the point.
    rudiment(
        5,
        "triple-stroke-roll",
        "Triple Stroke Roll",
        Family::Roll,
        SIXTEENTH_TRIPLET,
        SAME_LEAD,
        &[R, R, R, L, L, L],
    ),
    // C. Double stroke roll rudiments. The open roll's pulse is an eighth so its strokes are
    // sixteenths; the measured rolls below put their diddles on sixteenths (32nd-note strokes).
    rudiment(
        6,
        "double-stroke-open-roll",
        "Double Stroke Open Roll",
        Family::Roll,
        EIGHTH,
        SAME_LEAD,
        &[RR, LL],
    ),
    // Roll on an eighth, release on the next eighth.
    rudiment(
        7,
        "five-stroke-roll",
        "Five Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, R.accent().lasting(2)],
    ),
    // Accented sixteenths around two diddles; it ends on the left, so it repeats from the right.
    rudiment(
        8,
        "six-stroke-roll",
        "Six Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        SAME_LEAD,
        &[R.accent(), LL, RR, L.accent()],
    ),
    // Three diddles on sixteenth-note triplets into an eighth. The sheet starts it with the
    // left hand so the release falls on the right.
    rudiment(
        9,
        "seven-stroke-roll",
        "Seven Stroke Roll",
        Family::Roll,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[LL, RR, LL, R.accent().lasting(3)],
    ),
    // Roll on a quarter note, release on the next beat (2/4).
    rudiment(
        10,
        "nine-stroke-roll",
        "Nine Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, RR, LL, R.accent().lasting(4)],
    ),
    // Roll on a quarter, two accented sixteenths, an eighth rest (2/4); starts right every time.
    rudiment(
        11,
        "ten-stroke-roll",
        "Ten Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        SAME_LEAD,
        &[RR, LL, RR, LL, R.accent(), L.accent().lasting(3)],
    ),
    // The ten stroke roll with its first single doubled (2/4).
    rudiment(
        12,
        "eleven-stroke-roll",
        "Eleven Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, RR, LL, RR, L.accent().lasting(3)],
    ),
    // Roll on a dotted quarter, release on the last eighth (2/4).
    rudiment(
        13,
        "thirteen-stroke-roll",
        "Thirteen Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, RR, LL, RR, LL, R.accent().lasting(2)],
    ),
    // Seven diddles, release on the last sixteenth (2/4), leading into the next bar.
    rudiment(
        14,
        "fifteen-stroke-roll",
        "Fifteen Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, RR, LL, RR, LL, RR, L.accent()],
    ),
    // Roll on a half note tied to a quarter (3/4).
    rudiment(
        15,
        "seventeen-stroke-roll",
        "Seventeen Stroke Roll",
        Family::Roll,
        SIXTEENTH,
        ALTERNATES,
        &[RR, LL, RR, LL, RR, LL, RR, LL, R.accent().lasting(4)],
    ),
    // II. Diddle rudiments. The six-note ones are written in 6/8 sixteenths; in a duple meter
    // that is one group per beat, so their rate is the sextuplet.
    rudiment(
        16,
        "single-paradiddle",
        "Single Paradiddle",
        Family::Diddle,
        SIXTEENTH,
        ALTERNATES,
        &[R.accent(), L, R, R],
    ),
    rudiment(
        17,
        "double-paradiddle",
        "Double Paradiddle",
        Family::Diddle,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[R.accent(), L, R, L, R, R],
    ),
    rudiment(
        18,
        "triple-paradiddle",
        "Triple Paradiddle",
        Family::Diddle,
        SIXTEENTH,
        ALTERNATES,
        &[R.accent(), L, R, L, R, L, R, R],
    ),
    // Ends on a left diddle, so it repeats from the right.
    rudiment(
        19,
        "single-paradiddle-diddle",
        "Single Paradiddle-Diddle",
        Family::Diddle,
        SIXTEENTH_TRIPLET,
        SAME_LEAD,
        &[R.accent(), L, R, R, L, L],
    ),
    // III. Flam rudiments. Flams are accented where the sheet accents them; the bare flam has
    // no accent mark, its primary stroke is a plain stroke.
    rudiment(
        20,
        "flam",
        "Flam",
        Family::Flam,
        EIGHTH,
        ALTERNATES,
        &[R.flam()],
    ),
    rudiment(
        21,
        "flam-accent",
        "Flam Accent",
        Family::Flam,
        EIGHTH_TRIPLET,
        ALTERNATES,
        &[R.flam().accent(), L, R],
    ),
    rudiment(
        22,
        "flam-tap",
        "Flam Tap",
        Family::Flam,
        SIXTEENTH,
        ALTERNATES,
        &[R.flam().accent(), R],
    ),
    // Four sixteenths accented on the second, then a flammed quarter note.
    rudiment(
        23,
        "flamacue",
        "Flamacue",
        Family::Flam,
        SIXTEENTH,
        ALTERNATES,
        &[R.flam(), L.accent(), R, L, R.flam().accent().lasting(4)],
    ),
    rudiment(
        24,
        "flam-paradiddle",
        "Flam Paradiddle",
        Family::Flam,
        SIXTEENTH,
        ALTERNATES,
        &[R.flam().accent(), L, R, R],
    ),
    rudiment(
        25,
        "single-flammed-mill",
        "Single Flammed Mill",
        Family::Flam,
        SIXTEENTH,
        ALTERNATES,
        &[R.flam().accent(), R, L, R],
    ),
    rudiment(
        26,
        "flam-paradiddle-diddle",
        "Flam Paradiddle-Diddle",
        Family::Flam,
        SIXTEENTH_TRIPLET,
        SAME_LEAD,
        &[R.flam().accent(), L, R, R, L, L],
    ),
    // Singles flammed on the first and fourth: the fourth's flam and the next first's make the
    // "fla-fla", so it repeats from the right.
    rudiment(
        27,
        "pataflafla",
        "Pataflafla",
        Family::Flam,
        SIXTEENTH,
        SAME_LEAD,
        &[R.flam().accent(), L, R, L.flam().accent()],
    ),
    rudiment(
        28,
        "swiss-army-triplet",
        "Swiss Army Triplet",
        Family::Flam,
        EIGHTH_TRIPLET,
        SAME_LEAD,
        &[R.flam().accent(), R, L],
    ),
    // The grace hand plays the tap after the flam (in a flam tap the primary hand does).
    rudiment(
        29,
        "inverted-flam-tap",
        "Inverted Flam Tap",
        Family::Flam,
        SIXTEENTH,
        ALTERNATES,
        &[R.flam().accent(), L],
    ),
    // A flam accent whose middle note is doubled by the same hand: lR> LL R | rL> RR L. The
    // double is two thirty-seconds-ish strokes in the triplet's place, not grace notes.
    rudiment(
        30,
        "flam-drag",
        "Flam Drag",
        Family::Flam,
        EIGHTH_TRIPLET,
        ALTERNATES,
        &[R.flam().accent(), LL, R],
    ),
    // IV. Drag rudiments.
    rudiment(
        31,
        "drag",
        "Drag",
        Family::Drag,
        EIGHTH,
        ALTERNATES,
        &[R.drag()],
    ),
    rudiment(
        32,
        "single-drag-tap",
        "Single Drag Tap",
        Family::Drag,
        EIGHTH,
        ALTERNATES,
        &[R.drag(), L.accent()],
    ),
    rudiment(
        33,
        "double-drag-tap",
        "Double Drag Tap",
        Family::Drag,
        EIGHTH,
        ALTERNATES,
        &[R.drag(), R.drag(), L.accent()],
    ),
    // A drag on a sixteenth, a sixteenth, an accented eighth.
    rudiment(
        34,
        "lesson-25",
        "Lesson 25",
        Family::Drag,
        SIXTEENTH,
        ALTERNATES,
        &[R.drag(), L, R.accent().lasting(2)],
    ),
    // A paradiddle whose first stroke is a 32nd-note diddle of the lead hand (metered, so it is
    // a diddle here, not graces from the other hand).
    rudiment(
        35,
        "single-dragadiddle",
        "Single Dragadiddle",
        Family::Drag,
        SIXTEENTH,
        ALTERNATES,
        &[RR.accent(), L, R, R],
    ),
    // An accented eighth, then a paradiddle in sixteenths whose accented first stroke is
    // dragged (3/8).
    rudiment(
        36,
        "drag-paradiddle-1",
        "Drag Paradiddle #1",
        Family::Drag,
        SIXTEENTH,
        ALTERNATES,
        &[R.accent().lasting(2), R.drag().accent(), L, R, R],
    ),
    // #1 with a dragged eighth before the paradiddle (2/4).
    rudiment(
        37,
        "drag-paradiddle-2",
        "Drag Paradiddle #2",
        Family::Drag,
        SIXTEENTH,
        ALTERNATES,
        &[
            R.accent().lasting(2),
            R.drag().lasting(2),
            R.drag().accent(),
            L,
            R,
            R,
        ],
    ),
    // A dragged sixteenth-note triplet into an accented eighth: the single stroke four with a
    // drag on its first stroke.
    rudiment(
        38,
        "single-ratamacue",
        "Single Ratamacue",
        Family::Drag,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[R.drag(), L, R, L.accent().lasting(3)],
    ),
    // One dragged eighth before the single ratamacue.
    rudiment(
        39,
        "double-ratamacue",
        "Double Ratamacue",
        Family::Drag,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[R.drag().lasting(3), R.drag(), L, R, L.accent().lasting(3)],
    ),
    // Two dragged eighths before the single ratamacue.
    rudiment(
        40,
        "triple-ratamacue",
        "Triple Ratamacue",
        Family::Drag,
        SIXTEENTH_TRIPLET,
        ALTERNATES,
        &[
            R.drag().lasting(3),
            R.drag().lasting(3),
            R.drag(),
            L,
            R,
            L.accent().lasting(3),
        ],
    ),
];
