//! The song as a time-ordered list of MIDI messages: program changes at the start, then
//! note-ons and their note-offs. Live playback, WAV rendering and MIDI file export all read
//! this one list, so what plays is what renders and what exports.

use super::changes::changes;
use super::message::Message;
use super::overlaps::Overlaps;
use super::timeline::{self, Event};
use crate::lang::song::Song;
use crate::theory::time::Time;

/// A message and when to send it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timed {
    /// Seconds from the song's cycle 0 (graces before the first beat are negative).
    pub seconds: f64,
    /// Pattern time of the note this message belongs to, in cycles (the start of the song for
    /// setup messages).
    pub cycle: Time,
    /// Index of the track it belongs to.
    pub track: usize,
    /// What to send.
    pub message: Message,
}

/// The messages that set up each track's sound: bank select, then program change.
pub fn setup(song: &Song) -> Vec<Timed> {
    let mut out = Vec::new();
    for (track, t) in song.tracks.iter().enumerate() {
        let at = |message| Timed {
            seconds: 0.0,
            cycle: Time::ZERO,
            track,
            message,
        };
        if let Some(bank) = t.bank {
            out.push(at(Message::Control {
                channel: t.channel,
                controller: 0,
                value: (bank >> 7) as u8 & 0x7f,
            }));
            out.push(at(Message::Control {
                channel: t.channel,
                controller: 32,
                value: (bank & 0x7f) as u8,
            }));
        }
        if let Some(program) = t.program {
            out.push(at(Message::ProgramChange {
                channel: t.channel,
                program,
            }));
        }
        if let Some(semitones) = t.bend_range {
            // RPN 0 (pitch bend sensitivity): select it, set it, then deselect (RPN null) so
            // a later data entry changes nothing.
            for (controller, value) in [
                (101, 0),
                (100, 0),
                (6, semitones),
                (38, 0),
                (101, 127),
                (100, 127),
            ] {
                out.push(at(Message::Control {
                    channel: t.channel,
                    controller,
                    value,
                }));
            }
        }
    }
    out
}

/// Note-ons and note-offs for the notes that start in `[from, to)`, sorted by time, with
/// note-offs first at equal times.
///
/// When a note starts on a key that is still sounding on the same channel (a flam's grace
/// on the same drum, legato overlap), the earlier note is ended just before it restarts and
/// its own later note-off is dropped, so every note-on has exactly one note-off and no
/// note is cut short by a stale note-off.
pub fn notes(song: &Song, from: Time, to: Time) -> Vec<Timed> {
    let notes = messages_for(&timeline::events(song, from, to));
    let controls = controls(song, from, to);
    if controls.is_empty() {
        return notes;
    }
    // Merged without sorting the notes again: their order already holds the overlap
    // resolution. A change goes after what comes before it and the note-offs of its moment,
    // before that moment's note-ons.
    let mut list = Vec::with_capacity(notes.len() + controls.len());
    let mut notes = notes.into_iter().peekable();
    for change in controls {
        while let Some(n) = notes.next_if(|n| {
            n.seconds < change.seconds
                || (n.seconds == change.seconds && !matches!(n.message, Message::NoteOn { .. }))
        }) {
            list.push(n);
        }
        list.push(change);
    }
    list.extend(notes);
    list
}

/// The controller changes of the steps that start in `[from, to)` (see [`changes`]).
pub fn controls(song: &Song, from: Time, to: Time) -> Vec<Timed> {
    changes(song, from, to)
        .into_iter()
        .flat_map(|c| {
            let (messages, used) = c.target.messages(c.channel, c.value);
            messages.into_iter().take(used).map(move |message| Timed {
                seconds: c.seconds,
                cycle: c.cycle,
                track: c.track,
                message,
            })
        })
        .collect()
}

/// Note-ons and note-offs for a list of events (see [`notes`]).
pub fn messages_for(events: &[Event]) -> Vec<Timed> {
    resolve_overlaps(pairs(events))
}

/// A note-on and a note-off for every event, sorted as [`order`] sorts them, with overlaps on
/// one key not yet resolved: the planner resolves them itself, across bars, as it sends.
pub fn pairs(events: &[Event]) -> Vec<Timed> {
    let mut out: Vec<Timed> = Vec::with_capacity(events.len() * 2);
    for e in events {
        let on = Timed {
            seconds: e.seconds,
            cycle: e.cycle,
            track: e.track,
            message: Message::NoteOn {
                channel: e.channel,
                key: e.key,
                velocity: e.velocity,
            },
        };
        // A zero-length note still gets a note-off, right after its note-on.
        let off = Timed {
            seconds: e.seconds + e.duration.max(0.0),
            cycle: e.cycle + e.length,
            track: e.track,
            message: Message::NoteOff {
                channel: e.channel,
                key: e.key,
            },
        };
        out.push(on);
        out.push(off);
    }
    order(&mut out);
    out
}

/// Sorts messages as they are sent: by time; at equal times note-offs, then controller
/// changes (so a note starts with the value of its step), then note-ons; then by track.
pub fn order(list: &mut [Timed]) {
    let rank = |t: &Timed| match t.message {
        Message::NoteOff { .. } => 0,
        Message::NoteOn { .. } => 2,
        _ => 1,
    };
    list.sort_by(|a, b| {
        a.seconds
            .total_cmp(&b.seconds)
            .then(rank(a).cmp(&rank(b)))
            .then(a.track.cmp(&b.track))
    });
}

/// Walks the list in time order through an [`Overlaps`], so a note-on on a sounding key gets a
/// note-off first and the note-off that would have ended the earlier note is dropped.
fn resolve_overlaps(list: Vec<Timed>) -> Vec<Timed> {
    let mut overlaps = Overlaps::default();
    let mut out = Vec::with_capacity(list.len());
    for t in list {
        overlaps.push(t, &mut |t| out.push(t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    fn song(src: &str) -> Song {
        compile(src).unwrap()
    }

    #[test]
    fn every_note_on_has_exactly_one_note_off() {
        let s = song("track keys\n  play \"c4 [e4 g4] c4@2\"\n  legato 3\n");
        let list = notes(&s, Time::ZERO, Time::from_integer(4));
        let ons = list
            .iter()
            .filter(|t| matches!(t.message, Message::NoteOn { .. }))
            .count();
        let offs = list.iter().filter(|t| t.message.is_note_off()).count();
        assert_eq!(ons, offs);
        let mut sounding = std::collections::HashMap::new();
        for t in &list {
            match t.message {
                Message::NoteOn { key, .. } => {
                    assert_eq!(
                        sounding.insert(key, true),
                        None,
                        "note-on on a sounding key at {}",
                        t.seconds
                    );
                }
                Message::NoteOff { key, .. } => assert_eq!(sounding.remove(&key), Some(true)),
                _ => {}
            }
        }
        assert!(sounding.is_empty());
    }

    #[test]
    fn a_repeated_drum_hit_ends_the_previous_one_first() {
        let s = song("track snare drums\n  play \"sn sn\"\n  legato 2\n");
        let list = notes(&s, Time::ZERO, Time::ONE);
        let kinds: Vec<_> = list
            .iter()
            .map(|t| (t.seconds, t.message.is_note_off()))
            .collect();
        assert_eq!(
            kinds,
            vec![(0.0, false), (1.0, true), (1.0, false), (3.0, true)]
        );
    }
}
