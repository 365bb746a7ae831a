//! The song's controller changes: each track's `cc`, `volume` and `pan` lanes as timed
//! values, for the planner, the renderer, the exporter and `flam events` alike.

use crate::lang::song::Song;
use crate::lang::song::lane::Target;
use crate::pattern::{Hap, Span};
use crate::theory::time::Time;

/// One controller value to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Where the step starts in the pattern, in cycles, exactly.
    pub cycle: Time,
    /// When it is sent, in seconds from cycle 0.
    pub seconds: f64,
    /// Index of its track in the song.
    pub track: usize,
    /// MIDI channel, 1–16.
    pub channel: u8,
    /// What it moves: a controller, the pitch wheel, channel pressure.
    pub target: Target,
    /// The value: 0–127, or 0–16383 for the pitch wheel.
    pub value: u16,
}

/// The controller values whose steps start in `[from, to)`, sorted by time. A value equal to
/// the one before it in the same bar is not sent again; the first of every bar is, so a
/// device switched on mid-song is in step within a bar. Each bar is queried on its own, as
/// the engine plays, so what is listed is what is sent. Muted tracks are left out.
pub fn changes(song: &Song, from: Time, to: Time) -> Vec<Change> {
    let mut out = Vec::new();
    let mut haps: Vec<Hap<u16>> = Vec::new();
    let seconds_per_cycle = song.tempo.seconds_per_cycle();
    for (index, track) in song.tracks.iter().enumerate() {
        if track.muted {
            continue;
        }
        for lane in &track.lanes {
            Span::new(from, to).for_each_cycle(|piece| {
                haps.clear();
                lane.pattern.query_into(piece, &mut haps);
                haps.retain(Hap::has_onset);
                haps.sort_by_key(|h| h.part.begin);
                let mut last = None;
                for h in &haps {
                    if last == Some(h.value) {
                        continue;
                    }
                    last = Some(h.value);
                    out.push(Change {
                        cycle: h.part.begin,
                        seconds: h.part.begin.to_f64() * seconds_per_cycle,
                        track: index,
                        channel: track.channel,
                        target: lane.target,
                        value: h.value,
                    });
                }
            });
        }
    }
    out.sort_by(|a, b| {
        a.seconds
            .total_cmp(&b.seconds)
            .then(a.track.cmp(&b.track))
            .then(a.target.cmp(&b.target))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    #[test]
    fn a_cutoff_pattern_sends_each_new_value_at_its_step_and_repeats_none_in_a_bar() {
        let song = compile("track bass\n  play \"c2*4\"\n  cc cutoff \"20 20 60 100\"\n")
            .expect("compiles");
        let got: Vec<(String, Target, u16)> = changes(&song, Time::ZERO, Time::from_integer(2))
            .iter()
            .map(|c| (c.cycle.to_string(), c.target, c.value))
            .collect();
        let want = [
            ("0", 74, 20),
            ("1/2", 74, 60),
            ("3/4", 74, 100),
            ("1", 74, 20),
            ("3/2", 74, 60),
            ("7/4", 74, 100),
        ];
        let want: Vec<(String, Target, u16)> = want
            .iter()
            .map(|(c, n, v)| (c.to_string(), Target::Control(*n), *v))
            .collect();
        assert_eq!(got, want, "the second 20 of a bar is not sent again");
    }

    #[test]
    fn volume_and_pan_are_sent_once_a_bar_on_the_tracks_channel() {
        let song = compile("track pad channel 3\n  play \"c4\"\n  volume 90\n  pan 20\n")
            .expect("compiles");
        let got: Vec<(i64, u8, Target, u16)> = changes(&song, Time::ZERO, Time::from_integer(2))
            .iter()
            .map(|c| (c.cycle.floor().to_integer(), c.channel, c.target, c.value))
            .collect();
        let (volume, pan) = (Target::Control(7), Target::Control(10));
        assert_eq!(
            got,
            [
                (0, 3, volume, 90),
                (0, 3, pan, 20),
                (1, 3, volume, 90),
                (1, 3, pan, 20)
            ]
        );
    }
}
