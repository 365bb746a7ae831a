//! The planner's transport: stop and go on (a master clock's Stop, Continue and Song
//! Position, or the user's), and keeping in step with a master clock's tempo and phase.

use super::{Planner, take};
use crate::engine::anchor::Anchor;
use crate::engine::message::Message;
use crate::engine::midi::Midi;
use crate::engine::planned::Planned;
use crate::engine::system::System;
use crate::engine::voice::Voice;

/// Notes this much before the moment playing resumes still play, a little late: a master's
/// Start is heard a few milliseconds after its first pulse, and the downbeat on it must sound.
const RESUME_GRACE: f64 = 0.03;

/// How far the music may drift from a master clock before it is moved, in seconds: well
/// under what anyone hears, well over the clock's own jitter once smoothed.
const FOLLOW_SLACK: f64 = 0.000_2;

/// How far the tempo may differ from a master's before it is changed (a share).
const TEMPO_SLACK: f64 = 1e-4;

/// `list` (one bar, sorted or not) without the notes that start before `from`, or their
/// note-offs, and without clock pulses before it: what is left of a bar entered mid-way.
pub(super) fn from(list: Vec<Planned>, from: f64) -> Vec<Planned> {
    let mut left_out: Vec<(usize, u8, u8)> = Vec::new();
    let mut list = list;
    list.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.rank.cmp(&b.rank)));
    list.into_iter()
        .filter(|p| match p.midi {
            Midi::Channel(Message::NoteOn { channel, key, .. }) if p.at < from => {
                left_out.push((p.track, channel, key));
                false
            }
            Midi::Channel(Message::NoteOff { channel, key }) => {
                !take(&mut left_out, (p.track, channel, key))
            }
            Midi::System(System::Clock) => p.at >= from,
            _ => true,
        })
        .collect()
}

impl Planner {
    /// Stops the music as a drum machine's Stop does: nothing starts after the lookahead's
    /// edge, the notes sounding then end there, and the song position there is kept (and
    /// returned) for [`Planner::resume`]. `now` is play time.
    pub fn pause(&mut self, now: f64) -> f64 {
        if let Some(position) = self.paused {
            return position;
        }
        let horizon = now + self.lookahead();
        let position = self.anchor.position(horizon);
        self.drop_note_ons(|p| p.at >= horizon, Some(horizon));
        // Clock, transport and controllers due later go too; programs and banks still set
        // the sound for when playing goes on.
        self.pending.retain(|p| match p.midi {
            _ if p.at < horizon => true,
            Midi::Channel(Message::NoteOff { .. }) => true,
            Midi::Channel(_) => p.rank == Planned::SETUP,
            Midi::System(_) => false,
        });
        if self.options.clock {
            self.pending.push_back(Planned {
                at: horizon,
                rank: Planned::TRANSPORT,
                track: 0,
                generation: 0,
                midi: Midi::System(System::Stop),
                voice: Voice::NONE,
            });
        }
        self.paused = Some(position);
        self.preview = None;
        self.sort();
        position
    }

    /// Where the music stopped, while it is stopped.
    pub fn paused(&self) -> Option<f64> {
        self.paused
    }

    /// Goes on playing (after [`Planner::pause`]) with song position `position` (in bars, a
    /// fraction for mid-bar) sounding at play time `at`: from where it stopped, from a Song
    /// Position Pointer, or from the top. Notes of the bar that start before `at` stay
    /// silent (a few milliseconds' grace aside), so nothing starts late.
    pub fn resume(&mut self, at: f64, position: f64) {
        if self.paused.take().is_none() || !at.is_finite() || !position.is_finite() {
            return;
        }
        self.anchor = Anchor {
            bar: position,
            at,
            seconds_per_cycle: self.song.tempo.seconds_per_cycle(),
        };
        self.next_bar = position.floor() as i64;
        self.resume_from = at - RESUME_GRACE;
        self.preview = None;
        if self.options.clock {
            let meter = self.song.tempo.meter;
            let sixteenths = (position.max(0.0) * 16.0 * f64::from(meter.beats)
                / f64::from(meter.unit.max(1)))
            .round();
            let transport = |midi| Planned {
                at,
                rank: Planned::TRANSPORT,
                track: 0,
                generation: 0,
                midi: Midi::System(midi),
                voice: Voice::NONE,
            };
            self.pending.push_back(transport(System::SongPosition(
                sixteenths.min(f64::from(0x3fff_u16)) as u16,
            )));
            self.pending.push_back(transport(System::Continue));
            self.sort();
        }
    }

