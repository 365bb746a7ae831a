//! MIDI channel messages, as flam sends them.

/// One MIDI message flam sends. Channels are 1–16 here and become 0–15 on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// Start a note.
    NoteOn {
        /// Channel 1–16.
        channel: u8,
        /// Note number.
        key: u8,
        /// Velocity 1–127.
        velocity: u8,
    },
    /// End a note.
    NoteOff {
        /// Channel 1–16.
        channel: u8,
        /// Note number.
        key: u8,
    },
    /// Select a sound.
    ProgramChange {
        /// Channel 1–16.
        channel: u8,
        /// Program 0–127.
        program: u8,
    },
    /// A controller change (bank select is CC 0 and 32, all notes off is CC 123).
    Control {
        /// Channel 1–16.
        channel: u8,
        /// Controller number.
        controller: u8,
        /// Value 0–127.
        value: u8,
    },
    /// The pitch wheel: 0–16383, 8192 in the middle.
    PitchBend {
        /// Channel 1–16.
        channel: u8,
        /// The 14-bit position.
        value: u16,
    },
    /// How hard the keys are pressed down, for the whole channel.
    ChannelPressure {
        /// Channel 1–16.
        channel: u8,
        /// Pressure 0–127.
        value: u8,
    },
}

impl Message {
    /// The message's bytes on the wire, and how many of the three are used.
    pub fn bytes(&self) -> ([u8; 3], usize) {
        let ch = |c: u8| (c.clamp(1, 16) - 1) & 0x0f;
        match *self {
            Message::NoteOn {
                channel,
                key,
                velocity,
            } => ([0x90 | ch(channel), key & 0x7f, velocity.clamp(1, 127)], 3),
            Message::NoteOff { channel, key } => ([0x80 | ch(channel), key & 0x7f, 0], 3),
            Message::ProgramChange { channel, program } => {
                ([0xc0 | ch(channel), program & 0x7f, 0], 2)
            }
            Message::Control {
                channel,
                controller,
                value,
            } => ([0xb0 | ch(channel), controller & 0x7f, value & 0x7f], 3),
            Message::PitchBend { channel, value } => {
                let value = value.min(16383);
                (
                    [0xe0 | ch(channel), (value & 0x7f) as u8, (value >> 7) as u8],
                    3,
                )
            }
            Message::ChannelPressure { channel, value } => {
                ([0xd0 | ch(channel), value & 0x7f, 0], 2)
            }
        }
    }

    /// Whether this message ends a note, so at equal times it goes before note starts.
    pub fn is_note_off(&self) -> bool {
        matches!(self, Message::NoteOff { .. })
    }
}
