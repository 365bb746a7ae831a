//! Standard MIDI files: a song's message plan as a type-1 SMF, exactly.
//!
//! Track 0 holds the tempo and time signature; then one track per flam track holds its name,
//! bank and program at tick 0, and its notes, note-offs as real note-off events.
//!
//! Ticks per quarter note (PPQ) are chosen so the song's exact times land on whole ticks: the
//! least common multiple of 960 and every note time's denominator (in quarter notes), when
//! that fits the 15 bits a MIDI file allows. Otherwise the largest multiple of 960 that fits
//! is used and times are rounded to the nearest tick ([`Export::rounded`] counts them).
//! Millisecond offsets (nudges, humanize, graces) are converted to ticks at the song's tempo
//! and rounded to the nearest tick. Notes before bar 0 (graces) move the whole song later by
//! whole bars, so the bar lines stay where they were ([`Export::shift`]).

use midly::num::{u4, u7, u15, u24, u28};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use super::length::{Length, messages};
use crate::engine::message::Message;
use crate::engine::plan::Timed;
use crate::lang::song::Song;
use crate::theory::time::Time;

/// The base resolution: 960 ticks per quarter note divides into halves, thirds, fifths…
pub const BASE_PPQ: i64 = 960;
/// The most ticks per quarter note a MIDI file can say (15 bits).
pub const MAX_PPQ: i64 = 0x7fff;

/// A song as a MIDI file.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Ticks per quarter note.
    pub ppq: u16,
    /// Ticks everything was moved later by, so notes before bar 0 fit (whole bars; 0 if none).
    pub shift: u64,
    /// Messages whose exact pattern time did not land on a whole tick and was rounded.
    pub rounded: usize,
    /// Notes written.
    pub notes: usize,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

fn lcm(a: i128, b: i128) -> i128 {
    if a == 0 || b == 0 {
        0
    } else {
        (a / gcd(a, b)) * b
    }
}

/// Quarter notes per bar, exactly (4 in 4/4, 3/2 in 3/8).
fn quarters_per_bar(song: &Song) -> (i128, i128) {
    let bar = song.tempo.meter.bar_in_whole_notes();
    let (n, d) = (i128::from(*bar.numer()) * 4, i128::from(*bar.denom()));
    let g = gcd(n, d).max(1);
    (n / g, d / g)
}

/// A pattern time as a fraction of quarter notes, reduced.
fn quarters(song: &Song, t: Time) -> (i128, i128) {
    let (qn, qd) = quarters_per_bar(song);
    let n = i128::from(*t.numer()) * qn;
    let d = i128::from(*t.denom()) * qd;
    let g = gcd(n, d).max(1);
    (n / g, d / g)
}

/// The PPQ for a list of messages: exact when possible (see the module docs); the flag says
/// whether every time is exact.
pub fn choose_ppq(song: &Song, list: &[Timed]) -> (u16, bool) {
    let mut l: i128 = 1;
    for t in list {
        let (_, d) = quarters(song, t.cycle);
        l = lcm(l, d);
        if l > i128::from(MAX_PPQ) {
            break;
        }
    }
    let best = lcm(l, i128::from(BASE_PPQ));
    if best <= i128::from(MAX_PPQ) {
        return (best as u16, true);
    }
    if l <= i128::from(MAX_PPQ) {
        // Exact, at a multiple of the times' own resolution as fine as fits.
        return ((l * (i128::from(MAX_PPQ) / l)) as u16, true);
    }
    ((BASE_PPQ * (MAX_PPQ / BASE_PPQ)) as u16, false)
}

/// The tick of a message before any shift: its exact pattern time in ticks, plus its
/// millisecond offset from that time converted at the song's tempo; and whether the pattern
/// time landed exactly on a tick.
pub fn tick_of(song: &Song, t: &Timed, ppq: u16) -> (i64, bool) {
    let (n, d) = quarters(song, t.cycle);
    let scaled = n * i128::from(ppq);
    let exact = scaled % d == 0;
    // Round half away from zero, in integers.
    let base = if scaled >= 0 {
        (2 * scaled + d) / (2 * d)
    } else {
        -((-2 * scaled + d) / (2 * d))
    };
    let pattern_seconds = song.tempo.cycle_to_seconds(t.cycle);
    let offset_seconds = t.seconds - pattern_seconds;
    let ticks_per_second = f64::from(ppq) * song.tempo.bpm / 60.0;
    let offset = (offset_seconds * ticks_per_second).round() as i128;
    ((base + offset) as i64, exact)
}

fn delta(now: u64, last: &mut u64) -> u28 {
    let d = now
        .saturating_sub(*last)
        .min(u64::from(u32::from(u28::max_value())));
    *last = now;
    u28::new(d as u32)
}

