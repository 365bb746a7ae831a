//! The live session around a song: the threads that play it, hot reload, the status line,
//! and recovering unsaved text.

pub mod control;
pub mod controls;
pub mod ending;
pub mod following;
pub mod held_chord;
#[cfg(feature = "link")]
pub mod link_clock;
pub mod osc;
pub mod performance;
pub mod play_options;
pub mod player;
pub mod position;
pub mod realtime;
pub mod recovery;
pub mod rig;
pub mod rig_error;
pub mod watcher;
