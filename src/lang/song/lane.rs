//! A track's controller lane: a pattern of values for one MIDI controller, the pitch wheel,
//! channel pressure or an NRPN (`cc cutoff "<20 60 100>"`, `volume 100`, `bend sine`,
//! `nrpn 1025 "0 8192"`), sent at each step's start.

use crate::engine::message::Message;
use crate::pattern::Pattern;

/// What a lane moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A controller, 0–119; values 0–127.
    Control(u8),
    /// The pitch wheel; values 0–16383, 8192 the middle.
    Bend,
    /// Channel pressure (aftertouch); values 0–127.
    Pressure,
    /// The program (sound); values 0–127 (General MIDI's 1–128).
    Program,
    /// A non-registered parameter, 0–16383; values 0–16383, sent as four controllers.
    Nrpn(u16),
}

/// The most messages one lane value takes: an NRPN's four controllers.
pub const MOST_MESSAGES: usize = 4;

impl Target {
    /// The messages that set it to `value` on `channel`, in the order they are sent, and how
    /// many of the array are used: one, or four for an NRPN.
    pub fn messages(self, channel: u8, value: u16) -> ([Message; MOST_MESSAGES], usize) {
        let cc = |controller: u8, value: u16| Message::Control {
            channel,
            controller,
            value: (value & 0x7f) as u8,
        };
        match self {
            // Parameter MSB and LSB (CC 99, 98), then data entry MSB and LSB (CC 6, 38): a
            // device takes the value once the LSB arrives, so the four go together, in order.
            Target::Nrpn(param) => {
                let (param, value) = (param.min(16383), value.min(16383));
                (
                    [
                        cc(99, param >> 7),
                        cc(98, param),
                        cc(6, value >> 7),
                        cc(38, value),
                    ],
                    4,
                )
            }
            _ => {
                let one = self.message(channel, value);
                ([one; MOST_MESSAGES], 1)
            }
        }
    }

    /// The one message that sets it to `value` on `channel`; an NRPN's first (see
    /// [`Target::messages`] for all of them).
    fn message(self, channel: u8, value: u16) -> Message {
        match self {
            Target::Control(controller) => Message::Control {
                channel,
                controller,
                value: value.min(127) as u8,
            },
            Target::Bend => Message::PitchBend {
                channel,
                value: value.min(16383),
            },
            Target::Pressure => Message::ChannelPressure {
                channel,
                value: value.min(127) as u8,
            },
            Target::Program => Message::ProgramChange {
                channel,
                program: value.min(127) as u8,
            },
            Target::Nrpn(param) => Message::Control {
                channel,
                controller: 99,
                value: (param.min(16383) >> 7) as u8,
            },
        }
    }

    /// How many bytes setting it once takes on a MIDI cable.
    pub fn bytes(self) -> usize {
        match self {
            Target::Pressure | Target::Program => 2,
            Target::Nrpn(_) => 12,
            Target::Control(_) | Target::Bend => 3,
        }
    }
}

/// One target and the values it takes over time.
#[derive(Clone, Debug)]
pub struct Lane {
    /// What it moves.
    pub target: Target,
    /// Its values; each event's start is when the value is sent.
    pub pattern: Pattern<u16>,
}
