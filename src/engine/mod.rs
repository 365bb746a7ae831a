//! The engine: turns songs into timed events and plays them on time.

pub mod message;
pub mod plan;
pub mod timeline;
