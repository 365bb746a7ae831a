//! The planner: works out the song a bar at a time, a little ahead of the music, and hands
//! the messages to the real-time senders through wait-free rings.

use std::collections::{HashMap, VecDeque};

use rtrb::Producer;

use super::anchor::Anchor;
use super::cue::Cue;
use super::message::Message;
use super::midi::Midi;
use super::overlaps::Overlaps;
use super::plan::{self, Timed};
use super::planned::Planned;
use super::planner_options::PlannerOptions;
use super::system::System;
use super::timeline;
use super::voice::{Voice, intern};
use super::wire::Wire;
use crate::lang::song::Song;
use crate::pattern::{Note, Pattern};
use crate::theory::gm;
use crate::theory::time::Time;

mod transport;

/// How soon after a key is heard a keyboard-played track that was silent can sound: the
/// planner's tick, and a period for the message to reach its output, in seconds.
pub const QUICK: f64 = 0.01;

/// How soon a key played straight through sounds, in seconds: a JACK period (256 frames at
/// 48 kHz) and a little, so it lands on its frame rather than late.
pub const THROUGH: f64 = 0.006;

/// How long before the first note the bank and program changes go out, in seconds.
const SETUP_GAP: f64 = 0.005;

/// The shortest lookahead, in seconds: senders that place messages themselves (JACK) take
/// them a few periods early, and the planner must stay ahead of that.
const MIN_LOOKAHEAD: f64 = 0.04;

/// Plans the song bar by bar (through [`plan::notes`], the same list `flam events` prints) and
/// pushes [`Cue`]s into one ring per output. It runs on an ordinary thread and may allocate.
///
/// A bar is *committed* (its messages become final) only when its first message is within the
/// lookahead, and the lookahead is kept under half a bar, so a song swapped in with
/// [`Planner::swap`] takes over exactly at the next bar line.
pub struct Planner {
    song: Song,
    generation: u32,
    anchor: Anchor,
    options: PlannerOptions,
    next_bar: i64,
    end_bar: i64,
    /// Where the song's arrangement, as placed, ends (`i64::MAX` when it plays on): worked
    /// out when the song comes in, not on every tick.
    song_end: i64,
    pending: VecDeque<Planned>,
    overlaps: Overlaps,
    preview: Option<(i64, Vec<Planned>)>,
    outs: Vec<Producer<Cue>>,
    begins_at: f64,
    /// The bar the newest swapped-in song took over at: bars before it were planned from an
    /// older song, so unmuting does not re-plan them.
    swapped_at: i64,
    /// Stopped by the transport (a master clock's Stop, the user): the song position to go
    /// on from. Nothing new is committed meanwhile.
    paused: Option<f64>,
    /// Play time before which a bar's notes are left out: the moment playing resumed
    /// mid-bar, so nothing from before it starts late.
    resume_from: f64,
    /// The latest note-on handed to the senders, per track: a keyboard-played track with
    /// nothing still to start can take a new chord at once.
    last_on: Vec<f64>,
    /// Nothing at or after this play time is handed over yet: a master clock started before
    /// its tempo was known, and what follows the downbeat waits to be timed by it.
    held: Option<f64>,
    /// Each ring's output name, for routing tracks (`None`: everything).
    routes: Vec<Option<String>>,
    /// Each song generation's track outputs, for the generations still waiting to go out:
    /// a message goes where its track went when it was planned, so a track moved to another
    /// output moves at the bar line its new song takes over at.
    track_outputs: Vec<(u32, Vec<Option<String>>)>,
    /// Which rings each sounding note went to, per channel and key (one flag per ring): its
    /// note-off follows it there, whatever output its track has moved to since. Overlaps
    /// keep at most one note sounding per channel and key, so one entry is enough.
    sent_to: Vec<bool>,
    /// Each ring's cable, when it is a slow one.
    wires: Vec<Option<Wire>>,
    /// Whether each ring gets clock and transport messages.
    clocks: Vec<bool>,
}

impl Planner {
    /// A planner for `song`, feeding `outs`. Setup messages (bank, program) and, with the clock,
    /// Start (or Song Position and Continue when starting past bar 0) are queued first.
    pub fn new(song: Song, options: PlannerOptions, outs: Vec<Producer<Cue>>) -> Planner {
        let anchor = Anchor {
            bar: options.from_bar as f64,
            at: 0.0,
            seconds_per_cycle: song.tempo.seconds_per_cycle(),
        };
        let end_bar = options
            .bars
            .map_or(i64::MAX, |n| options.from_bar.saturating_add(n.max(0)));
        let song_end = song.end_bar().unwrap_or(i64::MAX);
        let mut planner = Planner {
            song,
            generation: 0,
            anchor,
            options,
            next_bar: options.from_bar,
            end_bar,
            song_end,
            pending: VecDeque::new(),
            overlaps: Overlaps::default(),
            preview: None,
            outs,
            begins_at: 0.0,
            swapped_at: options.from_bar,
            paused: None,
            resume_from: f64::NEG_INFINITY,
            held: None,
            last_on: Vec::new(),
            routes: Vec::new(),
            track_outputs: Vec::new(),
            sent_to: Vec::new(),
            wires: Vec::new(),
            clocks: Vec::new(),
        };
        planner.remember_outputs();
        planner.begin();
        planner
    }

    fn begin(&mut self) {
        let first = if self.next_bar < self.end() {
            self.earliest(self.next_bar)
        } else {
            0.0
        };
        let start = first.min(0.0);
        let setup = plan::setup(&self.song);
        // Without setup messages nothing need come before the first note, so the player
        // starts that much sooner.
        self.begins_at = if setup.is_empty() {
            start
        } else {
            start - SETUP_GAP
        };
        for t in setup {
            self.pending.push_back(Planned {
                at: start - SETUP_GAP,
                rank: Planned::SETUP,
                track: t.track,
                generation: self.generation,
                midi: Midi::Channel(t.message),
                voice: Voice::NONE,
            });
        }
        if self.options.clock {
            let transport = |midi| Planned {
                at: start,
                rank: Planned::TRANSPORT,
                track: 0,
                generation: 0,
                midi: Midi::System(midi),
                voice: Voice::NONE,
            };
            if self.options.from_bar == 0 {
                self.pending.push_back(transport(System::Start));
            } else {
                let meter = self.song.tempo.meter;
                let sixteenths = self.options.from_bar.max(0) * 16 * i64::from(meter.beats)
                    / i64::from(meter.unit.max(1));
                let position = u16::try_from(sixteenths.min(0x3fff)).unwrap_or(0x3fff);
                self.pending
                    .push_back(transport(System::SongPosition(position)));
                self.pending.push_back(transport(System::Continue));
            }
        }
        self.sort();
    }

    /// The play time of the first message (the setup messages), 0 or earlier; the session
    /// starts the clock that much ahead.
    pub fn begins_at(&self) -> f64 {
        self.begins_at
    }

