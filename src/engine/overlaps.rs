//! Keeps every note-on paired with exactly one note-off when notes on one key overlap.

use super::message::Message;
use super::plan::Timed;

/// The state of a time-ordered walk over note-ons and note-offs: which keys sound, and which
/// note-offs are still to be dropped because their note was already ended early.
///
/// When a note starts on a key that is still sounding on the same channel, the earlier note
/// is ended just before it restarts and its own later note-off is dropped. Feeding messages
/// one by one in time order gives the same result as resolving the whole list at once, which
/// is what lets the planner work bar by bar.
#[derive(Clone, Debug)]
pub struct Overlaps {
    sounding: Vec<u32>,
    pending_drops: Vec<u32>,
}

impl Default for Overlaps {
    fn default() -> Self {
        Overlaps {
            sounding: vec![0; 16 * 128],
            pending_drops: vec![0; 16 * 128],
        }
    }
}

fn slot(channel: u8, key: u8) -> usize {
    usize::from(channel.clamp(1, 16) - 1) * 128 + usize::from(key & 0x7f)
}

impl Overlaps {
    /// Passes on the next message in time order, with any note-off that must go before it.
    pub fn push(&mut self, t: Timed, out: &mut impl FnMut(Timed)) {
        match t.message {
            Message::NoteOn { channel, key, .. } => {
                let i = slot(channel, key);
                if self.sounding[i] > 0 {
                    out(Timed {
                        message: Message::NoteOff { channel, key },
                        ..t
                    });
                    self.pending_drops[i] += 1;
                } else {
                    self.sounding[i] = 1;
                }
                out(t);
            }
            Message::NoteOff { channel, key } => {
                let i = slot(channel, key);
                if self.pending_drops[i] > 0 {
                    self.pending_drops[i] -= 1;
                } else if self.sounding[i] > 0 {
                    self.sounding[i] = 0;
                    out(t);
                }
            }
            _ => out(t),
        }
    }
}
