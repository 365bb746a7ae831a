//! A played take written as a song: the notes quantized to a grid and set down as
//! mini-notation, one bar per step of `<…>`, chords as `[c3,e3,g3]`, drum pads by their
//! names, velocities on a `vel` line of the same shape. What `flam record` writes.

use crate::theory::gm;
use crate::theory::note::note_name;

/// One note as it was played: seconds from the take's downbeat, and how long it was held.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlayedNote {
    /// When it started, in seconds from the downbeat of bar 1.
    pub at: f64,
    /// How long the key was held, in seconds.
    pub held: f64,
    /// MIDI channel, 1–16.
    pub channel: u8,
    /// MIDI note, 0–127.
    pub key: u8,
    /// Velocity, 1–127.
    pub velocity: u8,
}

/// How a take is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recording {
    /// Quarter notes per minute.
    pub bpm: f64,
    /// Beats per bar and the beat's note value (4/4, 6/8 …).
    pub meter: (u32, u32),
    /// Bars recorded.
    pub bars: u32,
    /// Grid steps per bar (16 for sixteenths in 4/4, 24 for sixteenth triplets).
    pub steps: u32,
    /// How far each start moves toward its step: 1 is all the way, 0 leaves it as played
    /// (then written on a grid twelve times finer).
    pub strength: f64,
}

/// How much finer the written grid is when starts are only pulled part of the way.
const FINE: u32 = 12;

impl Recording {
    /// Seconds a grid step lasts.
    fn step_seconds(&self) -> f64 {
        let (beats, unit) = self.meter;
        let quarters = 4.0 * f64::from(beats) / f64::from(unit.max(1));
        quarters * 60.0 / self.bpm / f64::from(self.steps.max(1))
    }
}

/// A note on the grid: its step from the start of the take, its length in steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Placed {
    step: u32,
    steps: u32,
    key: u8,
    velocity: u8,
}

/// Quantizes `notes` of one channel to the grid: each start to the nearest step, each length
/// to whole steps (at least one). Notes that start past the last bar are left out.
fn place(notes: &[PlayedNote], rec: &Recording) -> Vec<Placed> {
    let step = rec.step_seconds();
    let total = rec.bars * rec.steps;
    let mut placed: Vec<Placed> = notes
        .iter()
        .filter(|n| n.at.is_finite() && n.held.is_finite())
        .filter_map(|n| {
            let at = (n.at / step).round().max(0.0);
            (at < f64::from(total)).then(|| Placed {
                step: at as u32,
                steps: ((n.held / step).round() as u32).max(1),
                key: n.key,
                velocity: n.velocity.clamp(1, 127),
            })
        })
        .collect();
    placed.sort_by_key(|p| (p.step, p.key));
    // Two notes on one key at one step are one note.
    placed.dedup_by_key(|p| (p.step, p.key));
    placed
}

/// A word for `key`: its drum name on a drum track, else its note name (a number below c0,
/// whose name would need a minus sign).
fn word(key: u8, drums: bool) -> String {
    if drums && let Some(name) = gm::drum_name(key) {
        return name.to_string();
    }
    if key < 12 {
        key.to_string()
    } else {
        note_name(key)
    }
}

/// One bar of one channel as mini-notation for `play` and for `vel`: each onset (a note or a
/// chord) lasts until the next onset or its own end, whichever comes first, then rests fill.
fn bar_text(placed: &[Placed], bar: u32, rec: &Recording, drums: bool) -> (String, String) {
    let first = bar * rec.steps;
    let end = first + rec.steps;
    let here: Vec<&Placed> = placed
        .iter()
        .filter(|p| (first..end).contains(&p.step))
        .collect();
    let mut onsets: Vec<u32> = here.iter().map(|p| p.step).collect();
    onsets.dedup();
    let mut notes = Vec::new();
    let mut vels = Vec::new();
    let mut push = |play: String, vel: String, steps: u32| {
        let weight = if steps > 1 {
            format!("@{steps}")
        } else {
            String::new()
        };
        notes.push(format!("{play}{weight}"));
        vels.push(format!("{vel}{weight}"));
    };
    let mut at = first;
    for (i, &onset) in onsets.iter().enumerate() {
        if onset > at {
            push("~".into(), "~".into(), onset - at);
        }
        let next = onsets.get(i + 1).copied().unwrap_or(end);
        let chord: Vec<&&Placed> = here.iter().filter(|p| p.step == onset).collect();
        let longest = chord.iter().map(|p| p.steps).max().unwrap_or(1);
        let sounds = longest.min(next - onset);
        let play = match chord.as_slice() {
            [one] => word(one.key, drums),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|p| word(p.key, drums))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        // A chord's velocity: its loudest note.
        let vel = chord.iter().map(|p| p.velocity).max().unwrap_or(100);
        push(play, vel.to_string(), sounds);
        at = onset + sounds;
        if next > at {
            push("~".into(), "~".into(), next - at);
            at = next;
        }
    }
    if at < end {
        push("~".into(), "~".into(), end - at);
    }
    (notes.join(" "), vels.join(" "))
}

/// The take as a `.flam` song: the tempo and meter, then one track per MIDI channel played
/// (`drums` on channel 10), each with its `play` and `vel` lines.
pub fn song_text(notes: &[PlayedNote], rec: &Recording, source: &str) -> String {
    let grid = format!(
        "{} steps a bar of {}/{}",
        rec.steps, rec.meter.0, rec.meter.1
    );
    let mut out = format!(
        "# recorded by flam record from {source}: {} bars on a grid of {grid}\ntempo {}\n",
        rec.bars,
        format_bpm(rec.bpm)
    );
    if rec.meter != (4, 4) {
        out.push_str(&format!("meter {}/{}\n", rec.meter.0, rec.meter.1));
    }
    out.push_str(&tracks_text(notes, rec, &|_| false));
    out
}

