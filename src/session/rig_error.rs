//! Why the rig could not open an output: an output problem or a SoundFont problem, each
//! typed, rendered by its own `Display` and summed up in one line for the live UI.

use std::fmt;

use crate::output::output_error::OutputError;
use crate::output::soundfont::FontError;

/// An output or the synth's SoundFont could not be opened.
#[derive(Debug)]
pub enum RigError {
    /// A MIDI port, JACK, or the audio device.
    Output(OutputError),
    /// The SoundFont the synth needs.
    SoundFont(FontError),
}

impl RigError {
    /// The problem in one line, for a status bar.
    pub fn problem(&self) -> String {
        match self {
            RigError::Output(e) => e.problem.clone(),
            RigError::SoundFont(e) => e.problem(),
        }
    }
}

impl From<OutputError> for RigError {
    fn from(e: OutputError) -> RigError {
        RigError::Output(e)
    }
}

impl From<FontError> for RigError {
    fn from(e: FontError) -> RigError {
        RigError::SoundFont(e)
    }
}

impl fmt::Display for RigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RigError::Output(e) => e.fmt(f),
            RigError::SoundFont(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RigError {}
