//! How to play: where from, how long, with clock or not.

/// Settings for [`crate::session::player::Player::start`].
#[derive(Clone, Debug, PartialEq)]
pub struct PlayOptions {
    /// The bar to start from.
    pub from_bar: i64,
    /// How many bars to play (`None`: until stopped).
    pub bars: Option<i64>,
    /// Send MIDI clock and transport.
    pub clock: bool,
    /// The most the planner works ahead, in seconds.
    pub lookahead: f64,
    /// Print a line on stderr when a reloaded song takes over (not under the live UI,
    /// which owns the terminal).
    pub announce_swaps: bool,
    /// Each output's name, in the order of the outputs (`--out drums=PORT`); an output
    /// without a name, or missing here, takes every track.
    pub routes: Vec<Option<String>>,
    /// Each output's cable, in bytes a second, when it is a slow one (`--din`: 3,125); lane
    /// values are thinned to fit it.
    pub wires: Vec<Option<f64>>,
    /// Which outputs get the clock and transport messages when `clock` is on (in the order of
    /// the outputs; missing entries do).
    pub clocks: Vec<bool>,
}

impl Default for PlayOptions {
    fn default() -> Self {
        PlayOptions {
            from_bar: 0,
            bars: None,
            clock: false,
            lookahead: 0.25,
            announce_swaps: true,
            routes: Vec::new(),
            wires: Vec::new(),
            clocks: Vec::new(),
        }
    }
}
