//! The step grid: one bar of every track, on steps that follow the meter and the patterns.
//!
//! The number of steps is the finest grid that holds every onset of the bar exactly and lines
//! up with the beats (12 for `hag(7,12)` in 12/8, 12 for sixteenths in 3/4, 20 in 5/4), made
//! at least as fine as the meter's usual step-sequencer grid (sixteenths; eighths in 6/8,
//! 9/8 and 12/8). A drum track that plays several sounds gets a row for each (the closed and
//! the open hi-hat apart); a melodic track's cells carry the pitch.

use crate::lang::song::Song;
use crate::pattern::{Hap, Note, Span};
use crate::theory::gm;
use crate::theory::time::{Time, lcm};

/// The most steps a bar is drawn on; patterns finer than this are drawn on the meter's grid,
/// each onset in the step it falls in.
pub const MAX_STEPS: usize = 96;

/// What sounds at one step of one row: the loudest onset in it (velocity 0 for none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// The loudest velocity starting in the step; 0 when nothing does.
    pub velocity: u8,
    /// The lowest key among the notes starting in the step.
    pub key: u8,
}

/// One row of the grid: a track, or one drum sound of a drum track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The index of the track in the song.
    pub track: usize,
    /// The track's name.
    pub name: String,
    /// For a drum track that plays several sounds, the sound of this row (`hh`, `oh`).
    pub sound: Option<String>,
    /// Whether the cells are pitches to show, not drum hits.
    pub melodic: bool,
    /// One cell per step.
    pub cells: Vec<Cell>,
}

impl Row {
    /// How the row is labelled: the track, and its sound when it has several.
    pub fn label(&self) -> String {
        match &self.sound {
            Some(sound) => format!("{} {sound}", self.name),
            None => self.name.clone(),
        }
    }

    /// How many steps have an onset.
    pub fn hits(&self) -> usize {
        self.cells.iter().filter(|c| c.velocity > 0).count()
    }
}

/// A bar of the song as steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    /// The bar shown, from 0.
    pub bar: i64,
    /// Steps in the bar.
    pub steps: usize,
    /// Steps per beat, for marking the beats (0 when the beats do not fall on steps).
    pub per_beat: usize,
    /// Whether every onset falls exactly on the start of its step.
    pub exact: bool,
    /// The rows, in track order.
    pub rows: Vec<Row>,
}

/// The usual step-sequencer grid of a meter: sixteenths, or eighths in compound meters.
fn meter_steps(beats: usize, unit: usize) -> usize {
    if unit == 8 && beats.is_multiple_of(3) {
        beats
    } else {
        (beats * 16 / unit.max(1)).max(beats).max(1)
    }
}

/// The steps for onsets at `fractions` of the bar (each in [0, 1)), and whether they are exact.
fn steps_for(fractions: &[Time], beats: usize, unit: usize) -> (usize, bool) {
    let usual = meter_steps(beats, unit);
    let most = Time::from_integer(MAX_STEPS as i64);
    let mut needed = Time::from_integer(beats.max(1) as i64);
    for f in fractions {
        needed = lcm(needed, Time::from_integer(*f.denom()));
        if needed > most {
            return (usual.min(MAX_STEPS), false);
        }
    }
    let needed = needed.to_integer() as usize;
    let mut steps = needed;
    while steps < usual && steps * 2 <= MAX_STEPS {
        steps *= 2;
    }
    if steps < usual && usual.is_multiple_of(needed) {
        steps = usual;
    }
    (steps, true)
}