    /// Where the bars are in play time.
    pub fn anchor(&self) -> Anchor {
        self.anchor
    }

    /// The bar planning stops before: `--bars` counted from the first bar, or where the song's
    /// arrangement ends (as placed now, so a jump moves it), whichever comes first.
    fn end(&self) -> i64 {
        self.end_bar.min(self.song_end)
    }

    /// Gives outputs a slow cable (bytes a second, in the order of the rings; `None` for a
    /// fast one): lane values are thinned to what it carries, notes always go.
    pub fn set_wires(&mut self, rates: &[Option<f64>]) {
        self.wires = (0..self.outs.len())
            .map(|i| rates.get(i).copied().flatten().map(Wire::new))
            .collect();
    }

    /// Which outputs get clock and transport messages (in the order of the rings; missing
    /// entries do).
    pub fn set_clocks(&mut self, clocks: &[bool]) {
        self.clocks = clocks.to_vec();
    }

    /// Lane values dropped for a newer one on a slow cable, over every output.
    pub fn thinned(&self) -> u64 {
        self.wires.iter().flatten().map(Wire::thinned).sum()
    }

    /// Names the outputs, in the order of the rings: a track with `output NAME` goes to the
    /// outputs of that name and to those without one; a track without goes to those without.
    pub fn set_routes(&mut self, routes: Vec<Option<String>>) {
        self.routes = routes;
    }

    /// The first bar not yet committed: where a swapped-in song would take over.
    pub fn next_bar(&self) -> i64 {
        self.next_bar
    }

    /// The bar the current song took over at (the first bar played, before any swap).
    pub fn swapped_at(&self) -> i64 {
        self.swapped_at
    }

    /// The song playing now.
    pub fn song(&self) -> &Song {
        &self.song
    }

    /// How far ahead of play time messages are handed to the senders, in seconds.
    pub fn lookahead(&self) -> f64 {
        self.options
            .lookahead
            .min(0.5 * self.anchor.seconds_per_cycle)
            .max(MIN_LOOKAHEAD)
    }

    /// Plans what is due by `now` + lookahead and hands it to the senders; `now` is play time.
    /// Returns `false` once everything has been handed over (then drop the planner, which tells
    /// the senders the song is over).
    pub fn step(&mut self, now: f64) -> bool {
        let limit = now + self.lookahead();
        if self.paused.is_some() {
            // Only what ends the notes of the stop is still due.
            self.emit(limit);
            return true;
        }
        while self.next_bar < self.end() && self.earliest(self.next_bar) < limit {
            self.commit();
        }
        let horizon = if self.next_bar < self.end() {
            self.earliest(self.next_bar)
        } else {
            f64::INFINITY
        };
        self.emit(limit.min(horizon));
        self.next_bar < self.end()
            || !self.pending.is_empty()
            || self.wires.iter().flatten().any(|w| w.waiting() > 0)
    }

    /// Hands everything planned before `limit` to the senders, in order, as far as the rings
    /// have room.
    fn emit(&mut self, limit: f64) {
        let limit = self.held.map_or(limit, |held| limit.min(held));
        self.emit_before(limit);
        // Lane values a slow cable held back go out as it frees up.
        for (out, wire) in self.outs.iter_mut().zip(self.wires.iter_mut()) {
            if let Some(wire) = wire
                && out.slots() >= wire.waiting()
            {
                wire.flush(limit, &mut |midi, at| {
                    let _ = out.push(Cue::new(at, midi));
                });
            }
        }
    }

    /// [`Planner::emit`]'s own part: what is planned before `limit`, through each output's
    /// route and cable.
    fn emit_before(&mut self, limit: f64) {
        while let Some(front) = self.pending.front() {
            // Each message can become two (an overlap's early note-off), and a slow cable may
            // let what it held go first, so wait for room for all of them.
            let room = |i: usize| {
                2 + self
                    .wires
                    .get(i)
                    .and_then(Option::as_ref)
                    .map_or(0, Wire::waiting)
            };
            if front.at >= limit
                || self
                    .outs
                    .iter()
                    .enumerate()
                    .any(|(i, o)| o.slots() < room(i))
            {
                return;
            }
            let Some(p) = self.pending.pop_front() else {
                return;
            };
            let lane = p.rank == Planned::CONTROL;
            let outs = &mut self.outs;
            let wires = &mut self.wires;
            let (routes, clocks) = (&self.routes, &self.clocks);
            let tracks = self
                .track_outputs
                .iter()
                .find(|(g, _)| *g == p.generation)
                .or(self.track_outputs.last())
                .map_or(&[][..], |(_, t)| t.as_slice());
            let rings = outs.len();
            if self.sent_to.len() != 16 * 128 * rings {
                self.sent_to = vec![false; 16 * 128 * rings];
            }
            let sent_to = &mut self.sent_to;
            let mut push = |midi: Midi, at: f64, track: usize, voice: Voice| {
                // A note-off goes where its note-on went; one with no note-on on record goes
                // where its track goes, as everything else does.
                let note = match midi {
                    Midi::Channel(Message::NoteOn { channel, key, .. }) => {
                        Some((slot(channel, key) * rings, true))
                    }
                    Midi::Channel(Message::NoteOff { channel, key }) => {
                        let base = slot(channel, key) * rings;
                        let on_record = sent_to[base..base + rings].iter().any(|&s| s);
                        on_record.then_some((base, false))
                    }
                    _ => None,
                };
                for (i, out) in outs.iter_mut().enumerate() {
                    let takes = match (midi, note) {
                        (Midi::System(_), _) => clocks.get(i).copied().unwrap_or(true),
                        (Midi::Channel(_), Some((base, false))) => {
                            std::mem::take(&mut sent_to[base + i])
                        }
                        (Midi::Channel(_), Some((base, true))) => {
                            let takes = reaches(routes, i, tracks, track);
                            sent_to[base + i] = takes;
                            takes
                        }
                        (Midi::Channel(_), None) => reaches(routes, i, tracks, track),
                    };
                    if !takes {
                        continue;
                    }
                    // Room was checked above; a full ring cannot happen here.
                    match wires.get_mut(i).and_then(Option::as_mut) {
                        Some(wire) => wire.pass(midi, at, limit, lane, &mut |midi, at| {
                            let _ = out.push(Cue::new(at, midi));
                        }),
                        None => {
                            let _ = out.push(Cue { at, midi, voice });
                        }
                    }
                }
            };
            if let Midi::Channel(Message::NoteOn { .. }) = p.midi {
                if self.last_on.len() <= p.track && p.track < self.song.tracks.len() {
                    self.last_on
                        .resize(self.song.tracks.len(), f64::NEG_INFINITY);
                }
                if let Some(last) = self.last_on.get_mut(p.track) {
                    *last = last.max(p.at);
                }
            }
            match p.midi {
                Midi::Channel(message) => {
                    let timed = Timed {
                        seconds: p.at,
                        cycle: Time::ZERO,
                        track: p.track,
                        message,
                    };
                    // An overlap's early note-off comes through here too: only the note-on
                    // carries the voice.
                    let voice = p.voice;
                    self.overlaps.push(timed, &mut |t| {
                        let voice = match t.message {
                            Message::NoteOn { .. } => voice,
                            _ => Voice::NONE,
                        };
                        push(Midi::Channel(t.message), t.seconds, t.track, voice)
                    });
                }
                midi => push(midi, p.at, p.track, Voice::NONE),
            }
        }
    }

