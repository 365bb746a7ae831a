//! The language: mini-notation and `.flam` song files, compiled to patterns.

pub mod diagnostic;
pub mod mini;
pub mod recording;
pub mod song;
