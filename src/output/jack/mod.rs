//! JACK output through the jack crate (libjack is loaded at run time): MIDI at exact
//! frames, and the built-in synth's audio.

pub mod audio_notifications;
pub mod audio_process;
pub mod frame_cue;
pub mod input_process;
pub mod jack_audio;
pub mod jack_input;
pub mod jack_sink;
pub mod notifications;
pub mod process;
pub mod transport;

pub use jack_sink::JackSink;
