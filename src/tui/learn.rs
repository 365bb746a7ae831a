//! Map learning in `flam live`: press the key whose job a controller should take over, then
//! move the knob or hit the pad; flam writes the `map` line for it at the top of the song.

/// What a learned map will do, chosen by pressing the key that does it.
#[derive(Clone, Debug, PartialEq)]
pub enum MapTarget {
    /// Mute or unmute this track.
    Mute(String),
    /// Solo or unsolo this track.
    Solo(String),
    /// Set the tempo: the controller's range spread over these BPM.
    Tempo(f64, f64),
    /// End every sounding note.
    Panic,
    /// Select a track: the controller's range spread over the track list.
    Select,
}

impl MapTarget {
    /// A tempo map centred on `bpm`: a knob at its middle plays the tempo it was learned at,
    /// and its ends reach 30 BPM either side.
    pub fn tempo_around(bpm: f64) -> MapTarget {
        let centre = bpm.round().clamp(50.0, 969.0);
        MapTarget::Tempo(centre - 30.0, centre + 30.0)
    }

    /// The `map` line for `trigger` (`cc 21 ch 1`, `note 36 ch 10`).
    pub fn line(&self, trigger: &str) -> String {
        match self {
            MapTarget::Mute(track) => format!("map {trigger} mute {track}"),
            MapTarget::Solo(track) => format!("map {trigger} solo {track}"),
            MapTarget::Tempo(lo, hi) => format!("map {trigger} tempo {lo} {hi}"),
            MapTarget::Panic => format!("map {trigger} panic"),
            MapTarget::Select => format!("map {trigger} select"),
        }
    }

    /// What the map will do, for the status line.
    pub fn describe(&self) -> String {
        match self {
            MapTarget::Mute(track) => format!("mute {track}"),
            MapTarget::Solo(track) => format!("solo {track}"),
            MapTarget::Tempo(lo, hi) => format!("set the tempo ({lo}–{hi} BPM)"),
            MapTarget::Panic => "end every note (panic)".to_string(),
            MapTarget::Select => "select tracks".to_string(),
        }
    }
}

/// Where learning is.
#[derive(Clone, Debug, PartialEq)]
pub enum Learning {
    /// Waiting for the key that says what to map.
    Choosing,
    /// Waiting for a knob or pad to map to this.
    Waiting(MapTarget),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_writes_a_map_line_the_language_reads_back() {
        let targets = [
            MapTarget::Mute("kick".into()),
            MapTarget::Solo("bass".into()),
            MapTarget::tempo_around(121.4),
            MapTarget::Panic,
            MapTarget::Select,
        ];
        let lines: Vec<String> = targets.iter().map(|t| t.line("cc 21 ch 1")).collect();
        assert_eq!(
            lines,
            [
                "map cc 21 ch 1 mute kick",
                "map cc 21 ch 1 solo bass",
                "map cc 21 ch 1 tempo 91 151",
                "map cc 21 ch 1 panic",
                "map cc 21 ch 1 select",
            ]
        );
        let song = format!(
            "{}\ntrack kick drums\n  play \"bd\"\ntrack bass\n  play \"c2\"\n",
            lines.join("\n")
        );
        let song = crate::lang::song::compile(&song).expect("the learned lines compile");
        assert_eq!(song.maps.len(), 5);
    }

    #[test]
    fn a_tempo_knob_learned_at_a_slow_tempo_still_spans_sixty_bpm() {
        assert_eq!(MapTarget::tempo_around(20.0), MapTarget::Tempo(20.0, 80.0));
    }
}
