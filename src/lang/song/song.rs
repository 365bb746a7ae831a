//! A compiled song: tempo, meter and tracks.

use super::form::{Form, Placement};
use super::mapping::Mapping;
use super::sync::Sync;
use super::track::Track;
use crate::theory::tempo::Tempo;

/// Everything a `.flam` file describes, ready to be played.
#[derive(Clone, Debug)]
pub struct Song {
    /// Tempo and meter.
    pub tempo: Tempo,
    /// The tracks, in file order.
    pub tracks: Vec<Track>,
    /// What a controller's knobs, faders and pads do (`map` lines).
    pub maps: Vec<Mapping>,
    /// Its sections and their arrangement, when it has any; the tracks' patterns then play
    /// the arrangement as placed.
    pub form: Option<Form>,
    /// Where named outputs go when the command line names none (`output drums jack:TR-8`):
    /// the name, the port as written, and the line.
    pub outputs: Vec<(String, String, usize)>,
    /// Whose clock it keeps when it plays (`sync link`), unless `--sync` says otherwise.
    pub sync: Option<Sync>,
}

impl Song {
    /// The track called `name`.
    pub fn track(&self, name: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.name == name)
    }

    /// How many bars it plays before it ends, from its start: the arrangement's length;
    /// `None` for a song without sections (or a looped section), which plays on.
    pub fn length_bars(&self) -> Option<i64> {
        self.form.as_ref().and_then(Form::remaining_bars)
    }

    /// The bar (from 0) where its arrangement, as placed, ends: `None` when it plays on.
    pub fn end_bar(&self) -> Option<i64> {
        self.form.as_ref().and_then(Form::end_bar)
    }

    /// The same song with its arrangement placed anew (a jump to a section, a section looped,
    /// a section alone); a song without sections is returned as it is.
    pub fn placed(&self, placement: Placement) -> Song {
        let mut song = self.clone();
        if let Some(form) = &mut song.form {
            form.placement = placement;
            for (i, track) in song.tracks.iter_mut().enumerate() {
                track.pattern = form.pattern(i);
                track.lanes = form.lanes(i);
            }
        }
        song
    }
}
