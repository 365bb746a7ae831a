//! A live synth that has started playing on an audio device.

use super::synth_sink::SynthSink;

/// The synth's sink, once its audio stream runs, and what to tell the user about it.
pub struct StartedSynth {
    /// The sink the sender drives (it keeps the stream alive).
    pub sink: SynthSink,
    /// What it is, for the "playing to …" line.
    pub description: String,
    /// Things the user should know (a `--buffer` the device could not take).
    pub notes: Vec<String>,
}
