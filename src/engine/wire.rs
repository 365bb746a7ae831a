//! A slow output's cable (a 5-pin DIN port carries 3,125 bytes a second): notes always go,
//! and when the cable is busy a lane's controller, pitch wheel, pressure or NRPN value waits,
//! each newer value for the same control replacing the one waiting, so the latest always
//! arrives. An NRPN value's four controllers wait, go and are replaced together, in order.

use super::message::Message;
use super::midi::Midi;

/// How late a lane value may leave behind a busy cable before it waits instead, in seconds.
const SLACK: f64 = 0.002;

/// The controllers of one NRPN value, in the order they are sent: parameter MSB and LSB, data
/// entry MSB and LSB.
const NRPN: [u8; 4] = [99, 98, 6, 38];

/// Marks an NRPN's key apart from a single controller's.
const NRPN_KEY: u32 = 1 << 24;

/// One lane value for the cable: a single message, or an NRPN's four.
#[derive(Clone, Copy, Debug)]
struct Value {
    /// Which control it sets, so a newer value can replace a waiting one.
    control: u32,
    /// When it was meant for.
    at: f64,
    midi: [Midi; 4],
    len: usize,
}

impl Value {
    fn parts(&self) -> &[Midi] {
        &self.midi[..self.len]
    }
}

/// The cable of one output, and the lane values waiting for it.
#[derive(Clone, Debug)]
pub struct Wire {
    seconds_per_byte: f64,
    free_at: f64,
    waiting: Vec<Value>,
    /// The NRPN whose four controllers are arriving: it goes (or waits) once all are here.
    gathering: Option<Value>,
    thinned: u64,
}

/// Which control a lane message sets, so a newer value can replace a waiting one; `None` for
/// messages that are never held back.
fn control_of(midi: &Midi) -> Option<u32> {
    let Midi::Channel(message) = midi else {
        return None;
    };
    let status = u32::from(message.bytes().0[0]);
    match message {
        Message::Control { controller, .. } if *controller < 120 => {
            Some(status << 8 | u32::from(*controller))
        }
        Message::PitchBend { .. } | Message::ChannelPressure { .. } => Some(status << 8),
        _ => None,
    }
}

/// The channel and controller of a controller message.
fn controller_of(midi: &Midi) -> Option<(u8, u8, u8)> {
    match midi {
        Midi::Channel(Message::Control {
            channel,
            controller,
            value,
        }) => Some((*channel, *controller, *value)),
        _ => None,
    }
}

impl Wire {
    /// A cable carrying `bytes_per_second`.
    pub fn new(bytes_per_second: f64) -> Wire {
        Wire {
            seconds_per_byte: 1.0 / bytes_per_second.max(1.0),
            free_at: f64::NEG_INFINITY,
            waiting: Vec::new(),
            gathering: None,
            thinned: 0,
        }
    }

    /// How many lane values were dropped for a newer one.
    pub fn thinned(&self) -> u64 {
        self.thinned
    }

    /// How many messages wait (an NRPN value counts its four).
    pub fn waiting(&self) -> usize {
        self.waiting.iter().map(|v| v.len).sum::<usize>() + self.gathering.map_or(0, |g| g.len)
    }

    fn occupy(&mut self, midi: &Midi, at: f64) -> f64 {
        let bytes = match midi {
            Midi::Channel(m) => m.bytes().1,
            Midi::System(_) => 1,
        };
        let start = self.free_at.max(at);
        self.free_at = start + bytes as f64 * self.seconds_per_byte;
        start
    }

    /// Puts a value's messages on the cable one after another, from `at` or when it frees up.
    fn put(&mut self, value: &Value, at: f64, send: &mut impl FnMut(Midi, f64)) {
        for midi in value.parts() {
            let when = self.occupy(midi, at);
            send(*midi, when);
        }
    }

    /// Sends through `send` (message, when) the waiting values the cable has room for by
    /// `limit`, oldest first, each when the cable frees up.
    pub fn flush(&mut self, limit: f64, send: &mut impl FnMut(Midi, f64)) {
        while !self.waiting.is_empty() && self.free_at < limit {
            let value = self.waiting.remove(0);
            self.put(&value, value.at, send);
        }
    }

