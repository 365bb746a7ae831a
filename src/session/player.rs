//! Playing a song: one planner thread, one real-time sender thread per output.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rtrb::{Consumer, RingBuffer};

use super::control::{Control, PlayedKey};
use super::controls::Controls;
use super::ending::Ending;
use super::following::Following;
use super::held_chord::HeldChord;
use super::performance::Performance;
use super::play_options::PlayOptions;
use super::position::Position;
use super::realtime;
use crate::engine::clock_source::{ClockReading, ClockSource};
use crate::engine::incoming::Incoming;
use crate::engine::internal_clock::InternalClock;
use crate::engine::message::Message;
use crate::engine::outcome::Outcome;
use crate::engine::planner::Planner;
use crate::engine::planner_options::PlannerOptions;
use crate::engine::sender::Sender;
use crate::engine::sink::{Sink, SinkError};
use crate::engine::stamped::Stamped;
use crate::engine::stats::Stats;
use crate::engine::wait::seconds_since;
use crate::lang::song::Song;
use crate::lang::song::form::{Move, Placement};

/// Cues each output's ring holds: far more than a lookahead's worth of the densest song.
const RING: usize = 16_384;

/// How often the planner wakes to plan ahead.
const PLANNER_TICK: Duration = Duration::from_millis(5);

/// After a master's Start whose tempo is not known yet, how far past the downbeat messages
/// may go out before the tempo is.
const HOLD_AFTER_START: f64 = 0.002;

/// Time before play time 0 on top of what the outputs need: for the senders' threads to
/// start and hand over the first window, which is planned before they start.
const START_MARGIN: f64 = 0.005;

/// A change made while playing that takes hold at once rather than at the next bar line.
enum LiveChange {
    /// One mute flag per track of the song playing.
    Mutes(Vec<bool>),
    /// Quarter notes per minute.
    Tempo(f64),
    /// Stop where the music is, keeping the place (the internal clock's transport).
    Pause,
    /// Go on from the place kept by the last pause.
    Resume,
    /// Move in the song's arrangement at the next bar line.
    Place(Move),
    /// Send a track (by name) to another output from the next bar line on.
    Output(String, Option<String>),
}

/// What the player hears while it plays: an input's messages (clock for the clock source,
/// controllers for the song's `map` lines), and where the controls those lines fire go. The
/// live UI takes them itself, so its screen shows every mute; without it the player applies
/// them.
#[derive(Default)]
pub struct Listening {
    /// The input's messages.
    pub input: Option<Consumer<Stamped>>,
    /// Where fired controls go instead of being applied here.
    pub forward: Option<mpsc::Sender<Control>>,
}

/// A song being played.
pub struct Player {
    /// The controls another thread may hold too; the player's own (`stop`, `swap`,
    /// `set_tempo` …) are these, through `Deref`.
    controls: Remote,
    epoch: Instant,
    senders: Vec<JoinHandle<Outcome>>,
    planner: Option<JoinHandle<()>>,
    position: Arc<Mutex<Position>>,
    stats: Vec<Arc<Stats>>,
}

impl std::ops::Deref for Player {
    type Target = Remote;

    fn deref(&self) -> &Remote {
        &self.controls
    }
}

impl Player {
    /// Starts playing `song` to `outputs` (each with its latency in seconds).
    ///
    /// A panic anywhere in the process from now on raises the stop flag, so the senders
    /// release every sounding note before the process ends.
    pub fn start(song: Song, outputs: Vec<(Box<dyn Sink>, f64)>, options: &PlayOptions) -> Player {
        Player::start_with_clock(song, outputs, options, Box::new(InternalClock))
    }

    /// Starts playing `song` to `outputs` in time with `clock`: flam's own, or a master it
    /// follows (then nothing plays until the master starts, a Stop from it ends the notes and
    /// keeps the place, and a clock that stops coming stops the music and says so).
    pub fn start_with_clock(
        song: Song,
        outputs: Vec<(Box<dyn Sink>, f64)>,
        options: &PlayOptions,
        clock: Box<dyn ClockSource>,
    ) -> Player {
        Player::start_listening(song, outputs, options, clock, Listening::default())
    }

