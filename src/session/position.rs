//! Where the music is, for the status line.

use super::following::Following;
use crate::engine::anchor::Anchor;
use crate::lang::song::form::Placement;

/// The planner's view of the song, shared with the status line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    /// Where the bars are in play time.
    pub anchor: Anchor,
    /// Quarter notes per minute.
    pub bpm: f64,
    /// Beats per bar.
    pub beats: u32,
    /// The first bar not yet planned: where a song handed over now takes over.
    pub next_bar: i64,
    /// How many songs handed over with [`Player::swap`] the planner has taken so far (quick
    /// reloads it skipped for a newer one included).
    ///
    /// [`Player::swap`]: super::player::Player::swap
    pub songs_taken: u64,
    /// The bar the song playing now took over at (the first bar played, before any swap).
    pub swapped_at: i64,
    /// Where the music stopped, while the transport is stopped.
    pub paused: Option<f64>,
    /// The clock the music keeps time with.
    pub clock: Following,
    /// Where the song's arrangement is placed, for a song with sections.
    pub placement: Option<Placement>,
}

impl Position {
    /// Bar and beat (both from 1) at play time `at`.
    pub fn bar_beat(&self, at: f64) -> (i64, u32) {
        // While stopped the place stands still.
        let position = self
            .paused
            .unwrap_or_else(|| self.anchor.position(at))
            .max(0.0);
        let bar = position.floor();
        let beat = ((position - bar) * f64::from(self.beats)).floor() as u32;
        (bar as i64 + 1, beat.min(self.beats.saturating_sub(1)) + 1)
    }
}