    /// Hands over nothing from play time `until` on until [`Planner::follow`] next runs: a
    /// master that started before its tempo was known has its downbeat played at once and
    /// what follows timed by the tempo it turns out to have.
    pub fn hold(&mut self, until: f64) {
        self.held = Some(until);
    }

    /// Keeps in step with a master clock that says the song is at `position` (bars) at play
    /// time `now`, at `bpm`. What has been handed over stays; from the lookahead's edge on the
    /// music takes the master's tempo and phase, each waiting message moved to the master's
    /// time for its place in the bar.
    pub fn follow(&mut self, now: f64, position: f64, bpm: f64) {
        if self.paused.is_some() || !(bpm.is_finite() && bpm > 0.0) || !position.is_finite() {
            return;
        }
        // What was held back is timed by the master too.
        let horizon = self.held.take().map_or(now + self.lookahead(), |held| {
            held.min(now + self.lookahead())
        });
        let mut tempo = self.song.tempo;
        tempo.bpm = bpm;
        let master = Anchor {
            bar: position,
            at: now,
            seconds_per_cycle: tempo.seconds_per_cycle(),
        };
        let old = self.anchor;
        let drift = (master.at_position(old.position(horizon)) - horizon).abs();
        let retempo = (master.seconds_per_cycle / old.seconds_per_cycle - 1.0).abs();
        if drift < FOLLOW_SLACK && retempo < TEMPO_SLACK {
            return;
        }
        let new = Anchor {
            bar: master.position(horizon),
            at: horizon,
            seconds_per_cycle: master.seconds_per_cycle,
        };
        for p in self.pending.iter_mut().filter(|p| p.at >= horizon) {
            p.at = new.at_position(old.position(p.at));
        }
        self.anchor = new;
        self.song.tempo.bpm = bpm;
        self.preview = None;
        self.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{balanced, drive, notes_of, planner, song};
    use super::*;
    use crate::engine::planner_options::PlannerOptions;

    const HATS: &str = "tempo 120\ntrack hats drums\n  play \"hh*8\"\ntrack pad\n  play \"c4\"\n";

    #[test]
    fn a_stop_ends_every_note_at_the_lookaheads_edge_and_keeps_the_place() {
        let (mut p, mut c) = planner(song(HATS), PlannerOptions::default());
        let mut stopped = None;
        let cues = drive(&mut p, &mut c, 4.0, |now, p| {
            if now >= 0.6 && stopped.is_none() {
                stopped = Some((now, p.pause(now)));
            }
        });
        let (at, position) = stopped.unwrap();
        let edge = at + p.lookahead();
        let notes = notes_of(&cues);
        assert!(balanced(&notes), "every note-on has its note-off");
        assert!(
            notes
                .iter()
                .all(|(t, m)| !matches!(m, Message::NoteOn { .. }) || *t < edge),
            "nothing starts after the stop"
        );
        let pad_off = notes
            .iter()
            .find(|(_, m)| matches!(m, Message::NoteOff { key: 60, .. }))
            .unwrap();
        assert!(
            (pad_off.0 - edge).abs() < 1e-9,
            "the held pad ends at the stop"
        );
        assert!((position - edge / 2.0).abs() < 1e-9, "two seconds a bar");
        assert_eq!(p.paused(), Some(position));
    }

    #[test]
    fn continue_goes_on_from_the_kept_place_without_the_notes_before_it() {
        let three_bars = PlannerOptions {
            bars: Some(3),
            ..Default::default()
        };
        let (mut p, mut c) = planner(song(HATS), three_bars);
        let mut position = 0.0;
        let cues = drive(&mut p, &mut c, 12.0, |now, p| {
            if (0.6..0.605).contains(&now) {
                position = p.pause(now);
            }
            if (3.0..3.005).contains(&now) {
                p.resume(3.5, position);
            }
        });
        let notes = notes_of(&cues);
        assert!(balanced(&notes));
        let hats_after: Vec<f64> = notes
            .iter()
            .filter(|(t, m)| *t >= 3.0 && matches!(m, Message::NoteOn { key: 42, .. }))
            .map(|(t, _)| *t)
            .collect();
        // Eighth notes are a quarter of a second apart; the first after the kept place is
        // where the bar puts it, counted from 3.5 s.
        let next_eighth = (position * 8.0).ceil() / 8.0;
        let first = 3.5 + (next_eighth - position) * 2.0;
        assert!(
            (hats_after[0] - first).abs() < 1e-9,
            "{hats_after:?} vs {first}"
        );
        assert!((hats_after[1] - hats_after[0] - 0.25).abs() < 1e-9);
        let pad = notes
            .iter()
            .find(|(t, m)| matches!(m, Message::NoteOn { key: 60, .. }) && *t > 3.0)
            .unwrap();
        let bar_line = 3.5 + (1.0 - position) * 2.0;
        assert!(
            (pad.0 - bar_line).abs() < 1e-9,
            "the pad began before the kept place, so it waits for the next bar line"
        );
    }

    #[test]
    fn following_a_faster_master_moves_what_waits_beyond_the_lookahead() {
        let (mut p, mut c) = planner(song(HATS), PlannerOptions::default());
        let mut followed = None;
        let cues = drive(&mut p, &mut c, 3.0, |now, p| {
            if (1.0..1.005).contains(&now) {
                // The master says 130 BPM and that the song is where flam has it.
                let position = p.anchor().position(now);
                p.follow(now, position, 130.0);
                followed = Some(now + p.lookahead());
            }
        });
        let edge = followed.unwrap();
        let hats: Vec<f64> = notes_of(&cues)
            .iter()
            .filter(|(_, m)| matches!(m, Message::NoteOn { key: 42, .. }))
            .map(|(t, _)| *t)
            .collect();
        let eighth_130 = 60.0 / 130.0 / 2.0;
        let after: Vec<&f64> = hats.iter().filter(|t| **t > edge + 1e-9).collect();
        assert!(after.len() > 2);
        for w in after.windows(2) {
            assert!((w[1] - w[0] - eighth_130).abs() < 1e-9, "{w:?}");
        }
        let before: Vec<&f64> = hats.iter().filter(|t| **t < 1.0).collect();
        for w in before.windows(2) {
            assert!((w[1] - w[0] - 0.25).abs() < 1e-9, "{w:?}");
        }
    }

    #[test]
    fn a_clock_within_its_slack_changes_nothing() {
        let (mut p, _c) = planner(song(HATS), PlannerOptions::default());
        p.step(0.0);
        let before = p.anchor();
        let position = before.position(0.1) + 0.000_01;
        p.follow(0.1, position, 120.0);
        assert_eq!(p.anchor(), before);
    }

    #[test]
    fn a_bar_entered_midway_keeps_only_what_starts_after_the_entry() {
        let s = song("tempo 120\ntrack k drums\n  play \"bd sn bd sn\"\n");
        let (p, _c) = planner(s, PlannerOptions::default());
        let list = p.plan_bar(0);
        let kept = from(list, 1.0);
        let ons: Vec<f64> = kept
            .iter()
            .filter(|x| matches!(x.midi, Midi::Channel(Message::NoteOn { .. })))
            .map(|x| x.at)
            .collect();
        assert_eq!(ons, vec![1.0, 1.5]);
        let offs = kept
            .iter()
            .filter(|x| matches!(x.midi, Midi::Channel(Message::NoteOff { .. })))
            .count();
        assert_eq!(offs, 2, "the note-offs of the notes left out go too");
    }
}