    /// [`Player::start_with_clock`], hearing `listening`'s input.
    pub fn start_listening(
        song: Song,
        outputs: Vec<(Box<dyn Sink>, f64)>,
        options: &PlayOptions,
        clock: Box<dyn ClockSource>,
        listening: Listening,
    ) -> Player {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            flag.store(true, Ordering::Release);
            previous(info);
        }));

        let mut producers = Vec::new();
        let mut consumers = Vec::new();
        for _ in &outputs {
            let (p, c) = RingBuffer::new(RING);
            producers.push(p);
            consumers.push(c);
        }
        let mut planner = Planner::new(
            song,
            PlannerOptions {
                from_bar: options.from_bar,
                bars: options.bars,
                clock: options.clock,
                lookahead: options.lookahead,
            },
            producers,
        );
        planner.set_routes(options.routes.clone());
        planner.set_wires(&options.wires);
        planner.set_clocks(&options.clocks);
        // Not each output's usual lead: that keeps a margin for a sender woken late, and
        // the first window is in the senders' hands from their first moment.
        let lead = outputs
            .iter()
            .map(|(sink, latency)| sink.start_lead() + latency.max(0.0))
            .fold(0.0, f64::max);
        let preroll = (-planner.begins_at() + lead + START_MARGIN).clamp(0.0, 10.0);
        // The song as written (the mutes of `map` lines go on top of its own), and its
        // keyboard-played tracks.
        let mut taken = (planner.song().clone(), Vec::new());
        adopt(&mut planner, &mut taken.0, &mut taken.1, -preroll);
        // The first window is planned before play time 0 is fixed, so planning it takes
        // nothing from the pre-roll; a master's clock says when to begin, so it waits.
        if clock.starts_with_player() {
            planner.step(-preroll);
        }
        let epoch = Instant::now() + Duration::from_secs_f64(preroll);
        let position = Arc::new(Mutex::new(position_of(&planner, 0, Following::Internal)));

        let mut senders = Vec::new();
        let mut stats = Vec::new();
        for (i, ((sink, latency), consumer)) in outputs.into_iter().zip(consumers).enumerate() {
            let clock = options.clock && options.clocks.get(i).copied().unwrap_or(true);
            let mut sender = Sender::new(sink, consumer, stop.clone(), epoch, latency, clock);
            stats.push(sender.stats());
            let all = stop.clone();
            let handle = std::thread::Builder::new()
                .name("flam-sender".into())
                .spawn(move || {
                    realtime::promote_current_thread();
                    let outcome = match std::panic::catch_unwind(AssertUnwindSafe(|| sender.run()))
                    {
                        Ok(outcome) => outcome,
                        Err(_) => {
                            sender.flush();
                            Outcome::Failed(SinkError("the sender stopped on an internal error"))
                        }
                    };
                    if outcome != Outcome::Finished {
                        // One output failing stops them all, so none keeps playing alone.
                        all.store(true, Ordering::Release);
                    }
                    outcome
                });
            match handle {
                Ok(h) => senders.push(h),
                Err(_) => stop.store(true, Ordering::Release),
            }
        }

        let (swaps, swapped) = mpsc::channel::<Song>();
        let (live, changes) = mpsc::channel::<LiveChange>();
        let planner_stop = stop.clone();
        let planner_position = position.clone();
        let announce = options.announce_swaps;
        let planner = std::thread::Builder::new()
            .name("flam-planner".into())
            .spawn(move || {
                plan(
                    planner,
                    taken,
                    clock,
                    listening,
                    swapped,
                    changes,
                    planner_stop,
                    planner_position,
                    epoch,
                    announce,
                )
            })
            .ok();
        if planner.is_none() {
            stop.store(true, Ordering::Release);
        }
        Player {
            controls: Remote { stop, swaps, live },
            epoch,
            senders,
            planner,
            position,
            stats,
        }
    }

    /// The flag that stops playing when raised (for signal handlers).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Sends track `track` to the outputs named `output` (`None`: only those without a name)
    /// from the next bar line on; notes begun before it end where they began.
    pub fn set_output(&self, track: &str, output: Option<String>) {
        let _ = self
            .controls
            .live
            .send(LiveChange::Output(track.to_string(), output));
    }

    /// A handle for another thread (a remote control) to change what plays while it plays.
    pub fn remote(&self) -> Remote {
        self.controls.clone()
    }

    /// A handle for swapping songs in from another thread (the file watcher).
    pub fn swapper(&self) -> mpsc::Sender<Song> {
        self.controls.swaps.clone()
    }

    /// Play time now, in seconds (negative before the first bar).
    pub fn now(&self) -> f64 {
        seconds_since(self.epoch, Instant::now())
    }

    /// Where the music is.
    pub fn position(&self) -> Position {
        match self.position.lock() {
            Ok(p) => *p,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Notes sent so far and notes sounding now, over all outputs.
    pub fn counts(&self) -> (u64, u32) {
        self.stats.iter().fold((0, 0), |(n, s), st| {
            (
                n + st.notes.load(Ordering::Relaxed),
                s + st.sounding.load(Ordering::Relaxed),
            )
        })
    }

    /// Whether every sender has ended.
    pub fn is_finished(&self) -> bool {
        self.senders.iter().all(|h| h.is_finished())
    }

    /// Waits for everything to end and reports how.
    pub fn wait(mut self) -> Ending {
        let outcomes = self
            .senders
            .drain(..)
            .map(|h| {
                h.join().unwrap_or(Outcome::Failed(SinkError(
                    "the sender stopped on an internal error",
                )))
            })
            .collect();
        // Senders only end once the planner is done or a stop was raised; make sure the
        // planner sees it too.
        self.stop.store(true, Ordering::Release);
        let planner_panic = self.planner.take().and_then(|h| {
            h.join().err().map(|e| {
                e.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| e.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            })
        });
        Ending {
            outcomes,
            planner_panic,
        }
    }
}

impl Drop for Player {
    /// A player dropped without [`Player::wait`] (an early return, a panic on the main thread)
    /// still stops and lets every sender release its notes before the process goes on.
    fn drop(&mut self) {
        if self.senders.is_empty() && self.planner.is_none() {
            return;
        }
        self.stop.store(true, Ordering::Release);
        for h in self.senders.drain(..) {
            let _ = h.join();
        }
        if let Some(h) = self.planner.take() {
            let _ = h.join();
        }
    }
}

/// What another thread may change while the song plays: the same channels the player's own
/// methods use, so a remote control never touches the real-time threads.
#[derive(Clone)]
pub struct Remote {
    stop: Arc<AtomicBool>,
    swaps: mpsc::Sender<Song>,
    live: mpsc::Sender<LiveChange>,
}

impl Remote {
    /// Plays `song` from the next bar line on.
    pub fn swap(&self, song: Song) {
        let _ = self.swaps.send(song);
    }

    /// Mutes and unmutes tracks now: one flag per track of the song sent last.
    pub fn set_mutes(&self, muted: Vec<bool>) {
        let _ = self.live.send(LiveChange::Mutes(muted));
    }

    /// Changes the tempo now, without a jump.
    pub fn set_tempo(&self, bpm: f64) {
        let _ = self.live.send(LiveChange::Tempo(bpm));
    }

    /// Stops the music where it is, ending every sounding note, and keeps the place.
    pub fn pause(&self) {
        let _ = self.live.send(LiveChange::Pause);
    }

    /// Goes on from the place the last pause kept.
    pub fn resume(&self) {
        let _ = self.live.send(LiveChange::Resume);
    }

    /// Moves in the arrangement at the next bar line.
    pub fn place(&self, change: Move) {
        let _ = self.live.send(LiveChange::Place(change));
    }

    /// Ends playing: every sounding note is released.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// What to print before a message so it does not run into the status line.
pub fn clear_status_line() -> &'static str {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        "\r\x1b[2K"
    } else {
        ""
    }
}

