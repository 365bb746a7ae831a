//! The step grid: each track's notes in one bar, as columns with the loudest velocity.

use crate::lang::song::Song;
use crate::pattern::{Hap, Note, Span};
use crate::theory::time::Time;

/// One track's row: the strongest velocity starting in each column (0 for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The track's name.
    pub name: String,
    /// Velocity per column.
    pub cells: Vec<u8>,
}

/// The notes of every track in bar `bar`, in `columns` equal columns.
pub fn rows(song: &Song, bar: i64, columns: usize) -> Vec<Row> {
    let columns = columns.max(1);
    let span = Span::new(Time::from_integer(bar), Time::from_integer(bar + 1));
    let mut haps: Vec<Hap<Note>> = Vec::new();
    song.tracks
        .iter()
        .map(|track| {
            haps.clear();
            track.pattern.query_into(span, &mut haps);
            let mut cells = vec![0u8; columns];
            for h in haps.iter().filter(|h| h.has_onset()) {
                let at = (h.part.begin - span.begin) * Time::from_integer(columns as i64);
                let col = (at.floor().to_integer().max(0) as usize).min(columns - 1);
                cells[col] = cells[col].max(h.value.velocity);
            }
            Row {
                name: track.name.clone(),
                cells,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backbeat_lights_columns_five_and_thirteen_of_sixteen() {
        let song =
            crate::lang::song::compile("track snare\n  play \"~ sn ~ sn\"\n  vel 100\n").unwrap();
        let row = &rows(&song, 3, 16)[0];
        let lit: Vec<usize> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(lit, vec![4, 12]);
        assert_eq!(row.cells[4], 100);
    }
}
