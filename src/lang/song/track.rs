//! One track of a song: where its notes go and the pattern that plays them.

use super::lane::Lane;
use super::track_input::TrackInput;
use crate::pattern::{Note, Pattern};
use crate::theory::time::Time;

/// A compiled track.
#[derive(Clone, Debug)]
pub struct Track {
    /// Its name, unique within the song.
    pub name: String,
    /// MIDI channel, 1–16.
    pub channel: u8,
    /// General MIDI program, 0–127, sent at start when set.
    pub program: Option<u8>,
    /// Bank select (CC 0/32), sent before the program when set.
    pub bank: Option<u16>,
    /// Whether this is a drum track (General MIDI channel 10 conventions).
    pub drums: bool,
    /// The notes it plays.
    pub pattern: Pattern<Note>,
    /// How much of each event's length the note sounds: 1.0 is full, over 1.0 overlaps.
    pub gate: Time,
    /// Whether it is silenced.
    pub muted: bool,
    /// The line the track starts on, for messages.
    pub line: usize,
    /// Played from a keyboard (`input`): its pattern is what the keys held make, and is
    /// silent until then.
    pub input: Option<TrackInput>,
    /// The named output it goes to (`output drums`, matched with `--out drums=PORT`); `None`
    /// goes to the outputs without a name.
    pub output: Option<String>,
    /// Controller, pitch wheel and pressure lanes, sent on the track's channel.
    pub lanes: Vec<Lane>,
    /// The pitch wheel's reach in semitones (`bend-range`), set through RPN 0 at the start.
    pub bend_range: Option<u8>,
}