    /// Passes `midi`, due at `at`, to the cable: waiting values whose turn has come go first;
    /// a note or any other message always goes at its time, and so does whatever is not a
    /// `lane` value (the setup's bank, program and RPN controllers). A lane value goes if the
    /// cable is free by then (and before `limit`, how far ahead messages are handed over),
    /// else it waits (replacing a waiting value for the same control). An NRPN's four
    /// controllers, which a lane hands over one after another, are gathered and decided on
    /// as one.
    pub fn pass(
        &mut self,
        midi: Midi,
        at: f64,
        limit: f64,
        lane: bool,
        send: &mut impl FnMut(Midi, f64),
    ) {
        self.flush(at, send);
        let part = controller_of(&midi).filter(|_| lane);
        if let Some(mut value) = self.gathering.take() {
            let next = NRPN.get(value.len);
            match part {
                Some((channel, controller, _))
                    if Some(&controller) == next
                        && controller_of(&value.midi[0]).is_some_and(|c| c.0 == channel) =>
                {
                    value.midi[value.len] = midi;
                    value.len += 1;
                    if value.len < NRPN.len() {
                        self.gathering = Some(value);
                    } else {
                        self.offer(value, limit, send);
                    }
                    return;
                }
                // An NRPN cut short is nothing a lane sends; what came of it goes as it is.
                _ => {
                    let at = value.at;
                    self.put(&value, at, send);
                }
            }
        }
        if let Some((_, 99, _)) = part {
            self.gathering = Some(Value {
                control: 0,
                at,
                midi: [midi; 4],
                len: 1,
            });
            return;
        }
        match control_of(&midi).filter(|_| lane) {
            Some(control) => self.offer(
                Value {
                    control,
                    at,
                    midi: [midi; 4],
                    len: 1,
                },
                limit,
                send,
            ),
            None => {
                self.occupy(&midi, at);
                send(midi, at);
            }
        }
    }

