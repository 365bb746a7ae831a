//! `flam play --osc` steered over UDP on loopback, as TouchOSC or Pd would, while a JACK
//! client records what it plays: a new track pattern takes over at the next bar line, a bad
//! one is answered on `/flam/error` with `flam check`'s own text and the music goes on, tempo
//! and mutes take hold while playing, junk and a flood of packets are counted and dropped,
//! and `/flam/stop` leaves no note sounding.
//!
//! Each test starts its own `jackd` (dummy backend); they skip, saying so, only when `jackd`
//! is not installed. Nothing here waits for a time and then judges what happened by it: the
//! timeouts only keep a broken build from hanging the run.

#![cfg(feature = "jack")]

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

/// Against hangs only: far longer than anything here takes.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `flam play --osc 0`, its stderr read line by line; killed if a test fails.
struct Flam {
    child: Option<Child>,
    lines: mpsc::Receiver<String>,
    said: Vec<String>,
    osc: SocketAddr,
    me: UdpSocket,
}

impl Flam {
    fn play(file: &Path, args: &[&str]) -> Flam {
        let mut all = vec!["--out", "jack:rec:in0", "--osc", "0"];
        all.extend_from_slice(args);
        let mut child = play(file, &all).spawn().expect("flam runs");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut flam = Flam {
            child: Some(child),
            lines,
            said: Vec::new(),
            osc: "127.0.0.1:9".parse().expect("an address"),
            me: UdpSocket::bind("127.0.0.1:0").expect("a socket of the test's own"),
        };
        flam.me
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        let line = flam.said_line("listening for OSC on ");
        let at = line.rsplit(' ').next().expect("an address");
        flam.osc = at.parse().expect("flam says where it listens");
        assert!(flam.osc.ip().is_loopback(), "bound to loopback by default");
        flam
    }

    /// Waits for a line of stderr holding `what`.
    fn said_line(&mut self, what: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("flam never said {what:?}: {:?}", self.said));
            self.said.push(line.clone());
            if line.contains(what) {
                return line;
            }
        }
    }

    fn send_bytes(&self, bytes: &[u8]) {
        self.me.send_to(bytes, self.osc).expect("sent");
    }

    fn send(&self, addr: &str, args: Vec<OscType>) {
        let packet = OscPacket::Message(OscMessage {
            addr: addr.into(),
            args,
        });
        self.send_bytes(&rosc::encoder::encode(&packet).expect("encodes"));
    }

    /// The next answer from flam.
    fn answer(&self) -> OscMessage {
        let mut buffer = vec![0u8; 65_536];
        let (n, _) = self.me.recv_from(&mut buffer).expect("flam answered");
        match rosc::decoder::decode_udp(&buffer[..n]).expect("an OSC answer") {
            (_, OscPacket::Message(m)) => m,
            (_, other) => panic!("not a message: {other:?}"),
        }
    }

    /// Messages done, refused and packets dropped, asked for after everything sent before:
    /// the listener takes packets in order, so its answer counts them all.
    fn status(&self) -> (i64, i64, i64) {
        self.send("/flam/status", vec![]);
        let m = self.answer();
        assert_eq!(m.addr, "/flam/status");
        match m.args.as_slice() {
            [OscType::Long(d), OscType::Long(r), OscType::Long(x)] => (*d, *r, *x),
            other => panic!("status args {other:?}"),
        }
    }

    /// Waits for flam to end; its status and everything it printed.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let child = self.child.take().expect("running");
        let (status, _) = finish(child, PATIENCE);
        self.said.extend(self.lines.try_iter());
        (status, self.said.join("\n"))
    }
}