    /// The earliest play time of anything in `bar`: its downbeat or an earlier grace note.
    fn earliest(&mut self, bar: i64) -> f64 {
        let start = self.anchor.bar_at(bar);
        self.preview(bar).iter().map(|p| p.at).fold(start, f64::min)
    }

    fn preview(&mut self, bar: i64) -> &[Planned] {
        if self.preview.as_ref().is_none_or(|(b, _)| *b != bar) {
            let list = self.plan_bar(bar);
            self.preview = Some((bar, list));
        }
        match &self.preview {
            Some((_, list)) => list,
            None => &[],
        }
    }

    fn plan_bar(&self, bar: i64) -> Vec<Planned> {
        // Unresolved pairs: overlaps on one key are resolved once, in send order, by
        // `self.overlaps`, so bar lines make no difference to the result.
        let events = timeline::events(
            &self.song,
            Time::from_integer(bar),
            Time::from_integer(bar + 1),
        );
        let notes = plan::pairs(&events);
        let voices = self.voices(&events);
        let mut out: Vec<Planned> = notes
            .iter()
            .map(|t| Planned {
                at: self.anchor.play_time(t.seconds),
                rank: if t.message.is_note_off() {
                    Planned::NOTE_OFF
                } else {
                    Planned::NOTE_ON
                },
                track: t.track,
                generation: self.generation,
                midi: Midi::Channel(t.message),
                voice: match t.message {
                    Message::NoteOn { channel, key, .. } => voices
                        .get(&(t.track, t.seconds.to_bits(), channel, key))
                        .copied()
                        .unwrap_or(Voice::NONE),
                    _ => Voice::NONE,
                },
            })
            .collect();
        out.extend(
            plan::controls(
                &self.song,
                Time::from_integer(bar),
                Time::from_integer(bar + 1),
            )
            .iter()
            .map(|t| Planned {
                at: self.anchor.play_time(t.seconds),
                rank: Planned::CONTROL,
                track: t.track,
                generation: self.generation,
                midi: Midi::Channel(t.message),
                voice: Voice::NONE,
            }),
        );
        if self.options.clock {
            let meter = self.song.tempo.meter;
            // 24 per quarter note: 96 per whole note, and a bar is beats/unit whole notes.
            let pulses = (96 * meter.beats / meter.unit.max(1)).max(1);
            let start = self.anchor.bar_at(bar);
            let spc = self.anchor.seconds_per_cycle;
            for j in 0..pulses {
                out.push(Planned {
                    at: start + f64::from(j) * spc / f64::from(pulses),
                    rank: Planned::CLOCK,
                    track: 0,
                    generation: self.generation,
                    midi: Midi::System(System::Clock),
                    voice: Voice::NONE,
                });
            }
        }
        out
    }

    /// Each note's voice, found by its note-on (track, time, channel and key): a drum track's
    /// notes sound by their drum word, the others by the track's name.
    fn voices(&self, events: &[timeline::Event]) -> HashMap<(usize, u64, u8, u8), Voice> {
        let spc = self.anchor.seconds_per_cycle;
        let cps = if spc > 0.0 { 1.0 / spc } else { 0.0 };
        events
            .iter()
            .filter_map(|e| {
                let track = self.song.tracks.get(e.track)?;
                let word = gm::drum_name(e.key).filter(|_| track.drums);
                let voice = Voice {
                    sound: word.unwrap_or_else(|| intern(&track.name)),
                    drum: word.is_some(),
                    track: u16::try_from(e.track).unwrap_or(u16::MAX),
                    cycle: e.cycle.to_f64(),
                    delta: e.length.to_f64() * spc,
                    cps,
                };
                Some(((e.track, e.seconds.to_bits(), e.channel, e.key), voice))
            })
            .collect()
    }

    fn commit(&mut self) {
        let bar = self.next_bar;
        self.preview(bar);
        if let Some((_, list)) = self.preview.take() {
            if list.iter().any(|p| p.at < self.resume_from) {
                self.pending.extend(transport::from(list, self.resume_from));
            } else {
                self.pending.extend(list);
            }
        }
        self.sort();
        self.next_bar += 1;
    }

    fn sort(&mut self) {
        self.pending.make_contiguous().sort_by(|a, b| {
            a.at.total_cmp(&b.at)
                .then(a.rank.cmp(&b.rank))
                .then(a.track.cmp(&b.track))
        });
    }

    /// Plays `song` from the next bar line on (the first bar not yet committed), keeping the
    /// bar count; returns that bar. Notes of tracks that are gone or changed stop at the bar
    /// line, channels no longer used get All Notes Off, and new or re-voiced tracks get their
    /// bank and program first.
    pub fn swap(&mut self, song: Song) -> i64 {
        let bar = self.next_bar;
        self.swapped_at = bar;
        let at_bar = self.anchor.bar_at(bar);
        self.song_end = song.end_bar().unwrap_or(i64::MAX);
        let old = std::mem::replace(&mut self.song, song);
        let old_generation = self.generation;
        self.generation += 1;
        self.remember_outputs();

        let ended: Vec<usize> = (0..old.tracks.len())
            .filter(|&i| track_changed(&old, i, &self.song, bar))
            .collect();
        self.end_notes(&ended, old_generation, at_bar);

        let channels = |s: &Song| {
            s.tracks
                .iter()
                .filter(|t| !t.muted)
                .fold(0u16, |m, t| m | 1 << (t.channel.clamp(1, 16) - 1))
        };
        let gone = channels(&old) & !channels(&self.song);
        for c in 0..16u8 {
            if gone & (1 << c) != 0 {
                self.pending.push_back(Planned {
                    at: at_bar,
                    rank: Planned::NOTE_OFF,
                    track: usize::MAX,
                    generation: self.generation,
                    midi: Midi::Channel(Message::Control {
                        channel: c + 1,
                        controller: 123,
                        value: 0,
                    }),
                    voice: Voice::NONE,
                });
            }
        }

        self.anchor = self
            .anchor
            .retempo(bar, self.song.tempo.seconds_per_cycle());
        self.preview = None;
        let setup_at = self.earliest(bar).min(at_bar);
        for t in plan::setup(&self.song) {
            let new = &self.song.tracks[t.track];
            // A track moved to another output sets up its voice on the box it now plays.
            let same_voice = old.track(&new.name).is_some_and(|o| {
                o.channel == new.channel
                    && o.program == new.program
                    && o.bank == new.bank
                    && o.output == new.output
            });
            if !same_voice {
                self.pending.push_back(Planned {
                    at: setup_at,
                    rank: Planned::SETUP,
                    track: t.track,
                    generation: self.generation,
                    midi: Midi::Channel(t.message),
                    voice: Voice::NONE,
                });
            }
        }
        self.sort();
        bar
    }