    /// A lane value goes now if the cable is free by its time (at most SLACK late), else it
    /// waits, replacing a waiting value for the same control.
    fn offer(&mut self, mut value: Value, limit: f64, send: &mut impl FnMut(Midi, f64)) {
        if value.len == NRPN.len() {
            let part = |i: usize| controller_of(&value.midi[i]).map_or(0, |c| u32::from(c.2));
            let channel = controller_of(&value.midi[0]).map_or(0, |c| u32::from(c.0));
            value.control = NRPN_KEY | channel << 14 | part(0) << 7 | part(1);
        }
        if self.free_at > value.at + SLACK || self.free_at >= limit {
            match self.waiting.iter_mut().find(|w| w.control == value.control) {
                Some(w) => {
                    *w = value;
                    self.thinned += 1;
                }
                None => self.waiting.push(value),
            }
        } else {
            self.put(&value, value.at, send);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(value: u8) -> Midi {
        Midi::Channel(Message::Control {
            channel: 1,
            controller: 74,
            value,
        })
    }

    fn note() -> Midi {
        Midi::Channel(Message::NoteOn {
            channel: 1,
            key: 60,
            velocity: 100,
        })
    }

    #[test]
    fn a_flood_of_values_is_thinned_to_what_the_cable_carries_and_the_last_arrives() {
        // 128 values in 10 ms: 384 bytes, where the cable carries 31 in that time.
        let mut wire = Wire::new(3125.0);
        let mut sent = Vec::new();
        for i in 0..128u8 {
            let at = f64::from(i) * 0.01 / 128.0;
            wire.pass(cc(i), at, 1.0, true, &mut |m, t| sent.push((m, t)));
        }
        wire.flush(1.0, &mut |m, t| sent.push((m, t)));
        assert!(sent.len() < 20, "{} sent", sent.len());
        assert_eq!(
            sent.last().map(|s| s.0),
            Some(cc(127)),
            "the latest value arrives"
        );
        assert_eq!(wire.thinned() as usize + sent.len(), 128);
        // Never more than the cable carries: each message starts after the one before ends.
        for pair in sent.windows(2) {
            assert!(pair[1].1 >= pair[0].1 + 3.0 / 3125.0 - 1e-12, "{pair:?}");
        }
    }

    #[test]
    fn notes_go_on_time_while_values_wait_their_turn() {
        let mut wire = Wire::new(3125.0);
        let mut sent = Vec::new();
        wire.pass(cc(1), 0.0, 1.0, true, &mut |m, t| sent.push((m, t)));
        wire.pass(cc(2), 0.0001, 1.0, true, &mut |m, t| sent.push((m, t)));
        wire.pass(cc(3), 0.0002, 1.0, true, &mut |m, t| sent.push((m, t)));
        wire.pass(note(), 0.0003, 1.0, true, &mut |m, t| sent.push((m, t)));
        // cc 2 and cc 3 fit within the slack; the note goes at its own time regardless.
        assert_eq!(sent.iter().filter(|s| s.0 == note()).count(), 1);
        let note_at = sent.iter().find(|s| s.0 == note()).map(|s| s.1);
        assert_eq!(note_at, Some(0.0003));
    }

    /// The four controllers of NRPN `param` set to `value` on channel 1.
    fn nrpn(param: u16, value: u16) -> [Midi; 4] {
        let (messages, _) = crate::lang::song::lane::Target::Nrpn(param).messages(1, value);
        messages.map(Midi::Channel)
    }

    #[test]
    fn a_flood_of_nrpn_values_is_thinned_whole_and_each_arrives_in_its_four_parts_in_order() {
        let mut wire = Wire::new(3125.0);
        let mut sent = Vec::new();
        // 64 values of parameter 1025 and, between them, a filter sweep on the same channel.
        for i in 0..64u16 {
            let at = f64::from(i) * 0.01 / 64.0;
            for midi in nrpn(1025, i * 256) {
                wire.pass(midi, at, 1.0, true, &mut |m, t| sent.push((m, t)));
            }
            wire.pass(cc(i as u8), at, 1.0, true, &mut |m, t| sent.push((m, t)));
        }
        wire.flush(1.0, &mut |m, t| sent.push((m, t)));
        assert!(wire.thinned() > 0, "nothing was thinned");
        let controllers: Vec<(u8, u8)> = sent
            .iter()
            .filter_map(|(m, _)| controller_of(m).map(|c| (c.1, c.2)))
            .collect();
        let mut values = Vec::new();
        let mut i = 0;
        while i < controllers.len() {
            if controllers[i].0 == 74 {
                i += 1;
                continue;
            }
            let four: Vec<u8> = controllers[i..i + 4].iter().map(|c| c.0).collect();
            assert_eq!(
                four, NRPN,
                "an NRPN value split or out of order: {controllers:?}"
            );
            assert_eq!(
                (controllers[i].1, controllers[i + 1].1),
                (8, 1),
                "parameter 1025"
            );
            values.push(u16::from(controllers[i + 2].1) << 7 | u16::from(controllers[i + 3].1));
            i += 4;
        }
        assert_eq!(values.first(), Some(&0));
        assert_eq!(values.last(), Some(&(63 * 256)), "the latest value arrives");
        assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
        assert_eq!(wire.waiting(), 0);
    }

    #[test]
    fn the_setup_bend_range_is_never_thinned_however_busy_the_cable() {
        let mut wire = Wire::new(3125.0);
        let mut sent = Vec::new();
        let control = |controller, value| {
            Midi::Channel(Message::Control {
                channel: 1,
                controller,
                value,
            })
        };
        // Bank select, then RPN 0 set to 12 semitones and RPN null: 101 and 100 each twice.
        let setup = [
            control(0, 0),
            control(32, 1),
            control(101, 0),
            control(100, 0),
            control(6, 12),
            control(38, 0),
            control(101, 127),
            control(100, 127),
        ];
        for midi in setup {
            wire.pass(midi, 0.0, 1.0, false, &mut |m, t| sent.push((m, t)));
        }
        wire.flush(1.0, &mut |m, t| sent.push((m, t)));
        let got: Vec<Midi> = sent.iter().map(|s| s.0).collect();
        assert_eq!(got, setup);
        assert_eq!(wire.thinned(), 0);
    }
}
