//! How the live loop recorder takes a loop: its length in bars, the grid it quantizes to, and
//! how far each note moves toward its step. Set in the record overlay (Alt-R) and kept for
//! the session, so every take after the first needs only F6.

/// The note value a take is quantized to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grid {
    /// Eighth notes.
    Eighth,
    /// Sixteenth notes.
    Sixteenth,
    /// Sixteenth-note triplets, three in the time of two sixteenths.
    SixteenthTriplet,
    /// Thirty-second notes.
    ThirtySecond,
}

/// The grids in the order the overlay steps through them.
pub const GRIDS: [Grid; 4] = [
    Grid::Eighth,
    Grid::Sixteenth,
    Grid::SixteenthTriplet,
    Grid::ThirtySecond,
];

/// The take lengths the overlay offers, in bars.
pub const BARS: [u32; 4] = [1, 2, 4, 8];

/// The strengths the overlay offers, in percent.
pub const STRENGTHS: [u8; 5] = [0, 25, 50, 75, 100];

impl Grid {
    /// The grid as a musician writes it.
    pub fn name(self) -> &'static str {
        match self {
            Grid::Eighth => "1/8",
            Grid::Sixteenth => "1/16",
            Grid::SixteenthTriplet => "1/16T",
            Grid::ThirtySecond => "1/32",
        }
    }

    /// Steps in a bar of `beats` over `unit`; `None` when the bar does not divide into whole
    /// steps (eighths in 5/16).
    pub fn steps_per_bar(self, beats: u32, unit: u32) -> Option<u32> {
        let per_whole = match self {
            Grid::Eighth => 8,
            Grid::Sixteenth => 16,
            Grid::SixteenthTriplet => 24,
            Grid::ThirtySecond => 32,
        };
        let unit = unit.max(1);
        (per_whole * beats)
            .is_multiple_of(unit)
            .then_some(per_whole * beats / unit)
    }
}

/// One row of the record overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// The take's length.
    Bars,
    /// The quantize grid.
    Grid,
    /// The quantize strength.
    Strength,
}

/// The overlay's rows, top to bottom.
pub const ROWS: [Row; 3] = [Row::Bars, Row::Grid, Row::Strength];

/// How the next take is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakeSettings {
    /// Bars recorded after the count-in.
    pub bars: u32,
    /// The grid starts are pulled toward.
    pub grid: Grid,
    /// How far each start moves toward its step, in percent: 100 lands on the grid, 0 keeps
    /// the take as played.
    pub strength: u8,
}

impl Default for TakeSettings {
    fn default() -> Self {
        TakeSettings {
            bars: 2,
            grid: Grid::Sixteenth,
            strength: 100,
        }
    }
}

/// "1 bar", "4 bars".
fn bars(n: u32) -> String {
    if n == 1 {
        "1 bar".to_string()
    } else {
        format!("{n} bars")
    }
}

/// The entry `by` places from `current` in `options`, stopping at either end.
fn step<T: Copy + PartialEq>(options: &[T], current: T, by: i32) -> T {
    let at = options.iter().position(|&o| o == current).unwrap_or(0) as i32;
    let to = (at + by).clamp(0, options.len() as i32 - 1);
    options[to as usize]
}

impl TakeSettings {
    /// Moves `row`'s value one option left (`by` −1) or right (+1).
    pub fn change(&mut self, row: Row, by: i32) {
        match row {
            Row::Bars => self.bars = step(&BARS, self.bars, by),
            Row::Grid => self.grid = step(&GRIDS, self.grid, by),
            Row::Strength => self.strength = step(&STRENGTHS, self.strength, by),
        }
    }

    /// The next length, round from 8 bars back to 1 (F6 while counting in).
    pub fn next_length(&mut self) {
        let at = BARS.iter().position(|&b| b == self.bars).unwrap_or(0);
        self.bars = BARS[(at + 1) % BARS.len()];
    }

    /// `row`'s label and value, for the overlay.
    pub fn row(&self, row: Row) -> (&'static str, String) {
        match row {
            Row::Bars => ("length", bars(self.bars)),
            Row::Grid => ("quantize", self.grid.name().to_string()),
            Row::Strength => ("strength", format!("{}%", self.strength)),
        }
    }

    /// The settings in a few words, for the status line.
    pub fn describe(&self) -> String {
        format!(
            "{} on {} at {}%",
            bars(self.bars),
            self.grid.name(),
            self.strength
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grid_divides_common_meters_into_whole_steps() {
        assert_eq!(Grid::Sixteenth.steps_per_bar(4, 4), Some(16));
        assert_eq!(Grid::SixteenthTriplet.steps_per_bar(4, 4), Some(24));
        assert_eq!(Grid::Eighth.steps_per_bar(6, 8), Some(6));
        assert_eq!(Grid::SixteenthTriplet.steps_per_bar(6, 8), Some(18));
        assert_eq!(Grid::ThirtySecond.steps_per_bar(3, 4), Some(24));
        assert_eq!(Grid::Eighth.steps_per_bar(5, 16), None);
    }

    #[test]
    fn arrows_step_through_the_options_and_stop_at_the_ends() {
        let mut take = TakeSettings::default();
        take.change(Row::Grid, 1);
        assert_eq!(take.grid, Grid::SixteenthTriplet);
        take.change(Row::Grid, 1);
        take.change(Row::Grid, 1);
        assert_eq!(take.grid, Grid::ThirtySecond, "stops at the finest");
        take.change(Row::Strength, -1);
        take.change(Row::Strength, -1);
        assert_eq!(take.strength, 50);
        take.change(Row::Bars, -1);
        take.change(Row::Bars, -1);
        assert_eq!(take.bars, 1, "stops at one bar");
        assert_eq!(take.describe(), "1 bar on 1/32 at 50%");
    }

    #[test]
    fn f6_while_counting_in_goes_round_the_lengths() {
        let mut take = TakeSettings::default();
        let lengths: Vec<u32> = (0..4)
            .map(|_| {
                take.next_length();
                take.bars
            })
            .collect();
        assert_eq!(lengths, [4, 8, 1, 2]);
    }
}