fn position_of(planner: &Planner, songs_taken: u64, clock: Following) -> Position {
    Position {
        anchor: planner.anchor(),
        bpm: planner.song().tempo.bpm,
        beats: planner.song().tempo.meter.beats,
        next_bar: planner.next_bar(),
        songs_taken,
        swapped_at: planner.swapped_at(),
        paused: planner.paused(),
        clock,
        placement: planner.song().form.as_ref().map(|f| f.placement),
    }
}

/// Moves in the arrangement at the planner's next bar line: the song placed anew is swapped
/// in there and taken in as any swapped song is.
fn place(
    planner: &mut Planner,
    written: &mut Song,
    keyboard: &mut Vec<(usize, HeldChord)>,
    change: Move,
    now: f64,
) {
    let Some(form) = &planner.song().form else {
        return;
    };
    let placement = form.moved(change, planner.next_bar());
    let song = planner.song().placed(placement);
    planner.swap(song);
    adopt(planner, written, keyboard, now);
}

/// Takes in the song the planner plays now (at the start, or swapped in): keeps it as
/// written, and gives its keyboard-played tracks the keys still held (silence when none, a
/// transposed pattern too) from play time `now`.
fn adopt(
    planner: &mut Planner,
    written: &mut Song,
    keyboard: &mut Vec<(usize, HeldChord)>,
    now: f64,
) {
    *written = planner.song().clone();
    *keyboard = keyboard_tracks(planner.song(), keyboard);
    for (track, chord) in keyboard.iter() {
        planner.retrack(*track, chord.pattern(), now, now);
    }
}