/// The song's `length` as a type-1 MIDI file.
pub fn export(song: &Song, length: Length) -> Export {
    let (list, end_seconds) = messages(song, length);
    let (ppq, _) = choose_ppq(song, &list);
    let ticked: Vec<(i64, bool, &Timed)> = list
        .iter()
        .map(|t| {
            let (tick, exact) = tick_of(song, t, ppq);
            (tick, exact, t)
        })
        .collect();
    let rounded = ticked.iter().filter(|(_, exact, _)| !exact).count();
    let (qn, qd) = quarters_per_bar(song);
    let bar_ticks = ((qn * i128::from(ppq)) / qd).max(1) as i64;
    let earliest = ticked.iter().map(|(t, _, _)| *t).min().unwrap_or(0);
    let shift = if earliest < 0 {
        ((-earliest + bar_ticks - 1) / bar_ticks) * bar_ticks
    } else {
        0
    };
    let end_tick = (end_seconds * f64::from(ppq) * song.tempo.bpm / 60.0).round() as i64 + shift;

    let micros = (60_000_000.0 / song.tempo.bpm)
        .round()
        .clamp(1.0, f64::from(0xff_ffffu32));
    let meter = song.tempo.meter;
    let mut tempo_track: Vec<TrackEvent> = vec![
        TrackEvent {
            delta: u28::new(0),
            kind: TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros as u32))),
        },
        TrackEvent {
            delta: u28::new(0),
            kind: TrackEventKind::Meta(MetaMessage::TimeSignature(
                meter.beats.min(255) as u8,
                meter.unit.max(1).trailing_zeros() as u8,
                24,
                8,
            )),
        },
    ];
    tempo_track.push(TrackEvent {
        delta: u28::new(end_tick.max(0) as u32),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });

    let mut tracks = vec![tempo_track];
    let mut notes = 0;
    for (index, track) in song.tracks.iter().enumerate() {
        let mut events: Vec<TrackEvent> = vec![TrackEvent {
            delta: u28::new(0),
            kind: TrackEventKind::Meta(MetaMessage::TrackName(track.name.as_bytes())),
        }];
        let mut last = 0u64;
        // Two roundings (pattern time, millisecond offset) could put a message a tick before
        // the one listed ahead of it; a stable sort keeps the plan's order at equal ticks.
        let mut mine: Vec<&(i64, bool, &Timed)> =
            ticked.iter().filter(|(_, _, t)| t.track == index).collect();
        mine.sort_by_key(|(tick, _, _)| *tick);
        for (tick, _, t) in mine {
            let now = (tick + shift).max(0) as u64;
            let ([status, a, b], _) = t.message.bytes();
            let channel = u4::new(status & 0x0f);
            let message = match t.message {
                Message::NoteOn { .. } => {
                    notes += 1;
                    MidiMessage::NoteOn {
                        key: u7::new(a),
                        vel: u7::new(b),
                    }
                }
                Message::NoteOff { .. } => MidiMessage::NoteOff {
                    key: u7::new(a),
                    vel: u7::new(0),
                },
                Message::ProgramChange { .. } => MidiMessage::ProgramChange {
                    program: u7::new(a),
                },
                Message::Control { .. } => MidiMessage::Controller {
                    controller: u7::new(a),
                    value: u7::new(b),
                },
                Message::PitchBend { value, .. } => MidiMessage::PitchBend {
                    bend: midly::PitchBend(midly::num::u14::new(value.min(16383))),
                },
                Message::ChannelPressure { .. } => {
                    MidiMessage::ChannelAftertouch { vel: u7::new(a) }
                }
            };
            events.push(TrackEvent {
                delta: delta(now, &mut last),
                kind: TrackEventKind::Midi { channel, message },
            });
        }
        let close = last.max(end_tick.max(0) as u64);
        events.push(TrackEvent {
            delta: delta(close, &mut last),
            kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
        });
        tracks.push(events);
    }

    let smf = Smf {
        header: Header::new(Format::Parallel, Timing::Metrical(u15::new(ppq))),
        tracks,
    };
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail; an error here would be a bug in midly, so report an
    // empty file rather than panic.
    if smf.write_std(&mut bytes).is_err() {
        bytes.clear();
    }
    Export {
        bytes,
        ppq,
        shift: shift as u64,
        rounded,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    fn at(cycle: Time, song: &Song) -> Timed {
        Timed {
            seconds: song.tempo.cycle_to_seconds(cycle),
            cycle,
            track: 0,
            message: Message::NoteOn {
                channel: 1,
                key: 60,
                velocity: 100,
            },
        }
    }

    #[test]
    fn a_time_before_bar_one_rounds_to_the_nearest_tick_away_from_zero() {
        let song = compile("track a\n  play \"c4\"\n").unwrap();
        // A seventh of a bar early is 4/7 of a quarter: -548.57 ticks at 960 PPQ.
        assert_eq!(
            tick_of(&song, &at(Time::new(-1, 7), &song), 960),
            (-549, false)
        );
        assert_eq!(
            tick_of(&song, &at(Time::new(1, 7), &song), 960),
            (549, false)
        );
        // Half-way: 1/256 of a quarter at 32,640 PPQ is 127.5 ticks, either way from zero.
        let tie = Time::new(1, 1024);
        assert_eq!(tick_of(&song, &at(-tie, &song), 32640), (-128, false));
        assert_eq!(tick_of(&song, &at(tie, &song), 32640), (128, false));
        assert_eq!(
            tick_of(&song, &at(Time::new(-1, 4), &song), 960),
            (-960, true)
        );
    }
}
