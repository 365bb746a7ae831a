//! The terminal UI for live jamming (`flam live`).

pub mod app;
pub mod draw;
pub mod editor;
pub mod grid;
pub mod highlight;
pub mod kept_clock;
pub mod keymap;
pub mod learn;
pub mod loop_recorder;
pub mod player_transport;
pub mod run;
pub mod standby;
pub mod strings;
pub mod take_settings;
pub mod transport;