/// The notes of every track in bar `bar`.
pub fn grid(song: &Song, bar: i64) -> Grid {
    let span = Span::new(Time::from_integer(bar), Time::from_integer(bar + 1));
    let mut haps: Vec<Hap<Note>> = Vec::new();
    let mut onsets: Vec<Vec<(Time, Note)>> = Vec::with_capacity(song.tracks.len());
    for track in &song.tracks {
        haps.clear();
        track.pattern.query_into(span, &mut haps);
        onsets.push(
            haps.iter()
                .filter(|h| h.has_onset())
                .map(|h| (h.part.begin - span.begin, h.value))
                .collect(),
        );
    }
    let meter = song.tempo.meter;
    let (beats, unit) = (meter.beats as usize, meter.unit as usize);
    let fractions: Vec<Time> = onsets.iter().flatten().map(|(at, _)| *at).collect();
    let (steps, exact) = steps_for(&fractions, beats, unit);
    let per_beat = if steps.is_multiple_of(beats.max(1)) {
        steps / beats.max(1)
    } else {
        0
    };
    let mut rows = Vec::new();
    for (index, (track, notes)) in song.tracks.iter().zip(&onsets).enumerate() {
        let melodic = !track.drums && track.channel != 10;
        let mut sounds: Vec<u8> = notes.iter().map(|(_, n)| n.key).collect();
        sounds.sort_unstable();
        sounds.dedup();
        let split = !melodic && sounds.len() > 1;
        let groups: Vec<Option<u8>> = if split {
            sounds.iter().map(|k| Some(*k)).collect()
        } else {
            vec![None]
        };
        for group in groups {
            let mut cells = vec![Cell::default(); steps];
            for (at, note) in notes
                .iter()
                .filter(|(_, n)| group.is_none_or(|k| k == n.key))
            {
                let step = (*at * Time::from_integer(steps as i64))
                    .floor()
                    .to_integer();
                let step = (step.max(0) as usize).min(steps - 1);
                let cell = &mut cells[step];
                if cell.velocity == 0 || note.key < cell.key {
                    cell.key = note.key;
                }
                cell.velocity = cell.velocity.max(note.velocity.max(1));
            }
            rows.push(Row {
                track: index,
                name: track.name.clone(),
                sound: group.map(|k| {
                    gm::drum_name(k)
                        .map(str::to_string)
                        .unwrap_or_else(|| k.to_string())
                }),
                melodic,
                cells,
            });
        }
    }
    Grid {
        bar,
        steps,
        per_beat,
        exact,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    fn lit(row: &Row) -> Vec<usize> {
        row.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.velocity > 0)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn a_backbeat_in_four_four_lights_steps_five_and_thirteen_of_sixteen() {
        let song = compile("track snare\n  play \"~ sn ~ sn\"\n  vel 100\n").unwrap();
        let g = grid(&song, 3);
        assert_eq!((g.steps, g.per_beat, g.exact), (16, 4, true));
        assert_eq!(lit(&g.rows[0]), [4, 12]);
        assert_eq!(g.rows[0].cells[4].velocity, 100);
    }

    #[test]
    fn the_west_african_bell_in_twelve_eight_is_drawn_on_its_twelve_steps() {
        let song = compile("tempo 110\nmeter 12/8\ntrack bell\n  play \"hag(7,12)\"\n").unwrap();
        let g = grid(&song, 0);
        assert_eq!((g.steps, g.per_beat, g.exact), (12, 1, true));
        assert_eq!(lit(&g.rows[0]), [0, 2, 3, 5, 7, 8, 10]);
    }

    #[test]
    fn three_four_six_eight_and_five_four_follow_their_meters() {
        for (meter, pattern, steps, hits) in [
            ("3/4", "hh*12", 12, (0..12).collect::<Vec<_>>()),
            ("3/4", "bd ~ ~", 12, vec![0]),
            ("6/8", "bd ~ ~ sn ~ ~", 6, vec![0, 3]),
            ("6/8", "hh*12", 12, (0..12).collect()),
            ("5/4", "bd sn bd bd sn", 20, vec![0, 4, 8, 12, 16]),
        ] {
            let song = compile(&format!(
                "meter {meter}\ntrack t drums\n  play \"{pattern}\"\n"
            ))
            .unwrap();
            let g = grid(&song, 0);
            assert_eq!(g.steps, steps, "{meter} {pattern}");
            let all: Vec<usize> = {
                let mut v: Vec<usize> = g.rows.iter().flat_map(lit).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            assert_eq!(all, hits, "{meter} {pattern}");
        }
    }

    #[test]
    fn triplets_and_sixteenths_together_get_a_grid_that_holds_both() {
        let song = compile("track t drums\n  play \"[hh*16, [cp cp cp]]\"\n").unwrap();
        let g = grid(&song, 0);
        assert_eq!((g.steps, g.exact), (48, true));
        let clap = g
            .rows
            .iter()
            .find(|r| r.sound.as_deref() == Some("cp"))
            .unwrap();
        assert_eq!(lit(clap), [0, 16, 32]);
    }

    #[test]
    fn a_pattern_too_fine_for_the_screen_falls_back_to_the_meter_grid() {
        let song = compile("track t\n  play \"[c4*7, e4*11, g4*13]\"\n").unwrap();
        let g = grid(&song, 0);
        assert_eq!((g.steps, g.exact), (16, false));
        assert!(g.rows[0].hits() > 0);
    }

    #[test]
    fn closed_and_open_hats_get_rows_of_their_own() {
        let song = compile("track hats drums\n  play \"hh hh oh hh\"\n").unwrap();
        let g = grid(&song, 0);
        let labels: Vec<String> = g.rows.iter().map(Row::label).collect();
        assert_eq!(labels, ["hats hh", "hats oh"]);
        assert_eq!(lit(&g.rows[0]), [0, 4, 12]);
        assert_eq!(lit(&g.rows[1]), [8]);
        assert!(g.rows.iter().all(|r| r.track == 0 && !r.melodic));
    }

    #[test]
    fn a_melodic_track_keeps_one_row_with_its_pitches() {
        let song = compile("track bass channel 2\n  play \"c2 [e2 g2] c3 ~\"\n").unwrap();
        let g = grid(&song, 0);
        assert_eq!(g.rows.len(), 1);
        assert!(g.rows[0].melodic);
        let keys: Vec<u8> = g.rows[0]
            .cells
            .iter()
            .filter(|c| c.velocity > 0)
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, [36, 40, 43, 48]);
        assert_eq!(lit(&g.rows[0]), [0, 4, 6, 8]);
    }

    #[test]
    fn a_chord_shows_its_lowest_note() {
        let song = compile("track keys channel 1\n  play \"[e4,c4,g4] ~\"\n").unwrap();
        let g = grid(&song, 0);
        assert_eq!(g.rows[0].cells[0].key, 60);
    }
}
