//! Bad input never hurts playback: a JACK client floods flam's input with SysEx, stray data
//! bytes, running status and clock without Start, then vanishes as an unplugged USB device
//! does; flam plays every planned note, ends every one, and says once what it skipped.

use std::time::Duration;

use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiOut, Port, ProcessHandler, ProcessScope,
    RawMidi,
};

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

/// Writes a burst of junk every cycle: about 100 messages, or 5,000 a second.
struct Junk {
    port: Port<MidiOut>,
}

impl ProcessHandler for Junk {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let mut writer = self.port.writer(ps);
        let sysex: [u8; 12] = [
            0xf0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7f, 0x00, 0x41, 0x00, 0xf7,
        ];
        for i in 0..20u32 {
            let t = i * 10;
            let _ = writer.write(&RawMidi {
                time: t,
                bytes: &sysex,
            });
            let _ = writer.write(&RawMidi {
                time: t,
                bytes: &[0x33, 0x44],
            });
            let _ = writer.write(&RawMidi {
                time: t,
                bytes: &[0x99, 36, 100],
            });
            // Running status: a data pair on its own is another note-on.
            let _ = writer.write(&RawMidi {
                time: t + 1,
                bytes: &[38, 90],
            });
            let _ = writer.write(&RawMidi {
                time: t + 2,
                bytes: &[0xf8],
            });
            let _ = writer.write(&RawMidi {
                time: t + 3,
                bytes: &[0xf5],
            });
        }
        Control::Continue
    }
}

const SONG: &str = "tempo 240\ntrack hats drums\n  play \"hh*8\"\ntrack pad\n  play \"c4\"\n";

#[test]
fn a_flood_of_junk_and_a_vanishing_input_never_touch_the_music() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("junk");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).expect("write song");
    let mut rec = Recorder::new(1);
    let (client, _) = Client::new("junk", ClientOptions::NO_START_SERVER).expect("junk client");
    let port = client
        .register_port("out", MidiOut::default())
        .expect("port");
    let junk: AsyncClient<(), Junk> = client.activate_async((), Junk { port }).expect("activate");
    let bars = 8;
    let child = play(
        &file,
        &[
            "--in",
            "jack:junk:out",
            "--out",
            "jack:rec:in0",
            "--bars",
            &bars.to_string(),
        ],
    )
    .spawn()
    .expect("flam runs");
    // Two of the eight bars (a second each) with the flood, then the input vanishes.
    std::thread::sleep(Duration::from_millis(2500));
    drop(junk);
    let (status, stderr) = finish(child, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(100));
    println!("{stderr}");
    assert!(status.success(), "{stderr}");
    let got = rec.port(0);
    let ons = got
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .count();
    assert_eq!(
        ons,
        bars * (8 + 1),
        "every planned note, none from the junk"
    );
    let (sounding, _) = balance(&got);
    assert!(sounding.is_empty(), "every note ended: {sounding:?}");
    assert_eq!(
        stderr.matches("went away").count(),
        1,
        "the vanished input is said once: {stderr}"
    );
    assert!(
        stderr.contains("System Exclusive messages skipped"),
        "{stderr}"
    );
    assert!(stderr.contains("stray bytes ignored"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
