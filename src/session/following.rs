//! What the player's clock is doing, for the status line and the live UI.

use std::fmt;

/// The clock the music keeps time with, as last read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Following {
    /// flam's own clock.
    Internal,
    /// A master clock that is stopped, at `bar` (from 0, a fraction mid-bar).
    Stopped {
        /// Where the master will go on from.
        bar: f64,
    },
    /// A master clock that runs at `bpm`.
    Running {
        /// The master's tempo.
        bpm: f64,
    },
    /// An Ableton Link session at `bpm`, shared with `peers` others.
    Linked {
        /// The session's tempo.
        bpm: f64,
        /// How many other apps share the session.
        peers: u64,
    },
    /// A master clock that stopped coming: the music stopped with it.
    Lost,
}

impl fmt::Display for Following {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Following::Internal => f.write_str("internal clock"),
            Following::Stopped { .. } => f.write_str("waiting for the clock to start"),
            Following::Running { bpm } => write!(f, "following clock, {bpm:.1} BPM"),
            Following::Linked { bpm, peers } => {
                let others = if *peers == 1 { "peer" } else { "peers" };
                write!(f, "Link, {bpm:.1} BPM, {peers} {others}")
            }
            Following::Lost => f.write_str("clock lost; stopped, waiting for it to start again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_says_whose_tempo_it_is() {
        assert_eq!(
            Following::Running { bpm: 121.34 }.to_string(),
            "following clock, 121.3 BPM"
        );
        assert_eq!(
            Following::Linked {
                bpm: 97.0,
                peers: 1
            }
            .to_string(),
            "Link, 97.0 BPM, 1 peer"
        );
    }
}
