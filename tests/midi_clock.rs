//! flam as a MIDI clock slave, end to end through a JACK server with the dummy backend: a
//! test client plays clock master (Start, 24 pulses a quarter note, Stop, Song Position,
//! Continue) into `--in`, flam plays `--sync midi` to a recording client.

use std::time::{Duration, Instant};

#[path = "support/clock_master.rs"]
mod clock_master;
#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use clock_master::ClockMaster;
use support::*;

/// flam playing `file` to the recorder in time with the master on `clk:out`.
fn follow(file: &std::path::Path, more: &[&str]) -> std::process::Child {
    let mut args = vec![
        "--in",
        "jack:clk:out",
        "--sync",
        "midi",
        "--out",
        "jack:rec:in0",
    ];
    args.extend_from_slice(more);
    play(file, &args).spawn().expect("flam runs")
}

/// Waits until flam's input listens to the master (or gives up after `within`).
fn wait_for_flam(master: &ClockMaster, within: Duration) {
    let deadline = Instant::now() + within;
    while !master.connected_to("flam-in:in") {
        assert!(Instant::now() < deadline, "flam never connected to clk:out");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The player starts just after the input opens.
    std::thread::sleep(Duration::from_millis(300));
}

fn note_ons(recs: &[Rec]) -> Vec<(u32, u8)> {
    recs.iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .map(|r| (r.frame, r.bytes()[1]))
        .collect()
}

const EIGHTHS: &str = "tempo 120\ntrack hats drums\n  play \"hh*8\"\n";

#[test]
fn a_song_at_120_follows_a_master_clock_at_100_from_its_start() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("clock-follow");
    let file = dir.join("eighths.flam");
    std::fs::write(&file, EIGHTHS).expect("write song");
    let mut rec = Recorder::new(1);
    let master = ClockMaster::new(100.0);
    let child = follow(&file, &["--bars", "2"]);
    wait_for_flam(&master, Duration::from_secs(10));
    master.start();
    let (status, stderr) = finish(child, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(100));
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("listening to JACK port clk:out → flam-in:in"),
        "{stderr}"
    );

    let got = rec.port(0);
    let (sounding, _) = balance(&got);
    assert!(sounding.is_empty(), "every note ended: {sounding:?}");
    let ons = note_ons(&got);
    assert_eq!(ons.len(), 16, "two bars of eighths: {ons:?}");
    // The master's pulses, not the song's tempo: an eighth is 12 pulses at 100 BPM, 0.3 s.
    let first = master.first_pulse();
    let eighth = f64::from(RATE) * 0.3;
    let errors: Vec<f64> = ons
        .iter()
        .enumerate()
        .map(|(k, (frame, _))| {
            let ideal = f64::from(first) + k as f64 * eighth;
            (f64::from(frame.wrapping_sub(first) as i32) + f64::from(first) - ideal)
                / f64::from(RATE)
                * 1000.0
        })
        .collect();
    println!("onset error against the master's pulses, ms: {errors:.3?}");
    let mut gaps: Vec<f64> = ons
        .windows(2)
        .map(|w| f64::from(w[1].0.wrapping_sub(w[0].0)) / f64::from(RATE))
        .collect();
    gaps.sort_by(f64::total_cmp);
    let median = gaps[gaps.len() / 2];
    assert!(
        (median - 0.3).abs() < 0.003,
        "eighths {median} s apart: the master's 100 BPM, not the song's 120 (0.25 s)"
    );
    // The first note is the downbeat on the master's first pulse (heard a moment late).
    assert!(
        errors[0] >= -1.0 && errors[0] < 60.0,
        "the downbeat comes with the first pulse: {} ms",
        errors[0]
    );
}

const BAR_NOTES: &str = "tempo 120\ntrack lead\n  play \"<c4 d4 e4 f4>\"\n";

#[test]
fn stop_ends_the_notes_and_song_position_then_continue_goes_on_from_bar_three() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("clock-spp");
    let file = dir.join("bars.flam");
    std::fs::write(&file, BAR_NOTES).expect("write song");
    let mut rec = Recorder::new(1);
    let master = ClockMaster::new(120.0);
    let child = follow(&file, &["--bars", "4"]);
    wait_for_flam(&master, Duration::from_secs(10));
    master.start();
    // Into the second bar (d4), then Stop.
    std::thread::sleep(Duration::from_millis(2600));
    master.stop();
    std::thread::sleep(Duration::from_millis(800));
    let at_stop = rec.port(0);
    let (sounding, _) = balance(&at_stop);
    assert!(sounding.is_empty(), "Stop ends every note: {sounding:?}");
    let keys: Vec<u8> = note_ons(&at_stop).iter().map(|n| n.1).collect();
    assert_eq!(keys, vec![60, 62], "bars one and two before the Stop");
    let stop_frame = master
        .shared
        .stopped_at
        .load(std::sync::atomic::Ordering::Acquire);
    let last_off = at_stop
        .iter()
        .filter(|r| is_note(r.bytes()))
        .map(|r| r.frame)
        .max()
        .unwrap();
    println!(
        "the last note-off came {:.1} ms after the Stop",
        f64::from(last_off.wrapping_sub(stop_frame) as i32) / f64::from(RATE) * 1000.0
    );

    // Song Position 32 sixteenths = bar 3 (e4), then Continue: bars 3 and 4 play.
    master.continue_from(Some(32));
    let (status, stderr) = finish(child, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(100));
    assert!(status.success(), "{stderr}");
    let all = rec.port(0);
    let (sounding, _) = balance(&all);
    assert!(sounding.is_empty(), "every note ended: {sounding:?}");
    let keys: Vec<u8> = note_ons(&all).iter().map(|n| n.1).collect();
    assert_eq!(keys, vec![60, 62, 64, 65], "Continue goes on from bar 3");
}

#[test]
fn a_clock_that_stops_coming_stops_the_music_and_says_so() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("clock-lost");
    let file = dir.join("eighths.flam");
    std::fs::write(
        &file,
        "tempo 120\ntrack pad\n  play \"c4\"\ntrack hats drums\n  play \"hh*8\"\n",
    )
    .expect("write song");
    let mut rec = Recorder::new(1);
    let master = ClockMaster::new(120.0);
    let mut child = follow(&file, &[]);
    wait_for_flam(&master, Duration::from_secs(10));
    master.start();
    std::thread::sleep(Duration::from_millis(1500));
    master.lose();
    // Two beats at 120 are a second; give it two.
    std::thread::sleep(Duration::from_millis(2000));
    let got = rec.port(0);
    let (sounding, _) = balance(&got);
    assert!(
        sounding.is_empty(),
        "the held pad ended with the clock: {sounding:?}"
    );
    let last_on = note_ons(&got).last().map(|n| n.0).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        note_ons(&rec.port(0)).last().map(|n| n.0),
        Some(last_on),
        "nothing plays while the clock is gone"
    );
    // flam still runs, waiting for the clock; Ctrl-C ends it cleanly.
    assert!(
        child.try_wait().expect("wait").is_none(),
        "flam waits for the clock"
    );
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("the clock stopped coming"), "{stderr}");
}