/// The keyboard-played tracks of `song`, each with the keys held: carried over from
/// `before` for a track of the same name and input, so a new version of the song keeps
/// playing the chord still held.
fn keyboard_tracks(song: &Song, before: &[(usize, HeldChord)]) -> Vec<(usize, HeldChord)> {
    song.tracks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let input = t.input.as_ref()?;
            let kept = before
                .iter()
                .map(|(_, c)| c)
                .find(|c| c.track() == t.name && c.input() == input);
            let chord = match kept {
                Some(c) => c.rewritten(&t.pattern),
                None => HeldChord::new(&t.name, input, &t.pattern),
            };
            Some((i, chord))
        })
        .collect()
}

/// A key pressed or let go, placed in the song, for the live UI's loop recorder.
fn played(planner: &Planner, epoch: Instant, stamped: &Stamped) -> Option<PlayedKey> {
    let (channel, key, velocity, down) = match stamped.message {
        Incoming::NoteOn {
            channel,
            key,
            velocity,
        } => (channel, key, velocity, true),
        Incoming::NoteOff { channel, key, .. } => (channel, key, 0, false),
        _ => return None,
    };
    Some(PlayedKey {
        position: planner.anchor().position(seconds_since(epoch, stamped.at)),
        channel,
        key,
        velocity,
        down,
    })
}

/// A key played straight through on track `track` (an `input` without `arp`): the note on
/// the track's channel, if the key is on the channel it listens to.
fn through(song: &Song, track: usize, chord: &HeldChord, stamped: &Stamped) -> Option<Message> {
    let channel = song.tracks.get(track)?.channel;
    match stamped.message {
        Incoming::NoteOn {
            channel: c,
            key,
            velocity,
        } if chord.listens(c) => Some(Message::NoteOn {
            channel,
            key,
            velocity,
        }),
        Incoming::NoteOff {
            channel: c, key, ..
        } if chord.listens(c) => Some(Message::NoteOff { channel, key }),
        _ => None,
    }
}

