//! The live session around a song: recovering unsaved text.

pub mod recovery;