    /// Keeps the current song's track outputs for its generation, and forgets those of
    /// generations with nothing left to send.
    fn remember_outputs(&mut self) {
        let outputs = self.song.tracks.iter().map(|t| t.output.clone()).collect();
        let pending = &self.pending;
        self.track_outputs
            .retain(|(g, _)| pending.iter().any(|p| p.generation == *g));
        self.track_outputs.push((self.generation, outputs));
    }

    /// Moves track `track` to output `output` (`None`: only the outputs without a name) from
    /// the next bar line on, as a new version of the song would; returns that bar. Notes
    /// begun before it end on the output they began on.
    pub fn reroute(&mut self, track: usize, output: Option<String>) -> Option<i64> {
        let t = self.song.tracks.get(track)?;
        if t.output == output {
            return None;
        }
        let mut song = self.song.clone();
        song.tracks[track].output = output;
        Some(self.swap(song))
    }

    /// Mutes and unmutes tracks now, as a groovebox does, instead of at the next bar line:
    /// `muted` has one flag per track of the song playing. Everything not yet handed to the
    /// senders follows the new flags, so the change is heard within the lookahead. A newly
    /// muted track's notes that already sound end then; a newly unmuted track comes in from its
    /// next note on (notes that would have started earlier stay silent, so nothing is cut in
    /// half). `now` is play time.
    pub fn set_mutes(&mut self, muted: &[bool], now: f64) {
        let horizon = now + self.lookahead();
        let generation = self.generation;
        let changed = |song: &Song, want: bool| -> Vec<usize> {
            song.tracks
                .iter()
                .enumerate()
                .filter(|(i, t)| muted.get(*i).is_some_and(|&m| m == want) && t.muted != want)
                .map(|(i, _)| i)
                .collect()
        };
        let silenced = changed(&self.song, true);
        let revived = changed(&self.song, false);
        for (i, track) in self.song.tracks.iter_mut().enumerate() {
            if let Some(&m) = muted.get(i) {
                track.muted = m;
            }
        }
        // The next bar's preview was planned with the old flags.
        self.preview = None;

        // Silenced: their waiting notes go, with the note-offs that close them; notes already
        // sounding end at the horizon. Notes on one key and channel pair up by count, which is
        // all MIDI can tell apart.
        self.drop_note_ons(
            |p| p.generation == generation && silenced.contains(&p.track),
            Some(horizon),
        );

        // Revived: the committed bars are planned again for them, from the horizon on.
        if !revived.is_empty() {
            self.replan(&revived, horizon, None);
        }
        self.sort();
    }

    /// Drops the waiting note-ons that `pick` picks, with the note-offs that close them; the
    /// other picked note-offs (of notes already begun) move to `end`, when given, if later.
    /// Notes on one key and channel pair up by count, which is all MIDI can tell apart.
    fn drop_note_ons(&mut self, pick: impl Fn(&Planned) -> bool, end: Option<f64>) {
        let mut dropped: Vec<(usize, u8, u8)> = Vec::new();
        self.pending.retain_mut(|p| {
            if !pick(p) {
                return true;
            }
            match p.midi {
                Midi::Channel(Message::NoteOn { channel, key, .. }) => {
                    dropped.push((p.track, channel, key));
                    false
                }
                Midi::Channel(Message::NoteOff { channel, key }) => {
                    if take(&mut dropped, (p.track, channel, key)) {
                        return false;
                    }
                    if let Some(end) = end {
                        p.at = p.at.min(end);
                    }
                    true
                }
                _ => true,
            }
        });
    }

    /// Plans the committed bars again for `tracks`, from `horizon` on: notes that would have
    /// begun before it stay silent, so nothing starts late or is cut in half; except those
    /// on the first onset at or after `catch` (when given), which start at `horizon` instead.
    fn replan(&mut self, tracks: &[usize], horizon: f64, catch: Option<f64>) {
        let first = (self.next_bar - 2)
            .max(self.swapped_at)
            .max(self.options.from_bar);
        let mut back: Vec<Planned> = (first..self.next_bar)
            .flat_map(|bar| self.plan_bar(bar))
            .filter(|p| tracks.contains(&p.track) && matches!(p.midi, Midi::Channel(_)))
            .filter(|p| p.rank == Planned::NOTE_ON || p.rank == Planned::NOTE_OFF)
            .collect();
        back.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.rank.cmp(&b.rank)));
        let caught = catch.and_then(|from| {
            back.iter()
                .find(|p| p.rank == Planned::NOTE_ON && p.at >= from && p.at < horizon)
                .map(|p| p.at)
        });
        let mut skipped: Vec<(usize, u8, u8)> = Vec::new();
        let mut late: Vec<(usize, u8, u8)> = Vec::new();
        for mut p in back {
            match p.midi {
                Midi::Channel(Message::NoteOn { channel, key, .. }) if Some(p.at) == caught => {
                    p.at = horizon;
                    late.push((p.track, channel, key));
                    self.pending.push_back(p);
                }
                Midi::Channel(Message::NoteOff { channel, key })
                    if p.at <= horizon && take(&mut late, (p.track, channel, key)) =>
                {
                    // A caught note too short to outlast the wait: it still sounds, briefly.
                    p.at = horizon;
                    self.pending.push_back(p);
                }
                Midi::Channel(Message::NoteOn { channel, key, .. }) if p.at < horizon => {
                    skipped.push((p.track, channel, key));
                }
                Midi::Channel(Message::NoteOff { channel, key })
                    if take(&mut skipped, (p.track, channel, key)) => {}
                _ => self.pending.push_back(p),
            }
        }
    }

    /// Plays `message` for track `track` [`THROUGH`] from now, ahead of everything waiting: a
    /// key played straight through on a keyboard-played track. A muted track sends no
    /// note-on (its note-offs still go, so nothing hangs).
    pub fn play_now(&mut self, track: usize, message: Message, now: f64) {
        if self.song.tracks.get(track).is_none_or(|t| t.muted) && !message.is_note_off() {
            return;
        }
        self.pending.push_back(Planned {
            at: now + THROUGH,
            rank: if message.is_note_off() {
                Planned::NOTE_OFF
            } else {
                Planned::NOTE_ON
            },
            track,
            generation: self.generation,
            midi: Midi::Channel(message),
            voice: Voice::NONE,
        });
        self.sort();
    }

    /// Gives track `track` a new pattern now rather than at the next bar line (the keys
    /// held on a keyboard changed at play time `pressed`), on the song's grid, so an
    /// arpeggiator keeps its phase. When none of the track's notes is still to start (keys
    /// pressed after a silence) the new pattern plays from [`QUICK`] on: the senders and the
    /// sinks' callbacks put the new notes ahead of what was handed over before them, and a
    /// step that fell between the press and then (too close to make on time) sounds at once
    /// rather than being skipped, as a player expects of the step they pressed for.
    /// Otherwise it takes over at the lookahead's edge, and notes already handed over sound
    /// as planned.
    pub fn retrack(&mut self, track: usize, pattern: Pattern<Note>, now: f64, pressed: f64) {
        let Some(t) = self.song.tracks.get_mut(track) else {
            return;
        };
        t.pattern = pattern;
        let quiet = self
            .last_on
            .get(track)
            .is_none_or(|&last| last < now + QUICK);
        let (horizon, catch) = if quiet {
            // A stamp from long ago (a stalled input thread) must not bring back old steps.
            (now + QUICK, Some(pressed.clamp(now - QUICK, now + QUICK)))
        } else {
            (now + self.lookahead(), None)
        };
        let generation = self.generation;
        self.drop_note_ons(
            |p| p.generation == generation && p.track == track && p.at >= horizon,
            None,
        );
        self.preview = None;
        self.replan(&[track], horizon, catch);
        self.sort();
    }

    /// Changes the tempo now, mid-bar if need be, rather than at the next bar line (a tempo
    /// played live: keys, tap tempo). It takes hold at the lookahead's edge, where the music
    /// goes on from the same place in the bar; what waits beyond it keeps its place in the bar
    /// at the new tempo (millisecond offsets such as grace notes included, within this bar).
    /// `now` is play time.
    pub fn set_tempo(&mut self, bpm: f64, now: f64) {
        if !(bpm.is_finite() && bpm > 0.0) || bpm == self.song.tempo.bpm {
            return;
        }
        let horizon = now + self.lookahead();
        let old = self.anchor;
        self.song.tempo.bpm = bpm;
        let new = old.retempo_at(horizon, self.song.tempo.seconds_per_cycle());
        self.anchor = new;
        for p in self.pending.iter_mut().filter(|p| p.at > horizon) {
            p.at = new.at_position(old.position(p.at));
        }
        self.preview = None;
    }

    /// Moves the note-offs of `tracks` (of one song generation) that fall after `at` to `at`,
    /// or to just after their note-on when that comes later.
    fn end_notes(&mut self, tracks: &[usize], generation: u32, at: f64) {
        let ons: Vec<(f64, u8, u8)> = self
            .pending
            .iter()
            .filter_map(|p| match p.midi {
                Midi::Channel(Message::NoteOn { channel, key, .. }) => Some((p.at, channel, key)),
                _ => None,
            })
            .collect();
        for p in self.pending.iter_mut() {
            let Midi::Channel(Message::NoteOff { channel, key }) = p.midi else {
                continue;
            };
            if p.generation != generation || !tracks.contains(&p.track) || p.at <= at {
                continue;
            }
            let on = ons
                .iter()
                .filter(|(t, c, k)| *c == channel && *k == key && *t <= p.at)
                .map(|(t, _, _)| *t)
                .fold(f64::NEG_INFINITY, f64::max);
            p.at = at.max(on);
        }
    }
}

