//! A compiled song: tempo, meter and tracks.

use super::mapping::Mapping;
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
}

impl Song {
    /// The track called `name`.
    pub fn track(&self, name: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.name == name)
    }
}
