//! An Ableton Link session as the player's clock: flam joins the session, plays at its tempo
//! with its bar lines on the session's (the quantum is a bar), and a tempo asked for in flam
//! goes to every peer. Link's start and stop (Link 3) are followed: a session that stops
//! stops flam, and one that starts again starts it from the top at the start's bar line.
//!
//! Link beats are quarter notes, as Ableton Live counts them, so the quantum of a 6/8 bar is
//! three. Link's clock is the host's raw monotonic clock (JACK's too), while play time is
//! counted from an `Instant`; the two are tied afresh at every reading, so they cannot drift
//! apart over a long set.

use std::sync::Arc;
use std::time::Instant;

use rusty_link::{AblLink, SessionState};

use crate::engine::clock_source::{ClockReading, ClockSource};
use crate::engine::wait::seconds_since;

/// How far ahead a join is placed at the least, in seconds: the planner's lookahead while
/// following (120 ms) and the outputs' early hand-over fit inside, so the first note of the
/// joining bar is on time.
const JOIN_MARGIN: f64 = 0.2;

/// How long a flam that has found no peer yet waits for one before it starts a session's
/// bar lines of its own, in seconds: finding peers takes about 0.6 s, and a bar line chosen
/// before would move when flam's timeline takes the session's phase.
const LOOK_FOR_PEERS: f64 = 1.0;

/// How long after finding a peer flam waits before it places its join, in seconds: Link
/// counts the peer at once, but takes the session's timeline only once it has measured it.
const SETTLE: f64 = 0.3;

/// Joins the Link session on the machine's network (a new session at `bpm` if there is none);
/// start and stop are shared with peers that share them.
pub fn join(bpm: f64) -> Arc<AblLink> {
    let link = AblLink::new(bpm);
    link.enable_start_stop_sync(true);
    link.enable(true);
    Arc::new(link)
}

/// The clock of a Link session, for one player.
pub struct LinkClock {
    link: Arc<AblLink>,
    /// Captured anew at each reading; allocated once here.
    state: SessionState,
    /// Quarter notes a bar: the session's bar lines are flam's.
    quantum: f64,
    /// The song's position when it joins, in quarter notes.
    first: f64,
    epoch: Option<Instant>,
    /// The session's beat at which the song is at `first`; none until it joins.
    origin: Option<f64>,
    /// Play time of the first reading (the song is held until the join).
    begun: Option<f64>,
    /// Play time of the first reading that found a peer.
    found: Option<f64>,
    /// Whether the session was seen playing at the last reading.
    was_playing: bool,
    /// Whether the session stopped while flam played: flam waits for it to start again.
    stopped: bool,
}

impl LinkClock {
    /// The session `link` as the clock of a song with `quarters_per_bar`, joining it at the
    /// song's position `first_bar` (bars from 0).
    pub fn new(link: Arc<AblLink>, quarters_per_bar: f64, first_bar: f64) -> LinkClock {
        let quantum = quarters_per_bar.max(0.25);
        LinkClock {
            link,
            state: SessionState::new(),
            quantum,
            first: first_bar.max(0.0) * quantum,
            epoch: None,
            origin: None,
            begun: None,
            found: None,
            was_playing: false,
            stopped: false,
        }
    }

    /// The first bar line of the session at or after `beat`.
    fn bar_line_from(&self, beat: f64) -> f64 {
        (beat / self.quantum - 1e-9).ceil() * self.quantum
    }
}

impl ClockSource for LinkClock {
    fn start(&mut self, epoch: Instant) {
        self.epoch = Some(epoch);
    }

    fn read(&mut self, now: f64) -> ClockReading {
        let link_now = self.link.clock_micros();
        let play_now = self.epoch.map_or(now, |e| seconds_since(e, Instant::now()));
        let micros_at = |play: f64| link_now + ((play - play_now) * 1e6).round() as i64;
        let play_at = |micros: i64| play_now + (micros - link_now) as f64 / 1e6;
        self.link.capture_app_session_state(&mut self.state);
        let bpm = self.state.tempo();
        let begun = *self.begun.get_or_insert(now);
        if self.found.is_none() && self.link.num_peers() > 0 {
            self.found = Some(now);
        }
        let settled = match self.found {
            Some(found) => now - found >= SETTLE,
            None => now - begun >= LOOK_FOR_PEERS,
        };
        if self.origin.is_none() && !settled {
            // Nothing goes out before the join is placed.
            return ClockReading::Stopped { beats: self.first };
        }
        let playing = self.state.is_playing();
        if self.was_playing && !playing {
            self.stopped = true;
            self.origin = None;
        }
        let started = self.stopped && playing;
        self.was_playing = playing;
        if started {
            // A start is a start from the top, on the bar line of the session's start.
            self.stopped = false;
            self.first = 0.0;
            let at = self.state.time_for_is_playing();
            self.origin = Some(self.bar_line_from(self.state.beat_at_time(at, self.quantum)));
        }
        if self.stopped {
            return ClockReading::Stopped { beats: 0.0 };
        }
        let origin = match self.origin {
            Some(origin) => origin,
            None => {
                let soon = micros_at(play_now + JOIN_MARGIN);
                let origin = self.bar_line_from(self.state.beat_at_time(soon, self.quantum));
                self.origin = Some(origin);
                origin
            }
        };
        let beat = self.state.beat_at_time(micros_at(now), self.quantum);
        if beat < origin {
            ClockReading::Joining {
                beats: self.first,
                at: play_at(self.state.time_at_beat(origin, self.quantum)),
                bpm,
            }
        } else {
            ClockReading::Running {
                beats: self.first + beat - origin,
                bpm: Some(bpm),
            }
        }
    }

    fn propose_tempo(&mut self, bpm: f64) {
        self.link.capture_app_session_state(&mut self.state);
        self.state.set_tempo(bpm, self.link.clock_micros());
        self.link.commit_app_session_state(&self.state);
    }

    fn peers(&self) -> Option<u64> {
        Some(self.link.num_peers())
    }
}
