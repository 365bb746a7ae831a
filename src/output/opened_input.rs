//! A MIDI input ready to listen.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rtrb::Consumer;

use super::input_counts::InputCounts;
use crate::engine::stamped::Stamped;

/// An open input: its messages, stamped, on a wait-free ring, and what keeps it open.
pub struct OpenedInput {
    /// The messages as they arrive, until whoever listens takes them.
    pub messages: Option<Consumer<Stamped>>,
    /// What it is, for the "listening to …" line.
    pub description: String,
    /// What its callback skipped or lost.
    pub counts: Arc<InputCounts>,
    /// Raised when the input goes away (the server quit, the device was unplugged).
    pub gone: Arc<AtomicBool>,
    /// The client or connection; the input listens while this lives.
    pub keep: Box<dyn Send>,
}
