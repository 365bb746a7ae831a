//! flam following JACK transport, end to end through a JACK server with the dummy backend: a
//! test client starts, stops and locates the transport (as Ardour's or `jack_transport`'s
//! buttons would), and flam plays `--sync jack` to a recording client.

use std::time::{Duration, Instant};

use jack::{Client, ClientOptions};

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

/// One drum hit a bar, a different one each bar: bd, sd, hh, cp (a bar is 2 s at 120).
const BARS: &str = "tempo 120\ntrack bell drums\n  play \"<bd sd hh cp>\"\n";

/// The keys struck so far, in order.
fn struck(rec: &mut Recorder) -> Vec<u8> {
    rec.port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .map(|r| r.bytes()[1])
        .collect()
}

/// A client with the transport's buttons, the transport stopped at its start.
fn stopped_at_zero() -> Client {
    let (buttons, _) =
        Client::new("buttons", ClientOptions::NO_START_SERVER).expect("a transport client");
    let transport = buttons.transport();
    transport.stop().expect("stop");
    transport.locate(0).expect("locate");
    buttons
}

/// Waits until flam's output reaches the recorder (only guards against a hang).
fn wait_for_flam(transport: &Client, within: Duration) {
    let deadline = Instant::now() + within;
    while transport
        .port_by_name("rec:in0")
        .is_none_or(|p| p.connected_count().unwrap_or(0) == 0)
    {
        assert!(Instant::now() < deadline, "flam never reached the recorder");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The player starts just after its output opens.
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn flam_plays_while_the_transport_rolls_stops_with_it_and_goes_on_from_where_it_is_located() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("jack-transport");
    let file = dir.join("bars.flam");
    std::fs::write(&file, BARS).expect("write song");
    let mut rec = Recorder::new(1);
    let buttons = stopped_at_zero();
    let transport = buttons.transport();
    let child = play(&file, &["--sync", "jack", "--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    wait_for_flam(&buttons, Duration::from_secs(10));
    assert!(
        struck(&mut rec).is_empty(),
        "nothing before the transport rolls"
    );

    // Roll for a bar and a half: bar 1's bd, bar 2's sd; then stop.
    transport.start().expect("start");
    std::thread::sleep(Duration::from_millis(3000));
    transport.stop().expect("stop");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        struck(&mut rec),
        vec![36, 38],
        "bd then sd, each on its bar"
    );
    let (sounding, _) = balance(&rec.port(0));
    assert!(
        sounding.is_empty(),
        "the stop ended every note: {sounding:?}"
    );

    // Locate to bar 4 (three bars of 96,000 frames in) and roll: the clap.
    transport.locate(3 * 96_000).expect("locate");
    std::thread::sleep(Duration::from_millis(200));
    transport.start().expect("start");
    std::thread::sleep(Duration::from_millis(1000));
    transport.stop().expect("stop");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(struck(&mut rec), vec![36, 38, 39], "bar 4 is the clap");

    // SIGTERM ends flam cleanly with nothing left sounding.
    // SAFETY: kill(2) on our own child's pid has no memory-safety preconditions.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let (status, stderr) = finish(child, Duration::from_secs(10));
    assert!(status.success(), "{stderr}");
    std::thread::sleep(Duration::from_millis(50));
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "left sounding: {sounding:?}");
}

#[test]
fn as_timebase_master_flam_gives_every_client_its_bar_beat_and_tempo() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("jack-timebase");
    let file = dir.join("waltz.flam");
    std::fs::write(
        &file,
        "tempo 90\nmeter 3/4\ntrack bell drums\n  play \"bd sd sd\"\n",
    )
    .expect("write song");
    let mut rec = Recorder::new(1);
    let buttons = stopped_at_zero();
    let transport = buttons.transport();
    let child = play(&file, &["--jack-timebase", "--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    wait_for_flam(&buttons, Duration::from_secs(10));
    transport.start().expect("start");
    // Only guards against a hang: the first bar's three hits come within two seconds.
    rec.wait_for_notes(0, 3, Duration::from_secs(10));
    let pos = transport.query().expect("a position").pos;
    transport.stop().expect("stop");
    let bbt = pos.bbt().expect("bar, beat and tick from flam");
    assert_eq!((bbt.sig_num, bbt.sig_denom, bbt.bpm), (3.0, 4.0, 90.0));
    assert!(bbt.bar >= 1 && (1..=3).contains(&bbt.beat), "{bbt:?}");
    assert_eq!(
        &struck(&mut rec)[..3],
        &[36, 38, 38],
        "flam plays its waltz bar too"
    );
    // SAFETY: kill(2) on our own child's pid has no memory-safety preconditions.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let (status, stderr) = finish(child, Duration::from_secs(10));
    assert!(status.success(), "{stderr}");
}

#[test]
fn a_timebase_master_cannot_also_follow_a_midi_clock() {
    let err = refused(&[
        "play",
        "patterns/waltz.flam",
        "--jack-timebase",
        "--sync",
        "midi",
        "--in",
        "jack",
    ]);
    assert!(
        err.contains("--jack-timebase follows JACK transport, not a MIDI clock"),
        "{err}"
    );
}
