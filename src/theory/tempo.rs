//! Tempo and meter: how long a cycle (one bar) lasts, and how note values become cycles.

use super::time::{Time, to_f64};

/// The slowest tempo flam accepts, in quarter notes per minute.
pub const MIN_BPM: f64 = 20.0;
/// The fastest tempo flam accepts, in quarter notes per minute.
pub const MAX_BPM: f64 = 999.0;
/// The fewest beats a bar may have.
pub const MIN_BEATS: u32 = 1;
/// The most beats a bar may have.
pub const MAX_BEATS: u32 = 32;
/// The note values a meter's beat may be (the lower number of a time signature).
pub const METER_UNITS: [u32; 6] = [1, 2, 4, 8, 16, 32];

/// Why a tempo, meter or rate was refused, naming the allowed range and the value given.
#[derive(Clone, Debug, PartialEq)]
pub enum TempoError {
    /// The BPM was outside 20–999.
    Bpm(f64),
    /// The number of beats per bar was outside 1–32.
    Beats(u32),
    /// The beat unit was not a power of two from 1 to 32.
    Unit(u32),
}

impl std::fmt::Display for TempoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TempoError::Bpm(bpm) => {
                write!(f, "tempo must be {MIN_BPM}–{MAX_BPM} BPM, got {bpm}")
            }
            TempoError::Beats(beats) => write!(
                f,
                "a bar must have {MIN_BEATS}–{MAX_BEATS} beats, got {beats}"
            ),
            TempoError::Unit(unit) => write!(
                f,
                "the beat unit must be one of 1, 2, 4, 8, 16 or 32, got {unit}"
            ),
        }
    }
}

impl std::error::Error for TempoError {}

/// Checks a tempo in quarter notes per minute.
pub fn validate_bpm(bpm: f64) -> Result<f64, TempoError> {
    // NaN fails the range test too, so it is refused along with out-of-range values.
    if (MIN_BPM..=MAX_BPM).contains(&bpm) {
        Ok(bpm)
    } else {
        Err(TempoError::Bpm(bpm))
    }
}

/// Checks the number of beats in a bar (the upper number of a time signature).
pub fn validate_beats(beats: u32) -> Result<u32, TempoError> {
    if (MIN_BEATS..=MAX_BEATS).contains(&beats) {
        Ok(beats)
    } else {
        Err(TempoError::Beats(beats))
    }
}

/// Checks the beat unit (the lower number of a time signature).
pub fn validate_unit(unit: u32) -> Result<u32, TempoError> {
    if METER_UNITS.contains(&unit) {
        Ok(unit)
    } else {
        Err(TempoError::Unit(unit))
    }
}

/// A time signature: `beats` beats of a `unit` note per bar (3/4 is three quarter notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Meter {
    /// Beats per bar, 1–32.
    pub beats: u32,
    /// The note value of one beat: 4 is a quarter note, 8 an eighth.
    pub unit: u32,
}

impl Default for Meter {
    fn default() -> Self {
        Meter { beats: 4, unit: 4 }
    }
}

impl Meter {
    /// A checked time signature.
    pub fn new(beats: u32, unit: u32) -> Result<Meter, TempoError> {
        Ok(Meter {
            beats: validate_beats(beats)?,
            unit: validate_unit(unit)?,
        })
    }

    /// The bar's length in whole notes (3/4 is 3/4 of a whole note).
    pub fn bar_in_whole_notes(&self) -> Time {
        // A zero unit cannot come from `new`; treat it as 4/4 rather than divide by zero.
        if self.unit == 0 || self.beats == 0 {
            return Time::from_integer(1);
        }
        Time::new(i64::from(self.beats), i64::from(self.unit))
    }

    /// Quarter notes in a bar (four in 4/4, three in 6/8), as clocks that count quarter
    /// notes (MIDI clock, Ableton Link) measure it.
    pub fn quarters_per_bar(&self) -> f64 {
        4.0 * self.bar_in_whole_notes().to_f64()
    }

