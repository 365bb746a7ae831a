//! What an OSC output (SuperDirt) needs to know about a note beyond its MIDI message.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// A note's sound and place in the pattern, carried beside its note-on. `Copy` and without
/// heap data, so cues stay cheap to move on the real-time path; MIDI outputs ignore it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Voice {
    /// The sound to play (a drum word such as `bd`, or the track's name); empty for no note.
    pub sound: &'static str,
    /// Whether the sound is a drum: then the key picks the sound, not a pitch.
    pub drum: bool,
    /// The track's index in the song.
    pub track: u16,
    /// Where the note starts in the pattern, in cycles.
    pub cycle: f64,
    /// How long it sounds, in seconds.
    pub delta: f64,
    /// Cycles per second at the time it was planned.
    pub cps: f64,
}

impl Voice {
    /// No voice: setup, controller and clock messages, note-offs.
    pub const NONE: Voice = Voice {
        sound: "",
        drum: false,
        track: 0,
        cycle: 0.0,
        delta: 0.0,
        cps: 0.0,
    };

    /// Whether there is a note to play.
    pub fn is_some(&self) -> bool {
        !self.sound.is_empty()
    }
}

/// The one `'static` copy of a sound's name. Names are kept for the life of the process so a
/// voice can be `Copy`; only distinct track names are ever added, so this stays tiny. Called
/// by the planner (not real-time), never on the sender.
pub fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(Mutex::default);
    // A poisoned lock only means another thread panicked mid-insert; the set is still valid.
    let mut names = names.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}
