//! Music theory with no I/O: exact time, tempo and meter, notes, scales, chords, General MIDI.

pub mod note_value;
pub mod time;