/// Removes one `note` (track, channel, key) from `notes`; whether there was one. Note-offs
/// find the note-on they close this way.
fn take(notes: &mut Vec<(usize, u8, u8)>, note: (usize, u8, u8)) -> bool {
    match notes.iter().position(|n| *n == note) {
        Some(i) => {
            notes.swap_remove(i);
            true
        }
        None => false,
    }
}

/// Whether output `out` takes track `track`'s channel messages, `tracks` being each track's
/// output: an output without a name takes everything; a named one takes its tracks' (and
/// those of no track, such as All Notes Off for a channel no longer used). Clock and
/// transport follow `clocks` instead.
fn reaches(routes: &[Option<String>], out: usize, tracks: &[Option<String>], track: usize) -> bool {
    let Some(Some(name)) = routes.get(out) else {
        return true;
    };
    match tracks.get(track) {
        Some(output) => output.as_deref() == Some(name.as_str()),
        None => true,
    }
}

/// Where a channel and key's entry is in per-note tables.
fn slot(channel: u8, key: u8) -> usize {
    usize::from(channel.clamp(1, 16) - 1) * 128 + usize::from(key & 0x7f)
}

/// Whether track `i` of `old` is gone from `new`, moved channel, was muted, or plays
/// different notes in `bar`.
fn track_changed(old: &Song, i: usize, new: &Song, bar: i64) -> bool {
    let Some(o) = old.tracks.get(i) else {
        return true;
    };
    let Some((j, n)) = new
        .tracks
        .iter()
        .enumerate()
        .find(|(_, t)| t.name == o.name)
    else {
        return true;
    };
    if o.channel != n.channel || o.muted != n.muted {
        return true;
    }
    let notes = |song: &Song, track: usize| -> Vec<(Time, u8, u8, Time)> {
        timeline::events(song, Time::from_integer(bar), Time::from_integer(bar + 1))
            .into_iter()
            .filter(|e| e.track == track)
            .map(|e| (e.cycle, e.key, e.velocity, e.length))
            .collect()
    };
    notes(old, i) != notes(new, j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;
    use rtrb::{Consumer, RingBuffer};

    pub(super) fn song(src: &str) -> Song {
        compile(src).unwrap()
    }

    pub(super) fn planner(s: Song, options: PlannerOptions) -> (Planner, Consumer<Cue>) {
        let (p, c) = RingBuffer::new(1 << 16);
        (Planner::new(s, options, vec![p]), c)
    }

    /// Runs the planner over play time in 5 ms steps up to `until`, checking it never hands
    /// over anything further ahead than it should; calls `at` each step.
    pub(super) fn drive(
        planner: &mut Planner,
        cues: &mut Consumer<Cue>,
        until: f64,
        mut at: impl FnMut(f64, &mut Planner),
    ) -> Vec<Cue> {
        let mut out = Vec::new();
        let mut now = -0.5;
        while now < until {
            at(now, planner);
            let more = planner.step(now);
            while let Ok(c) = cues.pop() {
                assert!(
                    c.at < now + planner.lookahead() + 1e-9,
                    "{c:?} handed over at {now}, too early"
                );
                out.push(c);
            }
            if !more {
                break;
            }
            now += 0.005;
        }
        out
    }

    pub(super) fn notes_of(cues: &[Cue]) -> Vec<(f64, Message)> {
        cues.iter()
            .filter_map(|c| match c.midi {
                Midi::Channel(m @ (Message::NoteOn { .. } | Message::NoteOff { .. })) => {
                    Some((c.at, m))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bar_by_bar_planning_sends_exactly_what_the_plan_lists() {
        let mut files: Vec<_> = std::fs::read_dir("patterns")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "flam"))
            .collect();
        files.sort();
        for file in files {
            let s = song(&std::fs::read_to_string(&file).unwrap());
            let (mut p, mut c) = planner(
                s.clone(),
                PlannerOptions {
                    bars: Some(8),
                    ..Default::default()
                },
            );
            // Notes and lane values alike (a bundled song sweeps a filter), after the setup.
            let got: Vec<(f64, Message)> = drive(&mut p, &mut c, 100.0, |_, _| {})
                .iter()
                .filter_map(|c| match c.midi {
                    Midi::Channel(m) => Some((c.at, m)),
                    Midi::System(_) => None,
                })
                .skip(plan::setup(&s).len())
                .collect();
            let want: Vec<(f64, Message)> = plan::notes(&s, Time::ZERO, Time::from_integer(8))
                .into_iter()
                .map(|t| (t.seconds, t.message))
                .collect();
            // A note's end is its start plus its length, a value's time its step times the bar:
            // the two can differ in the last bit, which orders them apart here but puts them on
            // one frame. At one nanosecond, note-offs go first, then values, then note-ons.
            let settle = |list: &mut Vec<(f64, Message)>| {
                list.sort_by_key(|(at, m)| {
                    let rank = match m {
                        Message::NoteOff { .. } => 0,
                        Message::NoteOn { .. } => 2,
                        _ => 1,
                    };
                    ((at * 1e9).round() as i64, rank)
                })
            };
            let (mut got, mut want) = (got, want);
            settle(&mut got);
            settle(&mut want);
            let first = got.iter().zip(&want).position(|(g, w)| g != w);
            assert_eq!(
                got.len(),
                want.len(),
                "{}: first difference {:?}",
                file.display(),
                first.map(|i| (&got[i], &want[i]))
            );
            assert_eq!(
                first.map(|i| (&got[i], &want[i])),
                None,
                "{}",
                file.display()
            );
        }
    }

    #[test]
    fn long_notes_that_overlap_across_a_bar_line_still_pair_up() {
        let s = song("track pad\n  play \"c4 c4\"\n  legato 3\n");
        let (mut p, mut c) = planner(
            s.clone(),
            PlannerOptions {
                bars: Some(4),
                ..Default::default()
            },
        );
        let got = notes_of(&drive(&mut p, &mut c, 60.0, |_, _| {}));
        let want: Vec<(f64, Message)> = plan::notes(&s, Time::ZERO, Time::from_integer(4))
            .into_iter()
            .map(|t| (t.seconds, t.message))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn programs_and_banks_go_out_before_the_first_note() {
        let s = song("track bass channel 2 program 33\n  play \"c2\"\n");
        let (mut p, mut c) = planner(
            s,
            PlannerOptions {
                bars: Some(1),
                ..Default::default()
            },
        );
        let cues = drive(&mut p, &mut c, 10.0, |_, _| {});
        assert_eq!(
            cues[0].midi,
            Midi::Channel(Message::ProgramChange {
                channel: 2,
                program: 32
            })
        );
        assert!(cues[0].at < cues[1].at);
    }

    #[test]
    fn a_reloaded_song_takes_over_at_the_next_bar_line() {
        let a = song("tempo 120\ntrack lead\n  play \"c4*4\"\n");
        let b = song("tempo 120\ntrack lead\n  play \"e4*4\"\n");
        let (mut p, mut c) = planner(
            a,
            PlannerOptions {
                bars: Some(4),
                ..Default::default()
            },
        );
        let mut b = Some(b);
        // Bars last 2 s; the new version arrives 0.3 s into bar 1.
        let cues = drive(&mut p, &mut c, 20.0, |now, p| {
            if now >= 2.3
                && let Some(b) = b.take()
            {
                assert_eq!(p.swap(b), 2);
            }
        });
        for (at, m) in notes_of(&cues) {
            if let Message::NoteOn { key, .. } = m {
                assert_eq!(key, if at < 4.0 { 60 } else { 64 }, "note at {at}");
            }
        }
    }

    #[test]
    fn a_tempo_change_starts_at_the_bar_line_without_a_jump() {
        let slow = song("tempo 120\ntrack k drums\n  play \"bd\"\n");
        let fast = song("tempo 240\ntrack k drums\n  play \"bd\"\n");
        let (mut p, mut c) = planner(
            slow,
            PlannerOptions {
                bars: Some(5),
                ..Default::default()
            },
        );
        let mut fast = Some(fast);
        let cues = drive(&mut p, &mut c, 20.0, |now, p| {
            if now >= 2.5
                && let Some(f) = fast.take()
            {
                p.swap(f);
            }
        });
        let ons: Vec<f64> = notes_of(&cues)
            .into_iter()
            .filter(|(_, m)| !m.is_note_off())
            .map(|(at, _)| at)
            .collect();
        // Bars 0 and 1 at 2 s, then bars 2, 3, 4 at 1 s each, from 4 s on.
        assert_eq!(ons, vec![0.0, 2.0, 4.0, 5.0, 6.0]);
    }

    #[test]
    fn a_tempo_played_live_takes_hold_mid_bar_without_a_jump() {
        let s = song("tempo 120\ntrack k drums\n  play \"bd*8\"\n");
        let (mut p, mut c) = planner(
            s,
            PlannerOptions {
                bars: Some(2),
                ..Default::default()
            },
        );
        let mut horizon = None;
        // Bars last 2 s (an eighth every 0.25 s); 0.6 s in, the tempo doubles.
        let cues = drive(&mut p, &mut c, 20.0, |now, p| {
            if now >= 0.6 && horizon.is_none() {
                p.set_tempo(240.0, now);
                horizon = Some(now + p.lookahead());
            }
        });
        let h = horizon.unwrap();
        let ons: Vec<f64> = notes_of(&cues)
            .into_iter()
            .filter(|(_, m)| !m.is_note_off())
            .map(|(at, _)| at)
            .collect();
        // Each eighth keeps its place in the bar: at the old tempo up to the horizon, at the
        // new one (an eighth every 0.125 s) from there, continuing from where the music was.
        let want: Vec<f64> = (0..16)
            .map(|i| {
                let position = f64::from(i) / 8.0;
                if position * 2.0 <= h {
                    position * 2.0
                } else {
                    h + (position - h / 2.0) * 1.0
                }
            })
            .collect();
        assert_eq!(ons.len(), want.len());
        for (got, want) in ons.iter().zip(&want) {
            assert!((got - want).abs() < 1e-9, "{ons:?} vs {want:?}");
        }
        assert!(balanced(&notes_of(&cues)));
    }

    #[test]
    fn a_removed_track_stops_sounding_at_the_bar_line() {
        let a =
            song("tempo 120\ntrack pad\n  play \"c4\"\n  legato 4\ntrack k drums\n  play \"bd\"\n");
        let b = song("tempo 120\ntrack k drums\n  play \"bd\"\n");
        let (mut p, mut c) = planner(
            a,
            PlannerOptions {
                bars: Some(3),
                ..Default::default()
            },
        );
        let mut b = Some(b);
        let cues = drive(&mut p, &mut c, 20.0, |now, p| {
            if now >= 0.5
                && let Some(b) = b.take()
            {
                p.swap(b);
            }
        });
        let pad_off: Vec<f64> = notes_of(&cues)
            .into_iter()
            .filter(|(_, m)| {
                *m == Message::NoteOff {
                    channel: 1,
                    key: 60,
                }
            })
            .map(|(at, _)| at)
            .collect();
        assert_eq!(pad_off, vec![2.0], "the 8 s pad note ends at bar 1");
    }

    /// Every note-on has its note-off, per channel and key, and nothing is left sounding.
    pub(super) fn balanced(notes: &[(f64, Message)]) -> bool {
        let mut sounding = Vec::new();
        for (_, m) in notes {
            match *m {
                Message::NoteOn { channel, key, .. } => sounding.push((0, channel, key)),
                Message::NoteOff { channel, key } if !take(&mut sounding, (0, channel, key)) => {
                    return false;
                }
                _ => {}
            }
        }
        sounding.is_empty()
    }

    const PAD_AND_HATS: &str =
        "tempo 120\ntrack pad\n  play \"c4\"\ntrack hats drums\n  play \"hh*8\"\n";

    /// Two bars of [`PAD_AND_HATS`] (2 s each): mutes set to `first` from the start, if given,
    /// then to `then` 0.6 s in. Returns the notes sent and where the second change took hold.
    fn play_with_mutes(first: Option<&[bool]>, then: &[bool]) -> (Vec<(f64, Message)>, f64) {
        let (mut p, mut c) = planner(
            song(PAD_AND_HATS),
            PlannerOptions {
                bars: Some(2),
                ..Default::default()
            },
        );
        let mut started = false;
        let mut horizon = None;
        let cues = drive(&mut p, &mut c, 10.0, |now, p| {
            if !started {
                if let Some(flags) = first {
                    p.set_mutes(flags, now);
                }
                started = true;
            } else if now >= 0.6 && horizon.is_none() {
                p.set_mutes(then, now);
                horizon = Some(now + p.lookahead());
            }
        });
        let notes = notes_of(&cues);
        assert!(balanced(&notes), "{notes:?}");
        (notes, horizon.unwrap_or(f64::NAN))
    }

    #[test]
    fn muting_mid_bar_silences_the_track_within_the_lookahead_and_ends_its_long_note() {
        // The hats are muted 0.6 s into the first bar; the pad keeps playing.
        let (notes, horizon) = play_with_mutes(None, &[false, true]);
        let hats: Vec<f64> = notes
            .iter()
            .filter(|(_, m)| matches!(m, Message::NoteOn { key: 42, .. }))
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(
            hats,
            vec![0.0, 0.25, 0.5, 0.75],
            "hats up to the horizon {horizon}"
        );
        let pads = notes
            .iter()
            .filter(|(_, m)| matches!(m, Message::NoteOn { key: 60, .. }))
            .count();
        assert_eq!(pads, 2, "the pad plays on in both bars");

        // A whole-bar pad note, muted: it stops at the horizon, not at the bar line.
        let (notes, horizon) = play_with_mutes(None, &[true, false]);
        let pad: Vec<(f64, Message)> = notes
            .into_iter()
            .filter(|(_, m)| {
                matches!(
                    m,
                    Message::NoteOn { key: 60, .. } | Message::NoteOff { key: 60, .. }
                )
            })
            .collect();
        assert_eq!(pad.len(), 2, "{pad:?}");
        assert_eq!(pad[0].0, 0.0);
        assert!((pad[1].0 - horizon).abs() < 1e-9, "{pad:?}");
    }

    /// A silent keyboard track given `c4` sixteenths (at 120 BPM, a step every 125 ms) by a
    /// key pressed at play time `pressed`, heard by the planner at `heard`: its first notes.
    fn first_steps_after_a_key(pressed: f64, heard: f64) -> Vec<f64> {
        let s = song("tempo 120\ntrack keys\n  play \"~\"\ntrack kick drums\n  play \"bd\"\n");
        let (mut p, mut c) = planner(s, PlannerOptions::default());
        let mut done = false;
        let cues = drive(&mut p, &mut c, 1.0, |now, p| {
            if now >= heard && !done {
                done = true;
                let held = song("track keys\n  play \"c4*16\"\n").tracks[0]
                    .pattern
                    .clone();
                p.retrack(0, held, heard, pressed);
            }
        });
        notes_of(&cues)
            .into_iter()
            .filter(|(_, m)| matches!(m, Message::NoteOn { key: 60, .. }))
            .map(|(at, _)| at)
            .take(3)
            .collect()
    }

    #[test]
    fn a_key_pressed_too_close_to_a_step_to_make_it_sounds_at_once_not_a_step_later() {
        // Pressed 40 ms before the step at 0.5 s: on the step, and every step after.
        assert_eq!(first_steps_after_a_key(0.46, 0.46), vec![0.5, 0.625, 0.75]);
        // Pressed 3 ms before it and heard 2 ms after it: the step sounds at once (QUICK
        // after it was heard), not 125 ms later; then the grid goes on.
        let late = first_steps_after_a_key(0.497, 0.502);
        assert!((late[0] - (0.502 + QUICK)).abs() < 1e-9, "{late:?}");
        assert_eq!(late[1..], [0.625, 0.75]);
        // Pressed after the step had gone: the next step, on time.
        assert_eq!(first_steps_after_a_key(0.51, 0.515)[0], 0.625);
    }

    #[test]
    fn a_din_cable_gets_every_note_on_time_and_as_many_lane_values_as_it_carries() {
        // Six lanes of 128 steps a bar at two bars a second: 4,608 bytes a second of values.
        let s = song(
            "tempo 480\ntrack lead\n  play \"c5*8\"\n  cc cutoff saw segment 128\n  cc mod sine segment 128\n  cc 20 tri segment 128\n  cc 21 isaw segment 128\n  cc resonance cosine segment 128\n  cc expression saw segment 128 fast 2\n",
        );
        let (mut p, mut c) = planner(
            s.clone(),
            PlannerOptions {
                bars: Some(2),
                ..Default::default()
            },
        );
        p.set_wires(&[Some(3125.0)]);
        let cues = drive(&mut p, &mut c, 10.0, |_, _| {});
        let planned = plan::notes(&s, Time::ZERO, Time::from_integer(2));
        let want: Vec<(f64, Message)> = planned
            .iter()
            .filter(|t| matches!(t.message, Message::NoteOn { .. } | Message::NoteOff { .. }))
            .map(|t| (t.seconds, t.message))
            .collect();
        assert_eq!(notes_of(&cues), want, "every note, on its time");
        let values: Vec<&Cue> = cues
            .iter()
            .filter(|c| matches!(c.midi, Midi::Channel(Message::Control { .. })))
            .collect();
        let planned_values = planned.len() - want.len();
        assert!(
            values.len() < planned_values * 3 / 4,
            "{} of {planned_values} values sent",
            values.len()
        );
        assert_eq!(p.thinned() as usize, planned_values - values.len());
        // What was sent fits the cable: 3 bytes a message, at most 3,125 bytes a second.
        let bytes = 3 * cues.len();
        let span = cues.iter().map(|c| c.at).fold(0.0, f64::max);
        assert!(
            bytes as f64 <= 3125.0 * (span + 0.01),
            "{bytes} bytes in {span} s"
        );
        // Each lane's last value of the song arrives, so the synth ends where the song does.
        for controller in [74, 1, 20, 21, 71, 11] {
            let last_planned = planned.iter().rev().find_map(|t| match t.message {
                Message::Control {
                    controller: c,
                    value,
                    ..
                } if c == controller => Some(value),
                _ => None,
            });
            let last_sent = values.iter().rev().find_map(|cue| match cue.midi {
                Midi::Channel(Message::Control {
                    controller: c,
                    value,
                    ..
                }) if c == controller => Some(value),
                _ => None,
            });
            assert_eq!(last_sent, last_planned, "controller {controller}");
        }
    }

    #[test]
    fn unmuting_mid_bar_brings_the_track_back_from_its_next_note() {
        let (notes, horizon) = play_with_mutes(Some(&[true, true]), &[true, false]);
        let hats: Vec<f64> = notes
            .iter()
            .filter(|(_, m)| matches!(m, Message::NoteOn { key: 42, .. }))
            .map(|(at, _)| *at)
            .collect();
        // Back from the first hit at or past the horizon (0.6 s + lookahead), then every hit.
        let want: Vec<f64> = (0..16)
            .map(|i| f64::from(i) * 0.25)
            .filter(|at| *at >= horizon)
            .collect();
        assert!(want.len() >= 12, "horizon {horizon}");
        assert_eq!(hats, want);
        assert!(
            !notes
                .iter()
                .any(|(_, m)| matches!(m, Message::NoteOn { key: 60, .. })),
            "the pad stays muted"
        );
    }

    #[test]
    fn a_pad_moved_to_another_box_plays_there_from_the_next_bar_and_ends_its_notes_where_they_began()
     {
        // Two long notes a bar (2 s), each three half-bars long: the note begun at 1 s still
        // sounds when the next bar's note on the same key starts at 2 s.
        let s = song("tempo 120\ntrack pad program 5\n  output a\n  play \"c4 c4\"\n  legato 3\n");
        let (pa, mut ca) = RingBuffer::new(1 << 16);
        let (pb, mut cb) = RingBuffer::new(1 << 16);
        let options = PlannerOptions {
            bars: Some(3),
            ..Default::default()
        };
        let mut p = Planner::new(s, options, vec![pa, pb]);
        p.set_routes(vec![Some("a".into()), Some("b".into())]);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut moved = None;
        let mut now = -0.5;
        while p.step(now) {
            if now >= 0.5 && moved.is_none() {
                moved = p.reroute(0, Some("b".into()));
            }
            a.extend(std::iter::from_fn(|| ca.pop().ok()));
            b.extend(std::iter::from_fn(|| cb.pop().ok()));
            now += 0.005;
        }
        a.extend(std::iter::from_fn(|| ca.pop().ok()));
        b.extend(std::iter::from_fn(|| cb.pop().ok()));
        assert_eq!(moved, Some(1), "the move takes hold at bar 1");
        let (notes_a, notes_b) = (notes_of(&a), notes_of(&b));
        assert!(balanced(&notes_a), "box a: {notes_a:?}");
        assert!(balanced(&notes_b), "box b: {notes_b:?}");
        let ons = |notes: &[(f64, Message)]| -> Vec<f64> {
            notes
                .iter()
                .filter(|(_, m)| !m.is_note_off())
                .map(|(at, _)| *at)
                .collect()
        };
        assert_eq!(ons(&notes_a), vec![0.0, 1.0], "bar 0 on box a");
        assert_eq!(
            ons(&notes_b),
            vec![2.0, 3.0, 4.0, 5.0],
            "bars 1 and 2 on box b"
        );
        // The note begun at 1 s on box a is cut there by the next one, at 2 s, not on box b.
        assert_eq!(
            notes_a.last().map(|(at, m)| (*at, m.is_note_off())),
            Some((2.0, true))
        );
        // `program 5` counts from 1, as General MIDI's list does; the wire counts from 0.
        let program = Midi::Channel(Message::ProgramChange {
            channel: 1,
            program: 4,
        });
        let first_b = b.iter().position(|c| c.midi == program);
        let first_note_b = b
            .iter()
            .position(|c| matches!(c.midi, Midi::Channel(Message::NoteOn { .. })));
        assert!(
            first_b.is_some() && first_b < first_note_b,
            "box b is set up before its first note: {b:?}"
        );
    }

    #[test]
    fn the_clock_ticks_24_times_a_quarter_note_after_start() {
        let s = song("tempo 120\nmeter 3/4\ntrack k drums\n  play \"bd\"\n");
        let (mut p, mut c) = planner(
            s,
            PlannerOptions {
                bars: Some(2),
                clock: true,
                ..Default::default()
            },
        );
        let cues = drive(&mut p, &mut c, 20.0, |_, _| {});
        assert_eq!(cues[0].midi, Midi::System(System::Start));
        let ticks: Vec<f64> = cues
            .iter()
            .filter(|c| c.midi == Midi::System(System::Clock))
            .map(|c| c.at)
            .collect();
        assert_eq!(ticks.len(), 2 * 3 * 24);
        for (i, t) in ticks.iter().enumerate() {
            assert!((t - i as f64 * 0.5 / 24.0).abs() < 1e-9);
        }
    }

    #[test]
    fn starting_past_the_first_bar_sends_song_position_and_continue() {
        let s = song("track k drums\n  play \"bd\"\n");
        let (mut p, mut c) = planner(
            s,
            PlannerOptions {
                from_bar: 3,
                bars: Some(1),
                clock: true,
                ..Default::default()
            },
        );
        let cues = drive(&mut p, &mut c, 20.0, |_, _| {});
        assert_eq!(cues[0].midi, Midi::System(System::SongPosition(48)));
        assert_eq!(cues[1].midi, Midi::System(System::Continue));
        assert_eq!(cues[2].at, 0.0, "bar 3 plays at once");
    }

    #[test]
    fn grace_notes_before_the_first_beat_come_after_setup() {
        let s = song("track s program 5\n  play \"c4\"\n  nudge -20ms\n");
        let (p, _c) = planner(s, PlannerOptions::default());
        assert!(p.begins_at() < -0.02);
    }

    #[test]
    fn a_song_without_setup_begins_with_its_first_note() {
        let s = song("track s drums\n  play \"sn\"\n  nudge -20ms\n");
        let (p, _c) = planner(s, PlannerOptions::default());
        assert_eq!(p.begins_at(), -0.02);
        let s = song("track s drums\n  play \"sn\"\n");
        let (p, _c) = planner(s, PlannerOptions::default());
        assert_eq!(p.begins_at(), 0.0);
    }
}
