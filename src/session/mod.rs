//! A playing session: the threads that play a song, hot reload, and the status line.

pub mod ending;
pub mod play_options;
pub mod player;
pub mod position;
pub mod realtime;
pub mod watcher;