impl Drop for Flam {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn text(s: &str) -> OscType {
    OscType::String(s.into())
}

/// The note-ons on port 0 so far: (frame, channel from 1, key).
fn note_ons(rec: &mut Recorder) -> Vec<(i64, u8, u8)> {
    rec.port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .map(|r| (i64::from(r.frame), (r.bytes[0] & 0x0f) + 1, r.bytes[1]))
        .collect()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_new_pattern_takes_over_at_the_next_bar_line_and_a_bad_one_is_answered_while_the_groove_goes_on()
 {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("osc-pattern");
    exact_unless_xruns("the pattern sent over OSC", || new_pattern(&dir));
}

fn new_pattern(dir: &Path) -> u32 {
    let mut rec = Recorder::new(1);
    let file = dir.join("live.flam");
    let version = |notes: &str| format!("tempo 150\ntrack lead\n  play \"{notes}\"\n");
    std::fs::write(&file, version("c4*4")).expect("write song");
    let flam = Flam::play(&file, &["--bars", "6"]);
    rec.wait_for_notes(0, 5, PATIENCE);
    flam.send("/flam/track/lead/play", vec![text("c4*4 [e4")]);
    let error = flam.answer();
    assert_eq!(error.addr, "/flam/error");
    let [OscType::String(said)] = error.args.as_slice() else {
        panic!("one string: {error:?}");
    };
    flam.send("/flam/track/nobody/play", vec![text("c4")]);
    let unknown = flam.answer();
    assert!(
        matches!(unknown.args.as_slice(), [OscType::String(s)] if s.contains("no track is named `nobody`") && s.contains("`lead`")),
        "{unknown:?}"
    );
    rec.wait_for_notes(0, 9, PATIENCE);
    flam.send("/flam/track/lead/play", vec![text("e4*4")]);
    let (status, stderr) = flam.finish();
    assert!(status.success(), "{stderr}");

    // The answer is what `flam check` says of the song with that pattern in it.
    std::fs::write(&file, version("c4*4 [e4")).expect("write the bad version");
    let check = flam_check(&file);
    assert!(said.contains("error"), "{said}");
    assert_eq!(said.trim_end(), check.trim_end());

    let ons = note_ons(&mut rec);
    let keys: Vec<u8> = ons.iter().map(|o| o.2).collect();
    let old = keys.iter().take_while(|&&k| k == 60).count();
    assert_eq!(keys.len(), 24, "six bars of four: {keys:?}");
    assert!(old >= 8, "the bad pattern changed nothing: {keys:?}");
    assert!(
        old.is_multiple_of(4),
        "the new one took over at a bar line: {keys:?}"
    );
    assert!(keys[old..].iter().all(|&k| k == 64), "{keys:?}");
    assert!(old < 24, "the new pattern played: {keys:?}");
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "left sounding {sounding:?}");
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        return xruns;
    }
    let bar = i64::from(RATE) * 4 * 60 / 150;
    for (i, (frame, _, _)) in ons.iter().enumerate() {
        assert_eq!(frame - ons[0].0, i as i64 * bar / 4, "note {i} on its beat");
    }
    0
}

fn flam_check(file: &Path) -> String {
    let out = flam()
        .arg("check")
        .arg(file)
        .output()
        .expect("flam check runs");
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_tempo_change_and_a_mute_take_hold_while_the_band_plays() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("osc-tempo");
    let mut rec = Recorder::new(1);
    let file = dir.join("band.flam");
    std::fs::write(
        &file,
        "tempo 150\ntrack a\n  play \"c4*4\"\ntrack b channel 2\n  play \"e4*4\"\n",
    )
    .expect("write song");
    let flam = Flam::play(&file, &[]);
    rec.wait_for_notes(0, 8, PATIENCE);

    flam.send("/flam/mute", vec![text("b"), OscType::Int(1)]);
    assert_eq!(flam.status(), (1, 0, 0), "the mute was done");
    // Once the mute holds, only track a plays: four of its notes in a row.
    wait_until("four notes of track a alone", || {
        let ons = note_ons(&mut rec);
        ons.len() >= 4 && ons[ons.len() - 4..].iter().all(|o| o.1 == 1)
    });
    flam.send("/flam/mute", vec![text("b"), OscType::Int(0)]);
    let muted_until = note_ons(&mut rec).len();
    wait_until("track b again", || {
        note_ons(&mut rec)[muted_until..].iter().any(|o| o.1 == 2)
    });

    flam.send("/flam/mute", vec![text("b"), OscType::Int(1)]);
    flam.send("/flam/tempo", vec![OscType::Float(300.0)]);
    assert_eq!(flam.status(), (4, 0, 0));
    let before = note_ons(&mut rec).len();
    wait_until("eight notes at the new tempo", || {
        note_ons(&mut rec).len() >= before + 8
    });
    flam.send("/flam/quit", vec![]);
    let (status, stderr) = flam.finish();
    assert!(status.success(), "{stderr}");

    let a: Vec<i64> = note_ons(&mut rec)
        .iter()
        .filter(|o| o.1 == 1)
        .map(|o| o.0)
        .collect();
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "left sounding {sounding:?}");
    let first_gap = a[1] - a[0];
    let last_gap = a[a.len() - 1] - a[a.len() - 2];
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        eprintln!("NOTICE: {xruns} xruns moved notes; the gaps were not compared");
        return;
    }
    // Twice the tempo, half the gap (to a frame, where JACK rounds).
    assert!(
        (first_gap - 2 * last_gap).abs() <= 2,
        "gaps {first_gap} then {last_gap}"
    );
}

