//! Warnings: a song that compiles but will not sound as written. They never stop a song;
//! `flam check`, `play` and `render` print them.

use std::collections::HashMap;

use super::Song;
use super::lane::Target;
use crate::pattern::{Hap, Note, Span};
use crate::theory::time::Time;

/// How many bars are looked at: enough for the alternations and `every` a groove uses.
pub const BARS_CHECKED: i64 = 16;

/// The General MIDI hi-hat choke group: closed, pedal and open. A synth or drum machine lets
/// only one of them sound, so two struck together fight, and which one wins can change from
/// bar to bar (with `humanize`, from note to note).
const HI_HAT_CHOKE: [u8; 3] = [42, 44, 46];

/// A problem found in a song that compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The line it belongs to (a track's first line), from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Warning {
    /// The warning as `flam check` prints it.
    pub fn render(&self, file: &str) -> String {
        format!(
            "{file}:{}: warning: {}\n  = help: {}\n",
            self.line, self.message, self.help
        )
    }
}

/// What a 5-pin DIN MIDI cable carries: 31,250 baud, ten bits a byte.
pub const DIN_BYTES_PER_SECOND: f64 = 3125.0;

/// Everything about `song` that will not sound as written.
pub fn warnings(song: &Song) -> Vec<Warning> {
    choked_hats(song)
        .into_iter()
        .chain(crowded_wire(song))
        .chain(shared_levels(song))
        .collect()
}

/// Two tracks on one channel of one output (a kick and a hat on channel 10) that set
/// different `volume` or `pan`: the synth or the box has one of each per channel, so each
/// track's value overwrites the other's and neither sounds as written.
fn shared_levels(song: &Song) -> Vec<Warning> {
    let values = |track: &super::Track, controller: u8| -> Option<Vec<(Time, u16)>> {
        let lane = track
            .lanes
            .iter()
            .find(|l| l.target == Target::Control(controller))?;
        let span = Span::new(Time::ZERO, Time::from_integer(BARS_CHECKED));
        let mut haps: Vec<Hap<u16>> = Vec::new();
        lane.pattern.query_into(span, &mut haps);
        Some(
            haps.iter()
                .filter(|h| h.has_onset())
                .map(|h| (h.whole_or_part().begin, h.value))
                .collect(),
        )
    };
    let mut out = Vec::new();
    let tracks: Vec<&super::Track> = song.tracks.iter().filter(|t| !t.muted).collect();
    for (i, a) in tracks.iter().enumerate() {
        for b in &tracks[i + 1..] {
            if a.channel != b.channel || a.output != b.output {
                continue;
            }
            for (controller, setting) in [(7, "volume"), (10, "pan")] {
                let (Some(x), Some(y)) = (values(a, controller), values(b, controller)) else {
                    continue;
                };
                if x != y {
                    out.push(Warning {
                        line: b.line,
                        message: format!(
                            "tracks `{}` and `{}` share channel {} and set different {setting}: \
                             a channel has one {setting}, so each overwrites the other's",
                            a.name, b.name, a.channel
                        ),
                        help: format!(
                            "give both the same {setting}, set it on one of them only, or move \
                             one to a channel of its own (`channel 11`)"
                        ),
                    });
                }
            }
        }
    }
    out
}

/// A bar, in the first [`BARS_CHECKED`], whose notes and lane messages together need more
/// bytes a second than a DIN cable carries: over USB or JACK it plays as written, on an old
/// 5-pin port the messages would queue up and come late.
fn crowded_wire(song: &Song) -> Option<Warning> {
    let seconds = song.tempo.seconds_per_cycle();
    let mut notes: Vec<Hap<Note>> = Vec::new();
    let mut values: Vec<Hap<u16>> = Vec::new();
    for bar in 0..BARS_CHECKED {
        let span = Span::new(Time::from_integer(bar), Time::from_integer(bar + 1));
        let mut bytes = 0usize;
        let mut busiest = (0usize, 0usize);
        for track in song.tracks.iter().filter(|t| !t.muted) {
            notes.clear();
            track.pattern.query_into(span, &mut notes);
            // A note-on and a note-off, three bytes each.
            let mut own = 6 * notes.iter().filter(|h| h.has_onset()).count();
            for lane in &track.lanes {
                values.clear();
                lane.pattern.query_into(span, &mut values);
                own += lane.target.bytes() * values.iter().filter(|h| h.has_onset()).count();
            }
            bytes += own;
            if own > busiest.0 {
                busiest = (own, track.line);
            }
        }
        let rate = bytes as f64 / seconds;
        if rate > DIN_BYTES_PER_SECOND {
            return Some(Warning {
                line: busiest.1,
                message: format!(
                    "bar {} needs {:.0} bytes a second of MIDI, more than a 5-pin DIN cable carries ({DIN_BYTES_PER_SECOND:.0})",
                    bar + 1,
                    rate
                ),
                help: "over USB or JACK it plays as written; for a DIN port, `flam play --din` thins the lane values to fit (notes always go), or send fewer steps (`segment 8`)".to_string(),
            });
        }
    }
    None
}

