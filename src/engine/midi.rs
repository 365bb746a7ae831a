//! Any message flam puts on a MIDI port: channel messages from the song, clock and transport.

use super::message::Message;
use super::system::System;

/// One message for a MIDI port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Midi {
    /// A note, program or controller message.
    Channel(Message),
    /// Clock or transport.
    System(System),
}

impl Midi {
    /// The message's bytes on the wire, and how many of the three are used.
    pub fn bytes(&self) -> ([u8; 3], usize) {
        match self {
            Midi::Channel(m) => m.bytes(),
            Midi::System(s) => s.bytes(),
        }
    }

    /// Reads a message back from its bytes (as a capture sees it); `None` for anything flam
    /// does not send.
    pub fn parse(bytes: &[u8]) -> Option<Midi> {
        let status = *bytes.first()?;
        let data = |i: usize| bytes.get(i).copied().filter(|b| *b < 0x80);
        let channel = (status & 0x0f) + 1;
        Some(match status {
            0xf8 => Midi::System(System::Clock),
            0xfa => Midi::System(System::Start),
            0xfb => Midi::System(System::Continue),
            0xfc => Midi::System(System::Stop),
            0xf2 => Midi::System(System::SongPosition(
                u16::from(data(1)?) | (u16::from(data(2)?) << 7),
            )),
            0x80..=0x8f => Midi::Channel(Message::NoteOff {
                channel,
                key: data(1)?,
            }),
            0x90..=0x9f => match data(2)? {
                // Velocity 0 is a note-off by the MIDI standard.
                0 => Midi::Channel(Message::NoteOff {
                    channel,
                    key: data(1)?,
                }),
                velocity => Midi::Channel(Message::NoteOn {
                    channel,
                    key: data(1)?,
                    velocity,
                }),
            },
            0xb0..=0xbf => Midi::Channel(Message::Control {
                channel,
                controller: data(1)?,
                value: data(2)?,
            }),
            0xc0..=0xcf => Midi::Channel(Message::ProgramChange {
                channel,
                program: data(1)?,
            }),
            0xd0..=0xdf => Midi::Channel(Message::ChannelPressure {
                channel,
                value: data(1)?,
            }),
            0xe0..=0xef => Midi::Channel(Message::PitchBend {
                channel,
                value: u16::from(data(1)?) | (u16::from(data(2)?) << 7),
            }),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_flam_sends_reads_back_the_same() {
        let all = [
            Midi::System(System::Clock),
            Midi::System(System::Start),
            Midi::System(System::Continue),
            Midi::System(System::Stop),
            Midi::System(System::SongPosition(300)),
            Midi::Channel(Message::NoteOn {
                channel: 10,
                key: 36,
                velocity: 100,
            }),
            Midi::Channel(Message::NoteOff {
                channel: 16,
                key: 127,
            }),
            Midi::Channel(Message::Control {
                channel: 1,
                controller: 123,
                value: 0,
            }),
            Midi::Channel(Message::ProgramChange {
                channel: 2,
                program: 33,
            }),
            Midi::Channel(Message::PitchBend {
                channel: 3,
                value: 12_345,
            }),
            Midi::Channel(Message::ChannelPressure {
                channel: 4,
                value: 99,
            }),
        ];
        for m in all {
            let (bytes, len) = m.bytes();
            assert_eq!(Midi::parse(&bytes[..len]), Some(m));
        }
    }
}
