//! Tracks routed to named outputs (`output drums` in the song, `--out drums=PORT` on the
//! command line), end to end through JACK: each port gets its own tracks' notes and programs
//! and no other's; an output without a name gets everything; a track that would reach no
//! output is refused before anything plays; a controller lane lands on its steps' frames;
//! the clock goes only to the output that asks for it.

#![cfg(feature = "jack")]

use std::time::Duration;

use flam::engine::plan;
use flam::lang::song::compile;
use flam::theory::time::Time;

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

const SONG: &str = "tempo 240
track kick drums
  output drums
  play \"bd*4\"
track bass channel 2 program synth-bass-1
  output bass
  play \"c2 e2\"
  cc cutoff \"20 60 90 120\"
";

/// Whether `b` is a note, program or controller message of the song (not the All Notes Off
/// and the like that end play).
fn of_the_song(b: &[u8]) -> bool {
    match b[0] & 0xf0 {
        0x80 | 0x90 | 0xc0 => true,
        0xb0 => b[1] < 120,
        _ => false,
    }
}

/// The note, program and controller messages a port recorded, as bytes, in order.
fn heard(rec: &mut Recorder, port: usize) -> Vec<Vec<u8>> {
    rec.port(port)
        .iter()
        .map(|r| r.bytes().to_vec())
        .filter(|b| of_the_song(b))
        .collect()
}

/// The clock and transport bytes a port recorded, in order.
fn clock_bytes(rec: &mut Recorder, port: usize) -> Vec<u8> {
    rec.port(port)
        .iter()
        .filter(|r| r.bytes()[0] >= 0xf8)
        .map(|r| r.bytes()[0])
        .collect()
}

/// The frames of the controller changes port `port` recorded, from its first note or
/// controller message on.
fn cc_frames(rec: &mut Recorder, port: usize) -> Vec<i64> {
    let recs: Vec<Rec> = rec
        .port(port)
        .into_iter()
        .filter(|r| of_the_song(r.bytes()))
        .collect();
    let first = recs
        .iter()
        .find(|r| r.bytes()[0] & 0xf0 != 0xc0)
        .map_or(0, |r| r.frame);
    recs.iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0xb0)
        .map(|r| i64::from(r.frame.wrapping_sub(first) as i32))
        .collect()
}

/// What the plan sends for track `track` over `bars`, notes and program, in order.
fn planned(track: usize, bars: i64) -> Vec<Vec<u8>> {
    let song = compile(SONG).expect("compiles");
    let channel = song.tracks[track].channel;
    let mut out: Vec<Vec<u8>> = song.tracks[track]
        .program
        .map(|p| vec![0xc0 | (channel - 1), p])
        .into_iter()
        .collect();
    out.extend(
        plan::notes(&song, Time::ZERO, Time::from_integer(bars))
            .iter()
            .filter(|t| t.track == track)
            .map(|t| {
                let (b, n) = t.message.bytes();
                b[..n].to_vec()
            }),
    );
    out
}

/// Checks that two bars went apart, the kick to the drum machine (port 0) and the bass to the
/// bass synth (port 1), and that the drum machine got 24 clock pulses a quarter note; returns
/// the drum machine's clock bytes.
fn kick_and_bass_apart(rec: &mut Recorder) -> Vec<u8> {
    assert_eq!(
        heard(rec, 0),
        planned(0, 2),
        "the drum machine: the kick only"
    );
    assert_eq!(
        heard(rec, 1),
        planned(1, 2),
        "the bass synth: the bass only"
    );
    let drums_clock = clock_bytes(rec, 0);
    assert_eq!(drums_clock.iter().filter(|&&b| b == 0xf8).count(), 2 * 96);
    drums_clock
}

#[test]
fn each_named_output_gets_its_own_tracks_and_an_unnamed_one_gets_all() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("routing");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).expect("write song");
    exact_unless_xruns("routed outputs", || routed(&file));
}

