//! The live UI's loop recorder: armed with a key, it counts in one bar, records the next
//! bars from the input, and hands back the take as track text to add to the song.

use crate::lang::recording::{PlayedNote, Recording, tracks_text};
use crate::session::control::PlayedKey;

/// Where the recorder is.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Counting in: recording starts at `start`.
    CountIn,
    /// Recording.
    Recording,
}

/// A take being recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopRecorder {
    /// The bar (from 0) recording starts on.
    pub start: i64,
    /// How many bars it records.
    pub bars: u32,
    /// Keys down: channel, key, where pressed (bars), velocity.
    down: Vec<(u8, u8, f64, u8)>,
    /// Notes played, in bars from `start`: position, length, channel, key, velocity.
    notes: Vec<(f64, f64, u8, u8, u8)>,
}

impl LoopRecorder {
    /// Armed at song position `position`: one bar of count-in, then `bars` bars.
    pub fn arm(position: f64, bars: u32) -> LoopRecorder {
        LoopRecorder {
            start: position.max(0.0).floor() as i64 + 2,
            bars,
            down: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Counting in or recording, at song position `position`.
    pub fn stage(&self, position: f64) -> Stage {
        if position < self.start as f64 {
            Stage::CountIn
        } else {
            Stage::Recording
        }
    }

    /// Whether the take is over at song position `position`.
    pub fn done(&self, position: f64) -> bool {
        position >= (self.start + i64::from(self.bars)) as f64
    }

    /// Takes in a key played; keys outside the take are ignored.
    pub fn hear(&mut self, played: &PlayedKey) {
        let end = (self.start + i64::from(self.bars)) as f64;
        let at = played.position - self.start as f64;
        if played.down {
            // A key pressed just before the take's downbeat belongs on it.
            if played.position >= self.start as f64 - 0.02 && played.position < end {
                self.down
                    .push((played.channel, played.key, at.max(0.0), played.velocity));
            }
        } else if let Some(i) = self
            .down
            .iter()
            .position(|d| d.0 == played.channel && d.1 == played.key)
        {
            let (channel, key, from, velocity) = self.down.remove(i);
            self.notes
                .push((from, (at.min(end) - from).max(0.0), channel, key, velocity));
        }
    }

    /// The take as track text to add to a song at `bpm` in `meter`, on a grid of `steps` a
    /// bar with starts pulled `strength` (0–1) of the way to their step, with names `taken`
    /// reports in use numbered apart; and how many notes it holds.
    pub fn finish(
        mut self,
        bpm: f64,
        meter: (u32, u32),
        (steps, strength): (u32, f64),
        taken: &dyn Fn(&str) -> bool,
    ) -> (String, usize) {
        // Keys still down sound to the end of the take.
        let bars = f64::from(self.bars);
        for (channel, key, from, velocity) in std::mem::take(&mut self.down) {
            self.notes.push((from, bars - from, channel, key, velocity));
        }
        let rec = Recording {
            bpm,
            meter,
            bars: self.bars,
            steps,
            strength,
        };
        let (beats, unit) = meter;
        let bar_seconds = 4.0 * f64::from(beats) / f64::from(unit.max(1)) * 60.0 / bpm;
        let played: Vec<PlayedNote> = self
            .notes
            .iter()
            .map(|&(at, length, channel, key, velocity)| PlayedNote {
                at: at * bar_seconds,
                held: length * bar_seconds,
                channel,
                key,
                velocity: velocity.max(1),
            })
            .collect();
        (tracks_text(&played, &rec, taken), played.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(position: f64, key: u8, down: bool) -> PlayedKey {
        PlayedKey {
            position,
            channel: 1,
            key,
            velocity: if down { 100 } else { 0 },
            down,
        }
    }

    #[test]
    fn one_bar_of_count_in_then_the_take_on_the_grid() {
        let mut rec = LoopRecorder::arm(3.4, 1);
        assert_eq!(rec.start, 5);
        assert_eq!(rec.stage(4.5), Stage::CountIn);
        // Played during the count-in: not part of the take.
        rec.hear(&key(4.5, 40, true));
        rec.hear(&key(4.6, 40, false));
        // Just before the downbeat, a little late, a little early.
        rec.hear(&key(4.995, 60, true));
        rec.hear(&key(5.2, 60, false));
        rec.hear(&key(5.51, 64, true));
        rec.hear(&key(5.74, 64, false));
        assert_eq!(rec.stage(5.3), Stage::Recording);
        assert!(rec.done(6.0));
        let (text, notes) = rec.finish(120.0, (4, 4), (16, 1.0), &|name| name == "recorded-1");
        assert_eq!(notes, 2);
        assert!(text.contains("track recorded-1-2 channel 1"), "{text}");
        assert!(text.contains("play \"c4@3 ~@5 e4@4 ~@4\""), "{text}");
    }
}
