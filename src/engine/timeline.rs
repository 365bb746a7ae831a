//! The song as a list of timed notes: what the engine plays, what `flam events` prints, what
//! the renderers and exporters write. All of them go through [`events`], so they agree.

use crate::lang::song::Song;
use crate::pattern::{Hap, Note, Span};
use crate::theory::time::Time;

/// One note to play, with its exact pattern time and its time in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Where the note starts in the pattern, in cycles (bars), exactly.
    pub cycle: Time,
    /// When it sounds, in seconds from cycle 0, including millisecond nudges and graces.
    pub seconds: f64,
    /// Index of its track in the song.
    pub track: usize,
    /// MIDI channel, 1–16.
    pub channel: u8,
    /// MIDI note number.
    pub key: u8,
    /// MIDI velocity, 1–127.
    pub velocity: u8,
    /// How long it sounds, in cycles, exactly (the event's length times the track's gate).
    pub length: Time,
    /// How long it sounds, in seconds.
    pub duration: f64,
}

/// The notes that start in `[from, to)` (by pattern time), sorted by when they sound.
///
/// Muted tracks are left out. Each cycle is queried on its own, as the engine does, so
/// what is listed is exactly what plays.
pub fn events(song: &Song, from: Time, to: Time) -> Vec<Event> {
    let mut out = Vec::new();
    let mut haps: Vec<Hap<Note>> = Vec::new();
    let seconds_per_cycle = song.tempo.seconds_per_cycle();
    for (index, track) in song.tracks.iter().enumerate() {
        if track.muted {
            continue;
        }
        haps.clear();
        Span::new(from, to).for_each_cycle(|piece| track.pattern.query_into(piece, &mut haps));
        for h in &haps {
            let Some(whole) = h.whole else { continue };
            if whole.begin != h.part.begin {
                continue;
            }
            let length = whole.duration() * track.gate;
            out.push(Event {
                cycle: whole.begin,
                seconds: whole.begin.to_f64() * seconds_per_cycle
                    + f64::from(h.value.nudge_ms) / 1000.0,
                track: index,
                channel: track.channel,
                key: h.value.key,
                velocity: h.value.velocity,
                length,
                duration: length.to_f64() * seconds_per_cycle,
            });
        }
    }
    out.sort_by(|a, b| {
        a.seconds
            .total_cmp(&b.seconds)
            .then(a.cycle.cmp(&b.cycle))
            .then(a.track.cmp(&b.track))
            .then(a.key.cmp(&b.key))
            .then(b.velocity.cmp(&a.velocity))
    });
    out
}
