//! The clock each player `flam live` starts keeps: its own, a MIDI clock master on the
//! input, or an Ableton Link session it can leave and join again (Alt-K).

#[cfg(feature = "link")]
use std::sync::Arc;

#[cfg(feature = "link")]
use rusty_link::AblLink;

use crate::engine::clock_source::ClockSource;
use crate::engine::internal_clock::InternalClock;
use crate::engine::midi_clock::MidiClock;

/// The clock for the players to come.
#[derive(Clone, Default)]
pub enum KeptClock {
    /// flam's own tempo.
    #[default]
    Own,
    /// A MIDI clock master on the input.
    Midi,
    /// An Ableton Link session, joined once for the whole run; `on` while flam plays in it.
    #[cfg(feature = "link")]
    Link {
        /// The session, kept between players so peers see one flam.
        session: Arc<AblLink>,
        /// Whether flam keeps the session's time (the session stays joined, off the network
        /// when off).
        on: bool,
    },
}

impl KeptClock {
    /// A clock source for a player starting at `bar` (from 0) of a song with
    /// `quarters_per_bar`.
    pub fn source(&self, quarters_per_bar: f64, bar: i64) -> Box<dyn ClockSource> {
        #[cfg(not(feature = "link"))]
        let _ = (quarters_per_bar, bar);
        match self {
            KeptClock::Own => Box::new(InternalClock),
            KeptClock::Midi => Box::new(MidiClock::new()),
            #[cfg(feature = "link")]
            KeptClock::Link { session, on: true } => {
                Box::new(crate::session::link_clock::LinkClock::new(
                    session.clone(),
                    quarters_per_bar,
                    bar.max(0) as f64,
                ))
            }
            #[cfg(feature = "link")]
            KeptClock::Link { on: false, .. } => Box::new(InternalClock),
        }
    }

    /// Turns Link on or off; whether it is on now, or `None` when flam keeps no Link session.
    pub fn toggle_link(&mut self) -> Option<bool> {
        match self {
            #[cfg(feature = "link")]
            KeptClock::Link { session, on } => {
                *on = !*on;
                session.enable(*on);
                Some(*on)
            }
            _ => None,
        }
    }
}