/// Hi-hats of one choke group struck at the same moment on one channel, the first time it
/// happens in the first [`BARS_CHECKED`] bars.
fn choked_hats(song: &Song) -> Option<Warning> {
    let span = Span::new(Time::ZERO, Time::from_integer(BARS_CHECKED));
    // (channel, onset) → (key, track) of every hi-hat struck there.
    let mut struck: HashMap<(u8, Time), Vec<(u8, usize)>> = HashMap::new();
    let mut haps: Vec<Hap<Note>> = Vec::new();
    for (index, track) in song.tracks.iter().enumerate() {
        if track.muted {
            continue;
        }
        haps.clear();
        track.pattern.query_into(span, &mut haps);
        for hap in haps.iter().filter(|h| h.has_onset()) {
            if HI_HAT_CHOKE.contains(&hap.value.key) {
                struck
                    .entry((track.channel, hap.part.begin))
                    .or_default()
                    .push((hap.value.key, index));
            }
        }
    }
    let mut clashes: Vec<(Time, Vec<(u8, usize)>)> = struck
        .into_iter()
        .filter(|(_, hats)| hats.iter().any(|(k, _)| *k != hats[0].0))
        .map(|((_, at), hats)| (at, hats))
        .collect();
    clashes.sort_by_key(|(at, _)| *at);
    let (at, hats) = clashes.first()?;
    let name = |key: u8| match key {
        42 => "closed hi-hat (hh)",
        44 => "pedal hi-hat (ph)",
        _ => "open hi-hat (oh)",
    };
    let mut keys: Vec<u8> = hats.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut tracks: Vec<usize> = hats.iter().map(|(_, t)| *t).collect();
    tracks.sort_unstable();
    tracks.dedup();
    let names: Vec<String> = tracks
        .iter()
        .map(|t| format!("`{}`", song.tracks[*t].name))
        .collect();
    let bar = at.floor().to_integer() + 1;
    let beat = (at.fract() * Time::from_integer(i64::from(song.tempo.meter.beats)))
        .floor()
        .to_integer()
        + 1;
    Some(Warning {
        line: song.tracks[tracks[0]].line,
        message: format!(
            "the {} and the {} are struck together (bar {bar}, beat {beat}, in {}): one \
             chokes the other, so only one is heard",
            name(keys[0]),
            name(keys[keys.len() - 1]),
            names.join(" and ")
        ),
        help: "leave the closed hat out where the open one plays, as in `hh*7 oh`, or give \
               each its own step"
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    #[test]
    fn a_closed_and_an_open_hat_on_the_same_eighth_are_reported_with_where() {
        let song = compile("track hats\n  play \"hh*8, ~ ~ ~ ~ ~ ~ ~ oh\"\n").unwrap();
        let w = warnings(&song);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 1);
        assert!(w[0].message.contains("bar 1, beat 4"), "{}", w[0].message);
        assert!(w[0].message.contains("closed hi-hat"), "{}", w[0].message);
        assert!(w[0].message.contains("open hi-hat"), "{}", w[0].message);
    }

    #[test]
    fn hats_on_two_tracks_of_one_channel_clash_too_and_on_two_channels_do_not() {
        let same = "track a drums\n  play \"hh*4\"\ntrack b drums\n  play \"~ ~ ~ oh\"\n";
        let w = warnings(&compile(same).unwrap());
        assert!(w[0].message.contains("`a` and `b`"), "{:?}", w);
        let apart =
            "track a drums\n  play \"hh*4\"\ntrack b drums channel 11\n  play \"~ ~ ~ oh\"\n";
        assert!(warnings(&compile(apart).unwrap()).is_empty());
    }

    #[test]
    fn an_open_hat_in_a_gap_of_the_closed_ones_is_fine_and_so_is_a_muted_track() {
        for src in [
            "track hats\n  play \"hh*7 oh\"\n",
            "track hats\n  play \"[~ hh]*3 [~ oh]\"\n",
            "track a drums\n  play \"hh*4\"\ntrack b drums mute\n  play \"~ ~ ~ oh\"\n",
        ] {
            assert!(warnings(&compile(src).unwrap()).is_empty(), "{src}");
        }
    }

    #[test]
    fn a_clash_that_comes_only_in_a_later_bar_is_found() {
        let song = compile("track hats\n  play \"hh*4, <~ ~ [~ ~ ~ oh]>\"\n").unwrap();
        let w = warnings(&song);
        assert!(w[0].message.contains("bar 3, beat 4"), "{:?}", w);
    }

    #[test]
    fn a_kick_and_hats_on_channel_10_with_different_pans_are_told_they_fight() {
        let src = "track kick drums\n  play \"bd*4\"\n  pan 64\ntrack hats drums\n  play \"hh*8\"\n  pan 20\n";
        let w = warnings(&compile(src).unwrap());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, 4);
        assert!(
            w[0].message.contains("`kick` and `hats` share channel 10"),
            "{w:?}"
        );
        assert!(w[0].message.contains("different pan"), "{w:?}");
        // Louder hats clash the same way.
        let loud = src
            .replace("pan 64", "volume 100")
            .replace("pan 20", "volume 80");
        assert!(
            warnings(&compile(&loud).unwrap())[0]
                .message
                .contains("different volume")
        );
    }

    #[test]
    fn drums_that_agree_on_pan_or_live_apart_are_left_in_peace() {
        for src in [
            "track kick drums\n  play \"bd*4\"\n  pan 64\ntrack hats drums\n  play \"hh*8\"\n  pan 64\n",
            "track kick drums\n  play \"bd*4\"\n  pan 64\ntrack hats drums\n  play \"hh*8\"\n",
            "track kick drums\n  play \"bd*4\"\n  pan 64\ntrack hats drums channel 11\n  play \"hh*8\"\n  pan 20\n",
            "track kick drums\n  output tr8\n  play \"bd*4\"\n  pan 64\ntrack hats drums\n  output tr909\n  play \"hh*8\"\n  pan 20\n",
        ] {
            assert!(warnings(&compile(src).unwrap()).is_empty(), "{src}");
        }
    }
}
