//! A track's controller lane: a pattern of values for one MIDI controller, the pitch wheel or
//! channel pressure (`cc cutoff "<20 60 100>"`, `volume 100`, `bend sine`), sent at each
//! step's start.

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
}

impl Target {
    /// The message that sets it to `value` on `channel`.
    pub fn message(self, channel: u8, value: u16) -> Message {
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
