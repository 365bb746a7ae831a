//! MIDI system real-time and common messages: the clock and transport that follow the notes.

/// A system message for MIDI clock and transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum System {
    /// One clock pulse (0xF8), 24 per quarter note.
    Clock,
    /// Start from the beginning of the song (0xFA).
    Start,
    /// Continue from the song position last set (0xFB).
    Continue,
    /// Stop (0xFC).
    Stop,
    /// Song Position Pointer (0xF2): where to continue, in sixteenth notes from the start.
    SongPosition(u16),
}

impl System {
    /// The message's bytes on the wire, and how many of the three are used.
    pub fn bytes(&self) -> ([u8; 3], usize) {
        match *self {
            System::Clock => ([0xf8, 0, 0], 1),
            System::Start => ([0xfa, 0, 0], 1),
            System::Continue => ([0xfb, 0, 0], 1),
            System::Stop => ([0xfc, 0, 0], 1),
            System::SongPosition(sixteenths) => {
                let s = sixteenths.min(0x3fff);
                ([0xf2, (s & 0x7f) as u8, (s >> 7) as u8], 3)
            }
        }
    }
}
