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
    /// Jump to the section of this name at the next bar line.
    Section(String),
    /// A key played on the input, where the song was when it was (for the loop recorder
    /// and map learning).
    Played(PlayedKey),
    /// A knob, fader or button moved on the input (for map learning).
    Moved {
        /// MIDI channel, 1–16.
        channel: u8,
        /// The controller number.
        controller: u8,
    },
}

/// A key pressed or let go on the input, placed in the song.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlayedKey {
    /// Where the song was, in bars from 0 (a fraction mid-bar).
    pub position: f64,
    /// MIDI channel, 1–16.
    pub channel: u8,
    /// MIDI note.
    pub key: u8,
    /// Velocity (0 for a key let go).
    pub velocity: u8,
    /// Pressed or let go.
    pub down: bool,
}
