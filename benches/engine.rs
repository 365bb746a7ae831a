//! Timing of live playback, printed as numbers (no assertions):
//!
//! (a) JACK: how far each recorded MIDI event lands from its ideal frame (relative to the
//!     first event), with the machine idle and with two busy-loop threads running. Target: 0.
//! (b) The ALSA-style path (the sender sends at the deadline itself): send time against the
//!     ideal deadline, measured by the capture output stamping the clock at send, idle and
//!     loaded. Targets: p99 < 100 µs idle, < 1 ms loaded.
//!
//! (c) Following a MIDI clock master on JACK: a client sends 24-PPQN clock (steady 120 BPM,
//!     120 with ±1 ms jitter per pulse, a ramp 100→140 over four bars) into flam's input;
//!     each recorded note-on is compared with the master's ideal pulse for its place.
//!     Targets: p99 < 1 ms, max < 2 ms; tempo within 0.1% when steady.
//!
//! (d) A keyboard playing the arpeggiator on JACK: a client presses a chord at 40 moments
//!     spread over the beat; for each, how long until the first arpeggio note sounds, and
//!     whether it is the next step of the grid and on its frame. A step too close to the
//!     press to be made on time (the input's period and the planner's QUICK, ~15 ms) is
//!     played at once instead, and counted apart with how late it came; skipped steps are
//!     counted too. Target: the next step, plus < 2 ms where the step is far enough away.
//!
//! (e) A dense song: eight tracks, each with a controller signal sent 32 times a bar
//!     (`cc cutoff sine segment 32` and its kin) beside its notes, at the tempo of (a) and
//!     (b): the JACK frame error of every note and value, and the sender's error, beside
//!     the plain song's. Target: frame error 0, the sender's p99 as the plain song's.
//!
//! (f) Following JACK transport: each note-on against where the transport puts it.
//!
//! (g) Joining an Ableton Link session (built with `--features link`): a Link peer of the
//!     bench's own at 120 BPM, flam following it to a JACK recording client; each note-on,
//!     placed on the session's timeline through JACK's clock (Link's clock on Linux), against
//!     the time the session gives its beat. Steady, then with the peer moving to 140 BPM at
//!     bar 4: how long until flam is back on the session's time. And where the join lands:
//!     on the session's next bar line. Targets: p99 < 1 ms, max < 2 ms; a tempo change
//!     followed within one beat. It runs itself in a private network namespace (`unshare
//!     -n`, as root), so Link's multicast never leaves the machine.
//!
//! (h) First sound after `flam play` starts, on a JACK server of 256-frame periods: the
//!     binary is started as a user starts it, with MIDI out to a JACK port and with the synth
//!     on JACK, several times each, idle and with two busy-loop threads. A listening client
//!     notes JACK's frame clock just before the start and the frame of the first note-on on
//!     its MIDI input, or of the first sound on the monitor ports (what reaches the speakers).
//!     Printed: that time (min/median/max), flam's own `--verbose` breakdown (audio device
//!     found, outputs opened, ready, pre-roll, first note), messages late on their frame and the JACK
//!     frame error of the bar's notes. Targets: under 100 ms; frame error 0.
//!     `FLAM_START_BIN=PATH` measures another build of flam (a before/after).
//!
//! Run with `cargo bench --bench engine` (`-- dense`, `-- transport`, `-- link`, `-- start` run one part). Parts (a), (c),
//! (e) and (h) need `jackd` (they start their own server).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use flam::engine::message::Message;
use flam::engine::midi::Midi;
use flam::engine::plan;
use flam::engine::planner::Planner;
use flam::engine::planner_options::PlannerOptions;
use flam::engine::sender::Sender;
use flam::engine::wait::seconds_since;
use flam::lang::song::{Song, compile};
use flam::output::capture::Capture;
use flam::output::target::Target;
use flam::session::play_options::PlayOptions;
use flam::session::player::Player;
use flam::session::realtime;
use flam::theory::time::Time;
#[path = "../tests/support/clock_master.rs"]
mod clock_master;
#[cfg(feature = "link")]
#[path = "../tests/support/private_network.rs"]
mod private_network;
#[path = "../tests/support/queue_client.rs"]
mod queue_client;
#[path = "../tests/support/jack.rs"]
mod support;
#[path = "../tests/support/tmux.rs"]
mod tmux;
#[path = "../tests/support/tool.rs"]
mod tool;
use rtrb::RingBuffer;
use support::{RATE, Recorder, Server};

const BARS: i64 = 20;

/// 32nd-note hats and a bass line at 600 BPM: 0.4 s bars, about 70 messages a bar.
const SONG: &str = "tempo 600\ntrack hats drums\n  play \"hh*32\"\n  vel \"100 60 80 60\"\ntrack bass channel 2 program 33\n  play \"c2 [e2 g2] c2 ~\"\n";

/// The dense song of (e): eight tracks at the same tempo, each a signal on its filter at 32
/// steps a bar beside eighth notes, on its own channel.
fn dense() -> String {
    let mut src = String::from("tempo 600\n");
    let signals = [
        "sine", "cosine", "saw", "isaw", "tri", "square", "rand", "perlin",
    ];
    for (i, signal) in signals.iter().enumerate() {
        src.push_str(&format!(
            "track synth{i} channel {}\n  play \"c4*8\"\n  cc cutoff {signal} segment 32\n",
            i + 1
        ));
    }
    src
}

