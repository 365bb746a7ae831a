//! The keys a keyboard holds for one keyboard-played track (`input`), with hold or latch:
//! what its arpeggiator plays, or how far its own pattern moves (`transpose`).

use crate::engine::incoming::Incoming;
use crate::lang::song::track_input::TrackInput;
use crate::pattern::{Note, Pattern};

/// The keys down on the track's channel and, with latch, the chord that keeps sounding.
#[derive(Clone, Debug)]
pub struct HeldChord {
    track: String,
    input: TrackInput,
    /// The track's own pattern, which `transpose` moves.
    written: Pattern<Note>,
    /// The velocity each key was last played with.
    velocities: [u8; 128],
    /// Keys down now, in the order pressed.
    down: Vec<u8>,
    /// With latch: the chord begun by the first key pressed after all were up.
    latched: Vec<u8>,
}

impl HeldChord {
    /// Nothing held yet, for the track `track` played from `input`, whose own pattern is
    /// `written`.
    pub fn new(track: &str, input: &TrackInput, written: &Pattern<Note>) -> HeldChord {
        HeldChord {
            track: track.to_string(),
            input: input.clone(),
            written: written.clone(),
            velocities: [100; 128],
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

    /// Whether the track listens to input channel `channel`.
    pub fn listens(&self, channel: u8) -> bool {
        self.input.channel.is_none_or(|want| want == channel)
    }

    /// The same keys held, for a new version of the track whose own pattern is `written`.
    pub fn rewritten(&self, written: &Pattern<Note>) -> HeldChord {
        HeldChord {
            written: written.clone(),
            ..self.clone()
        }
    }

    /// Takes in `message`; returns whether the notes the track plays changed.
    pub fn hear(&mut self, message: &Incoming) -> bool {
        let (channel, key, on) = match *message {
            Incoming::NoteOn {
                channel,
                key,
                velocity,
            } => {
                if let Some(v) = self.velocities.get_mut(usize::from(key & 0x7f)) {
                    *v = velocity;
                }
                (channel, key, true)
            }
            Incoming::NoteOff { channel, key, .. } => (channel, key, false),
            _ => return false,
        };
        if !self.listens(channel) {
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
    /// the steps stay on the song's grid); or, with `transpose`, its own pattern moved from
    /// c4 to the last key; or silence.
    pub fn pattern(&self) -> Pattern<Note> {
        let keys = self.keys().to_vec();
        let Some(&last) = keys.last() else {
            return Pattern::silence();
        };
        let played = if self.input.transpose {
            let by = i16::from(last) - 60;
            self.written.fmap(move |n| Note {
                key: (i16::from(n.key) + by).clamp(0, 127) as u8,
                ..*n
            })
        } else {
            match &self.input.arp {
                Some(arp) => Pattern::pure(keys.clone())
                    .arp(arp)
                    .unwrap_or_else(|_| Pattern::silence()),
                // Played straight through, note by note, not as a pattern.
                None => return Pattern::silence(),
            }
        };
        if !self.input.played_velocity {
            return played;
        }
        // Each note as loud as the key it came from (an arpeggio's octaves, by pitch class;
        // a transposed pattern, as the key pressed).
        let velocities = self.velocities;
        let transposed = self.input.transpose;
        played.fmap(move |n| {
            let velocity = if transposed {
                velocities[usize::from(last & 0x7f)]
            } else {
                keys.iter()
                    .filter(|k| *k % 12 == n.key % 12)
                    .map(|k| velocities[usize::from(*k & 0x7f)])
                    .next_back()
                    .unwrap_or(velocities[usize::from(last & 0x7f)])
            };
            Note {
                velocity: velocity.max(1),
                ..*n
            }
        })
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
        let mut chord = HeldChord::new("keys", &input("hold"), &Pattern::silence());
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
        let mut chord = HeldChord::new("keys", &input("latch"), &Pattern::silence());
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
        let mut chord = HeldChord::new("keys", &input("hold"), &Pattern::silence());
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

    fn first_bar(chord: &HeldChord) -> Vec<(u8, u8)> {
        chord
            .pattern()
            .query(crate::pattern::Span::new(
                crate::theory::time::Time::ZERO,
                crate::theory::time::Time::ONE,
            ))
            .iter()
            .map(|h| (h.value.key, h.value.velocity))
            .collect()
    }

    #[test]
    fn transpose_moves_the_tracks_own_line_from_c4_to_the_key_pressed() {
        let song = compile("track bass\n  play \"c2 g2 c3 bb2\"\n  input transpose\n").unwrap();
        let track = &song.tracks[0];
        let mut chord = HeldChord::new("bass", track.input.as_ref().unwrap(), &track.pattern);
        assert!(first_bar(&chord).is_empty(), "silent until a key is held");
        chord.hear(&on(65));
        let keys: Vec<u8> = first_bar(&chord).iter().map(|n| n.0).collect();
        assert_eq!(
            keys,
            vec![41, 48, 53, 51],
            "up a fourth, as f4 is a fourth above c4"
        );
    }

    #[test]
    fn vel_played_takes_each_arpeggio_notes_loudness_from_its_key() {
        let song =
            compile("track keys\n  input vel played\n  arp up rate 1/4 octaves 2\n").unwrap();
        let track = &song.tracks[0];
        let mut chord = HeldChord::new("keys", track.input.as_ref().unwrap(), &track.pattern);
        chord.hear(&Incoming::NoteOn {
            channel: 1,
            key: 60,
            velocity: 40,
        });
        chord.hear(&Incoming::NoteOn {
            channel: 1,
            key: 64,
            velocity: 110,
        });
        // Up two octaves over c4 and e4: c4 e4 c5 e5, each as loud as its key was played.
        assert_eq!(
            first_bar(&chord),
            vec![(60, 40), (64, 110), (72, 40), (76, 110)]
        );
    }
}
