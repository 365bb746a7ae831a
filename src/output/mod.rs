//! Output: the SoundFont synthesizer, offline rendering to WAV and export to MIDI files.

pub mod atomic_file;
pub mod decimator;
pub mod length;
pub mod limiter;
pub mod render;
pub mod smf;
pub mod soundfont;
pub mod synth;
pub mod wav;
