//! The planner: works out the song a bar at a time, a little ahead of the music, and hands
//! the messages to the real-time senders through wait-free rings.

use std::collections::VecDeque;

use rtrb::Producer;

use super::anchor::Anchor;
use super::cue::Cue;
use super::message::Message;
use super::midi::Midi;
use super::overlaps::Overlaps;
use super::plan::{self, Timed};
use super::planned::Planned;
use super::planner_options::PlannerOptions;
use super::system::System;
use super::timeline;
use crate::lang::song::Song;
use crate::theory::time::Time;

/// How long before the first note the bank and program changes go out, in seconds.
const SETUP_GAP: f64 = 0.005;

/// The shortest lookahead, in seconds: senders that place messages themselves (JACK) take
/// them a few periods early, and the planner must stay ahead of that.
const MIN_LOOKAHEAD: f64 = 0.04;

/// Plans the song bar by bar (through [`plan::notes`], the same list `flam events` prints) and
/// pushes [`Cue`]s into one ring per output. It runs on an ordinary thread and may allocate.
///
/// A bar is *committed* (its messages become final) only when its first message is within the
/// lookahead, and the lookahead is kept under half a bar, so a song swapped in with
/// [`Planner::swap`] takes over exactly at the next bar line.
pub struct Planner {
    song: Song,
    generation: u32,
    anchor: Anchor,
    options: PlannerOptions,
    next_bar: i64,
    end_bar: i64,
    pending: VecDeque<Planned>,
    overlaps: Overlaps,
    preview: Option<(i64, Vec<Planned>)>,
    outs: Vec<Producer<Cue>>,
}

impl Planner {
    /// A planner for `song`, feeding `outs`. Setup messages (bank, program) and, with the clock,
    /// Start (or Song Position and Continue when starting past bar 0) are queued first.
    pub fn new(song: Song, options: PlannerOptions, outs: Vec<Producer<Cue>>) -> Planner {
        let anchor = Anchor {
            bar: options.from_bar,
            at: 0.0,
            seconds_per_cycle: song.tempo.seconds_per_cycle(),
        };
        let end_bar = options
            .bars
            .map_or(i64::MAX, |n| options.from_bar.saturating_add(n.max(0)));
        let mut planner = Planner {
            song,
            generation: 0,
            anchor,
            options,
            next_bar: options.from_bar,
            end_bar,
            pending: VecDeque::new(),
            overlaps: Overlaps::default(),
            preview: None,
            outs,
        };
        planner.begin();
        planner
    }

    fn begin(&mut self) {
        let first = if self.next_bar < self.end_bar {
            self.earliest(self.next_bar)
        } else {
            0.0
        };
        let start = first.min(0.0);
        for t in plan::setup(&self.song) {
            self.pending.push_back(Planned {
                at: start - SETUP_GAP,
                rank: Planned::SETUP,
                track: t.track,
                generation: self.generation,
                midi: Midi::Channel(t.message),
            });
        }
        if self.options.clock {
            let transport = |midi| Planned {
                at: start,
                rank: Planned::TRANSPORT,
                track: 0,
                generation: 0,
                midi: Midi::System(midi),
            };
            if self.options.from_bar == 0 {
                self.pending.push_back(transport(System::Start));
            } else {
                let meter = self.song.tempo.meter;
                let sixteenths =
                    self.options.from_bar.max(0) * 16 * i64::from(meter.beats) / i64::from(meter.unit.max(1));
                let position = u16::try_from(sixteenths.min(0x3fff)).unwrap_or(0x3fff);
                self.pending
                    .push_back(transport(System::SongPosition(position)));
                self.pending.push_back(transport(System::Continue));
            }
        }
        self.sort();
    }

    /// The play time of the first message (the setup messages), 0 or earlier; the session
    /// starts the clock that much ahead.
    pub fn begins_at(&self) -> f64 {
        self.pending.front().map_or(0.0, |p| p.at.min(0.0))
    }

    /// Where the bars are in play time.
    pub fn anchor(&self) -> Anchor {
        self.anchor
    }

    /// The first bar not yet committed: where a swapped-in song would take over.
    pub fn next_bar(&self) -> i64 {
        self.next_bar
    }