    /// A note value (a fraction of a whole note, such as 1/16) as a fraction of the bar: in
    /// 4/4 a sixteenth is 1/16 cycle, in 3/4 it is 1/12.
    pub fn note_value_to_cycles(&self, value: Time) -> Time {
        value / self.bar_in_whole_notes()
    }
}

/// How fast the music goes: quarter notes per minute, and the meter that sets the bar length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tempo {
    /// Quarter notes per minute, 20–999, whatever the meter's beat unit.
    pub bpm: f64,
    /// The time signature; one cycle is one bar of it.
    pub meter: Meter,
}

impl Default for Tempo {
    fn default() -> Self {
        Tempo {
            bpm: 120.0,
            meter: Meter::default(),
        }
    }
}

impl Tempo {
    /// A checked tempo.
    pub fn new(bpm: f64, meter: Meter) -> Result<Tempo, TempoError> {
        Ok(Tempo {
            bpm: validate_bpm(bpm)?,
            meter: Meter::new(meter.beats, meter.unit)?,
        })
    }

    /// How many seconds one bar lasts.
    pub fn seconds_per_cycle(&self) -> f64 {
        let quarters_per_bar = to_f64(self.meter.bar_in_whole_notes()) * 4.0;
        quarters_per_bar * 60.0 / self.bpm
    }

    /// The time in seconds of a point in cycles, counted from cycle 0.
    pub fn cycle_to_seconds(&self, t: Time) -> f64 {
        to_f64(t) * self.seconds_per_cycle()
    }

    /// A note value (a fraction of a whole note) as cycles of this tempo's meter.
    pub fn note_value_to_cycles(&self, value: Time) -> Time {
        self.meter.note_value_to_cycles(value)
    }
}

/// The largest numerator or denominator a rate may use, so rates stay musical and exact.
const MAX_RATE_TERM: i64 = 1024;

