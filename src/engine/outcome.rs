//! How a sender's run ended.

use super::sink::SinkError;

/// Why the real-time sender stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The planner finished and every cue was sent.
    Finished,
    /// A stop was requested (Ctrl-C, SIGTERM, a panic elsewhere, the session ending).
    Stopped,
    /// The output failed (its port went away); everything still sounding was released.
    Failed(SinkError),
}
