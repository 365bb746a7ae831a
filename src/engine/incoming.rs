//! A MIDI message received from an input port, as [`super::midi_parser::MidiParser`] delivers it.

/// One message from a MIDI input: channel voice messages and the clock and transport flam follows.
///
/// Channels are numbered 1..=16 as musicians and front panels number them, not 0..=15 as the wire
/// does, so that what flam shows matches the sending device's display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A key pressed with a velocity of 1..=127.
    NoteOn {
        /// The channel, 1..=16.
        channel: u8,
        /// The key, 0..=127 (60 is middle C).
        key: u8,
        /// The velocity, 1..=127.
        velocity: u8,
    },
    /// A key released; a note-on with velocity 0 arrives as this with velocity 0.
    NoteOff {
        /// The channel, 1..=16.
        channel: u8,
        /// The key, 0..=127.
        key: u8,
        /// The release velocity, 0..=127 (0 when it came as a note-on with velocity 0).
        velocity: u8,
    },
    /// A control change: a knob, fader, pedal or switch.
    Control {
        /// The channel, 1..=16.
        channel: u8,
        /// The controller number, 0..=127.
        controller: u8,
        /// The value, 0..=127.
        value: u8,
    },
    /// A program (patch) change.
    Program {
        /// The channel, 1..=16.
        channel: u8,
        /// The program number, 0..=127 (front panels often show it plus one).
        program: u8,
    },
    /// Aftertouch for the whole channel.
    ChannelPressure {
        /// The channel, 1..=16.
        channel: u8,
        /// The pressure, 0..=127.
        value: u8,
    },
    /// Aftertouch for one key.
    PolyPressure {
        /// The channel, 1..=16.
        channel: u8,
        /// The key, 0..=127.
        key: u8,
        /// The pressure, 0..=127.
        value: u8,
    },
    /// The pitch wheel, signed so that the wheel at rest is 0.
    PitchBend {
        /// The channel, 1..=16.
        channel: u8,
        /// The bend, -8192..=8191 with 0 the centre.
        value: i16,
    },
    /// One clock pulse (0xF8), 24 per quarter note.
    Clock,
    /// Start from the beginning of the song (0xFA).
    Start,
    /// Continue from the song position last set (0xFB).
    Continue,
    /// Stop, keeping the position (0xFC).
    Stop,
    /// Song Position Pointer (0xF2): where Continue resumes, in sixteenth notes, 0..=16383.
    SongPosition(u16),
    /// The sender is alive (0xFE), sent every 300 ms or less by devices that use it.
    ActiveSensing,
    /// Return to the power-up state (0xFF).
    Reset,
}
