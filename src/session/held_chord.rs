//! The keys a keyboard holds for one keyboard-played track (`input`), with hold or latch:
//! what its arpeggiator plays.

use crate::engine::incoming::Incoming;
use crate::lang::song::track_input::TrackInput;
use crate::pattern::{Note, Pattern};

/// The keys down on the track's channel and, with latch, the chord that keeps sounding.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldChord {
    track: String,
    input: TrackInput,
    /// Keys down now, in the order pressed.
    down: Vec<u8>,
    /// With latch: the chord begun by the first key pressed after all were up.
    latched: Vec<u8>,
}

impl HeldChord {
    /// Nothing held yet, for the track `track` played from `input`.
    pub fn new(track: &str, input: &TrackInput) -> HeldChord {
        HeldChord {
            track: track.to_string(),
            input: input.clone(),
            down: Vec::new(),
            latched: Vec::new(),
        }
    }

    /// The track's name.
    pub fn track(&self) -> &str {
        &self.track
    }

    /// How the track listens.
    pub fn input(&self) -> &TrackInput {
        &self.input
    }

    /// Takes in `message`; returns whether the notes the track plays changed.
    pub fn hear(&mut self, message: &Incoming) -> bool {
        let (channel, key, on) = match *message {
            Incoming::NoteOn { channel, key, .. } => (channel, key, true),
            Incoming::NoteOff { channel, key, .. } => (channel, key, false),
            _ => return false,
        };
        if self.input.channel.is_some_and(|c| c != channel) {
            return false;
        }
        let before = self.keys().to_vec();
        if on {
            if self.input.latch && self.down.is_empty() {
                self.latched.clear();
            }
            if !self.down.contains(&key) {
                self.down.push(key);
            }
            if self.input.latch && !self.latched.contains(&key) {
                self.latched.push(key);
            }
        } else {
            self.down.retain(|k| *k != key);
        }
        self.keys() != before.as_slice()
    }

    /// The keys the track plays, in the order pressed.
    pub fn keys(&self) -> &[u8] {
        if self.input.latch {
            &self.latched
        } else {
            &self.down
        }
    }

    /// What the track plays: its arpeggiator over the keys, a whole bar long each bar (so
    /// the steps stay on the song's grid), or silence.
    pub fn pattern(&self) -> Pattern<Note> {
        let keys = self.keys().to_vec();
        if keys.is_empty() {
            return Pattern::silence();
        }
        match &self.input.arp {
            Some(arp) => Pattern::pure(keys)
                .arp(arp)
                .unwrap_or_else(|_| Pattern::silence()),
            // Played straight through, note by note, not as a pattern.
            None => Pattern::silence(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    fn input(latch: &str) -> TrackInput {
        compile(&format!(
            "track keys\n  input ch 1 {latch}\n  arp up rate 1/8\n"
        ))
        .unwrap()
        .tracks[0]
            .input
            .clone()
            .unwrap()
    }

    fn on(key: u8) -> Incoming {
        Incoming::NoteOn {
            channel: 1,
            key,
            velocity: 100,
        }
    }

    fn off(key: u8) -> Incoming {
        Incoming::NoteOff {
            channel: 1,
            key,
            velocity: 0,
        }
    }

    #[test]
    fn held_notes_sound_while_the_keys_are_down() {
        let mut chord = HeldChord::new("keys", &input("hold"));
        assert!(chord.hear(&on(60)));
        assert!(chord.hear(&on(64)));
        assert_eq!(chord.keys(), &[60, 64]);
        assert!(chord.hear(&off(60)));
        assert_eq!(chord.keys(), &[64]);
        assert!(
            !chord.hear(&Incoming::NoteOn {
                channel: 2,
                key: 67,
                velocity: 90
            }),
            "another channel"
        );
    }

    #[test]
    fn a_latched_chord_stays_until_a_new_one_begins_after_all_keys_are_up() {
        let mut chord = HeldChord::new("keys", &input("latch"));
        chord.hear(&on(60));
        chord.hear(&on(64));
        assert!(!chord.hear(&off(60)), "letting go changes nothing");
        chord.hear(&off(64));
        assert_eq!(chord.keys(), &[60, 64]);
        assert!(chord.hear(&on(62)), "a new chord");
        assert!(chord.hear(&on(65)));
        assert_eq!(chord.keys(), &[62, 65]);
    }

    #[test]
    fn the_arpeggiator_plays_the_keys_up_on_eighths() {
        let mut chord = HeldChord::new("keys", &input("hold"));
        chord.hear(&on(60));
        chord.hear(&on(64));
        chord.hear(&on(67));
        let keys: Vec<u8> = chord
            .pattern()
            .query(crate::pattern::Span::new(
                crate::theory::time::Time::ZERO,
                crate::theory::time::Time::new(1, 2),
            ))
            .iter()
            .map(|h| h.value.key)
            .collect();
        assert_eq!(keys, vec![60, 64, 67, 60]);
    }
}
