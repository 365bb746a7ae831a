//! flam in an Ableton Link session, end to end: a Link peer of the test's own (rusty_link,
//! as Live or Bitwig would be) and `flam play --sync link` playing to a JACK recording client.
//! Each recorded note is placed on the session's timeline through JACK's clock, which is
//! Link's clock on Linux.
//!
//! Link finds its peers by multicast on every network interface, so each test runs itself
//! again inside a private network namespace that has only loopback (`unshare -n`, as root,
//! which CI is): no packet leaves the machine.
#![cfg(feature = "link")]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use jack::{Client, ClientOptions};
use rosc::{OscMessage, OscPacket, OscType};
use rusty_link::{AblLink, SessionState};

#[path = "support/private_network.rs"]
mod private_network;
#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

/// How far off the session's beat grid a note may land and still be on its beat, in beats:
/// this tells a note on its beat from one a sixteenth (0.25) away. The bench measures the
/// real error (p99 well under a millisecond); on a loaded machine the JACK output's frame
/// clock is sometimes tied to play time a period (21 ms) off, which this allows.
const ON_THE_BEAT: f64 = 0.1;

/// Runs `test` again inside a private network namespace with only loopback, multicast routed
/// to it; true when this is that run (the test body goes on), false after the inner run
/// passed (or, outside CI, when no namespace can be made: one line says so).
fn in_private_network(test: &str) -> bool {
    if private_network::inside() {
        return true;
    }
    if !private_network::possible() {
        tool::unavailable(
            "a private network namespace (unshare -n, as root)",
            "run the tests as root, as CI does",
        );
        return false;
    }
    // One at a time: each inner run starts a JACK server of its own.
    let _turn = take_turn();
    let exe = std::env::current_exe().expect("the test's own path");
    let out = private_network::again(&exe, &["--exact", test, "--nocapture", "--test-threads=1"])
        .output()
        .expect("unshare runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{said}");
    assert!(out.status.success(), "inside the private network: {said}");
    assert!(said.contains("1 passed"), "the inner test ran: {said}");
    false
}

/// Inside the private network, a JACK server of the test's own; `None` outside it (once the
/// run inside has passed) or with no `jackd` outside CI.
fn private_rig(test: &str) -> Option<Server> {
    if !in_private_network(test) {
        return None;
    }
    Server::start()
}

/// A Link peer of the test's own, as another app on the network would be.
struct Peer {
    link: AblLink,
    state: SessionState,
}

impl Peer {
    /// Starts a session at `bpm` and gives it time to be the older one, which a joining peer
    /// adopts: Link keeps a session more than 0.5 s older, and on a loaded machine 0.8 s was
    /// once not enough.
    fn start(bpm: f64) -> Peer {
        let link = AblLink::new(bpm);
        link.enable_start_stop_sync(true);
        link.enable(true);
        std::thread::sleep(Duration::from_millis(1500));
        Peer {
            link,
            state: SessionState::new(),
        }
    }

    fn capture(&mut self) -> &SessionState {
        self.link.capture_app_session_state(&mut self.state);
        &self.state
    }

    fn set_tempo(&mut self, bpm: f64) {
        self.link.capture_app_session_state(&mut self.state);
        self.state.set_tempo(bpm, self.link.clock_micros());
        self.link.commit_app_session_state(&self.state);
    }

    /// Starts or stops the session for every peer that shares start and stop (Link 3).
    fn set_playing(&mut self, playing: bool) {
        self.link.capture_app_session_state(&mut self.state);
        self.state.set_is_playing(playing, self.link.clock_micros());
        self.link.commit_app_session_state(&self.state);
    }

