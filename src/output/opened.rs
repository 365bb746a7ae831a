//! An output ready to play.

use std::sync::Arc;

use super::delivery_counts::DeliveryCounts;
use super::synth_meters::SynthMeters;
use crate::engine::sink::Sink;

/// An open output and how to describe it to the user.
pub struct Opened {
    /// The sink the sender drives.
    pub sink: Box<dyn Sink>,
    /// What it is, for the "playing to …" line.
    pub description: String,
    /// Messages that missed their frame, when the output counts them (JACK does).
    pub delivery: Option<Arc<DeliveryCounts>>,
    /// A check the session runs now and then (not in real time); it returns `false` once the
    /// output has gone away, and the sink then reports itself unhealthy.
    pub monitor: Option<Box<dyn FnMut() -> bool + Send>>,
    /// The live synth's meters (underruns, load, clock), when the output is the synth.
    pub synth: Option<Arc<SynthMeters>>,
}