fn compiled(src: &str) -> Song {
    compile(src).expect("the benchmark song compiles")
}

/// Whether a recorded message is one the song plays: a note or a lane's value (not the
/// setup's program, nor the All Notes Off of the end).
fn played(bytes: &[u8]) -> bool {
    support::is_note(bytes) || (bytes[0] & 0xf0 == 0xb0 && bytes[1] < 120)
}

/// Two threads spinning until dropped, to load both cores.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start() -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..2)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

// ---------------------------------------------------------------------------------------
// (a) JACK

fn jack_run(label: &str, src: &str) {
    let mut rec = Recorder::new(1);
    let song = compiled(src);
    let opened = flam::output::open(&Target::Jack(Some("rec:in0".into())), Some(label))
        .expect("flam's JACK output opens");
    let player = Player::start(
        song.clone(),
        vec![(opened.sink, 0.0)],
        &PlayOptions {
            bars: Some(BARS),
            ..PlayOptions::default()
        },
    );
    let ending = player.wait();
    std::thread::sleep(Duration::from_millis(50));
    let got: Vec<(i64, [u8; 3])> = rec
        .port(0)
        .iter()
        .filter(|r| played(r.bytes()))
        .map(|r| (i64::from(r.frame), r.bytes))
        .collect();
    let want: Vec<(i64, [u8; 3])> = plan::notes(&song, Time::ZERO, Time::from_integer(BARS))
        .iter()
        .map(|t| {
            (
                (t.seconds * f64::from(RATE)).round() as i64,
                t.message.bytes().0,
            )
        })
        .collect();
    if got.len() != want.len() || got.is_empty() {
        println!(
            "  {label}: recorded {} note messages, planned {} ({ending:?})",
            got.len(),
            want.len()
        );
        return;
    }
    let (g0, w0) = (got[0].0, want[0].0);
    let mut errors: Vec<f64> = got
        .iter()
        .zip(&want)
        .map(|(g, w)| (((g.0 - g0) as u32 as i32 as i64) - (w.0 - w0)).abs() as f64)
        .collect();
    errors.sort_by(f64::total_cmp);
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    // An xrun lets JACK move a period's data whoever was late, so the figures say how many.
    println!(
        "  {label:<22} {} events  frame error: mean {mean:.3}  p99 {:.0}  max {:.0}  (server xruns: {})",
        errors.len(),
        percentile(&errors, 0.99),
        errors.last().copied().unwrap_or(f64::NAN),
        rec.xruns()
    );
}

fn bench_jack() {
    println!(
        "(a) JACK: recorded frame vs ideal frame (relative to the first event), 48 kHz, 256-frame periods"
    );
    let Some(_server) = Server::start() else {
        println!("  skipped: could not start jackd (apt-get install jackd2)");
        return;
    };
    jack_run("idle", SONG);
    let load = Load::start();
    jack_run("two busy threads", SONG);
    drop(load);
}

// ---------------------------------------------------------------------------------------
// (b) the sender's own timing (what ALSA output gets)