/// Plays the song to three ports; checks what each got, and (without xruns) that every
/// controller change landed on its step's frame. Returns the xruns while it played.
fn routed(file: &std::path::Path) -> u32 {
    let mut rec = Recorder::new(3);
    let child = play(
        file,
        &[
            "--out",
            "drums=jack:rec:in0",
            "--out",
            "bass=jack:rec:in1",
            "--out",
            "jack:rec:in2",
            "--clock=drums",
            "--bars",
            "2",
        ],
    )
    .spawn()
    .expect("flam runs");
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    std::thread::sleep(Duration::from_millis(50));
    // Only the drum machine asked for the clock: Start and Stop around its pulses.
    let drums_clock = kick_and_bass_apart(&mut rec);
    assert_eq!(drums_clock.first(), Some(&0xfa), "Start first");
    assert_eq!(drums_clock.last(), Some(&0xfc), "Stop last");
    assert!(clock_bytes(&mut rec, 1).is_empty() && clock_bytes(&mut rec, 2).is_empty());
    let everything = heard(&mut rec, 2);
    assert_eq!(everything.len(), planned(0, 2).len() + planned(1, 2).len());
    for port in 0..3 {
        let (sounding, all_off) = balance(&rec.port(port));
        assert!(
            sounding.is_empty(),
            "port {port}: left sounding {sounding:?}"
        );
        assert!(!all_off.is_empty(), "port {port}: All Notes Off at the end");
    }
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        return xruns;
    }
    // A bar is 1 s at 240 BPM: the cutoff's steps every quarter of it, two bars.
    let quarter = i64::from(RATE) / 4;
    let want: Vec<i64> = (0..8).map(|i| i * quarter).collect();
    assert_eq!(
        cc_frames(&mut rec, 1),
        want,
        "each change on its step's frame"
    );
    0
}

#[test]
fn a_track_that_would_reach_no_output_is_refused_before_anything_plays() {
    let dir = scratch("unrouted");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG.replace("  output bass\n", "")).expect("write song");
    let err = refused(&[
        "play",
        file.to_str().expect("path"),
        "--out",
        "drums=jack:nowhere",
    ]);
    assert!(
        err.contains("track `bass` has no `output` line, and every --out has a name"),
        "{err}"
    );
    assert!(err.contains("add an --out without a name"), "{err}");
}

#[test]
fn a_clock_for_an_output_no_out_names_is_refused() {
    let dir = scratch("clock-name");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).expect("write song");
    let err = refused(&[
        "play",
        file.to_str().expect("path"),
        "--out",
        "drums=jack:nowhere",
        "--out",
        "bass=jack:nowhere",
        "--clock=tr8",
    ]);
    assert!(
        err.contains("--clock=tr8: no --out is named `tr8`"),
        "{err}"
    );
}

#[test]
fn the_song_can_say_where_its_named_outputs_go() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("song-outputs");
    let file = dir.join("song.flam");
    let text = format!("output drums jack:rec:in0\noutput bass jack:rec:in1\n{SONG}");
    std::fs::write(&file, text).expect("write song");
    let mut rec = Recorder::new(2);
    let child = play(&file, &["--bars", "2", "--clock=drums"])
        .spawn()
        .expect("flam runs");
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    std::thread::sleep(Duration::from_millis(50));
    // The clock goes to the song's output that --clock names, and no other.
    kick_and_bass_apart(&mut rec);
    assert!(clock_bytes(&mut rec, 1).is_empty());
}

#[test]
fn a_song_output_to_an_unknown_kind_of_port_is_refused_with_its_line() {
    let dir = scratch("song-output-bad");
    let file = dir.join("song.flam");
    std::fs::write(&file, format!("output drums usb:TR-8\n{SONG}")).expect("write song");
    let out = flam()
        .args(["play", file.to_str().expect("path")])
        .output()
        .expect("flam runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("song.flam:1: output drums usb:TR-8"), "{err}");
}
