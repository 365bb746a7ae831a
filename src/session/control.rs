//! What a controller asked for, once a `map` line has matched its message.

/// One thing to do, from a knob, fader or pad.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    /// Mute or unmute the track of this name.
    ToggleMute(String),
    /// Solo or unsolo the track of this name.
    ToggleSolo(String),
    /// Play at this tempo.
    Tempo(f64),
    /// End every sounding note and play on.
    Panic,
    /// Select a track in `flam live`: a share of the way down the track list, 0–1 (a pad
    /// selects the next track instead: `None`).
    Select(Option<f64>),
}
