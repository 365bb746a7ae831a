//! Music theory with no I/O: exact time, tempo and meter, notes, scales, chords, General MIDI.

pub mod chord;
pub mod gm;
pub mod note;
pub mod note_value;
pub mod scale;
pub mod suggest;
pub mod tempo;
pub mod time;
