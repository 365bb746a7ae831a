//! Note values as musicians name rates: a sixteenth, an eighth-note triplet.

use std::fmt;

use crate::theory::time::Time;

/// A note value such as `1/16` or `1/8T` (a triplet: three in the time of two).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NoteValue {
    denominator: u32,
    triplet: bool,
}

impl NoteValue {
    /// An eighth note, `1/8`.
    pub const EIGHTH: NoteValue = NoteValue {
        denominator: 8,
        triplet: false,
    };
    /// A sixteenth note, `1/16`.
    pub const SIXTEENTH: NoteValue = NoteValue {
        denominator: 16,
        triplet: false,
    };
    /// An eighth-note triplet, `1/8T`: three to a quarter note.
    pub const EIGHTH_TRIPLET: NoteValue = NoteValue {
        denominator: 8,
        triplet: true,
    };
    /// A sixteenth-note triplet, `1/16T`: six to a quarter note.
    pub const SIXTEENTH_TRIPLET: NoteValue = NoteValue {
        denominator: 16,
        triplet: true,
    };

    /// The note value `1/denominator`, a triplet if `triplet`; `None` for a zero denominator.
    pub fn new(denominator: u32, triplet: bool) -> Option<NoteValue> {
        (denominator > 0).then_some(NoteValue {
            denominator,
            triplet,
        })
    }

    /// The denominator: 4 for a quarter note, 16 for a sixteenth.
    pub fn denominator(&self) -> u32 {
        self.denominator
    }

    /// Whether this is a triplet value.
    pub fn is_triplet(&self) -> bool {
        self.triplet
    }

    /// The length as a fraction of a whole note (`1/8T` is 1/12).
    ///
    /// How many cycles that is depends on the meter, which the caller knows: in 4/4, where a
    /// cycle is a whole note, it is the length in cycles.
    pub fn of_whole(&self) -> Time {
        let plain = Time::new(1, i64::from(self.denominator));
        if self.triplet {
            plain * Time::new(2, 3)
        } else {
            plain
        }
    }

    /// Reads `1/16`, `1/8T` or `1/8t`; `None` for anything else.
    pub fn parse(text: &str) -> Option<NoteValue> {
        let rest = text.trim().strip_prefix("1/")?;
        let (digits, triplet) = match rest.strip_suffix(['T', 't']) {
            Some(digits) => (digits, true),
            None => (rest, false),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        NoteValue::new(digits.parse().ok()?, triplet)
    }
}

impl fmt::Display for NoteValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.triplet { "T" } else { "" };
        write!(f, "1/{}{}", self.denominator, mark)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triplet_eighth_is_a_twelfth_of_a_whole_note() {
        assert_eq!(NoteValue::EIGHTH_TRIPLET.of_whole(), Time::new(1, 12));
        assert_eq!(NoteValue::SIXTEENTH.of_whole(), Time::new(1, 16));
        assert_eq!(NoteValue::SIXTEENTH_TRIPLET.of_whole(), Time::new(1, 24));
    }

    #[test]
    fn note_values_read_and_print_the_way_drummers_write_them() {
        assert_eq!(NoteValue::parse("1/8T"), Some(NoteValue::EIGHTH_TRIPLET));
        assert_eq!(NoteValue::parse("1/16"), Some(NoteValue::SIXTEENTH));
        assert_eq!(
            NoteValue::parse("1/16t"),
            Some(NoteValue::SIXTEENTH_TRIPLET)
        );
        assert_eq!(NoteValue::parse("1/0"), None);
        assert_eq!(NoteValue::parse("1/T"), None);
        assert_eq!(NoteValue::parse("3/8"), None);
        assert_eq!(NoteValue::EIGHTH_TRIPLET.to_string(), "1/8T");
        assert_eq!(NoteValue::SIXTEENTH.to_string(), "1/16");
    }

    #[test]
    fn a_note_value_is_only_digits_after_the_slash() {
        // Rust's number parser would take a sign; a drummer's note value has none.
        for text in ["1/+8", "1/+16T", "1/ 8", "1/8.0", "1/-4", "1/"] {
            assert_eq!(NoteValue::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_note_value_tells_its_denominator_and_whether_it_is_a_triplet() {
        let quarter = NoteValue::parse("1/4").unwrap();
        assert_eq!((quarter.denominator(), quarter.is_triplet()), (4, false));
        let triplet = NoteValue::EIGHTH_TRIPLET;
        assert_eq!((triplet.denominator(), triplet.is_triplet()), (8, true));
    }
}
