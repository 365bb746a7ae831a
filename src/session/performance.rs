//! The live performance, kept apart from the compiled song: what the player changed while
//! playing (tempo, mutes, solos). A new version of the song keeps it; the song as it should
//! sound is the compiled song with the performance applied.

use std::collections::{HashMap, HashSet};

use crate::lang::song::{Song, Track};

/// What was changed live, by track name so that an edit that moves tracks keeps it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Performance {
    /// Tracks muted live.
    pub muted: HashSet<String>,
    /// Tracks soloed live.
    pub soloed: HashSet<String>,
    /// Tracks sent to another output live: the output's name (`None`: the unnamed ones).
    pub outputs: HashMap<String, Option<String>>,
    /// The tempo playing now (the song's, or one set live).
    pub bpm: f64,
    /// The tempo the song's text last said: a new text tempo wins over a live one.
    song_bpm: Option<f64>,
}

impl Performance {
    /// No live changes, at `bpm`.
    pub fn new(bpm: f64) -> Performance {
        Performance {
            bpm,
            ..Performance::default()
        }
    }

    /// Takes in a new version of the song: a tempo written in it wins when it changed;
    /// otherwise the live tempo stays.
    pub fn adopt(&mut self, song: &Song) {
        if self.song_bpm != Some(song.tempo.bpm) {
            self.song_bpm = Some(song.tempo.bpm);
            self.bpm = song.tempo.bpm;
        }
    }

    /// Mutes or unmutes `name` (solo when `solo`); returns whether it is now on.
    pub fn toggle(&mut self, name: &str, solo: bool) -> bool {
        let set = if solo {
            &mut self.soloed
        } else {
            &mut self.muted
        };
        if set.remove(name) {
            false
        } else {
            set.insert(name.to_string());
            true
        }
    }

    /// Mutes (solos, when `solo`) `name` when `on`, else lets it play again.
    pub fn set(&mut self, name: &str, solo: bool, on: bool) {
        let set = if solo {
            &mut self.soloed
        } else {
            &mut self.muted
        };
        if on {
            set.insert(name.to_string());
        } else {
            set.remove(name);
        }
    }

    /// Forgets the live mutes and solos (they were written into the song).
    pub fn clear_mutes(&mut self) {
        self.muted.clear();
        self.soloed.clear();
    }

    /// Whether `track` is silent: `mute` in the song, muted live, or another track soloed.
    pub fn silenced(&self, track: &Track) -> bool {
        track.muted
            || self.muted.contains(&track.name)
            || (!self.soloed.is_empty() && !self.soloed.contains(&track.name))
    }

    /// The output `track` plays through now: the one chosen live, else its `output` line.
    pub fn output_of<'a>(&'a self, track: &'a Track) -> Option<&'a str> {
        match self.outputs.get(&track.name) {
            Some(chosen) => chosen.as_deref(),
            None => track.output.as_deref(),
        }
    }

    /// One flag per track of `song`: whether it is silent.
    pub fn mutes(&self, song: &Song) -> Vec<bool> {
        song.tracks.iter().map(|t| self.silenced(t)).collect()
    }

    /// `song` as it should sound now: the live tempo, the live mutes and solos, the outputs
    /// chosen live.
    pub fn applied_to(&self, song: &Song) -> Song {
        let mut live = song.clone();
        live.tempo.bpm = self.bpm;
        let mutes = self.mutes(song);
        for (track, muted) in live.tracks.iter_mut().zip(mutes) {
            track.muted = muted;
            if let Some(output) = self.outputs.get(&track.name) {
                track.output = output.clone();
            }
        }
        live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    const BAND: &str = "tempo 100\ntrack drums drums\n  play \"bd sn\"\ntrack bass\n  play \"c2\"\ntrack keys\n  play \"c4\"\n  mute\n";

    #[test]
    fn a_solo_silences_the_others_and_a_mute_in_the_song_stays() {
        let song = compile(BAND).unwrap();
        let mut live = Performance::new(100.0);
        assert!(live.toggle("bass", true));
        assert_eq!(live.mutes(&song), vec![true, false, true]);
        assert!(!live.toggle("bass", true), "a second press unsolos");
        assert_eq!(live.mutes(&song), vec![false, false, true]);
    }

    #[test]
    fn an_edit_keeps_the_live_tempo_unless_its_text_changes_the_tempo() {
        let song = compile(BAND).unwrap();
        let mut live = Performance::new(100.0);
        live.adopt(&song);
        live.bpm = 126.0;
        live.toggle("drums", false);
        live.adopt(&compile(&BAND.replace("c2", "e2")).unwrap());
        let sounding = live.applied_to(&song);
        assert_eq!(sounding.tempo.bpm, 126.0);
        assert!(sounding.tracks[0].muted, "the live mute carries over");
        live.adopt(&compile(&BAND.replace("tempo 100", "tempo 90")).unwrap());
        assert_eq!(live.bpm, 90.0, "a tempo typed into the song wins");
    }
}
