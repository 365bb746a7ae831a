//! `flam record` end to end through a JACK server with the dummy backend: a client plays a
//! riff a little loose into flam's input; the song flam writes plays back, through `flam
//! events`, as exactly the quantized notes.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiOut, Port, ProcessHandler, ProcessScope,
    RawMidi,
};

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

/// Frames in a sixteenth at 120 BPM.
const SIXTEENTH: i64 = RATE as i64 / 8;

/// What the player plays: (sixteenth, frames early or late, bytes). Running status and a
/// note-on at velocity 0 for a note-off, as keyboards send them.
fn riff() -> Vec<(i64, i64, Vec<u8>)> {
    vec![
        (0, 0, vec![0x90, 48, 100]),
        (3, 150, vec![0x80, 48, 0]),
        (4, -120, vec![0x90, 52, 90]),
        (4, 90, vec![55, 90]),
        (6, 0, vec![0x80, 52, 0]),
        (6, 30, vec![0x80, 55, 0]),
        (8, 200, vec![0x90, 60, 80]),
        (9, -100, vec![60, 0]),
        (20, 50, vec![62, 64]),
        (21, 0, vec![62, 0]),
    ]
}

/// Plays the riff once `go` is raised, from the next cycle.
struct Player {
    port: Port<MidiOut>,
    go: Arc<AtomicBool>,
    origin: Option<u32>,
    next: usize,
    riff: Vec<(i64, i64, Vec<u8>)>,
}

impl ProcessHandler for Player {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        if !self.go.load(Ordering::Acquire) {
            return Control::Continue;
        }
        let start = ps.last_frame_time();
        // The first event lands 1,000 frames into the cycle, so the early ones can be early.
        let origin = *self.origin.get_or_insert(start + 1000);
        let n = i64::from(ps.n_frames());
        let mut writer = self.port.writer(ps);
        while let Some((step, off, bytes)) = self.riff.get(self.next) {
            let frame = i64::from(origin) + step * SIXTEENTH + off;
            let offset = frame - i64::from(start);
            if offset >= n {
                break;
            }
            let _ = writer.write(&RawMidi {
                time: offset.max(0) as u32,
                bytes,
            });
            self.next += 1;
        }
        Control::Continue
    }
}

#[test]
fn a_riff_played_loose_comes_back_on_the_grid_note_for_note() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("record");
    let out = dir.join("riff.flam");
    let (client, _) = Client::new("kbd", ClientOptions::NO_START_SERVER).expect("client");
    let port = client
        .register_port("out", MidiOut::default())
        .expect("port");
    let go = Arc::new(AtomicBool::new(false));
    let mut riff = riff();
    // The first note must be exactly on its frame: it is the downbeat.
    riff[0].1 = 0;
    let player: AsyncClient<(), Player> = client
        .activate_async(
            (),
            Player {
                port,
                go: go.clone(),
                origin: None,
                next: 0,
                riff,
            },
        )
        .expect("activate");
    let mut cmd = flam();
    cmd.args([
        "record",
        "--in",
        "jack:kbd:out",
        "--bars",
        "2",
        "--quantize",
        "1/16",
    ])
    .arg("-o")
    .arg(&out)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    if let Ok(server) = std::env::var("JACK_DEFAULT_SERVER") {
        cmd.env("JACK_DEFAULT_SERVER", server);
    }
    let child = cmd.spawn().expect("flam runs");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !player
        .as_client()
        .port_by_name("kbd:out")
        .is_some_and(|p| p.get_connections().iter().any(|c| c == "flam-in:in"))
    {
        assert!(Instant::now() < deadline, "flam never listened to kbd:out");
        std::thread::sleep(Duration::from_millis(10));
    }
    go.store(true, Ordering::Release);
    let (status, stderr) = finish(child, Duration::from_secs(30));
    println!("{stderr}");
    assert!(status.success(), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("the song was written");
    println!("{text}");
    assert!(stderr.contains("recorded 5 notes in 2 bars"), "{stderr}");

    let events = flam()
        .args(["events", "--json", "--cycles", "0..2"])
        .arg(&out)
        .output()
        .expect("flam events");
    assert!(events.status.success());
    let json: serde_json::Value = serde_json::from_slice(&events.stdout).expect("JSON");
    let got: Vec<(String, u64, u64, String)> = json["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["cycle"].as_str().unwrap().to_string(),
                e["note"].as_u64().unwrap(),
                e["velocity"].as_u64().unwrap(),
                e["length"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64, String)> = [
        ("0/1", 48, 100, "3/16"),
        ("1/4", 52, 90, "1/8"),
        ("1/4", 55, 90, "1/8"),
        ("1/2", 60, 80, "1/16"),
        ("5/4", 62, 64, "1/16"),
    ]
    .iter()
    .map(|(c, n, v, l)| (c.to_string(), *n, *v, l.to_string()))
    .collect();
    assert_eq!(got, want, "the song written:\n{text}");
}
