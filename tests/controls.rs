//! A controller's `map` lines while `flam play` plays, end to end through JACK: a button
//! mutes the hats at once (the kick plays on), a second press brings them back, and a fader
//! sets the tempo; a pad jumps to a section at the next bar line.

use std::time::{Duration, Instant};

#[path = "support/queue_client.rs"]
mod queue_client;
#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use queue_client::QueueClient;
use support::*;

const SONG: &str = "tempo 240\nmap cc 20 mute hats\nmap cc 22 tempo 60 180\ntrack kick drums\n  play \"bd*4\"\ntrack hats drums\n  play \"hh*8\"\n";

fn ons(rec: &mut Recorder, key: u8) -> Vec<u32> {
    rec.port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0 && r.bytes()[1] == key)
        .map(|r| r.frame)
        .collect()
}

#[test]
fn a_button_mutes_the_hats_at_once_and_a_fader_sets_the_tempo() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("controls");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).expect("write song");
    let mut rec = Recorder::new(1);
    let knobs = QueueClient::new("ctl");
    let child = play(&file, &["--in", "jack:ctl:out", "--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    let send = |bytes: Vec<u8>| knobs.send(&bytes);
    let wait = |rec: &mut Recorder, key: u8, n: usize| {
        let deadline = Instant::now() + Duration::from_secs(15);
        while ons(rec, key).len() < n {
            assert!(
                Instant::now() < deadline,
                "only {} of key {key}",
                ons(rec, key).len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait(&mut rec, 42, 8);
    let pressed = send(vec![0xb0, 20, 127]);
    std::thread::sleep(Duration::from_millis(1500));
    // Within the lookahead (250 ms) of the press the hats stop; the kick goes on.
    let late = RATE / 4 + RATE / 50;
    let hats = ons(&mut rec, 42);
    let after: Vec<&u32> = hats
        .iter()
        .filter(|f| f.wrapping_sub(pressed) < u32::MAX / 2 && **f > pressed + late)
        .collect();
    assert!(after.is_empty(), "hats after the mute: {after:?}");
    let kicks_after = ons(&mut rec, 36)
        .iter()
        .filter(|f| **f > pressed + late)
        .count();
    assert!(kicks_after >= 4, "the kick plays on: {kicks_after}");
    let (sounding, _) = balance(&rec.port(0));
    assert!(
        sounding.is_empty() || sounding.keys().all(|k| k.1 == 36),
        "{sounding:?}"
    );

    // Release, then press again: the hats come back.
    send(vec![0xb0, 20, 0]);
    let again = send(vec![0xb0, 20, 127]);
    std::thread::sleep(Duration::from_millis(1000));
    assert!(
        ons(&mut rec, 42).iter().any(|f| *f > again),
        "the second press brings the hats back"
    );

    // The fader at 0 is 60 BPM: kicks a second apart.
    let slow = send(vec![0xb0, 22, 0]);
    std::thread::sleep(Duration::from_millis(3500));
    let kicks: Vec<u32> = ons(&mut rec, 36)
        .into_iter()
        .filter(|f| *f > slow + RATE / 2)
        .collect();
    assert!(kicks.len() >= 2, "{kicks:?}");
    let gap = f64::from(kicks[1] - kicks[0]) / f64::from(RATE);
    assert!((gap - 1.0).abs() < 0.01, "kicks {gap} s apart at 60 BPM");

    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    drop(knobs);
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "every note ended: {sounding:?}");
}

/// Intro (kick), a long verse (snare), a chorus (hats), a bar a second; a pad jumps.
const ARRANGED: &str = "tempo 240\nmap note 40 section chorus\ntrack kick drums\n  play \"bd*2\"\ntrack snare drums\n  play \"sn*2\"\ntrack hats drums\n  play \"hh*2\"\nsection intro\n  track kick\nsection verse\n  track snare\nsection chorus\n  track hats\narrange intro, verse x30, chorus\n";

#[test]
fn a_pad_jumps_to_the_chorus_on_a_bar_line_and_the_song_ends_after_it() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("section-jump");
    let file = dir.join("song.flam");
    std::fs::write(&file, ARRANGED).expect("write song");
    let mut rec = Recorder::new(1);
    let pads = QueueClient::new("pad");
    let child = play(&file, &["--in", "jack:pad:out", "--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    // Only guards against a hang: the snare comes in a second after the start.
    let deadline = Instant::now() + Duration::from_secs(15);
    while ons(&mut rec, 38).len() < 3 {
        assert!(Instant::now() < deadline, "the verse never came");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pressed = pads.send(&[0x99, 40, 100]);
    pads.send(&[0x89, 40, 0]);
    // Without the jump the song would last 32 s; with it, flam ends by itself after the chorus.
    let (status, stderr) = finish(child, Duration::from_secs(20));
    assert!(status.success(), "{stderr}");
    drop(pads);
    let hats = ons(&mut rec, 42);
    assert_eq!(hats.len(), 2, "the chorus once: {hats:?}");
    let start = ons(&mut rec, 36)[0];
    let bar = RATE; // a bar a second
    let into_bar = hats[0].wrapping_sub(start) % bar;
    // On a bar line (exact frames are checked in tests/jack.rs; an xrun may move a period).
    assert!(
        into_bar <= 256 || into_bar >= bar - 256,
        "the chorus starts {into_bar} frames into a bar"
    );
    assert!(
        hats[0].wrapping_sub(pressed) < u32::MAX / 2,
        "after the press"
    );
    let snares_after = ons(&mut rec, 38).iter().filter(|f| **f >= hats[0]).count();
    assert_eq!(snares_after, 0, "the verse ends where the chorus starts");
    let (sounding, all_off) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "every note ended: {sounding:?}");
    assert!(!all_off.is_empty(), "All Notes Off at the end");
}
