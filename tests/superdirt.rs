//! SuperDirt out: a UDP listener on loopback stands in for SuperCollider and hears exactly what
//! `flam events` lists, each note as Tidal sends it.

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rosc::{OscPacket, OscType};
use serde_json::Value;

const SONG: &str = "tempo 240
track drums
  play \"bd [~ sd] bd hh*2\"
track lead channel 2
  play \"c4 e4 [g4 b4]\"
  gate 50%
";

/// One `/dirt/play` as heard: its timetag (NTP: seconds and 2⁻³² s, as one number, so
/// differences stay exact) and its named values.
struct Heard {
    at: u64,
    values: Vec<(String, OscType)>,
}

impl Heard {
    fn get(&self, name: &str) -> Option<&OscType> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Some(OscType::Float(x)) => f64::from(*x),
            other => panic!("`{name}` is not a float: {other:?}"),
        }
    }

    fn sound(&self) -> String {
        match self.get("s") {
            Some(OscType::String(s)) => s.clone(),
            other => panic!("`s` is not a string: {other:?}"),
        }
    }
}

fn heard(bytes: &[u8]) -> Heard {
    let (_, packet) = rosc::decoder::decode_udp(bytes).unwrap();
    let OscPacket::Bundle(bundle) = packet else {
        panic!("SuperDirt expects bundles, got {packet:?}");
    };
    assert_eq!(bundle.content.len(), 1);
    let OscPacket::Message(message) = &bundle.content[0] else {
        panic!("a bundle of bundles");
    };
    assert_eq!(message.addr, "/dirt/play");
    let values = message
        .args
        .chunks(2)
        .map(|pair| match pair {
            [OscType::String(name), value] => (name.clone(), value.clone()),
            other => panic!("not a name and a value: {other:?}"),
        })
        .collect();
    let t = bundle.timetag;
    Heard {
        at: (u64::from(t.seconds) << 32) | u64::from(t.fractional),
        values,
    }
}

fn flam(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flam"));
    command.args(args);
    command
}

#[test]
fn superdirt_hears_every_note_flam_events_lists_on_time() {
    let dir = std::env::temp_dir().join(format!("flam-superdirt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).unwrap();
    let file = file.to_str().unwrap();

    let listed = flam(&["events", file, "--cycles", "0..2", "--json"])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let doc: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let tracks = doc["tracks"].as_array().unwrap();
    let events = doc["events"].as_array().unwrap();

    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Anti-hang only: two bars at 240 BPM take two seconds; nothing here is timed.
    listener
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut child = flam(&[
        "play",
        file,
        "--out",
        &format!("superdirt:127.0.0.1:{port}"),
        "--bars",
        "2",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    while got.len() < events.len() {
        let Ok(n) = listener.recv(&mut buffer) else {
            break;
        };
        got.push(heard(&buffer[..n]));
    }
    // Anti-hang only: flam ends after its two bars; a stuck one is killed, not waited on.
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("flam play did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    // Nothing more than the listed notes: by now flam has sent everything it will.
    listener
        .set_nonblocking(true)
        .expect("the listener can stop waiting");
    assert!(listener.recv(&mut buffer).is_err(), "a note too many");
    assert_eq!(got.len(), events.len());

    // Notes of one moment may leave in any order; the listing orders them by track.
    got.sort_by_key(|h| {
        (
            h.at,
            match h.get("orbit") {
                Some(OscType::Int(orbit)) => *orbit,
                other => panic!("`orbit` is not an int: {other:?}"),
            },
        )
    });
    let start = got[0].at;
    let first = events[0]["time"].as_f64().unwrap();
    for (e, h) in events.iter().zip(&got) {
        let track = tracks
            .iter()
            .find(|t| t["name"] == e["track"])
            .expect("a listed track");
        let key = e["note"].as_i64().unwrap();
        let (sound, note) = if track["drums"] == true {
            (
                match key {
                    36 => "bd",
                    38 => "sn",
                    42 => "hh",
                    other => panic!("no drum word for {other} here"),
                },
                None,
            )
        } else {
            (track["name"].as_str().unwrap(), Some(key as f64 - 60.0))
        };
        assert_eq!(h.sound(), sound);
        assert_eq!(h.get("note").map(|_| h.float("note")), note);
        let (n, d) = e["cycle"]
            .as_str()
            .unwrap()
            .split_once('/')
            .map_or((e["cycle"].as_str().unwrap(), "1"), |p| p);
        let cycle = n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap();
        assert!((h.float("cycle") - cycle).abs() < 1e-6, "cycle of {e}");
        assert!(
            (h.float("delta") - e["duration"].as_f64().unwrap()).abs() < 1e-6,
            "delta of {e}"
        );
        assert!((h.float("cps") - 1.0).abs() < 1e-9, "240 BPM in 4/4");
        let since = e["time"].as_f64().unwrap() - first;
        let after = (h.at - start) as f64 / 4_294_967_296.0;
        assert!(
            (after - since).abs() <= 1e-6,
            "timetag of {e}: {after} after the first, listed {since}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_superdirt_port_out_of_range_is_refused_before_playing() {
    let out = flam(&[
        "play",
        "patterns/house.flam",
        "--out",
        "superdirt:127.0.0.1:70000",
    ])
    .current_dir(env!("CARGO_MANIFEST_DIR"))
    .output()
    .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("not a port"), "{text}");
}