/// The take's tracks only, one per MIDI channel played, each begun with an empty line: for
/// adding to a song. Names `taken` says are in use get a number (`recorded-1-2`).
pub fn tracks_text(notes: &[PlayedNote], rec: &Recording, taken: &dyn Fn(&str) -> bool) -> String {
    // Pulled part of the way, the starts are written on a finer grid.
    let pulled: Vec<PlayedNote>;
    let fine: Recording;
    let (notes, rec) = if rec.strength < 1.0 {
        let step = rec.step_seconds();
        let strength = rec.strength.clamp(0.0, 1.0);
        pulled = notes
            .iter()
            .map(|n| PlayedNote {
                at: n.at + ((n.at / step).round() * step - n.at) * strength,
                ..*n
            })
            .collect();
        fine = Recording {
            steps: rec.steps * FINE,
            strength: 1.0,
            ..*rec
        };
        (pulled.as_slice(), &fine)
    } else {
        (notes, rec)
    };
    let mut channels: Vec<u8> = notes.iter().map(|n| n.channel).collect();
    channels.sort_unstable();
    channels.dedup();
    let mut out = String::new();
    for channel in channels {
        let drums = channel == 10;
        let mine: Vec<PlayedNote> = notes
            .iter()
            .filter(|n| n.channel == channel)
            .copied()
            .collect();
        let placed = place(&mine, rec);
        let bars: Vec<(String, String)> = (0..rec.bars)
            .map(|bar| bar_text(&placed, bar, rec, drums))
            .collect();
        let join = |pick: fn(&(String, String)) -> &String| {
            if bars.len() == 1 {
                pick(&bars[0]).clone()
            } else {
                format!(
                    "<{}>",
                    bars.iter()
                        .map(|b| format!("[{}]", pick(b)))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        };
        let base = if drums {
            "recorded-drums".to_string()
        } else {
            format!("recorded-{channel}")
        };
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|name| !taken(name))
            .unwrap_or(base);
        let kind = if drums {
            " drums".to_string()
        } else {
            format!(" channel {channel}")
        };
        out.push_str(&format!(
            "\ntrack {name}{kind}\n  play \"{}\"\n  vel \"{}\"\n",
            join(|b| &b.0),
            join(|b| &b.1)
        ));
    }
    out
}

/// A tempo as flam's `tempo` line takes it: whole numbers plainly, else one decimal.
fn format_bpm(bpm: f64) -> String {
    if bpm.fract() == 0.0 {
        format!("{}", bpm as i64)
    } else {
        format!("{bpm:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    const FOUR_FOUR: Recording = Recording {
        bpm: 120.0,
        meter: (4, 4),
        bars: 2,
        steps: 16,
        strength: 1.0,
    };

    /// At 120 BPM a sixteenth is 0.125 s.
    fn note(step: f64, held_steps: f64, key: u8, velocity: u8) -> PlayedNote {
        PlayedNote {
            at: step * 0.125,
            held: held_steps * 0.125,
            channel: 1,
            key,
            velocity,
        }
    }

    #[test]
    fn a_riff_played_a_little_loose_is_written_on_the_grid() {
        let played = [
            note(0.04, 2.9, 48, 100),
            note(3.9, 2.0, 52, 90),
            note(4.1, 2.2, 55, 70),
            note(8.0, 1.0, 60, 80),
            note(16.2, 8.0, 50, 110),
        ];
        let text = song_text(&played, &FOUR_FOUR, "a test");
        assert!(
            text.contains("play \"<[c3@3 ~ [e3,g3]@2 ~@2 c4 ~@7] [d3@8 ~@8]>\""),
            "{text}"
        );
        assert!(
            text.contains("vel \"<[100@3 ~ 90@2 ~@2 80 ~@7] [110@8 ~@8]>\""),
            "{text}"
        );
    }

    #[test]
    fn drum_pads_are_written_by_their_names_on_a_drum_track() {
        let mut kick = note(0.0, 1.0, 36, 120);
        kick.channel = 10;
        let mut snare = note(4.0, 1.0, 38, 100);
        snare.channel = 10;
        let one_bar = Recording {
            bars: 1,
            ..FOUR_FOUR
        };
        let text = song_text(&[kick, snare], &one_bar, "pads");
        assert!(text.contains("track recorded-drums drums"), "{text}");
        assert!(text.contains("play \"bd ~@3 sn ~@11\""), "{text}");
    }

    #[test]
    fn notes_after_the_last_bar_are_left_out_and_nothing_is_an_empty_bar() {
        let late = note(40.0, 1.0, 60, 100);
        let text = song_text(&[late], &FOUR_FOUR, "late");
        assert!(text.contains("play \"<[~@16] [~@16]>\""), "{text}");
        assert!(compile(&text).is_ok(), "{text}");
    }

    #[test]
    fn half_strength_pulls_a_note_half_way_to_its_nearest_step() {
        let one_bar = Recording {
            bars: 1,
            strength: 0.5,
            ..FOUR_FOUR
        };
        // Played at 1.5 steps, held one: its nearest step is 2, and half way there is 1.75,
        // which the twelve-times-finer grid writes as 21 of 192.
        let text = song_text(&[note(1.5, 1.0, 60, 100)], &one_bar, "loose");
        assert!(text.contains("play \"~@21 c4@12 ~@159\""), "{text}");
    }
}
