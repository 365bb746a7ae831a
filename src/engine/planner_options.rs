//! What the planner is asked to play.

/// Settings for a [`crate::engine::planner::Planner`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlannerOptions {
    /// The bar to start from (0 is the beginning).
    pub from_bar: i64,
    /// How many bars to play, or `None` to play until stopped.
    pub bars: Option<i64>,
    /// Whether to send MIDI clock (24 per quarter note) and transport messages.
    pub clock: bool,
    /// The most seconds ahead of now to hand cues to the senders; it is also kept under half
    /// a bar, so a reloaded song takes over at the next bar line.
    pub lookahead: f64,
}

impl Default for PlannerOptions {
    fn default() -> Self {
        PlannerOptions {
            from_bar: 0,
            bars: None,
            clock: false,
            lookahead: 0.25,
        }
    }
}
