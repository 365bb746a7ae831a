//! flam: a terminal beat sequencer and live pattern tool.
//!
//! Layers depend one way: `theory → pattern → lang → engine → output → session → tui/cli`.

pub mod cli;
pub mod engine;
pub mod lang;
pub mod output;
pub mod pattern;
pub mod session;
pub mod theory;
pub mod tui;
