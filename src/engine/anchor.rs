//! Where the song's bars fall in play time, so tempo can change without a jump.

/// Bar `bar` starts at play time `at`, and bars follow every `seconds_per_cycle` seconds.
///
/// A tempo change moves the anchor to the bar where the new tempo begins, at the time that bar
/// had under the old tempo, so the music speeds up or slows down without skipping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    /// The bar the anchor is at.
    pub bar: i64,
    /// Its play time, in seconds.
    pub at: f64,
    /// How long a bar lasts from here on.
    pub seconds_per_cycle: f64,
}

impl Anchor {
    /// The play time of the start of `bar`.
    pub fn bar_at(&self, bar: i64) -> f64 {
        self.at + (bar - self.bar) as f64 * self.seconds_per_cycle
    }

    /// The play time of a moment given in the song's own seconds (cycle × seconds per cycle,
    /// plus nudges), as [`crate::engine::timeline::events`] lists them.
    pub fn play_time(&self, song_seconds: f64) -> f64 {
        // Written so that an anchor at bar 0, time 0 gives back exactly the song's seconds.
        self.at + (song_seconds - self.bar as f64 * self.seconds_per_cycle)
    }

    /// Where in the song a play time falls, in bars (fractional).
    pub fn position(&self, at: f64) -> f64 {
        if self.seconds_per_cycle > 0.0 {
            self.bar as f64 + (at - self.at) / self.seconds_per_cycle
        } else {
            self.bar as f64
        }
    }

    /// The same music from `bar` on, at a new bar length.
    pub fn retempo(&self, bar: i64, seconds_per_cycle: f64) -> Anchor {
        Anchor {
            bar,
            at: self.bar_at(bar),
            seconds_per_cycle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tempo_change_keeps_the_bar_line_where_it_was() {
        let slow = Anchor {
            bar: 0,
            at: 0.0,
            seconds_per_cycle: 2.0,
        };
        let fast = slow.retempo(3, 1.0);
        assert_eq!(fast.bar_at(3), 6.0);
        assert_eq!(fast.bar_at(5), 8.0);
        assert_eq!(fast.position(7.5), 4.5);
    }

    #[test]
    fn from_the_start_play_time_is_song_time() {
        let a = Anchor {
            bar: 0,
            at: 0.0,
            seconds_per_cycle: 2.666_666_666_7,
        };
        assert_eq!(a.play_time(1.234_567), 1.234_567);
    }
}