    /// Waits until flam has joined (guards against a hang only).
    fn wait_for_flam(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.link.num_peers() == 0 {
            assert!(Instant::now() < deadline, "flam never joined the session");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// JACK's clock (Link's, in microseconds) at each note-on recorded so far.
fn note_times(rec: &mut Recorder, clock: &Client) -> Vec<i64> {
    rec.port(0)
        .iter()
        .filter(|r| r.is_note_on())
        .map(|r| clock.frames_to_time(r.frame) as i64)
        .collect()
}

/// How far `beat` is from the nearest whole multiple of `grid`, in beats.
fn off_grid(beat: f64, grid: f64) -> f64 {
    (beat - (beat / grid).round() * grid).abs()
}

fn song(dir: &Scratch, text: &str) -> std::path::PathBuf {
    let file = dir.join("song.flam");
    std::fs::write(&file, text).expect("write song");
    file
}

#[test]
fn flam_joins_a_running_session_on_its_next_bar_line_and_follows_its_tempo() {
    let Some(_server) =
        private_rig("flam_joins_a_running_session_on_its_next_bar_line_and_follows_its_tempo")
    else {
        return;
    };
    let dir = scratch("link-join");
    // Quarter notes, and the song asks for 120: the session's 100 wins.
    let file = song(&dir, "tempo 120\ntrack beat drums\n  play \"bd*4\"\n");
    let mut peer = Peer::start(100.0);
    let mut rec = Recorder::new(1);
    let (clock, _) = Client::new("link-clock", ClientOptions::NO_START_SERVER).expect("a client");
    let asked = peer.link.clock_micros();
    let child = play(
        &file,
        &["--sync", "link", "--out", "jack:rec:in0", "--bars", "4"],
    )
    .spawn()
    .expect("flam runs");
    peer.wait_for_flam();
    // Two bars at the session's tempo, then the peer speeds the session up.
    rec.wait_for_notes(0, 8, Duration::from_secs(20));
    let mut early = SessionState::new();
    peer.link.capture_app_session_state(&mut early);
    let changed = peer.link.clock_micros();
    peer.set_tempo(150.0);
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "flam failed: {stderr}");
    std::thread::sleep(Duration::from_millis(200));

    // Each note on the session's timeline as it was when the note sounded.
    let late = peer.capture();
    let beats: Vec<f64> = note_times(&mut rec, &clock)
        .iter()
        .map(|t| {
            if *t < changed {
                early.beat_at_time(*t, 4.0)
            } else {
                late.beat_at_time(*t, 4.0)
            }
        })
        .collect();
    assert_eq!(beats.len(), 16, "four bars of quarter notes: {beats:?}");
    let first = beats[0];
    let asked_beat = early.beat_at_time(asked, 4.0);
    // flam finds the peer (about 0.6 s), lets Link take the session's timeline (0.3 s), then
    // starts on the first bar line at least 0.2 s on: within a bar of 2 s after it was asked.
    let two_seconds = 2.0 * 100.0 / 60.0;
    assert!(
        first > asked_beat && first - asked_beat < 4.0 + two_seconds,
        "flam starts at the first bar line after it joins: asked at beat {asked_beat}, began at {first}"
    );
    assert!(
        off_grid(first, 4.0) < ON_THE_BEAT,
        "the first note is on one of the session's bar lines: {first}"
    );
    for (i, beat) in beats.iter().enumerate() {
        let want = first + i as f64;
        assert!(
            (beat - want).abs() < ON_THE_BEAT,
            "note {i} is on the session's beat {want}, not {beat}: every note keeps the session's time, before and after its tempo change ({beats:?})"
        );
    }
    // The last notes came at the new tempo: 0.4 s apart.
    let recs: Vec<u32> = rec
        .port(0)
        .iter()
        .filter(|r| r.is_note_on())
        .map(|r| r.frame)
        .collect();
    let last_gap = f64::from(recs[15].wrapping_sub(recs[14])) / f64::from(RATE);
    assert!(
        (last_gap - 0.4).abs() < 0.01,
        "at the session's new 150 BPM a beat lasts 0.4 s, not {last_gap} s"
    );
    let (sounding, _) = balance(rec.all());
    assert!(
        sounding.values().all(|n| *n == 0),
        "nothing left sounding: {sounding:?}"
    );
}

#[test]
fn a_tempo_set_in_flam_reaches_the_sessions_peers() {
    let Some(_server) = private_rig("a_tempo_set_in_flam_reaches_the_sessions_peers") else {
        return;
    };
    let dir = scratch("link-tempo");
    let file = song(&dir, "tempo 120\ntrack beat drums\n  play \"bd*4\"\n");
    let mut peer = Peer::start(100.0);
    let _rec = Recorder::new(1);
    let mut child = play(
        &file,
        &["--sync", "link", "--out", "jack:rec:in0", "--osc", "0"],
    )
    .spawn()
    .expect("flam runs");
    peer.wait_for_flam();
    let stderr = child.stderr.take().expect("stderr");
    let port = {
        use std::io::{BufRead, BufReader};
        let mut lines = BufReader::new(stderr).lines();
        loop {
            let line = lines
                .next()
                .expect("flam says where it listens for OSC")
                .expect("a line");
            if let Some(at) = line.split("listening for OSC on ").nth(1) {
                break at.trim().to_string();
            }
        }
    };
    let me = UdpSocket::bind("127.0.0.1:0").expect("a socket");
    let tempo = OscPacket::Message(OscMessage {
        addr: "/flam/tempo".to_string(),
        args: vec![OscType::Float(87.0)],
    });
    me.send_to(&rosc::encoder::encode(&tempo).expect("encodes"), &port)
        .expect("sent");
    let deadline = Instant::now() + Duration::from_secs(10);
    while (peer.capture().tempo() - 87.0).abs() > 1e-3 {
        assert!(
            Instant::now() < deadline,
            "the peer never saw flam's tempo: {}",
            peer.capture().tempo()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn flam_stops_when_the_session_stops_and_starts_from_the_top_when_it_starts() {
    let Some(_server) =
        private_rig("flam_stops_when_the_session_stops_and_starts_from_the_top_when_it_starts")
    else {
        return;
    };
    let dir = scratch("link-start-stop");
    // A different drum on each beat of the bar: where flam starts again shows in the key.
    let file = song(
        &dir,
        "tempo 120\ntrack beat drums\n  play \"bd sd hh cp\"\n",
    );
    let mut peer = Peer::start(120.0);
    let mut rec = Recorder::new(1);
    let (clock, _) = Client::new("link-clock", ClientOptions::NO_START_SERVER).expect("a client");
    let mut child = play(&file, &["--sync", "link", "--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    peer.wait_for_flam();
    // Link shares a start or stop made once both are in the session; flam plays on through
    // a start while it plays.
    std::thread::sleep(Duration::from_millis(1000));
    peer.set_playing(true);
    rec.wait_for_notes(0, 6, Duration::from_secs(20));
    peer.set_playing(false);
    let stopped_at = peer.link.clock_micros();
    std::thread::sleep(Duration::from_millis(1500));
    let before = rec.note_ons(0);
    let (sounding, _) = balance(rec.all());
    assert!(
        sounding.values().all(|n| *n == 0),
        "the session's stop ends every note: {sounding:?}"
    );
    let late = note_times(&mut rec, &clock)
        .iter()
        .filter(|t| **t > stopped_at + 200_000)
        .count();
    assert_eq!(late, 0, "no note starts once the session has stopped");

    peer.set_playing(true);
    let started_at = peer.link.clock_micros();
    rec.wait_for_notes(0, before + 5, Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let keys: Vec<u8> = rec
        .port(0)
        .iter()
        .filter(|r| r.is_note_on())
        .map(|r| r.bytes()[1])
        .collect();
    let times = note_times(&mut rec, &clock);
    let state = peer.capture();
    let beat = state.beat_at_time(times[before], 4.0);
    assert_eq!(
        keys[before], 36,
        "flam starts again from the top: bar 1's kick ({keys:?})"
    );
    assert!(
        off_grid(beat, 4.0) < ON_THE_BEAT,
        "and on one of the session's bar lines: beat {beat}"
    );
    assert!(
        times[before] >= started_at,
        "not before the session started again"
    );
}

#[test]
fn flam_live_shows_the_sessions_peers_and_alt_k_leaves_and_joins_it() {
    use flam::tui::kept_clock::KeptClock;
    use flam::tui::player_transport::PlayerTransport;
    use flam::tui::transport::Transport;

    let Some(_server) =
        private_rig("flam_live_shows_the_sessions_peers_and_alt_k_leaves_and_joins_it")
    else {
        return;
    };
    let peer = Peer::start(100.0);
    let mut rec = Recorder::new(1);
    let session = flam::session::link_clock::join(120.0);
    let mut transport = PlayerTransport::new(&["jack:rec:in0".to_string()], 0.0, None)
        .expect("the output reads")
        .listening(
            None,
            KeptClock::Link {
                session: session.clone(),
                on: true,
            },
        );
    transport.swap(
        flam::lang::song::compile("tempo 120\ntrack beat drums\n  play \"bd*4\"\n")
            .expect("compiles"),
    );
    transport.play().expect("plays");
    peer.wait_for_flam();
    rec.wait_for_notes(0, 2, Duration::from_secs(20));
    // What the top line shows, as the live UI polls it.
    let clock = |t: &mut PlayerTransport| {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(seen) = t.poll() {
                return seen.clock;
            }
            assert!(Instant::now() < deadline, "no telemetry");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // Link settles the session between the peers on its own time; a hang guard, no more.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut shown = clock(&mut transport);
    while shown.as_deref() != Some("Link, 100.0 BPM, 1 peer") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        shown = clock(&mut transport);
    }
    assert_eq!(
        shown.as_deref(),
        Some("Link, 100.0 BPM, 1 peer"),
        "the session's tempo and its one other peer"
    );
    assert_eq!(transport.toggle_link(), Ok(false), "Alt-K leaves");
    let deadline = Instant::now() + Duration::from_secs(10);
    while peer.link.num_peers() > 0 {
        assert!(Instant::now() < deadline, "flam never left the session");
        std::thread::sleep(Duration::from_millis(20));
    }
    let heard = rec.note_ons(0);
    rec.wait_for_notes(0, heard + 2, Duration::from_secs(20));
    assert_eq!(
        clock(&mut transport),
        None,
        "flam keeps its own time, and plays on"
    );
    assert_eq!(transport.toggle_link(), Ok(true), "Alt-K joins again");
    peer.wait_for_flam();
    transport.shutdown();
    std::thread::sleep(Duration::from_millis(200));
    let (sounding, _) = balance(rec.all());
    assert!(
        sounding.values().all(|n| *n == 0),
        "nothing left sounding: {sounding:?}"
    );
}
