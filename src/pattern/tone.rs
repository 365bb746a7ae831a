//! A note on its way through a track's transforms: a pitch that may still be a scale degree,
//! and Strudel's velocity and gain as numbers, so arithmetic and random choices see the same
//! values Strudel's do. It becomes a MIDI [`Note`] at the end.

use super::note::Note;
use crate::theory::scale::ScaleId;

/// Strudel's velocity when none is given (its MIDI output's default).
pub const DEFAULT_VELOCITY: f64 = 0.9;

/// One note before it reaches MIDI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tone {
    /// A MIDI note number, or a scale degree while `degree` holds.
    pub pitch: f64,
    /// Whether `pitch` is still a scale degree, waiting for a `scale` line.
    pub degree: bool,
    /// Semitones added to the scale note a degree becomes (`1b` is 1 with -1).
    pub accidental: i8,
    /// Velocity, 0–1 (127 is 1).
    pub velocity: f64,
    /// A multiplier on the velocity (Strudel's `gain`, which `echo` sets).
    pub gain: f64,
    /// How much later (negative: earlier) than its pattern time the note sounds, in ms.
    pub nudge_ms: f32,
    /// The scale that placed it, which `scale-transpose` steps along.
    pub scale: Option<ScaleId>,
}

impl Tone {
    /// A MIDI key at a MIDI velocity.
    pub fn key(key: f64, velocity: u8) -> Tone {
        Tone {
            pitch: key,
            degree: false,
            accidental: 0,
            velocity: f64::from(velocity) / 127.0,
            gain: 1.0,
            nudge_ms: 0.0,
            scale: None,
        }
    }

    /// A scale degree, still to be placed by a scale.
    pub fn degree(degree: f64, accidental: i8, velocity: u8) -> Tone {
        Tone {
            degree: true,
            accidental,
            ..Tone::key(degree, velocity)
        }
    }

    /// The note as it was before its transforms.
    pub fn from_note(note: &Note) -> Tone {
        Tone {
            nudge_ms: note.nudge_ms,
            ..Tone::key(f64::from(note.key), note.velocity)
        }
    }

    /// The MIDI note it sounds as; `None` when it is silent (no velocity left), outside the
    /// keyboard, or a degree no scale placed.
    pub fn to_note(&self) -> Option<Note> {
        if self.degree || !self.pitch.is_finite() {
            return None;
        }
        let key = self.pitch.round();
        let velocity = (self.velocity * self.gain * 127.0).round();
        if !(0.0..=127.0).contains(&key) || !velocity.is_finite() || velocity < 1.0 {
            return None;
        }
        Some(Note {
            key: key as u8,
            velocity: velocity.min(127.0) as u8,
            nudge_ms: self.nudge_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_midi_velocity_survives_the_trip_through_a_tone() {
        for v in 1..=127u8 {
            let n = Note::new(60, v);
            assert_eq!(Tone::from_note(&n).to_note(), Some(n));
        }
    }

    #[test]
    fn gain_scales_the_velocity_and_zero_gain_is_silence() {
        let t = Tone {
            gain: 0.5,
            ..Tone::key(60.0, 100)
        };
        assert_eq!(t.to_note().map(|n| n.velocity), Some(50));
        assert_eq!(Tone { gain: 0.0, ..t }.to_note(), None);
    }

    #[test]
    fn an_unplaced_degree_or_a_key_off_the_keyboard_is_silent() {
        assert_eq!(Tone::degree(2.0, 0, 100).to_note(), None);
        assert_eq!(Tone::key(128.0, 100).to_note(), None);
        assert_eq!(Tone::key(-1.0, 100).to_note(), None);
    }
}