/// Reads a note value written as a rate (`1/8`, `1/16`, `1/4`, `1/32`, `1`, `3/16`), as a
/// fraction of a whole note. A trailing `T` makes it a triplet (2/3 as long), a trailing `.`
/// dots it (3/2 as long): `1/8T` is 1/12, `1/16.` is 3/32.
pub fn parse_rate(text: &str) -> Option<Time> {
    let text = text.trim();
    let (body, factor) = if let Some(body) = text.strip_suffix(['T', 't']) {
        (body, Time::new(2, 3))
    } else if let Some(body) = text.strip_suffix('.') {
        (body, Time::new(3, 2))
    } else {
        (text, Time::from_integer(1))
    };
    let (numer, denom) = body.split_once('/').unwrap_or((body, "1"));
    let term = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_RATE_TERM).contains(n))
    };
    Some(Time::new(term(numer)?, term(denom)?) * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_of_four_four_at_120_lasts_two_seconds() {
        let tempo = Tempo::default();
        assert_eq!(tempo.meter, Meter { beats: 4, unit: 4 });
        assert_eq!(tempo.seconds_per_cycle(), 2.0);
        assert_eq!(tempo.cycle_to_seconds(Time::new(3, 2)), 3.0);
    }

    #[test]
    fn a_waltz_bar_is_three_quarters_of_a_common_time_bar() {
        let waltz = Tempo::new(120.0, Meter::new(3, 4).unwrap()).unwrap();
        assert_eq!(waltz.seconds_per_cycle(), 1.5);
    }

    #[test]
    fn six_eight_counts_quarter_notes_for_bpm() {
        let jig = Tempo::new(90.0, Meter::new(6, 8).unwrap()).unwrap();
        // Six eighths are three quarters, at 90 quarters a minute.
        assert_eq!(jig.seconds_per_cycle(), 2.0);
    }

    #[test]
    fn a_sixteenth_is_a_sixteenth_of_a_bar_in_four_four_and_a_twelfth_in_three_four() {
        let sixteenth = Time::new(1, 16);
        assert_eq!(
            Meter::default().note_value_to_cycles(sixteenth),
            Time::new(1, 16)
        );
        let three_four = Meter::new(3, 4).unwrap();
        assert_eq!(three_four.note_value_to_cycles(sixteenth), Time::new(1, 12));
        let seven_eight = Tempo::new(120.0, Meter::new(7, 8).unwrap()).unwrap();
        assert_eq!(
            seven_eight.note_value_to_cycles(Time::new(1, 8)),
            Time::new(1, 7)
        );
    }

    #[test]
    fn rates_read_straight_triplet_and_dotted_values() {
        assert_eq!(parse_rate("1/4"), Some(Time::new(1, 4)));
        assert_eq!(parse_rate("1/8"), Some(Time::new(1, 8)));
        assert_eq!(parse_rate("1/16"), Some(Time::new(1, 16)));
        assert_eq!(parse_rate("1/32"), Some(Time::new(1, 32)));
        assert_eq!(parse_rate("1/8T"), Some(Time::new(1, 12)));
        assert_eq!(parse_rate("1/8t"), Some(Time::new(1, 12)));
        assert_eq!(parse_rate("1/16."), Some(Time::new(3, 32)));
        assert_eq!(parse_rate("1"), Some(Time::from_integer(1)));
        assert_eq!(parse_rate("3/16"), Some(Time::new(3, 16)));
    }

    #[test]
    fn nonsense_rates_are_refused() {
        for text in [
            "", "1/0", "0/4", "1/", "/8", "-1/8", "1/8TT", "1/8.T", "x", "1/99999",
        ] {
            assert_eq!(parse_rate(text), None, "{text}");
        }
    }

    #[test]
    fn a_rate_is_digits_only_without_a_sign() {
        // Rust's number parser would take a leading `+`; a written rate has none.
        for text in ["+1/8", "1/+8", "+1", "1/+16T"] {
            assert_eq!(parse_rate(text), None, "{text}");
        }
    }

    #[test]
    fn a_meter_built_by_hand_with_no_beats_or_no_unit_lasts_a_whole_note() {
        // `Meter::new` refuses these; a meter written field by field falls back to a bar of
        // 4/4 instead of dividing by zero.
        for (beats, unit) in [(0, 4), (3, 0), (0, 0)] {
            let meter = Meter { beats, unit };
            assert_eq!(
                meter.bar_in_whole_notes(),
                Time::from_integer(1),
                "{beats}/{unit}"
            );
            assert_eq!(
                meter.note_value_to_cycles(Time::new(1, 16)),
                Time::new(1, 16)
            );
        }
    }

    #[test]
    fn tempo_limits_name_the_range_and_the_value() {
        assert_eq!(validate_bpm(120.0), Ok(120.0));
        assert_eq!(validate_bpm(20.0), Ok(20.0));
        assert_eq!(validate_bpm(999.0), Ok(999.0));
        let err = validate_bpm(1000.0).unwrap_err();
        assert_eq!(err.to_string(), "tempo must be 20–999 BPM, got 1000");
        assert!(validate_bpm(f64::NAN).is_err());
        assert!(validate_bpm(19.9).is_err());
    }

    #[test]
    fn meters_outside_the_range_are_refused() {
        assert_eq!(
            Meter::new(0, 4).unwrap_err().to_string(),
            "a bar must have 1–32 beats, got 0"
        );
        assert!(Meter::new(33, 4).is_err());
        assert_eq!(
            Meter::new(4, 3).unwrap_err().to_string(),
            "the beat unit must be one of 1, 2, 4, 8, 16 or 32, got 3"
        );
        assert!(Meter::new(32, 32).is_ok());
        assert!(Tempo::new(10.0, Meter::default()).is_err());
    }

    #[test]
    fn a_bar_of_six_eight_holds_three_quarter_notes() {
        assert_eq!(Meter::new(6, 8).unwrap().quarters_per_bar(), 3.0);
        assert_eq!(Meter::new(7, 8).unwrap().quarters_per_bar(), 3.5);
        assert_eq!(Meter::default().quarters_per_bar(), 4.0);
    }
}
