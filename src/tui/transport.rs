//! What the UI asks of the engine, behind a small trait, so screens can be tested without
//! sound and the real engine can be swapped in.

use crate::lang::song::Song;
use crate::lang::song::form::{Move, Placement};
use crate::session::control::Control;

/// Where the music is, as the engine reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Telemetry {
    /// Whether the transport is running.
    pub playing: bool,
    /// The playhead in cycles (bars) since the start.
    pub position: f64,
    /// Notes sent per track since the last report, for the activity meters.
    pub notes: Vec<u32>,
    /// Audio underruns so far (synth output only).
    pub underruns: u64,
    /// Share of the real-time budget the engine used, 0–1.
    pub load: f32,
    /// The bar (from 0) a song handed over now would take over at, when known.
    pub next_bar: Option<i64>,
    /// The bar (from 0) the newest song handed over plays from, once the engine has taken
    /// it; `None` while it still waits in the queue.
    pub song_from_bar: Option<i64>,
    /// Whose clock the music keeps, when it is not flam's own ("following clock, 121.3 BPM").
    pub clock: Option<String>,
    /// What a controller's `map` lines asked for since the last report.
    pub controls: Vec<Control>,
    /// Where the playing song's arrangement is placed, when it has sections.
    pub placement: Option<Placement>,
}

/// One output open for playing: its name, when tracks choose it with `output NAME`, and the
/// port it goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The output's name (`--out drums=jack:TR-8`, or `output drums PORT` in the song);
    /// `None` for one that takes every track.
    pub name: Option<String>,
    /// Where it goes (`jack:TR-8`).
    pub port: String,
}

/// The engine as the UI drives it.
pub trait Transport {
    /// Starts playing from the top; an error says why it cannot (no output, nothing compiled).
    fn play(&mut self) -> Result<(), String>;
    /// Stops and ends every sounding note, without waiting for the release to ring out.
    fn stop(&mut self);
    /// Stops, and waits until every note has ended and every output is closed (on the way
    /// out of flam).
    fn shutdown(&mut self) {
        self.stop();
    }
    /// Hands over a new song; it takes over at the next bar line, keeping the position.
    fn swap(&mut self, song: Song);
    /// Silences the tracks marked `true` (by index in the current song) at once, without
    /// waiting for a bar line; notes they are sounding are ended.
    fn mute(&mut self, muted: Vec<bool>);
    /// Changes the tempo at once (mid-bar if need be) without a jump in the bar position.
    fn set_tempo(&mut self, bpm: f64);
    /// Ends every sounding note now (all notes off), and keeps playing.
    fn panic(&mut self);
    /// Jumps to a section, or loops the one playing or stops looping it, at the next bar line.
    fn place(&mut self, change: Move);
    /// The outputs that could be chosen.
    fn outputs(&self) -> Vec<String>;
    /// Switches to an output from [`Transport::outputs`]; an error says why not.
    fn select_output(&mut self, name: &str) -> Result<(), String>;
    /// The current output's name.
    fn output(&self) -> String;
    /// The outputs tracks can be sent to, in the order they open.
    fn routes(&self) -> Vec<Route>;
    /// Sends track `track` to the outputs named `output` (`None`: only those without a
    /// name) from the next bar line on.
    fn set_track_output(&mut self, track: &str, output: Option<String>);
    /// The latest telemetry, if any arrived since the last call.
    fn poll(&mut self) -> Option<Telemetry>;
    /// Leaves or joins the Ableton Link session again, from the next bar line; whether flam
    /// keeps the session's time now, or why it cannot (not started with `--sync link`).
    fn toggle_link(&mut self) -> Result<bool, String> {
        Err(super::strings::NO_LINK.to_string())
    }
}

/// A transport that plays nothing and records what it was asked, for tests and for running
/// the UI with no output at all.
#[derive(Default)]
pub struct SilentTransport {
    /// Every request, in order, as text.
    pub log: Vec<String>,
    /// What `poll` returns next.
    pub next: Option<Telemetry>,
    /// The outputs it pretends to have open.
    pub routes: Vec<Route>,
    output: String,
}

impl SilentTransport {
    /// A silent transport named `none`.
    pub fn new() -> SilentTransport {
        SilentTransport {
            log: Vec::new(),
            next: None,
            routes: vec![Route {
                name: None,
                port: "none".to_string(),
            }],
            output: "none".to_string(),
        }
    }
}

impl Transport for SilentTransport {
    fn play(&mut self) -> Result<(), String> {
        self.log.push("play".into());
        Ok(())
    }
    fn stop(&mut self) {
        self.log.push("stop".into());
    }
    fn swap(&mut self, song: Song) {
        let muted: Vec<&str> = song
            .tracks
            .iter()
            .filter(|t| t.muted)
            .map(|t| t.name.as_str())
            .collect();
        self.log.push(format!(
            "swap {} tracks, muted [{}]",
            song.tracks.len(),
            muted.join(" ")
        ));
    }
    fn mute(&mut self, muted: Vec<bool>) {
        let marks: String = muted.iter().map(|m| if *m { 'M' } else { '-' }).collect();
        self.log.push(format!("mute {marks}"));
    }
    fn set_tempo(&mut self, bpm: f64) {
        self.log.push(format!("tempo {bpm}"));
    }
    fn panic(&mut self) {
        self.log.push("panic".into());
    }
    fn place(&mut self, change: Move) {
        self.log.push(format!("place {change:?}"));
    }
    fn outputs(&self) -> Vec<String> {
        vec!["none".to_string()]
    }
    fn select_output(&mut self, name: &str) -> Result<(), String> {
        self.log.push(format!("output {name}"));
        self.output = name.to_string();
        Ok(())
    }
    fn output(&self) -> String {
        self.output.clone()
    }
    fn routes(&self) -> Vec<Route> {
        self.routes.clone()
    }
    fn set_track_output(&mut self, track: &str, output: Option<String>) {
        let to = output.as_deref().unwrap_or("(unnamed)");
        self.log.push(format!("route {track} {to}"));
    }
    fn poll(&mut self) -> Option<Telemetry> {
        self.next.take()
    }
}
