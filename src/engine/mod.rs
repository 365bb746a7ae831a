//! The engine: turns songs into timed events and plays them on time.

pub mod timeline;
