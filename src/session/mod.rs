//! The live session around a song: saving safely and recovering unsaved text.

pub mod atomic_write;
pub mod recovery;
