//! Where the song's bars fall in play time, so tempo can change without a jump.

/// Song position `bar` (in bars, maybe part of one) is at play time `at`, and bars follow
/// every `seconds_per_cycle` seconds.
///
/// A tempo change moves the anchor to where the new tempo begins (a bar line, or mid-bar for a
/// tempo played live), at the time that place had under the old tempo, so the music speeds up
/// or slows down without skipping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    /// Where in the song the anchor is, in bars.
    pub bar: f64,
    /// Its play time, in seconds.
    pub at: f64,
    /// How long a bar lasts from here on.
    pub seconds_per_cycle: f64,
}

impl Anchor {
    /// The play time of the start of `bar`.
    pub fn bar_at(&self, bar: i64) -> f64 {
        self.at_position(bar as f64)
    }

    /// The play time of a song position in bars.
    pub fn at_position(&self, position: f64) -> f64 {
        self.at + (position - self.bar) * self.seconds_per_cycle
    }

    /// The play time of a moment given in the song's own seconds (cycle × seconds per cycle,
    /// plus nudges), as [`crate::engine::timeline::events`] lists them.
    pub fn play_time(&self, song_seconds: f64) -> f64 {
        // Written so that an anchor at bar 0, time 0 gives back exactly the song's seconds.
        self.at + (song_seconds - self.bar * self.seconds_per_cycle)
    }

    /// Where in the song a play time falls, in bars (fractional).
    pub fn position(&self, at: f64) -> f64 {
        if self.seconds_per_cycle > 0.0 {
            self.bar + (at - self.at) / self.seconds_per_cycle
        } else {
            self.bar
        }
    }

    /// The same music from `bar` on, at a new bar length.
    pub fn retempo(&self, bar: i64, seconds_per_cycle: f64) -> Anchor {
        Anchor {
            bar: bar as f64,
            at: self.bar_at(bar),
            seconds_per_cycle,
        }
    }

    /// The same music from play time `at` on (mid-bar, for a tempo played live), at a new bar
    /// length.
    pub fn retempo_at(&self, at: f64, seconds_per_cycle: f64) -> Anchor {
        Anchor {
            bar: self.position(at),
            at,
            seconds_per_cycle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-second bars from the start.
    const SLOW: Anchor = Anchor {
        bar: 0.0,
        at: 0.0,
        seconds_per_cycle: 2.0,
    };

    #[test]
    fn a_tempo_change_keeps_the_bar_line_where_it_was() {
        let fast = SLOW.retempo(3, 1.0);
        assert_eq!(fast.bar_at(3), 6.0);
        assert_eq!(fast.bar_at(5), 8.0);
        assert_eq!(fast.position(7.5), 4.5);
    }

    #[test]
    fn a_tempo_change_mid_bar_keeps_the_music_where_it_was() {
        // Half way through bar 1 (at 3 s) the bars get twice as fast.
        let fast = SLOW.retempo_at(3.0, 1.0);
        assert_eq!(fast.position(3.0), 1.5);
        assert_eq!(fast.bar_at(2), 3.5);
        assert_eq!(fast.at_position(2.25), 3.75);
    }

    #[test]
    fn from_the_start_play_time_is_song_time() {
        let a = Anchor {
            bar: 0.0,
            at: 0.0,
            seconds_per_cycle: 2.666_666_666_7,
        };
        assert_eq!(a.play_time(1.234_567), 1.234_567);
    }
}
