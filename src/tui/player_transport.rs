//! The live UI driving the real engine: a [`Player`] on the outputs asked for (named ones
//! for the tracks that choose them), restarted when an output changes.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use super::transport::{Route, Telemetry, Transport};
use crate::engine::clock_source::ClockSource;
use crate::lang::song::Song;
use crate::lang::song::form::{Move, Placement};
use crate::output::delivery_counts::DeliveryCounts;
use crate::output::input_target::InputTarget;
use crate::output::listing::Listing;
use crate::output::opened::Opened;
use crate::output::opened_input::OpenedInput;
use crate::output::synth_meters::SynthMeters;
use crate::output::target::Target;
use crate::session::control::Control;
use crate::session::following::Following;
use crate::session::play_options::PlayOptions;
use crate::session::player::{Listening, Player};
use crate::session::rig;
use crate::session::rig_error::RigError;
use crate::tui::kept_clock::KeptClock;
use crate::tui::standby::{self, Standby};
use rustysynth::SoundFont;

/// How an input is named in the output picker.
pub const INPUT_PREFIX: &str = "in ";

/// An output asked for: its name (for tracks with `output NAME`), where it goes, and that
/// as the user wrote it.
type Wanted = (Option<String>, Target, String);

/// Plays through the engine to its outputs.
pub struct PlayerTransport {
    /// The outputs `--out` asked for; none: the song's `output NAME PORT` lines, or the
    /// default output.
    outs: Vec<Wanted>,
    /// The outputs open now (or last open), with where each goes.
    routes: Vec<Route>,
    latency: f64,
    song: Option<Song>,
    player: Option<Player>,
    /// Songs handed to the current player, so telemetry can tell when it took the newest.
    handed: u64,
    delivery: Vec<Arc<DeliveryCounts>>,
    synth: Vec<Arc<SynthMeters>>,
    /// Loaded once, the first time the synth plays (or up front, for `--soundfont`); swaps
    /// and restarts reuse it.
    font: Option<Arc<SoundFont>>,
    description: String,
    /// Players being stopped on threads of their own: their senders release every note and
    /// the synth rings out while the UI goes on drawing. Joined before a new output opens
    /// only when it must (an ALSA sound card is busy), and always before flam exits.
    stopping: Vec<JoinHandle<()>>,
    /// The MIDI input to listen to, opened afresh for each player.
    input: Option<InputTarget>,
    /// The clock each player keeps.
    clock: KeptClock,
    /// The input open now.
    listening: Option<OpenedInput>,
    /// What the song's `map` lines fired, for the UI to apply.
    controls: Option<Receiver<Control>>,
    /// While stopped, the outputs the next start needs, opening ahead of it.
    standby: Option<Standby>,
}

