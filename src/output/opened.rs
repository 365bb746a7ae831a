//! An output ready to play.

use crate::engine::sink::Sink;

/// An open output and how to describe it to the user.
pub struct Opened {
    /// The sink the sender drives.
    pub sink: Box<dyn Sink>,
    /// What it is, for the "playing to …" line.
    pub description: String,
}