#[test]
fn junk_and_a_flood_are_counted_and_dropped_and_stop_leaves_nothing_sounding() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("osc-junk");
    let mut rec = Recorder::new(1);
    let file = dir.join("groove.flam");
    std::fs::write(&file, "tempo 150\ntrack lead\n  play \"c4 e4 g4 c5\"\n").expect("song");
    let flam = Flam::play(&file, &[]);
    rec.wait_for_notes(0, 4, PATIENCE);

    let good = rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: "/flam/tempo".into(),
        args: vec![OscType::Float(120.0)],
    }))
    .expect("encodes");
    // Truncated, a type tag OSC does not have, too big, not OSC at all, bundles nested past
    // any sender's need.
    flam.send_bytes(&good[..good.len() - 2]);
    let mut bad_tag = good.clone();
    let tag = bad_tag.iter().position(|&b| b == b',').expect("type tags");
    bad_tag[tag + 1] = b'x';
    flam.send_bytes(&bad_tag);
    flam.send_bytes(&vec![0u8; 9_000]);
    flam.send_bytes(b"GET / HTTP/1.1\r\n\r\n");
    let mut nested = OscPacket::Message(OscMessage {
        addr: "/flam/stop".into(),
        args: vec![],
    });
    for _ in 0..20 {
        nested = OscPacket::Bundle(OscBundle {
            timetag: OscTime::from((0, 1)),
            content: vec![nested],
        });
    }
    flam.send_bytes(&rosc::encoder::encode(&nested).expect("encodes"));
    assert_eq!(flam.status(), (0, 0, 5), "five packets dropped, none done");

    // A right address with the wrong arguments is answered, not dropped.
    flam.send("/flam/tempo", vec![text("fast")]);
    let error = flam.answer();
    assert_eq!(error.addr, "/flam/error");
    assert!(
        matches!(error.args.as_slice(), [OscType::String(s)] if s.contains("/flam/tempo takes a tempo")),
        "{error:?}"
    );
    assert_eq!(flam.status(), (0, 1, 5));

    // Ten thousand a second, for a second.
    for burst in 0..100 {
        for i in 0..100u32 {
            let junk = [0xff, burst as u8, i as u8, 7, 9];
            let _ = flam.me.send_to(&junk, flam.osc);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let (done, refused, dropped) = flam.status();
    assert_eq!((done, refused), (0, 1));
    // The kernel may drop some of a flood before flam sees it; flam drops the rest.
    assert!(
        dropped > 5 && dropped <= 10_005,
        "{dropped} of the flood counted"
    );
    let after_flood = note_ons(&mut rec).len();
    rec.wait_for_notes(0, after_flood + 4, PATIENCE);

    flam.send("/flam/stop", vec![]);
    flam.status();
    wait_until("every note to end", || balance(&rec.port(0)).0.is_empty());
    // Not a timing check: the music has stopped when nothing more comes for two bars after
    // whatever had already gone out (the lookahead's notes) has arrived.
    std::thread::sleep(Duration::from_millis(1_000));
    let stopped_at = note_ons(&mut rec).len();
    std::thread::sleep(Duration::from_millis(3_200));
    assert_eq!(
        note_ons(&mut rec).len(),
        stopped_at,
        "nothing plays after /flam/stop"
    );
    assert!(balance(&rec.port(0)).0.is_empty(), "nothing left sounding");

    flam.send("/flam/play", vec![]);
    rec.wait_for_notes(0, stopped_at + 4, PATIENCE);
    flam.send("/flam/quit", vec![]);
    let (status, stderr) = flam.finish();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("packets dropped"), "{stderr}");
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "left sounding {sounding:?}");
}

#[test]
fn a_taken_port_or_a_bad_address_is_said_before_a_note_plays() {
    let taken = UdpSocket::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let out = flam()
        .args(["play", "patterns/boom-bap.flam", "--osc", &port])
        .output()
        .expect("flam runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot listen for OSC on 127.0.0.1:"),
        "{stderr}"
    );
    for args in [
        &["--osc", "70000"][..],
        &["--osc", "9000", "--osc-bind", "localhost:9000"],
        &["--osc-bind", "127.0.0.1"],
    ] {
        let out = flam()
            .args(["play", "patterns/boom-bap.flam"])
            .args(args)
            .output()
            .expect("flam runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("--osc"), "{args:?}: {stderr}");
    }
}
