//! `.flam` song files: tempo, meter, swing and tracks of patterns.

pub mod compile;
pub mod resolve;
pub mod song;
pub mod syntax;
pub mod track;

pub use compile::compile;
pub use song::Song;
pub use track::Track;
