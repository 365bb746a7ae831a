//! Which notes are sounding on one port, so stopping never leaves a note hanging.

use super::message::Message;

/// Counts of sounding notes per channel and key, and the channels used, in fixed arrays: it
/// lives in the real-time sender and never allocates.
#[derive(Clone, Debug)]
pub struct Ledger {
    counts: [[u16; 128]; 16],
    used: u16,
    sounding: u32,
    /// Channels whose pitch wheel is off the middle.
    bent: u16,
    /// Channels whose sustain pedal is down.
    held: u16,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            counts: [[0; 128]; 16],
            used: 0,
            sounding: 0,
            bent: 0,
            held: 0,
        }
    }
}

impl Ledger {
    /// Notes a message as sent.
    pub fn record(&mut self, message: &Message) {
        match *message {
            Message::NoteOn { channel, key, .. } => {
                let c = usize::from(channel.clamp(1, 16) - 1);
                self.used |= 1 << c;
                let n = &mut self.counts[c][usize::from(key & 0x7f)];
                *n = n.saturating_add(1);
                self.sounding = self.sounding.saturating_add(1);
            }
            Message::NoteOff { channel, key } => {
                let c = usize::from(channel.clamp(1, 16) - 1);
                self.used |= 1 << c;
                let n = &mut self.counts[c][usize::from(key & 0x7f)];
                if *n > 0 {
                    *n -= 1;
                    self.sounding = self.sounding.saturating_sub(1);
                }
            }
            Message::PitchBend { channel, value } => {
                let bit = 1 << (channel.clamp(1, 16) - 1);
                self.used |= bit;
                if value == 8192 {
                    self.bent &= !bit;
                } else {
                    self.bent |= bit;
                }
            }
            Message::Control {
                channel,
                controller: 64,
                value,
            } => {
                let bit = 1 << (channel.clamp(1, 16) - 1);
                self.used |= bit;
                if value >= 64 {
                    self.held |= bit;
                } else {
                    self.held &= !bit;
                }
            }
            Message::ProgramChange { channel, .. }
            | Message::Control { channel, .. }
            | Message::ChannelPressure { channel, .. } => {
                self.used |= 1 << (channel.clamp(1, 16) - 1);
            }
        }
    }

    /// How many notes are sounding.
    pub fn sounding(&self) -> u32 {
        self.sounding
    }

    /// Whether anything was sent on a channel (1–16).
    pub fn used(&self, channel: u8) -> bool {
        (1..=16).contains(&channel) && self.used & (1 << (channel - 1)) != 0
    }

    /// Calls `off` with a note-off for every sounding note (once per sounding copy), the
    /// sustain pedal up and the pitch wheel back to the middle where a lane left them (a held
    /// pedal would keep the notes ringing, a bent wheel leaves the next song out of tune),
    /// then All Notes Off (CC 123) for every channel used, and forgets them.
    pub fn release(&mut self, mut off: impl FnMut(Message)) {
        for (c, keys) in self.counts.iter_mut().enumerate() {
            let channel = c as u8 + 1;
            for (key, n) in keys.iter_mut().enumerate() {
                while *n > 0 {
                    off(Message::NoteOff {
                        channel,
                        key: key as u8,
                    });
                    *n -= 1;
                }
            }
        }
        self.sounding = 0;
        for channel in 1..=16u8 {
            let bit = 1 << (channel - 1);
            if self.held & bit != 0 {
                off(Message::Control {
                    channel,
                    controller: 64,
                    value: 0,
                });
            }
            if self.bent & bit != 0 {
                off(Message::PitchBend {
                    channel,
                    value: 8192,
                });
            }
        }
        (self.held, self.bent) = (0, 0);
        for channel in 1..=16u8 {
            if self.used(channel) {
                off(Message::Control {
                    channel,
                    controller: 123,
                    value: 0,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releasing_ends_every_sounding_note_then_silences_used_channels() {
        let mut ledger = Ledger::default();
        let on = |channel, key| Message::NoteOn {
            channel,
            key,
            velocity: 90,
        };
        ledger.record(&on(10, 36));
        ledger.record(&on(2, 38));
        ledger.record(&Message::NoteOff {
            channel: 2,
            key: 38,
        });
        ledger.record(&on(2, 40));
        assert_eq!(ledger.sounding(), 2);
        let mut sent = Vec::new();
        ledger.release(|m| sent.push(m));
        assert_eq!(
            sent,
            vec![
                Message::NoteOff {
                    channel: 2,
                    key: 40
                },
                Message::NoteOff {
                    channel: 10,
                    key: 36
                },
                Message::Control {
                    channel: 2,
                    controller: 123,
                    value: 0
                },
                Message::Control {
                    channel: 10,
                    controller: 123,
                    value: 0
                },
            ]
        );
        assert_eq!(ledger.sounding(), 0);
    }

    #[test]
    fn a_held_pedal_goes_up_and_a_bent_wheel_comes_back_to_the_middle_on_release() {
        let mut ledger = Ledger::default();
        ledger.record(&Message::Control {
            channel: 1,
            controller: 64,
            value: 127,
        });
        ledger.record(&Message::PitchBend {
            channel: 2,
            value: 12_000,
        });
        ledger.record(&Message::PitchBend {
            channel: 3,
            value: 8192,
        });
        let mut sent = Vec::new();
        ledger.release(|m| sent.push(m));
        assert_eq!(
            sent[..2],
            [
                Message::Control {
                    channel: 1,
                    controller: 64,
                    value: 0
                },
                Message::PitchBend {
                    channel: 2,
                    value: 8192
                },
            ],
            "channel 3 is already in the middle"
        );
        assert_eq!(
            sent.len(),
            5,
            "then All Notes Off on the three channels used"
        );
    }

    #[test]
    fn a_stray_note_off_does_not_count_below_silence() {
        let mut ledger = Ledger::default();
        ledger.record(&Message::NoteOff {
            channel: 1,
            key: 60,
        });
        assert_eq!(ledger.sounding(), 0);
    }
}