    /// The song playing now.
    pub fn song(&self) -> &Song {
        &self.song
    }

    fn lookahead(&self) -> f64 {
        self.options
            .lookahead
            .min(0.5 * self.anchor.seconds_per_cycle)
            .max(MIN_LOOKAHEAD)
    }

    /// Plans what is due by `now` + lookahead and hands it to the senders; `now` is play time.
    /// Returns `false` once everything has been handed over (then drop the planner, which tells
    /// the senders the song is over).
    pub fn step(&mut self, now: f64) -> bool {
        let limit = now + self.lookahead();
        while self.next_bar < self.end_bar && self.earliest(self.next_bar) < limit {
            self.commit();
        }
        let horizon = if self.next_bar < self.end_bar {
            self.earliest(self.next_bar)
        } else {
            f64::INFINITY
        };
        self.emit(limit.min(horizon));
        self.next_bar < self.end_bar || !self.pending.is_empty()
    }

    /// Hands everything planned before `limit` to the senders, in order, as far as the rings
    /// have room.
    fn emit(&mut self, limit: f64) {
        while let Some(front) = self.pending.front() {
            // Each message can become two (an overlap's early note-off), so wait for room for two.
            if front.at >= limit || self.outs.iter().any(|o| o.slots() < 2) {
                return;
            }
            let Some(p) = self.pending.pop_front() else {
                return;
            };
            let outs = &mut self.outs;
            let mut push = |midi: Midi, at: f64| {
                for out in outs.iter_mut() {
                    // Room was checked above; a full ring cannot happen here.
                    let _ = out.push(Cue { at, midi });
                }
            };
            match p.midi {
                Midi::Channel(message) => {
                    let timed = Timed {
                        seconds: p.at,
                        cycle: Time::ZERO,
                        track: p.track,
                        message,
                    };
                    self.overlaps
                        .push(timed, &mut |t| push(Midi::Channel(t.message), t.seconds));
                }
                midi => push(midi, p.at),
            }
        }
    }

    /// The earliest play time of anything in `bar`: its downbeat or an earlier grace note.
    fn earliest(&mut self, bar: i64) -> f64 {
        let start = self.anchor.bar_at(bar);
        self.preview(bar)
            .iter()
            .map(|p| p.at)
            .fold(start, f64::min)
    }

    fn preview(&mut self, bar: i64) -> &[Planned] {
        if self.preview.as_ref().is_none_or(|(b, _)| *b != bar) {
            let list = self.plan_bar(bar);
            self.preview = Some((bar, list));
        }
        match &self.preview {
            Some((_, list)) => list,
            None => &[],
        }
    }

    fn plan_bar(&self, bar: i64) -> Vec<Planned> {
        let notes = plan::notes(
            &self.song,
            Time::from_integer(bar),
            Time::from_integer(bar + 1),
        );
        let mut out: Vec<Planned> = notes
            .iter()
            .map(|t| Planned {
                at: self.anchor.play_time(t.seconds),
                rank: if t.message.is_note_off() {
                    Planned::NOTE_OFF
                } else {
                    Planned::NOTE_ON
                },
                track: t.track,
                generation: self.generation,
                midi: Midi::Channel(t.message),
            })
            .collect();
        if self.options.clock {
            let meter = self.song.tempo.meter;
            // 24 per quarter note: 96 per whole note, and a bar is beats/unit whole notes.
            let pulses = (96 * meter.beats / meter.unit.max(1)).max(1);
            let start = self.anchor.bar_at(bar);
            let spc = self.anchor.seconds_per_cycle;
            for j in 0..pulses {
                out.push(Planned {
                    at: start + f64::from(j) * spc / f64::from(pulses),
                    rank: Planned::CLOCK,
                    track: 0,
                    generation: self.generation,
                    midi: Midi::System(System::Clock),
                });
            }
        }
        out
    }

    fn commit(&mut self) {
        let bar = self.next_bar;
        self.preview(bar);
        if let Some((_, list)) = self.preview.take() {
            self.pending.extend(list);
        }
        self.sort();
        self.next_bar += 1;
    }