/// Does what a controller asked, when no live UI takes it: mutes and solos on top of the
/// song as `written`, the tempo, the panic key (every sounding note ends at the lookahead's
/// edge and the music plays on from there).
fn apply(
    planner: &mut Planner,
    clock: &mut dyn ClockSource,
    performance: &mut Performance,
    written: &Song,
    control: Control,
    now: f64,
) {
    match control {
        Control::ToggleMute(name) => {
            performance.toggle(&name, false);
            planner.set_mutes(&performance.mutes(written), now);
        }
        Control::ToggleSolo(name) => {
            performance.toggle(&name, true);
            planner.set_mutes(&performance.mutes(written), now);
        }
        Control::Tempo(bpm) => retempo(planner, clock, bpm, now),
        Control::Panic => {
            if planner.paused().is_none() {
                let edge = now + planner.lookahead();
                let bar = planner.pause(now);
                planner.resume(edge, bar);
            }
        }
        // Selecting a track and recording are for the live UI; a jump swaps the song, which
        // the planner thread does itself.
        Control::Select(_) | Control::Played(_) | Control::Moved { .. } | Control::Section(_) => {}
    }
}

/// A tempo set in flam (keys, a tap, OSC, a mapped knob): played from now, and offered to
/// the clock, which shares it with its peers when it has any.
fn retempo(planner: &mut Planner, clock: &mut dyn ClockSource, bpm: f64, now: f64) {
    clock.propose_tempo(bpm);
    planner.set_tempo(bpm, now);
}

/// Puts the planner in step with the clock's reading at play time `now`: the master's
/// Start, Stop and Continue become the planner's, and while it runs its tempo and phase
/// are followed. Returns what the player is doing, for the status line.
fn keep_time(planner: &mut Planner, clock: &mut dyn ClockSource, now: f64) -> Following {
    let quarters_per_bar = planner.song().tempo.meter.quarters_per_bar();
    match clock.read(now) {
        ClockReading::Internal => Following::Internal,
        ClockReading::Stopped { beats } => {
            if planner.paused().is_none() {
                planner.pause(now);
            }
            Following::Stopped {
                bar: beats / quarters_per_bar,
            }
        }
        ClockReading::Running { beats, bpm } => {
            let bar = beats / quarters_per_bar;
            if planner.paused().is_some() {
                // The tempo first: resuming lays the bars out at the song's tempo.
                if let Some(bpm) = bpm {
                    planner.set_tempo(bpm, now);
                }
                planner.resume(now, bar);
                if bpm.is_none() {
                    // Only the downbeat goes until the pulses tell the tempo.
                    planner.hold(now + HOLD_AFTER_START);
                }
            } else if let Some(bpm) = bpm {
                planner.follow(now, bar, bpm);
            }
            following(clock, bpm.unwrap_or(planner.song().tempo.bpm))
        }
        ClockReading::Joining { beats, at, bpm } => {
            let bar = beats / quarters_per_bar;
            if planner.paused().is_some() {
                planner.set_tempo(bpm, now);
                planner.resume(at, bar);
            } else {
                // Already laid out for the joining moment: only the tempo and phase are kept.
                let before = (at - now) * bpm / 60.0 / quarters_per_bar;
                planner.follow(now, bar - before, bpm);
            }
            following(clock, bpm)
        }
        ClockReading::Lost => {
            if planner.paused().is_none() {
                planner.pause(now);
            }
            Following::Lost
        }
    }
}

/// A running master at `bpm`, as the status line says it: with its peers when it has them.
fn following(clock: &dyn ClockSource, bpm: f64) -> Following {
    match clock.peers() {
        Some(peers) => Following::Linked { bpm, peers },
        None => Following::Running { bpm },
    }
}

/// Swaps in `song`, or the newest of several quick reloads waiting behind it; returns how
/// many songs it took from the channel.
fn take_over(
    planner: &mut Planner,
    song: Song,
    swapped: &mpsc::Receiver<Song>,
    announce: bool,
) -> u64 {
    let mut taken = 1;
    let mut newest = song;
    for later in swapped.try_iter() {
        newest = later;
        taken += 1;
    }
    // An edit keeps the place in the arrangement (a jump, a loop); whether it goes round is
    // the sender's to say.
    if let (Some(old), Some(new)) = (&planner.song().form, &newest.form) {
        let placement = Placement {
            from: old.placement.from.min(new.order.len().saturating_sub(1)),
            round: new.placement.round,
            ..old.placement
        };
        newest = newest.placed(placement);
    }
    let bar = planner.swap(newest);
    if announce {
        eprintln!(
            "{}flam: reloaded; the new version plays from bar {}",
            clear_status_line(),
            bar + 1
        );
    }
    taken
}

