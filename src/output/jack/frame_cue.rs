//! A message for the JACK process callback, placed at an absolute frame.

/// A message and the JACK frame it must land on. `Copy`, for the wait-free ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameCue {
    /// The absolute frame (JACK frame time, wrapping) it is meant for.
    pub frame: u32,
    /// Send in the current cycle whatever the frame says (end-of-play note-offs).
    pub asap: bool,
    /// The message bytes.
    pub bytes: [u8; 3],
    /// How many of the bytes are used.
    pub len: u8,
}