fn sender_run(label: &str, promote: bool, src: &str) {
    let song = compiled(src);
    let (producer, consumer) = RingBuffer::new(1 << 16);
    let mut planner = Planner::new(
        song,
        PlannerOptions {
            bars: Some(BARS),
            ..PlannerOptions::default()
        },
        vec![producer],
    );
    let epoch = Instant::now() + Duration::from_millis(100);
    let planning = std::thread::spawn(move || {
        while planner.step(seconds_since(epoch, Instant::now())) {
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let sending = std::thread::spawn(move || {
        let promoted = promote && realtime::promote_current_thread();
        let mut sender = Sender::new(
            Capture::with_capacity(100_000),
            consumer,
            Arc::new(AtomicBool::new(false)),
            epoch,
            0.0,
            false,
        );
        sender.run();
        (sender.into_sink(), promoted)
    });
    let _ = planning.join();
    let Ok((capture, promoted)) = sending.join() else {
        println!("  {label}: the sender panicked");
        return;
    };
    let mut late: Vec<f64> = capture
        .records()
        .iter()
        .filter(|r| {
            r.intended.is_finite()
                && matches!(
                    r.midi,
                    Midi::Channel(Message::NoteOn { .. } | Message::NoteOff { .. })
                        | Midi::Channel(Message::Control {
                            controller: 0..120,
                            ..
                        })
                )
        })
        .map(|r| (r.actual - r.intended) * 1e6)
        .collect();
    late.sort_by(f64::total_cmp);
    println!(
        "  {label:<34} {} events  send error µs: p50 {:.1}  p99 {:.1}  max {:.1}  (min {:.1}; real-time priority: {})",
        late.len(),
        percentile(&late, 0.5),
        percentile(&late, 0.99),
        late.last().copied().unwrap_or(f64::NAN),
        late.first().copied().unwrap_or(f64::NAN),
        if promoted { "yes" } else { "no" }
    );
}

fn bench_sender() {
    println!("(b) sender (ALSA-style path): capture timestamp at send vs ideal deadline");
    sender_run("idle", true, SONG);
    {
        let _load = Load::start();
        sender_run("two busy threads", true, SONG);
    }
    {
        let _load = Load::start();
        sender_run("two busy threads, no RT priority", false, SONG);
    }
}

// ---------------------------------------------------------------------------------------
// (c) Following MIDI clock

/// Sixteenths: a note every 6 pulses.
const SIXTEENTHS: &str = "tempo 90\ntrack hats drums\n  play \"hh*16\"\n";

/// Bars each clock run plays.
const CLOCK_BARS: i64 = 8;

/// Plays sixteenths for [`CLOCK_BARS`] bars to the recorder's first port, in time with
/// `clock`, hearing `input` (a master's clock) when there is one.
fn following(
    label: &str,
    clock: Box<dyn flam::engine::clock_source::ClockSource>,
    input: Option<rtrb::Consumer<flam::engine::stamped::Stamped>>,
) -> Player {
    let opened = flam::output::open(&Target::Jack(Some("rec:in0".into())), Some(label))
        .expect("flam's JACK output opens");
    Player::start_listening(
        compile(SIXTEENTHS).expect("compiles"),
        vec![(opened.sink, 0.0)],
        &PlayOptions {
            bars: Some(CLOCK_BARS),
            lookahead: 0.12,
            ..PlayOptions::default()
        },
        clock,
        flam::session::player::Listening {
            input,
            forward: None,
        },
    )
}

/// The frames of the note-ons the recorder's first port heard.
fn onset_frames(rec: &mut Recorder) -> Vec<u32> {
    rec.port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .map(|r| r.frame)
        .collect()
}

fn clock_run(label: &str, bpm: f64, jitter_us: u32, ramp_to: Option<f64>) {
    use flam::engine::midi_clock::MidiClock;
    use flam::output::input_target::InputTarget;

    let mut rec = Recorder::new(1);
    let mut master = clock_master::ClockMaster::new(bpm);
    master.jitter(jitter_us);
    let mut input = flam::output::open_input(&InputTarget::Jack(Some("clk:out".into())))
        .expect("flam's JACK input opens");
    let Some(messages) = input.messages.take() else {
        return;
    };
    let player = following(label, Box::new(MidiClock::new()), Some(messages));
    std::thread::sleep(Duration::from_millis(300));
    let _ = master.ideal_pulses();
    master.start();
    let started = Instant::now();
    let mut tempo_errors = Vec::new();
    while !player.is_finished() {
        std::thread::sleep(Duration::from_millis(5));
        let pulses = master
            .shared
            .pulses
            .load(std::sync::atomic::Ordering::Acquire) as f64;
        let beats = pulses / 24.0;
        let now_bpm = match ramp_to {
            // The ramp: the first two bars steady, then up over four bars, then steady.
            Some(to) => bpm + (to - bpm) * ((beats - 8.0) / 16.0).clamp(0.0, 1.0),
            None => bpm,
        };
        master.set_bpm(now_bpm);
        // Steady tempo: read in the last two bars.
        if ramp_to.is_none() && beats > 24.0 {
            tempo_errors.push((player.position().bpm / bpm - 1.0).abs() * 100.0);
        }
        if started.elapsed() > Duration::from_secs(60) {
            player.stop();
        }
    }
    let _ = player.wait();
    std::thread::sleep(Duration::from_millis(50));
    let ideal = master.ideal_pulses();
    let ons: Vec<f64> = onset_frames(&mut rec).into_iter().map(f64::from).collect();
    let notes = (CLOCK_BARS * 16) as usize;
    if ons.len() != notes || ideal.len() < (notes - 1) * 6 {
        println!(
            "  {label:<22} recorded {} note-ons of {notes}, {} pulses",
            ons.len(),
            ideal.len()
        );
        return;
    }
    let ms = |frames: f64| frames / f64::from(RATE) * 1000.0;
    let start_latency = ms(ons[0] - ideal[0]);
    let mut errors: Vec<f64> = ons
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, on)| ms(on - ideal[k * 6]).abs())
        .collect();
    errors.sort_by(f64::total_cmp);
    tempo_errors.sort_by(f64::total_cmp);
    let tempo = if tempo_errors.is_empty() {
        String::new()
    } else {
        format!(
            "  tempo error: median {:.3}%  max {:.3}%",
            percentile(&tempo_errors, 0.5),
            tempo_errors.last().copied().unwrap_or(f64::NAN)
        )
    };
    println!(
        "  {label:<22} {} onsets  error vs the master's pulses: {}  (downbeat after Start: {start_latency:.2} ms; xruns: {}){tempo}",
        errors.len(),
        spread_ms(&errors),
        rec.xruns()
    );
}

/// p50, p99 and max of errors in milliseconds, sorted.
fn spread_ms(sorted: &[f64]) -> String {
    format!(
        "p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        sorted.last().copied().unwrap_or(f64::NAN)
    )
}

/// Runs `runs` on a JACK server of their own, after a title line.
fn on_jackd(title: &str, runs: impl FnOnce()) {
    println!("{title}");
    let Some(_server) = Server::start() else {
        println!("  skipped: could not start jackd (apt-get install jackd2)");
        return;
    };
    runs();
}

fn bench_clock() {
    on_jackd(
        &format!(
            "(c) following a MIDI clock master on JACK, sixteenths for {CLOCK_BARS} bars, 120 ms lookahead"
        ),
        || {
            clock_run("steady 120", 120.0, 0, None);
            clock_run("120, ±1 ms jitter", 120.0, 1000, None);
            clock_run("ramp 100→140", 100.0, 0, Some(140.0));
        },
    );
}

/// Follows JACK transport (flam its timebase master when `master`), sixteenths for
/// [`CLOCK_BARS`] bars, and prints each note-on's distance from where the transport puts it.
fn transport_run(label: &str, master: bool) {
    use flam::output::jack::transport::JackTransport;

    let mut rec = Recorder::new(1);
    let (buttons, _) = jack::Client::new("buttons", jack::ClientOptions::NO_START_SERVER)
        .expect("a transport client");
    let transport = buttons.transport();
    let _ = transport.stop();
    let _ = transport.locate(0);
    let bpm = 90.0;
    let clock = if master {
        JackTransport::master(bpm, 4, 4)
    } else {
        JackTransport::open(bpm)
    }
    .expect("the transport client opens");
    let player = following(label, Box::new(clock), None);
    std::thread::sleep(Duration::from_millis(300));
    let _ = transport.start();
    // Where transport frame 0 falls in JACK's frame clock: a rolling position's frame, less
    // the frames since the moment it was stamped with.
    let mut origin = None;
    let started = Instant::now();
    while !player.is_finished() {
        if origin.is_none()
            && let Ok(q) = transport.query()
            && q.state == jack::TransportState::Rolling
            && let Some(usecs) = q.pos.usecs()
        {
            origin = Some(i64::from(buttons.time_to_frames(usecs)) - i64::from(q.pos.frame()));
        }
        std::thread::sleep(Duration::from_millis(5));
        if started.elapsed() > Duration::from_secs(60) {
            player.stop();
        }
    }
    let _ = player.wait();
    let _ = transport.stop();
    std::thread::sleep(Duration::from_millis(50));
    let ons: Vec<i64> = onset_frames(&mut rec).into_iter().map(i64::from).collect();
    let notes = (CLOCK_BARS * 16) as usize;
    let Some(origin) = origin.filter(|_| ons.len() == notes) else {
        println!("  {label:<22} recorded {} note-ons of {notes}", ons.len());
        return;
    };
    let step = 60.0 / bpm / 4.0 * f64::from(RATE);
    let ms = |frames: f64| frames / f64::from(RATE) * 1000.0;
    let mut errors: Vec<f64> = ons
        .iter()
        .enumerate()
        .map(|(k, &on)| ms((on - origin) as f64 - k as f64 * step).abs())
        .collect();
    let first = errors[0];
    errors.sort_by(f64::total_cmp);
    println!(
        "  {label:<22} {} onsets  error vs the transport's position: {}  (first note {first:.2} ms after the transport's start; xruns: {})",
        errors.len(),
        spread_ms(&errors),
        rec.xruns()
    );
}

fn bench_transport() {
    on_jackd(
        &format!(
            "(f) following JACK transport, sixteenths at 90 for {CLOCK_BARS} bars, 120 ms lookahead"
        ),
        || {
            transport_run("transport, frames", false);
            transport_run("flam timebase master", true);
        },
    );
}

// ---------------------------------------------------------------------------------------
// (g) An Ableton Link session

#[cfg(not(feature = "link"))]
fn bench_link() {
    println!(
        "(g) Ableton Link: skipped, built without the `link` feature (cargo bench --bench engine --features link -- link)"
    );
}

/// Runs part (g) inside a private network namespace with only loopback (the bench runs
/// itself again there).
#[cfg(feature = "link")]
fn bench_link() {
    if private_network::inside() {
        on_jackd(
            "(g) following an Ableton Link session on JACK, sixteenths for 8 bars, 120 ms lookahead",
            || {
                link_run("steady 120", None);
                link_run("120, then 140 at bar 4", Some(140.0));
            },
        );
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        println!("(g) Ableton Link: skipped, the bench cannot find itself");
        return;
    };
    let status = private_network::again(&exe, &["--bench", "link"]).status();
    if !status.is_ok_and(|s| s.success()) {
        println!("(g) Ableton Link: skipped, no private network namespace (unshare -n needs root)");
    }
}

/// A Link peer at 120 BPM and flam following it for 8 bars of sixteenths; with `change_to`,
/// the peer changes tempo at bar 4. Prints each note-on's distance from the session's time
/// for its beat.
#[cfg(feature = "link")]
fn link_run(label: &str, change_to: Option<f64>) {
    use flam::session::link_clock::{self, LinkClock};
    use rusty_link::{AblLink, SessionState};

    let peer = AblLink::new(120.0);
    peer.enable(true);
    std::thread::sleep(Duration::from_millis(800));
    let mut rec = Recorder::new(1);
    let (clock, _) =
        jack::Client::new("link-clock", jack::ClientOptions::NO_START_SERVER).expect("a client");
    let asked = peer.clock_micros();
    let link = link_clock::join(90.0);
    let player = following(label, Box::new(LinkClock::new(link, 4.0, 0.0)), None);
    let mut early = SessionState::new();
    let mut late = SessionState::new();
    let mut changed = None;
    let started = Instant::now();
    while !player.is_finished() {
        if let Some(bpm) = change_to
            && changed.is_none()
            && onset_frames(&mut rec).len() >= 64
        {
            // Half a step on: the next note is inside the lookahead, already handed over at
            // the old tempo, the worst moment for a change.
            std::thread::sleep(Duration::from_millis(60));
            peer.capture_app_session_state(&mut early);
            let at = peer.clock_micros();
            let mut moved = SessionState::new();
            peer.capture_app_session_state(&mut moved);
            moved.set_tempo(bpm, at);
            peer.commit_app_session_state(&moved);
            changed = Some(at);
        }
        std::thread::sleep(Duration::from_millis(2));
        if started.elapsed() > Duration::from_secs(60) {
            player.stop();
        }
    }
    let _ = player.wait();
    std::thread::sleep(Duration::from_millis(50));
    peer.capture_app_session_state(&mut late);
    if changed.is_none() {
        peer.capture_app_session_state(&mut early);
    }
    let times: Vec<i64> = onset_frames(&mut rec)
        .into_iter()
        .map(|f| clock.frames_to_time(f) as i64)
        .collect();
    let notes = (CLOCK_BARS * 16) as usize;
    if times.len() != notes {
        println!("  {label:<24} recorded {} note-ons of {notes}", times.len());
        return;
    }
    let origin = (early.beat_at_time(times[0], 4.0) / 4.0).round() * 4.0;
    let ideal: Vec<i64> = (0..notes)
        .map(|k| {
            let beat = origin + k as f64 * 0.25;
            let before = early.time_at_beat(beat, 4.0);
            match changed {
                Some(c) if before >= c => late.time_at_beat(beat, 4.0),
                _ => before,
            }
        })
        .collect();
    let errors_ms: Vec<f64> = times
        .iter()
        .zip(&ideal)
        .map(|(t, i)| (t - i) as f64 / 1000.0)
        .collect();
    let join_ms = (ideal[0] - asked) as f64 / 1000.0;
    // The first note comes before any change: on the session's timeline as it began.
    let phase = early.phase_at_time(times[0], 4.0);
    let first_phase = phase.min(4.0 - phase);
    match changed {
        None => {
            let mut abs: Vec<f64> = errors_ms.iter().map(|e| e.abs()).collect();
            abs.sort_by(f64::total_cmp);
            println!(
                "  {label:<24} {} onsets  error vs the session's time: {}  (joined on the session's bar line {join_ms:.0} ms after flam started, {first_phase:.4} beats off it; xruns: {})",
                abs.len(),
                spread_ms(&abs),
                rec.xruns()
            );
        }
        Some(c) => {
            // Back on the session's time: the first note after the change from which every
            // error stays under a millisecond.
            let after = ideal.iter().position(|i| *i >= c).unwrap_or(notes);
            let back = (after..notes)
                .rev()
                .take_while(|k| errors_ms[*k].abs() < 1.0)
                .last()
                .unwrap_or(notes)
                .max(after);
            let follow_ms = (ideal[back.min(notes - 1)] - c) as f64 / 1000.0;
            let beat_ms = 60_000.0 / change_to.unwrap_or(120.0);
            let mut settled: Vec<f64> = errors_ms[back.min(notes - 1)..]
                .iter()
                .map(|e| e.abs())
                .collect();
            settled.sort_by(f64::total_cmp);
            let worst = errors_ms.iter().fold(0.0f64, |m, e| m.max(e.abs()));
            println!(
                "  {label:<24} back within 1 ms of the session {follow_ms:.0} ms ({:.2} beats) after the change; from then {}; worst note {worst:.1} ms off; {} onsets before the change (xruns: {})",
                follow_ms / beat_ms,
                spread_ms(&settled),
                ideal.iter().filter(|i| **i < c).count(),
                rec.xruns()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// (d) A keyboard playing the arpeggiator

/// Sixteenth-note arpeggio at 120 BPM (6,000 frames a step) over a kick on every beat.
const KEYS: &str =
    "tempo 120\ntrack keys\n  input ch 1\n  arp up rate 1/16\ntrack kick drums\n  play \"bd*4\"\n";

fn bench_keys() {
    use flam::output::input_target::InputTarget;

    println!("(d) keyboard to arpeggio on JACK, sixteenths at 120 BPM (a step is 125 ms)");
    let Some(_server) = Server::start() else {
        println!("  skipped: could not start jackd (apt-get install jackd2)");
        return;
    };
    let mut rec = Recorder::new(1);
    let keys = queue_client::QueueClient::new("kbd");
    let mut input = flam::output::open_input(&InputTarget::Jack(Some("kbd:out".into())))
        .expect("flam's JACK input opens");
    let opened = flam::output::open(&Target::Jack(Some("rec:in0".into())), Some("bench-keys"))
        .expect("flam's JACK output opens");
    let player = Player::start_listening(
        compile(KEYS).expect("compiles"),
        vec![(opened.sink, 0.0)],
        &PlayOptions::default(),
        Box::new(flam::engine::internal_clock::InternalClock),
        flam::session::player::Listening {
            input: input.messages.take(),
            forward: None,
        },
    );
    std::thread::sleep(Duration::from_millis(600));
    let step = f64::from(RATE) / 8.0;
    let mut presses = Vec::new();
    for i in 0..40u64 {
        // Spread over the beat: a different distance to the next step each time.
        std::thread::sleep(Duration::from_millis(400 + (i * 37) % 125));
        let down = keys.send(&[0x90, 60, 100, 0x90, 64, 100]);
        std::thread::sleep(Duration::from_millis(300));
        keys.send(&[0x80, 60, 0, 0x80, 64, 0]);
        presses.push(down);
    }
    std::thread::sleep(Duration::from_millis(400));
    player.stop();
    let _ = player.wait();
    std::thread::sleep(Duration::from_millis(50));
    let all = rec.port(0);
    let ons = |key: fn(u8) -> bool| -> Vec<f64> {
        all.iter()
            .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0 && key(r.bytes()[1]))
            .map(|r| f64::from(r.frame))
            .collect()
    };
    let kicks = ons(|k| k == 36);
    let arp = ons(|k| k != 36);
    let Some(&origin) = kicks.first() else {
        println!("  no kick recorded");
        return;
    };
    let ms = |frames: f64| frames / f64::from(RATE) * 1000.0;
    let (mut latency, mut off_grid, mut skipped) = (Vec::new(), Vec::new(), 0);
    let mut caught = Vec::new();
    for &down in &presses {
        let down = f64::from(down);
        let Some(&first) = arp.iter().find(|&&f| f >= down) else {
            continue;
        };
        // The grid's next step at or after the press, and how far the first note is from it.
        let next = origin + ((down - origin) / step).ceil() * step;
        let steps_late = ((first - next) / step).round();
        if steps_late >= 1.0 {
            skipped += 1;
        }
        let off = first - (next + steps_late * step);
        if steps_late == 0.0 && ms(off) > 2.0 {
            // A step too close to the press to make on time, played at once instead.
            caught.push(ms(off));
        } else {
            off_grid.push(ms(off.abs()));
        }
        latency.push(ms(first - down));
    }
    latency.sort_by(f64::total_cmp);
    off_grid.sort_by(f64::total_cmp);
    caught.sort_by(f64::total_cmp);
    println!(
        "  {} presses  key to first note: p50 {:.1} ms  max {:.1} ms  on the next step: {} (max {:.3} ms off)  next step too close, played at once: {} (max {:.1} ms after it)  next step skipped: {skipped}  (xruns: {})",
        latency.len(),
        percentile(&latency, 0.5),
        latency.last().copied().unwrap_or(f64::NAN),
        off_grid.len(),
        off_grid.last().copied().unwrap_or(f64::NAN),
        caught.len(),
        caught.last().copied().unwrap_or(0.0),
        rec.xruns()
    );
}

// ---------------------------------------------------------------------------------------
// (e) A dense song: eight controller signals at 32 steps a bar

fn bench_dense() {
    let dense = dense();
    println!("(e) dense song: 8 tracks, a cc signal on each at segment 32, beside the plain song");
    sender_run("sender, plain song", true, SONG);
    sender_run("sender, dense song", true, &dense);
    let Some(_server) = Server::start() else {
        println!("  skipped JACK: could not start jackd (apt-get install jackd2)");
        return;
    };
    jack_run("JACK, plain song", SONG);
    jack_run("JACK, dense song", &dense);
}

// ---------------------------------------------------------------------------------------
// (h) First sound after `flam play` starts

/// A bar of kicks at 600 BPM (a quarter note is 4,800 frames), the first on the downbeat.
const FIRST: &str = "tempo 600\ntrack kick drums\n  play \"bd*4\"\n";

/// Frames between the kicks of [`FIRST`].
const FIRST_STEP: i64 = 4_800;

/// Starts measured per output and load.
const START_RUNS: usize = 7;

/// The server's period for (h): the docs' example server.
const START_PERIOD: u32 = 256;

/// The listening client's process callback: the frame of every note-on on its MIDI input,
/// and of the first sample louder than −60 dBFS on its audio inputs.
struct Ears {
    midi: jack::Port<jack::MidiIn>,
    audio: [jack::Port<jack::AudioIn>; 2],
    notes: rtrb::Producer<u32>,
    first_sound: Arc<std::sync::atomic::AtomicU64>,
}

impl jack::ProcessHandler for Ears {
    fn process(&mut self, _: &jack::Client, ps: &jack::ProcessScope) -> jack::Control {
        let start = ps.last_frame_time();
        for event in self.midi.iter(ps) {
            let b = event.bytes;
            if b.len() == 3 && b[0] & 0xf0 == 0x90 && b[2] > 0 {
                let _ = self.notes.push(start.wrapping_add(event.time));
            }
        }
        if self.first_sound.load(Ordering::Relaxed) == u64::MAX {
            let [left, right] = &self.audio;
            let loud = left
                .as_slice(ps)
                .iter()
                .zip(right.as_slice(ps))
                .position(|(l, r)| l.abs().max(r.abs()) > 1e-3);
            if let Some(i) = loud {
                let frame = start.wrapping_add(i as u32);
                self.first_sound.store(u64::from(frame), Ordering::Relaxed);
            }
        }
        jack::Control::Continue
    }
}

/// A JACK client `ears` listening on `ears:in` (MIDI) and to the monitor ports.
struct Listener {
    client: jack::AsyncClient<(), Ears>,
    notes: rtrb::Consumer<u32>,
    first_sound: Arc<std::sync::atomic::AtomicU64>,
}

impl Listener {
    fn new() -> Listener {
        let (client, _) = jack::Client::new("ears", jack::ClientOptions::NO_START_SERVER)
            .expect("the listening client opens");
        let midi = client
            .register_port("in", jack::MidiIn::default())
            .expect("port");
        let audio = ["left", "right"].map(|n| {
            client
                .register_port(n, jack::AudioIn::default())
                .expect("port")
        });
        let (producer, notes) = RingBuffer::new(1024);
        let first_sound = Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
        let ears = Ears {
            midi,
            audio,
            notes: producer,
            first_sound: first_sound.clone(),
        };
        let client = client.activate_async((), ears).expect("activate");
        for (from, to) in [
            ("system:monitor_1", "ears:left"),
            ("system:monitor_2", "ears:right"),
        ] {
            client
                .as_client()
                .connect_ports_by_name(from, to)
                .expect("connect the monitor ports");
        }
        Listener {
            client,
            notes,
            first_sound,
        }
    }

    /// The frames of the note-ons heard so far.
    fn note_frames(&mut self) -> Vec<u32> {
        let mut frames = Vec::new();
        while let Ok(f) = self.notes.pop() {
            frames.push(f);
        }
        frames
    }
}

/// The number just before `unit` in the first of `text`'s lines that has `key` and `unit`
/// after it (`found the audio device in 24.0 ms`).
fn figure(text: &str, key: &str, unit: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let rest = &line[line.find(key)? + key.len()..];
        rest[..rest.find(unit)?].trim().parse().ok()
    })
}

/// One start of flam: ms from just before it was started to its first sound (by JACK's
/// frame clock), its own `--verbose` figures, messages late on their frame, and the largest
/// frame error of the bar's notes (MIDI only).
struct Start {
    first_ms: f64,
    device_ms: Option<f64>,
    opened_ms: Option<f64>,
    ready_ms: Option<f64>,
    preroll_ms: Option<f64>,
    heard_ms: Option<f64>,
    late: u64,
    frame_error: Option<i64>,
}

fn start_once(file: &std::path::Path, args: &[&str], synth: bool) -> Result<Start, String> {
    let mut ears = Listener::new();
    let bin =
        std::env::var_os("FLAM_START_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_flam").into());
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("play")
        .arg(file)
        .args(args)
        .args(["--bars", "1", "-v"]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let before = ears.client.as_client().frame_time();
    let child = cmd
        .spawn()
        .map_err(|e| format!("flam does not start: {e}"))?;
    let (status, stderr) = support::finish(child, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(50));
    if !status.success() {
        return Err(format!("flam failed: {stderr}"));
    }
    let notes = ears.note_frames();
    let first = if synth {
        match ears.first_sound.load(Ordering::Relaxed) {
            u64::MAX => return Err(format!("no sound reached the speakers: {stderr}")),
            f => f as u32,
        }
    } else {
        *notes
            .first()
            .ok_or_else(|| format!("no note came: {stderr}"))?
    };
    let frame_error = (!synth).then(|| {
        notes
            .iter()
            .enumerate()
            .map(|(k, f)| (i64::from(f.wrapping_sub(first) as i32) - k as i64 * FIRST_STEP).abs())
            .max()
            .unwrap_or(0)
    });
    let late = figure(
        &stderr,
        "flam: ",
        " messages went out to JACK after their frame",
    )
    .or_else(|| {
        figure(
            &stderr,
            "callbacks over their time), ",
            " notes started late",
        )
    })
    .unwrap_or(0.0) as u64;
    Ok(Start {
        first_ms: f64::from(first.wrapping_sub(before) as i32) / f64::from(RATE) * 1000.0,
        device_ms: figure(&stderr, "found the audio device in ", " ms"),
        opened_ms: figure(&stderr, "opened the outputs in ", " ms"),
        ready_ms: figure(&stderr, "ready ", " ms after start"),
        preroll_ms: figure(&stderr, "after a pre-roll of ", " ms"),
        heard_ms: figure(&stderr, "the first note sounded ", " ms after start"),
        late,
        frame_error,
    })
}

/// min/median/max of some figures in ms, or a dash when there are none.
fn spread(mut values: Vec<f64>) -> String {
    if values.is_empty() {
        return "–".into();
    }
    values.sort_by(f64::total_cmp);
    format!(
        "{:.0}/{:.0}/{:.0}",
        values[0],
        percentile(&values, 0.5),
        values[values.len() - 1]
    )
}

fn start_runs(label: &str, file: &std::path::Path, args: &[&str], synth: bool) {
    let mut starts = Vec::new();
    for _ in 0..START_RUNS {
        match start_once(file, args, synth) {
            Ok(s) => starts.push(s),
            Err(e) => {
                println!("  {label}: {}", e.lines().next().unwrap_or(""));
                return;
            }
        }
    }
    let all = |f: fn(&Start) -> Option<f64>| spread(starts.iter().filter_map(f).collect());
    let frame_error = starts.iter().filter_map(|s| s.frame_error).max();
    println!(
        "  {label:<30} first sound {} ms (min/median/max of {START_RUNS})  flam -v: audio device {}, outputs opened {}, ready {}, pre-roll {}, first note {} ms  late messages {}{}",
        all(|s| Some(s.first_ms)),
        all(|s| s.device_ms),
        all(|s| s.opened_ms),
        all(|s| s.ready_ms),
        all(|s| s.preroll_ms),
        all(|s| s.heard_ms),
        starts.iter().map(|s| s.late).sum::<u64>(),
        frame_error.map_or(String::new(), |e| format!("  frame error max {e}")),
    );
}

/// `flam live` in tmux sending MIDI to the listener: F5 pressed [`START_RUNS`] times, each
/// after a stop and a second's rest; the time from just before `tmux send-keys F5` runs to
/// the first note at the listener (so it includes tmux passing the key on).
fn live_runs(file: &std::path::Path) {
    let label = "flam live, F5 to first note";
    let mut ears = Listener::new();
    let server = std::env::var("JACK_DEFAULT_SERVER").unwrap_or_default();
    let bin =
        std::env::var_os("FLAM_START_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_flam").into());
    let command = format!(
        "env JACK_DEFAULT_SERVER={server} {} live {} --out jack:ears:in; sleep 60",
        std::path::Path::new(&bin).display(),
        file.display()
    );
    let Some(ui) = tmux::Tmux::start("bench-live", &command) else {
        println!("  {label}: skipped (no tmux)");
        return;
    };
    ui.wait_for("✓ compiled");
    let mut times = Vec::new();
    for _ in 0..START_RUNS {
        // Stopped a while: whatever the UI opens ahead of a start has had time to open.
        std::thread::sleep(Duration::from_secs(1));
        ears.note_frames();
        let before = ears.client.as_client().frame_time();
        ui.keys(&["F5"]);
        let give_up = Instant::now() + Duration::from_secs(5);
        let first = loop {
            if let Some(&f) = ears.note_frames().first() {
                break Some(f);
            }
            if Instant::now() > give_up {
                break None;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let Some(first) = first else {
            println!("  {label}: no note came");
            return;
        };
        times.push(f64::from(first.wrapping_sub(before) as i32) / f64::from(RATE) * 1000.0);
        ui.keys(&["F5"]);
        ui.wait_for("■ stopped");
    }
    ui.keys(&["C-q"]);
    println!(
        "  {label:<30} {} ms (min/median/max of {START_RUNS}; one period is {:.1} ms)",
        spread(times),
        f64::from(START_PERIOD) / f64::from(RATE) * 1000.0
    );
}

fn bench_start() {
    println!(
        "(h) first sound after `flam play` starts (JACK's frame clock, from just before the start to the first note at flam's port or the first sound at the speakers), {START_PERIOD}-frame periods at 48 kHz"
    );
    let Some(_server) = Server::start_with_period(START_PERIOD, &["-m"]) else {
        println!("  skipped: could not start jackd (apt-get install jackd2)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("flam-bench-start-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        println!("  skipped: no scratch folder");
        return;
    }
    let file = dir.join("first.flam");
    if std::fs::write(&file, FIRST).is_err() {
        println!("  skipped: cannot write the song");
        return;
    }
    let midi = ["--out", "jack:ears:in"];
    let synth = ["--out", "synth", "--audio", "jack"];
    live_runs(&file);
    start_runs("MIDI out to JACK, idle", &file, &midi, false);
    start_runs("synth on JACK, idle", &file, &synth, true);
    {
        let _load = Load::start();
        start_runs("MIDI out to JACK, two busy", &file, &midi, false);
        start_runs("synth on JACK, two busy", &file, &synth, true);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `cargo bench` passes --bench; under `cargo test --benches` (no flag) only check that
    // the benchmark builds, since it takes half a minute and starts a JACK server.
    if !std::env::args().any(|a| a == "--bench") {
        println!("engine benchmark: run it with `cargo bench --bench engine`");
        return;
    }
    // `cargo bench --bench engine -- clock` or `-- keys` runs that part alone.
    let clock = std::env::args().any(|a| a == "clock");
    let keys = std::env::args().any(|a| a == "keys");
    // The parts that run only when named.
    let alone: [(&str, fn()); 4] = [
        ("dense", bench_dense),
        ("transport", bench_transport),
        ("link", bench_link),
        ("start", bench_start),
    ];
    if let Some((_, bench)) = alone
        .iter()
        .find(|(name, _)| std::env::args().any(|a| a == *name))
    {
        bench();
        return;
    }
    if !clock && !keys {
        bench_sender();
        bench_jack();
    }
    if !keys {
        bench_clock();
    }
    if !clock {
        bench_keys();
        bench_dense();
        bench_transport();
        bench_link();
        bench_start();
    }
}
