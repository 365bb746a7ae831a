//! How much of a song to render or export, and the messages that play in it.

use crate::engine::message::Message;
use crate::engine::plan::{self, Timed};
use crate::lang::song::Song;
use crate::theory::time::Time;

/// How much of a song to render or export.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    /// Whole bars from bar 0.
    Bars(u32),
    /// Seconds from bar 0: notes that start before then play.
    Seconds(f64),
}

/// The messages that play for `length`, in order: setup at the start, then the notes that
/// start before the end; and the end in seconds. Rendering and export both use this.
pub fn messages(song: &Song, length: Length) -> (Vec<Timed>, f64) {
    let spc = song.tempo.seconds_per_cycle();
    let (cycles, end_seconds) = match length {
        Length::Bars(n) => (i64::from(n), f64::from(n) * spc),
        Length::Seconds(s) => (((s / spc).ceil() as i64).max(1), s),
    };
    let mut list = plan::setup(song);
    let notes = plan::notes(song, Time::ZERO, Time::from_integer(cycles));
    // With --seconds, notes from the last, partly covered bar that start after the end are
    // dropped together with their note-offs (a key's notes alternate on, off, on, off).
    let mut dropped = vec![false; 16 * 128];
    for t in notes {
        match t.message {
            Message::NoteOn { channel, key, .. } => {
                let i = usize::from(channel.clamp(1, 16) - 1) * 128 + usize::from(key & 0x7f);
                if t.seconds >= end_seconds {
                    dropped[i] = true;
                    continue;
                }
                list.push(t);
            }
            Message::NoteOff { channel, key } => {
                let i = usize::from(channel.clamp(1, 16) - 1) * 128 + usize::from(key & 0x7f);
                if std::mem::take(&mut dropped[i]) {
                    continue;
                }
                list.push(t);
            }
            _ => list.push(t),
        }
    }
    (list, end_seconds)
}
