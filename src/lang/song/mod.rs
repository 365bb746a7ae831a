//! `.flam` song files: tempo, meter, swing and tracks of patterns.

pub mod compile;
pub mod form;
pub mod keywords;
pub mod lane;
pub mod mapping;
pub mod resolve;
// The `Song` type is this module's namesake, so it lives in the file named after it.
#[allow(clippy::module_inception)]
pub mod song;
pub mod sync;
pub mod syntax;
pub mod track;
pub mod track_input;
pub mod warning;

// The compiler, split by concept: each kind of line in the file named after it.
mod arguments;
mod arps;
mod finish;
mod inputs;
mod lanes;
mod limits;
mod rudiments;
mod sections;
mod settings;
mod tracks;
mod transforms;
mod values;

pub use compile::compile;
pub use song::Song;
pub use track::Track;
