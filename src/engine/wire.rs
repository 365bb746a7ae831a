//! A slow output's cable (a 5-pin DIN port carries 3,125 bytes a second): notes always go,
//! and when the cable is busy a lane's controller, pitch wheel or pressure value waits, each
//! newer value for the same control replacing the one waiting, so the latest always arrives.

use super::message::Message;
use super::midi::Midi;

/// How late a lane value may leave behind a busy cable before it waits instead, in seconds.
const SLACK: f64 = 0.002;

/// The cable of one output, and the lane values waiting for it.
#[derive(Clone, Debug)]
pub struct Wire {
    seconds_per_byte: f64,
    free_at: f64,
    /// Waiting values: which control (status and number), when it was meant for, the message.
    waiting: Vec<(u16, f64, Midi)>,
    thinned: u64,
}

/// Which control a lane message sets, so a newer value can replace a waiting one; `None` for
/// messages that are never held back.
fn control_of(midi: &Midi) -> Option<u16> {
    let Midi::Channel(message) = midi else {
        return None;
    };
    let (bytes, _) = message.bytes();
    match message {
        Message::Control { controller, .. } if *controller < 120 => {
            Some(u16::from(bytes[0]) << 8 | u16::from(*controller))
        }
        Message::PitchBend { .. } | Message::ChannelPressure { .. } => {
            Some(u16::from(bytes[0]) << 8)
        }
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
            thinned: 0,
        }
    }

    /// How many lane values were dropped for a newer one.
    pub fn thinned(&self) -> u64 {
        self.thinned
    }

    /// How many lane values wait.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
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

    /// Sends through `send` (message, when) the waiting values the cable has room for by
    /// `limit`, oldest first, each when the cable frees up.
    pub fn flush(&mut self, limit: f64, send: &mut impl FnMut(Midi, f64)) {
        while !self.waiting.is_empty() && self.free_at < limit {
            let (_, at, midi) = self.waiting.remove(0);
            let when = self.free_at.max(at);
            self.occupy(&midi, when);
            send(midi, when);
        }
    }

    /// Passes `midi`, due at `at`, to the cable: waiting values whose turn has come go first;
    /// a note or any other message always goes at its time; a lane value goes if the cable is
    /// free by then (and before `limit`, how far ahead messages are handed over), else it
    /// waits (replacing a waiting value for the same control).
    pub fn pass(&mut self, midi: Midi, at: f64, limit: f64, send: &mut impl FnMut(Midi, f64)) {
        self.flush(at, send);
        match control_of(&midi) {
            Some(control) if self.free_at > at + SLACK || self.free_at >= limit => {
                match self.waiting.iter_mut().find(|w| w.0 == control) {
                    Some(w) => {
                        *w = (control, at, midi);
                        self.thinned += 1;
                    }
                    None => self.waiting.push((control, at, midi)),
                }
            }
            // A value leaves when the cable is free (at most SLACK late); a note at its time,
            // whatever the cable is doing.
            Some(_) => {
                let when = self.occupy(&midi, at);
                send(midi, when);
            }
            None => {
                self.occupy(&midi, at);
                send(midi, at);
            }
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
            wire.pass(cc(i), at, 1.0, &mut |m, t| sent.push((m, t)));
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
        wire.pass(cc(1), 0.0, 1.0, &mut |m, t| sent.push((m, t)));
        wire.pass(cc(2), 0.0001, 1.0, &mut |m, t| sent.push((m, t)));
        wire.pass(cc(3), 0.0002, 1.0, &mut |m, t| sent.push((m, t)));
        wire.pass(note(), 0.0003, 1.0, &mut |m, t| sent.push((m, t)));
        // cc 2 and cc 3 fit within the slack; the note goes at its own time regardless.
        assert_eq!(sent.iter().filter(|s| s.0 == note()).count(), 1);
        let note_at = sent.iter().find(|s| s.0 == note()).map(|s| s.1);
        assert_eq!(note_at, Some(0.0003));
    }
}