impl PlayerTransport {
    /// A transport for the `--out` values (`drums=jack:TR-8` names one; none: the song's
    /// `output NAME PORT` lines, else JACK if running, else ALSA); nothing is opened until
    /// it plays, so the UI comes up even with no output at all.
    pub fn new(
        outs: &[String],
        latency_ms: f64,
        font: Option<Arc<SoundFont>>,
    ) -> Result<PlayerTransport, String> {
        let outs = outs
            .iter()
            .map(|text| Target::parse_named(text).map(|(name, t)| (name, t, port_of(text))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut transport = PlayerTransport {
            outs,
            routes: Vec::new(),
            description: String::new(),
            latency: latency_ms / 1000.0,
            song: None,
            player: None,
            handed: 0,
            delivery: Vec::new(),
            synth: Vec::new(),
            font,
            stopping: Vec::new(),
            input: None,
            clock: KeptClock::Own,
            listening: None,
            controls: None,
            standby: None,
        };
        transport.routes = transport.asked_routes();
        transport.description = describe(&transport.routes);
        Ok(transport)
    }

    /// The outputs to open: `--out`'s, else the song's `output NAME PORT` lines (a port that
    /// does not read is left out; `flam check` says why), else the default.
    fn wanted(&self) -> Vec<Wanted> {
        if !self.outs.is_empty() {
            return self.outs.clone();
        }
        let from_song: Vec<Wanted> = self
            .song
            .iter()
            .flat_map(|s| &s.outputs)
            .filter_map(|(name, port, _)| {
                let target = Target::parse(port).ok()?;
                Some((Some(name.clone()), target, port.clone()))
            })
            .collect();
        if from_song.is_empty() {
            vec![(None, Target::Default, "auto".to_string())]
        } else {
            from_song
        }
    }

    /// The outputs asked for, as routes, before they open.
    fn asked_routes(&self) -> Vec<Route> {
        self.wanted()
            .into_iter()
            .map(|(name, _, port)| Route { name, port })
            .collect()
    }

    /// The input listened to, if any.
    pub fn input(&self) -> Option<&InputTarget> {
        self.input.as_ref()
    }

    /// Listens to `input` while playing, keeping `clock` (a MIDI clock only with an input).
    pub fn listening(mut self, input: Option<InputTarget>, clock: KeptClock) -> PlayerTransport {
        self.input = input;
        self.clock = match clock {
            KeptClock::Midi if self.input.is_none() => KeptClock::Own,
            clock => clock,
        };
        self
    }

    /// The clock for a new player (a master on the input, or flam's own) and what it hears:
    /// the input, opened afresh, whose `map` controls come back here for the screen.
    fn ears(&mut self, bar: i64) -> Result<(Box<dyn ClockSource>, Listening), String> {
        self.listening = None;
        self.controls = None;
        let quarters = self
            .song
            .as_ref()
            .map_or(4.0, |s| s.tempo.meter.quarters_per_bar());
        let clock = self.clock.source(quarters, bar);
        let Some(target) = &self.input else {
            return Ok((clock, Listening::default()));
        };
        let mut opened = rig::open_input(target).map_err(|e| e.problem)?;
        let input = opened.messages.take();
        self.listening = Some(opened);
        let (forward, controls) = std::sync::mpsc::channel();
        self.controls = Some(controls);
        Ok((
            clock,
            Listening {
                input,
                forward: Some(forward),
            },
        ))
    }

    /// The bar after the one playing now, while a player plays: where a restart goes on.
    fn next_bar(&self) -> Option<i64> {
        self.player
            .as_ref()
            .filter(|p| !p.is_finished())
            .map(|p| p.position().anchor.position(p.now()).floor() as i64 + 1)
    }

    /// Waits for the players being stopped to finish.
    fn finish_stopping(&mut self) {
        for handle in self.stopping.drain(..) {
            let _ = handle.join();
        }
    }

    /// Opens, ahead of the next start, the outputs it needs, when stopped with a song.
    fn stand_by(&mut self) {
        if self.player.is_some() || self.standby.is_some() || self.song.is_none() {
            return;
        }
        let targets = self.wanted().into_iter().map(|(_, t, _)| t).collect();
        let stopping = std::mem::take(&mut self.stopping);
        self.standby = Standby::start(targets, self.font.clone(), stopping);
    }

    /// Stops the player, if any, releasing every note on a thread of its own.
    fn halt(&mut self) {
        if let Some(player) = self.player.take() {
            player.stop();
            // The senders release every sounding note and the synth rings out on a thread of
            // its own, so the screen keeps drawing meanwhile.
            let waiting = std::thread::Builder::new()
                .name("flam-stopping".into())
                .spawn(move || {
                    let _ = player.wait();
                });
            if let Ok(handle) = waiting {
                self.stopping.push(handle);
            }
        }
    }

    /// Opens the output and starts the player at `bar`: from the top of the arrangement, or
    /// (`keep_place`) where the player playing now has it (a jump, a looped section).
    fn play_from(&mut self, bar: i64, keep_place: bool) -> Result<(), String> {
        let kept = self
            .player
            .as_ref()
            .filter(|_| keep_place)
            .and_then(|p| p.position().placement);
        self.halt();
        let mut song = self
            .song
            .clone()
            .ok_or("nothing to play until the song compiles")?;
        if let Some(placement) = kept {
            song = song.placed(placement);
        }
        self.stopping.retain(|h| !h.is_finished());
        let targets: Vec<Target> = self.wanted().into_iter().map(|(_, t, _)| t).collect();
        // Outputs opened while stopped, when they are the ones wanted; else they close here.
        let ready = match self.standby.take().and_then(|s| s.take(&targets)) {
            Some((font, opened)) => {
                self.font = self.font.take().or(font);
                opened.ok()
            }
            None => None,
        };
        let opened = match ready.map_or_else(|| self.open(), Ok) {
            Ok(opened) => Ok(opened),
            // An output still being stopped may hold the device (an ALSA sound card plays
            // one stream at a time): wait for it, then try once more.
            Err(_) if !self.stopping.is_empty() => {
                self.finish_stopping();
                self.open()
            }
            Err(e) => Err(e),
        }
        .map_err(|e| e.problem())?;
        let wanted = self.wanted();
        self.routes = wanted
            .iter()
            .zip(&opened)
            .map(|((name, _, _), o)| Route {
                name: name.clone(),
                port: o.description.clone(),
            })
            .collect();
        self.description = describe(&self.routes);
        let routes = wanted.into_iter().map(|(name, _, _)| name).collect();
        let mut outputs = Vec::new();
        self.delivery.clear();
        self.synth.clear();
        for o in opened {
            self.delivery.extend(o.delivery);
            self.synth.extend(o.synth);
            outputs.push((o.sink, self.latency));
        }
        // A short lookahead lets an edit take over at the nearest bar line it can; the JACK and
        // synth sinks take messages 80 ms early, so 120 ms still keeps every message on time.
        let options = PlayOptions {
            announce_swaps: false,
            lookahead: 0.12,
            from_bar: bar.max(0),
            routes,
            ..PlayOptions::default()
        };
        let (clock, ears) = self.ears(bar.max(0))?;
        self.handed = 0;
        self.player = Some(Player::start_listening(
            song, outputs, &options, clock, ears,
        ));
        Ok(())
    }

    /// Opens the outputs through the rig (see [`standby::open`]).
    fn open(&mut self) -> Result<Vec<Opened>, RigError> {
        let targets: Vec<Target> = self.wanted().into_iter().map(|(_, t, _)| t).collect();
        standby::open(&targets, &mut self.font)
    }
}

impl Transport for PlayerTransport {
    fn play(&mut self) -> Result<(), String> {
        // Play restarts from the top, as a groovebox does; swaps keep the position from then on.
        self.play_from(0, false)
    }

    fn stop(&mut self) {
        self.halt();
        self.stand_by();
    }

    fn shutdown(&mut self) {
        self.halt();
        self.standby = None;
        self.finish_stopping();
    }

    fn swap(&mut self, song: Song) {
        // Played live, an arrangement goes round; the player keeps a jump's place across edits.
        let song = song.placed(Placement {
            round: true,
            ..Placement::START
        });
        if let Some(player) = &self.player {
            player.swap(song.clone());
            self.handed += 1;
        }
        self.song = Some(song);
        self.stand_by();
    }

    fn mute(&mut self, muted: Vec<bool>) {
        // Now, not at the bar line; the kept song carries the flags into later swaps.
        if let Some(song) = self.song.as_mut() {
            for (track, m) in song.tracks.iter_mut().zip(&muted) {
                track.muted = *m;
            }
        }
        if let Some(player) = &self.player {
            player.set_mutes(muted);
        }
    }

    fn set_tempo(&mut self, bpm: f64) {
        // Now, not at the bar line; the kept song carries the tempo into later swaps.
        if let Some(song) = self.song.as_mut() {
            song.tempo.bpm = bpm;
        }
        if let Some(player) = &self.player {
            player.set_tempo(bpm);
        }
    }

    fn place(&mut self, change: Move) {
        if let Some(player) = &self.player {
            player.place(change);
        }
    }

    fn panic(&mut self) {
        // Stopping releases every note and sends All Notes Off; playing on from the next bar
        // keeps the music going, clean.
        if let Some(next) = self.next_bar() {
            let _ = self.play_from(next, true);
        }
    }

    fn outputs(&self) -> Vec<String> {
        let listing = Listing::gather();
        let mut out = vec!["auto".to_string(), "synth".to_string()];
        if let Ok(ports) = &listing.jack {
            out.push("jack".to_string());
            out.extend(ports.iter().map(|p| format!("jack:{p}")));
        }
        if let Ok(ports) = &listing.alsa {
            out.push("midi".to_string());
            out.extend(ports.iter().map(|p| format!("midi:{p}")));
        }
        // Inputs are chosen in the same list: `in …` entries.
        out.push(format!("{INPUT_PREFIX}none"));
        if let Ok(ports) = &listing.jack_in {
            out.extend(ports.iter().map(|p| format!("{INPUT_PREFIX}jack:{p}")));
        }
        if let Ok(ports) = &listing.alsa_in {
            out.extend(ports.iter().map(|p| format!("{INPUT_PREFIX}midi:{p}")));
        }
        out
    }

    fn select_output(&mut self, name: &str) -> Result<(), String> {
        if let Some(input) = name.strip_prefix(INPUT_PREFIX) {
            self.input = match input {
                "none" => None,
                text => Some(InputTarget::parse(text)?),
            };
            if self.input.is_none() && matches!(self.clock, KeptClock::Midi) {
                self.clock = KeptClock::Own;
            }
            // The player goes on from the next bar with the new input.
            let next_bar = self.next_bar();
            return match next_bar {
                Some(bar) => self.play_from(bar, true),
                None => Ok(()),
            };
        }
        let target = if name == "auto" {
            Target::Default
        } else {
            Target::parse(name)?
        };
        // Playing goes on from the next bar on the new output, as if nothing had changed. With
        // several outputs the picker changes the one that takes every track (else the first),
        // keeping its name.
        let next_bar = self.next_bar();
        self.halt();
        // Outputs opened for the old choice close first, so the new ones can take their names.
        self.standby = None;
        let mut outs = self.wanted();
        let at = outs.iter().position(|(n, _, _)| n.is_none()).unwrap_or(0);
        if let Some(out) = outs.get_mut(at) {
            *out = (out.0.clone(), target, name.to_string());
        }
        self.outs = outs;
        self.routes = self.asked_routes();
        self.description = describe(&self.routes);
        match next_bar {
            Some(bar) => self.play_from(bar, true),
            None => {
                self.stand_by();
                Ok(())
            }
        }
    }

    fn output(&self) -> String {
        if self.player.is_some() {
            self.description.clone()
        } else {
            describe(&self.asked_routes())
        }
    }

    fn routes(&self) -> Vec<Route> {
        if self.player.is_some() {
            self.routes.clone()
        } else {
            self.asked_routes()
        }
    }

    fn set_track_output(&mut self, track: &str, output: Option<String>) {
        // The kept song carries the choice into restarts; the player moves it at a bar line.
        if let Some(t) = self
            .song
            .as_mut()
            .and_then(|s| s.tracks.iter_mut().find(|t| t.name == track))
        {
            t.output = output.clone();
        }
        if let Some(player) = &self.player {
            player.set_output(track, output);
        }
    }

    fn toggle_link(&mut self) -> Result<bool, String> {
        let on = self
            .clock
            .toggle_link()
            .ok_or_else(|| super::strings::NO_LINK.to_string())?;
        // The player goes on from the next bar, in the session's time or its own.
        if let Some(bar) = self.next_bar() {
            self.play_from(bar, true)?;
        }
        Ok(on)
    }

    fn poll(&mut self) -> Option<Telemetry> {
        let player = self.player.as_ref()?;
        let planned = player.position();
        let position = planned.anchor.position(player.now());
        Some(Telemetry {
            playing: !player.is_finished(),
            position,
            next_bar: Some(planned.next_bar),
            song_from_bar: (planned.songs_taken >= self.handed).then_some(planned.swapped_at),
            notes: Vec::new(),
            underruns: self.delivery.iter().map(|d| d.missed()).sum::<u64>()
                + self.synth.iter().map(|m| m.underruns()).sum::<u64>(),
            load: 0.0,
            clock: (planned.clock != Following::Internal).then(|| planned.clock.to_string()),
            controls: self
                .controls
                .as_ref()
                .map(|c| c.try_iter().collect())
                .unwrap_or_default(),
            placement: planned.placement,
        })
    }
}

/// The port part of an `--out` value, as the user wrote it (`drums=jack:TR-8`: `jack:TR-8`).
fn port_of(text: &str) -> String {
    match Target::parse_named(text) {
        Ok((Some(name), _)) => text[name.len() + 1..].to_string(),
        _ => text.to_string(),
    }
}

/// The top line's output: the one port, or each output as `name=port`.
fn describe(routes: &[Route]) -> String {
    match routes {
        [Route { name: None, port }] => port.clone(),
        _ => routes
            .iter()
            .map(|r| match &r.name {
                Some(name) => format!("{name}={}", r.port),
                None => r.port.clone(),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

impl Drop for PlayerTransport {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_is_picked_from_the_output_list_and_none_lets_it_go() {
        let mut transport = PlayerTransport::new(&["jack".to_string()], 0.0, None).unwrap();
        transport.select_output("in jack:TR-8:out").unwrap();
        assert_eq!(
            transport.input(),
            Some(&InputTarget::Jack(Some("TR-8:out".into())))
        );
        assert_eq!(transport.output(), "jack", "the output stays");
        transport.select_output("in none").unwrap();
        assert_eq!(transport.input(), None);
        assert!(transport.select_output("in synth").is_err());
    }

    #[test]
    fn named_outs_are_the_routes_a_track_can_take_and_the_songs_lines_stand_in_for_none() {
        let outs = ["drums=jack:TR-8".to_string(), "synth".to_string()];
        let transport = PlayerTransport::new(&outs, 0.0, None).unwrap();
        let route = |name: Option<&str>, port: &str| Route {
            name: name.map(str::to_string),
            port: port.to_string(),
        };
        assert_eq!(
            transport.routes(),
            vec![route(Some("drums"), "jack:TR-8"), route(None, "synth")]
        );
        assert_eq!(transport.output(), "drums=jack:TR-8 synth");

        let mut transport = PlayerTransport::new(&[], 0.0, None).unwrap();
        assert_eq!(transport.routes(), vec![route(None, "auto")]);
        let song = crate::lang::song::compile(
            "output bass midi:Volca\ntrack bass\n  output bass\n  play \"c2\"\n",
        )
        .unwrap();
        transport.swap(song);
        assert_eq!(transport.routes(), vec![route(Some("bass"), "midi:Volca")]);
        // A track sent elsewhere while stopped plays there when playing starts.
        transport.set_track_output("bass", None);
        assert_eq!(
            transport
                .song
                .as_ref()
                .and_then(|s| s.tracks[0].output.clone()),
            None
        );
    }
}