    fn sort(&mut self) {
        self.pending.make_contiguous().sort_by(|a, b| {
            a.at.total_cmp(&b.at)
                .then(a.rank.cmp(&b.rank))
                .then(a.track.cmp(&b.track))
        });
    }

    /// Plays `song` from the next bar line on (the first bar not yet committed), keeping the
    /// bar count; returns that bar. Notes of tracks that are gone or changed stop at the bar
    /// line, channels no longer used get All Notes Off, and new or re-voiced tracks get their
    /// bank and program first.
    pub fn swap(&mut self, song: Song) -> i64 {
        let bar = self.next_bar;
        let at_bar = self.anchor.bar_at(bar);
        let old = std::mem::replace(&mut self.song, song);
        let old_generation = self.generation;
        self.generation += 1;

        let ended: Vec<usize> = (0..old.tracks.len())
            .filter(|&i| track_changed(&old, i, &self.song, bar))
            .collect();
        self.end_notes(&ended, old_generation, at_bar);

        let channels = |s: &Song| {
            s.tracks
                .iter()
                .filter(|t| !t.muted)
                .fold(0u16, |m, t| m | 1 << (t.channel.clamp(1, 16) - 1))
        };
        let gone = channels(&old) & !channels(&self.song);
        for c in 0..16u8 {
            if gone & (1 << c) != 0 {
                self.pending.push_back(Planned {
                    at: at_bar,
                    rank: Planned::NOTE_OFF,
                    track: usize::MAX,
                    generation: self.generation,
                    midi: Midi::Channel(Message::Control {
                        channel: c + 1,
                        controller: 123,
                        value: 0,
                    }),
                });
            }
        }

        self.anchor = self
            .anchor
            .retempo(bar, self.song.tempo.seconds_per_cycle());
        self.preview = None;
        let setup_at = self.earliest(bar).min(at_bar);
        for t in plan::setup(&self.song) {
            let new = &self.song.tracks[t.track];
            let same_voice = old.track(&new.name).is_some_and(|o| {
                o.channel == new.channel && o.program == new.program && o.bank == new.bank
            });
            if !same_voice {
                self.pending.push_back(Planned {
                    at: setup_at,
                    rank: Planned::SETUP,
                    track: t.track,
                    generation: self.generation,
                    midi: Midi::Channel(t.message),
                });
            }
        }
        self.sort();
        bar
    }

    /// Moves the note-offs of `tracks` (of one song generation) that fall after `at` to `at`,
    /// or to just after their note-on when that comes later.
    fn end_notes(&mut self, tracks: &[usize], generation: u32, at: f64) {
        let ons: Vec<(f64, u8, u8)> = self
            .pending
            .iter()
            .filter_map(|p| match p.midi {
                Midi::Channel(Message::NoteOn { channel, key, .. }) => Some((p.at, channel, key)),
                _ => None,
            })
            .collect();
        for p in self.pending.iter_mut() {
            let Midi::Channel(Message::NoteOff { channel, key }) = p.midi else {
                continue;
            };
            if p.generation != generation || !tracks.contains(&p.track) || p.at <= at {
                continue;
            }
            let on = ons
                .iter()
                .filter(|(t, c, k)| *c == channel && *k == key && *t <= p.at)
                .map(|(t, _, _)| *t)
                .fold(f64::NEG_INFINITY, f64::max);
            p.at = at.max(on);
        }
    }
}

/// Whether track `i` of `old` is gone from `new`, moved channel, was muted, or plays
/// different notes in `bar`.
fn track_changed(old: &Song, i: usize, new: &Song, bar: i64) -> bool {
    let Some(o) = old.tracks.get(i) else {
        return true;
    };
    let Some((j, n)) = new
        .tracks
        .iter()
        .enumerate()
        .find(|(_, t)| t.name == o.name)
    else {
        return true;
    };
    if o.channel != n.channel || o.muted != n.muted {
        return true;
    }
    let notes = |song: &Song, track: usize| -> Vec<(Time, u8, u8, Time)> {
        timeline::events(song, Time::from_integer(bar), Time::from_integer(bar + 1))
            .into_iter()
            .filter(|e| e.track == track)
            .map(|e| (e.cycle, e.key, e.velocity, e.length))
            .collect()
    };
    notes(old, i) != notes(new, j)
}
