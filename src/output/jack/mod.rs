//! JACK MIDI output through the jack crate (libjack is loaded at run time).

pub mod frame_cue;
pub mod jack_sink;
pub mod notifications;
pub mod process;

pub use jack_sink::JackSink;
