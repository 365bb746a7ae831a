//! The engine: turns songs into timed events and plays them on time.
//!
//! Playing is split in two. The [`planner::Planner`] runs on an ordinary thread, works out a
//! bar at a time a little ahead of the music, and pushes [`cue::Cue`]s into a wait-free ring
//! per output. A real-time [`sender::Sender`] per output pops them, waits for each deadline
//! and hands it to its [`sink::Sink`]; it neither allocates nor locks.

pub mod anchor;
pub mod changes;
pub mod clock_follower;
pub mod clock_source;
pub mod cue;
pub mod incoming;
pub mod internal_clock;
pub mod ledger;
pub mod message;
pub mod midi;
pub mod midi_clock;
pub mod midi_parser;
pub mod ordered_queue;
pub mod outcome;
pub mod overlaps;
pub mod plan;
pub mod planned;
pub mod planner;
pub mod planner_options;
pub mod sender;
pub mod sink;
pub mod stamped;
pub mod stats;
pub mod system;
pub mod timeline;
pub mod voice;
pub mod wait;
pub mod wire;