/// The planner thread: plans ahead every few milliseconds, swaps in reloaded songs, and
/// ends (dropping the rings' producers, which tells the senders) when the song is over;
/// `taken` is the song as written and its keyboard-played tracks, taken in at the start.
#[allow(clippy::too_many_arguments)]
fn plan(
    mut planner: Planner,
    (mut written, mut keyboard): (Song, Vec<(usize, HeldChord)>),
    mut clock: Box<dyn ClockSource>,
    mut listening: Listening,
    swapped: mpsc::Receiver<Song>,
    changes: mpsc::Receiver<LiveChange>,
    stop: Arc<AtomicBool>,
    position: Arc<Mutex<Position>>,
    epoch: Instant,
    announce: bool,
) {
    realtime::promote_current_thread_to(realtime::PLANNER);
    #[cfg(debug_assertions)]
    let panic_at = std::env::var("FLAM_TEST_PANIC_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    let mut songs_taken = 0u64;
    clock.start(epoch);
    let mut controls = Controls::default();
    let mut performance = Performance::new(planner.song().tempo.bpm);
    loop {
        if stop.load(Ordering::Acquire) {
            return;
        }
        #[cfg(debug_assertions)]
        if panic_at.is_some_and(|at| Instant::now() >= at) {
            panic!("test panic in the planner (FLAM_TEST_PANIC_AFTER_MS)");
        }
        let now = seconds_since(epoch, Instant::now());
        // Mute flags index the tracks of the song the UI had when it sent them; any song it
        // sent before them is in its channel by now, so it is swapped in first.
        let live: Vec<LiveChange> = changes.try_iter().collect();
        if let Ok(song) = swapped.try_recv() {
            songs_taken += take_over(&mut planner, song, &swapped, announce);
            adopt(&mut planner, &mut written, &mut keyboard, now);
        }
        for change in live {
            match change {
                LiveChange::Mutes(flags) => planner.set_mutes(&flags, now),
                LiveChange::Tempo(bpm) => retempo(&mut planner, clock.as_mut(), bpm, now),
                LiveChange::Pause => {
                    planner.pause(now);
                }
                LiveChange::Resume => {
                    if let Some(bar) = planner.paused() {
                        // From the lookahead's edge, so the first notes are on time.
                        planner.resume(now + planner.lookahead(), bar);
                    }
                }
                LiveChange::Place(change) => {
                    place(&mut planner, &mut written, &mut keyboard, change, now);
                }
                LiveChange::Output(name, output) => {
                    let track = planner.song().tracks.iter().position(|t| t.name == name);
                    if track.and_then(|i| planner.reroute(i, output)).is_some() {
                        adopt(&mut planner, &mut written, &mut keyboard, now);
                    }
                }
            }
        }
        if let Some(input) = listening.input.as_mut() {
            while let Ok(stamped) = input.pop() {
                clock.hear(&stamped);
                for (track, chord) in keyboard.iter_mut() {
                    if chord.input().arp.is_none() {
                        if let Some(message) = through(planner.song(), *track, chord, &stamped) {
                            planner.play_now(*track, message, now);
                        }
                    } else if chord.hear(&stamped.message) {
                        let pressed = seconds_since(epoch, stamped.at);
                        planner.retrack(*track, chord.pattern(), now, pressed);
                    }
                }
                if let Some(forward) = &listening.forward {
                    if let Some(played) = played(&planner, epoch, &stamped) {
                        let _ = forward.send(Control::Played(played));
                    } else if let Incoming::Control {
                        channel,
                        controller,
                        ..
                    } = stamped.message
                    {
                        let _ = forward.send(Control::Moved {
                            channel,
                            controller,
                        });
                    }
                }
                let fired = controls.hear(&stamped.message, &planner.song().maps);
                for control in fired {
                    match &listening.forward {
                        Some(forward) => {
                            let _ = forward.send(control);
                        }
                        None => match control {
                            Control::Section(name) => {
                                // A section the arrangement leaves out is not jumped to.
                                let entry = planner
                                    .song()
                                    .form
                                    .as_ref()
                                    .and_then(|f| f.entry_named(&name));
                                if let Some(entry) = entry {
                                    let change = Move::Jump(entry);
                                    place(&mut planner, &mut written, &mut keyboard, change, now);
                                }
                            }
                            control => {
                                let clock = clock.as_mut();
                                apply(
                                    &mut planner,
                                    clock,
                                    &mut performance,
                                    &written,
                                    control,
                                    now,
                                )
                            }
                        },
                    }
                }
            }
        }
        let following = keep_time(&mut planner, clock.as_mut(), now);
        let more = planner.step(now);
        if let Ok(mut p) = position.lock() {
            *p = position_of(&planner, songs_taken, following);
        }
        if !more {
            return;
        }
        match swapped.recv_timeout(PLANNER_TICK) {
            Ok(song) => {
                songs_taken += take_over(&mut planner, song, &swapped, announce);
                let now = seconds_since(epoch, Instant::now());
                adopt(&mut planner, &mut written, &mut keyboard, now);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(PLANNER_TICK),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock_follower::ClockFollower;
    use crate::engine::cue::Cue;
    use crate::engine::message::Message;
    use crate::engine::midi::Midi;
    use crate::engine::planner_options::PlannerOptions;

    /// A master that sends Start at 1 s and then perfect pulses at `bpm`, read through the
    /// same follower as a real MIDI clock.
    struct Master {
        follower: ClockFollower,
        next_pulse: f64,
        period: f64,
        started: bool,
    }

    impl ClockSource for Master {
        fn read(&mut self, now: f64) -> ClockReading {
            if !self.started && now >= 1.0 {
                self.started = true;
                self.follower.start(1.0);
                self.next_pulse = 1.0;
            }
            while self.started && self.next_pulse <= now {
                self.follower.pulse(self.next_pulse);
                self.next_pulse += self.period;
            }
            match self.follower.beats_at(now) {
                Some(beats) if self.follower.running() => ClockReading::Running {
                    beats,
                    bpm: self.follower.bpm(),
                },
                _ => ClockReading::Stopped { beats: 0.0 },
            }
        }
    }

    #[test]
    fn a_master_that_starts_with_its_first_pulse_is_followed_note_for_note() {
        let song =
            crate::lang::song::compile("tempo 120\ntrack hats drums\n  play \"hh*8\"\n").unwrap();
        let (p, mut cues) = RingBuffer::<Cue>::new(1 << 14);
        let options = PlannerOptions {
            bars: Some(2),
            lookahead: 0.12,
            ..Default::default()
        };
        let mut planner = Planner::new(song, options, vec![p]);
        let mut master = Master {
            follower: ClockFollower::new(),
            next_pulse: 0.0,
            period: 60.0 / 100.0 / 24.0,
            started: false,
        };
        let mut ons = Vec::new();
        let mut now = 0.0;
        while now < 7.0 {
            keep_time(&mut planner, &mut master, now);
            planner.step(now);
            while let Ok(cue) = cues.pop() {
                if let Midi::Channel(Message::NoteOn { .. }) = cue.midi {
                    ons.push(cue.at);
                }
            }
            now += 0.005;
        }
        assert_eq!(ons.len(), 16, "nothing before Start, two bars after it");
        // The master's 100 BPM, not the song's 120: eighths 0.3 s apart from the Start. The
        // second note was held until the pulses told the tempo, so it is on time too.
        for (k, t) in ons.iter().enumerate() {
            assert!((t - 1.0 - k as f64 * 0.3).abs() < 1e-6, "note {k} at {t}");
        }
    }
}
