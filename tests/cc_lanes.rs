//! Controller lanes (`cc`, `volume`, `pan` on a track): what a producer writes to sweep a
//! filter or set a part's level, checked in the song, in `flam events`, in the exported
//! MIDI file and, through JACK, on the exact frames of their steps.

#[path = "support/cli.rs"]
mod cli;
use cli::{errors, events_json, flam_ok, scratch};
use std::process::Command;

#[path = "support/tool.rs"]
mod tool;

use flam::engine::plan;
use flam::lang::song::compile;
use flam::lang::song::lane::Target;
use flam::theory::time::Time;

/// A bass whose filter opens over the bar, at half volume, panned a little left.
const SONG: &str = "tempo 120
track bass channel 2
  play \"c2*4\"
  cc cutoff \"20 40 60 80\"
  volume 64
  pan 40
";

#[test]
fn a_misspelled_controller_or_a_value_out_of_range_is_refused_with_a_hint() {
    let src =
        "track bass\n  play \"c2\"\n  cc cutof 20\n  cc 74 \"20 200\"\n  cc 123 0\n  volume loud\n";
    assert_eq!(
        errors(src),
        [
            "3: unknown controller `cutof` (did you mean `cutoff`?)",
            "4: a controller value is a whole number 0–127, got `200` (for example `cc cutoff \"<20 60 100>\"`)",
            "5: a controller number must be a whole number from 0 to 119, got `123` (use a whole number from 0 to 119)",
            "6: a controller value is a whole number 0–127, got `loud` (for example `volume 100`)",
        ]
    );
}

#[test]
fn each_step_sends_its_value_before_the_note_of_the_same_step() {
    let song = compile(SONG).expect("compiles");
    let list = plan::notes(&song, Time::ZERO, Time::ONE);
    let order: Vec<String> = list
        .iter()
        .take(5)
        .map(|t| {
            let (b, n) = t.message.bytes();
            format!("{:.3} {:02x?}", t.seconds, &b[..n])
        })
        .collect();
    assert_eq!(
        order,
        [
            "0.000 [b1, 07, 40]",
            "0.000 [b1, 0a, 28]",
            "0.000 [b1, 4a, 14]",
            "0.000 [91, 24, 64]",
            "0.500 [81, 24, 00]",
        ],
        "volume, pan and cutoff, then the note"
    );
    let cutoffs: Vec<(f64, u8)> = list
        .iter()
        .filter_map(|t| match t.message {
            flam::engine::message::Message::Control {
                controller: 74,
                value,
                ..
            } => Some((t.seconds, value)),
            _ => None,
        })
        .collect();
    assert_eq!(cutoffs, [(0.0, 20), (0.5, 40), (1.0, 60), (1.5, 80)]);
}

/// Exports `file` over `bars` bars beside it, as `song.mid`, and says where.
fn exported(file: &std::path::Path, bars: u32) -> std::path::PathBuf {
    let mid = file.with_file_name("song.mid");
    let bars = bars.to_string();
    flam_ok(&[
        "export",
        file.to_str().unwrap(),
        "--bars",
        &bars,
        "-o",
        mid.to_str().unwrap(),
    ]);
    mid
}

/// A MIDI file as midly reads it: its ticks per quarter note, and every channel message with
/// its absolute tick and channel (0–15), track by track.
fn midi_messages(mid: &std::path::Path) -> (u32, Vec<(u32, u8, midly::MidiMessage)>) {
    let bytes = std::fs::read(mid).unwrap();
    let smf = midly::Smf::parse(&bytes).unwrap();
    let ppq = match smf.header.timing {
        midly::Timing::Metrical(t) => u32::from(t.as_int()),
        other => panic!("{other:?}"),
    };
    let mut out = Vec::new();
    for track in &smf.tracks {
        let mut tick = 0u32;
        for e in track {
            tick += e.delta.as_int();
            if let midly::TrackEventKind::Midi { channel, message } = e.kind {
                out.push((tick, channel.as_int(), message));
            }
        }
    }
    (ppq, out)
}

#[test]
fn events_list_the_controller_changes_and_the_midi_file_carries_them_on_their_ticks() {
    let (file, doc) = events_json("cc-export", SONG, "0..1");
    let controls = doc["controls"].as_array().expect("a controls list");
    assert_eq!(controls.len(), 6, "volume, pan and four cutoffs");
    assert_eq!(controls[2]["controller"], 74);
    assert_eq!(controls[5]["cycle"], "3/4");
    assert_eq!(controls[5]["value"], 80);

    let mid = exported(&file, 1);
    let (ppq, messages) = midi_messages(&mid);
    let cutoffs: Vec<(u32, u8, u8)> = messages
        .iter()
        .filter_map(|&(tick, channel, message)| match message {
            midly::MidiMessage::Controller { controller, value } if controller.as_int() == 74 => {
                Some((tick, channel, value.as_int()))
            }
            _ => None,
        })
        .collect();
    // A quarter note apart in 4/4, on channel 2 (1 counted from 0).
    let q = ppq;
    assert_eq!(
        cutoffs,
        [(0, 1, 20), (q, 1, 40), (2 * q, 1, 60), (3 * q, 1, 80)]
    );
}

/// The values `target` takes over `bars` bars, with where each is sent.
fn moves(src: &str, target: Target, bars: i64) -> Vec<(String, u16)> {
    let song = compile(src).unwrap_or_else(|e| panic!("{e:?}"));
    flam::engine::changes::changes(&song, Time::ZERO, Time::from_integer(bars))
        .into_iter()
        .filter(|c| c.target == target)
        .map(|c| (c.cycle.to_string(), c.value))
        .collect()
}

/// The values controller `cc` takes over `bars` bars.
fn lane(src: &str, cc: u8, bars: i64) -> Vec<(String, u16)> {
    moves(src, Target::Control(cc), bars)
}

fn pairs(list: &[(&str, u16)]) -> Vec<(String, u16)> {
    list.iter().map(|(c, v)| (c.to_string(), *v)).collect()
}

#[test]
fn a_saw_sweeps_the_filter_open_over_two_bars_in_quarter_steps() {
    let src = "track bass\n  play \"c2*4\"\n  cc cutoff saw range 20 100 segment 4 slow 2\n";
    assert_eq!(
        lane(src, 74, 2),
        pairs(&[
            ("0", 20),
            ("1/4", 30),
            ("1/2", 40),
            ("3/4", 50),
            ("1", 60),
            ("5/4", 70),
            ("3/2", 80),
            ("7/4", 90),
        ])
    );
}

#[test]
fn a_sine_on_the_mod_wheel_rises_and_falls_and_a_square_on_sustain_holds_half_a_bar() {
    let sine = lane("track lead\n  play \"c5\"\n  cc mod sine segment 4\n", 1, 1);
    assert_eq!(
        sine,
        pairs(&[("0", 64), ("1/4", 127), ("1/2", 64), ("3/4", 0)])
    );
    let square = lane("track keys\n  play \"c4\"\n  cc sustain square\n", 64, 1);
    assert_eq!(
        square,
        pairs(&[("0", 0), ("1/2", 127)]),
        "sent on change only"
    );
}

#[test]
fn a_signal_lanes_unknown_setting_is_refused_with_what_it_takes() {
    let src = "track bass\n  play \"c2\"\n  cc cutoff sine depth 3\n";
    assert_eq!(
        errors(src),
        [
            "3: a signal lane has no setting `depth` (a signal takes `range LO HI`, `segment N`, `slow N` or `fast N`)"
        ]
    );
}

#[test]
fn a_bend_pattern_moves_the_wheel_around_its_middle_and_bend_range_is_set_first() {
    let src = "track lead channel 4\n  play \"c5\"\n  bend \"0 0.5 -1 1\"\n  bend-range 12\n";
    assert_eq!(
        moves(src, Target::Bend, 1),
        pairs(&[("0", 8192), ("1/4", 12288), ("1/2", 0), ("3/4", 16383)])
    );
    let song = compile(src).unwrap();
    let setup: Vec<Vec<u8>> = plan::setup(&song)
        .iter()
        .map(|t| {
            let (b, n) = t.message.bytes();
            b[..n].to_vec()
        })
        .collect();
    // RPN 0 selected, 12 semitones, then RPN null so no later data entry changes it.
    assert_eq!(
        setup,
        [
            vec![0xb3, 101, 0],
            vec![0xb3, 100, 0],
            vec![0xb3, 6, 12],
            vec![0xb3, 38, 0],
            vec![0xb3, 101, 127],
            vec![0xb3, 100, 127],
        ]
    );
}

#[test]
fn a_sine_bends_half_a_wheel_each_way_and_pressure_follows_its_pattern() {
    let bend = moves(
        "track lead\n  play \"c5\"\n  bend sine range -0.5 0.5 segment 4\n",
        Target::Bend,
        1,
    );
    assert_eq!(
        bend,
        pairs(&[("0", 8192), ("1/4", 12288), ("1/2", 8192), ("3/4", 4096)])
    );
    let pressure = moves(
        "track pad\n  play \"c4\"\n  pressure \"0 64 127\"\n",
        Target::Pressure,
        1,
    );
    assert_eq!(pressure, pairs(&[("0", 0), ("1/3", 64), ("2/3", 127)]));
    let wrong = "track lead\n  play \"c5\"\n  bend \"0 2\"\n";
    assert_eq!(
        errors(wrong),
        [
            "3: a bend is a number from -1 to 1, got `2` (for example `bend \"0 0.5 1 0\" or bend sine range -0.5 0.5`)"
        ]
    );
}

#[test]
fn the_midi_file_carries_the_bend_and_the_pressure() {
    let dir = scratch("cc-bend");
    let file = dir.join("song.flam");
    std::fs::write(
        &file,
        "track lead channel 4\n  play \"c5\"\n  bend \"0 1\"\n  pressure \"90\"\n",
    )
    .unwrap();
    let mid = exported(&file, 1);
    let (_, messages) = midi_messages(&mid);
    let mut bends = Vec::new();
    let mut pressures = Vec::new();
    for &(_, channel, message) in &messages {
        match message {
            midly::MidiMessage::PitchBend { bend } => bends.push((channel, bend.0.as_int())),
            midly::MidiMessage::ChannelAftertouch { vel } => {
                pressures.push((channel, vel.as_int()))
            }
            _ => {}
        }
    }
    assert_eq!(bends, [(3, 8192), (3, 16383)]);
    assert_eq!(pressures, [(3, 90)]);
}

/// Prints every controller, pitch wheel and pressure message as mido reads them: the kind,
/// absolute tick, channel (1–16) and values.
const MIDO_LANES: &str = r#"import sys, mido
m = mido.MidiFile(sys.argv[1])
print(m.ticks_per_beat)
for t in m.tracks:
    tick = 0
    for e in t:
        tick += e.time
        if e.type == 'control_change': print('cc', tick, e.channel + 1, e.control, e.value)
        if e.type == 'pitchwheel': print('bend', tick, e.channel + 1, e.pitch)
        if e.type == 'aftertouch': print('pressure', tick, e.channel + 1, e.value)
"#;

/// Python's mido reads the exported lanes back on their own: every controller change, bend
/// and pressure, with its tick worked out here from the bar position.
#[test]
fn mido_reads_back_every_lane_message_on_its_tick() {
    let Some((ppq, text)) = mido_lanes(
        "cc-mido",
        "tempo 100\ntrack lead channel 5\n  play \"c5*2\"\n  cc cutoff \"10 90\"\n  bend \"-1 0.5\"\n  pressure 30\n",
        2,
    ) else {
        return;
    };
    let half = 2 * ppq; // half a 4/4 bar
    let got: Vec<&str> = text.lines().collect();
    let mut want = Vec::new();
    for bar in 0..2u64 {
        let at = bar * 4 * ppq;
        // At each step: the controller, then the wheel, then the pressure (once a bar).
        want.push(format!("cc {at} 5 74 10"));
        want.push(format!("bend {at} 5 -8192"));
        want.push(format!("pressure {at} 5 30"));
        want.push(format!("cc {} 5 74 90", at + half));
        want.push(format!("bend {} 5 4096", at + half));
    }
    assert_eq!(got, want);
}

#[test]
fn a_program_pattern_changes_the_sound_each_bar_just_before_its_first_note() {
    let src = "track keys channel 1\n  program \"<1 organ>\"\n  play \"c4 e4\"\n";
    let song = compile(src).unwrap();
    assert!(
        plan::setup(&song).is_empty(),
        "the pattern sends the program itself"
    );
    let list: Vec<Vec<u8>> = plan::notes(&song, Time::ZERO, Time::from_integer(2))
        .iter()
        .map(|t| {
            let (b, n) = t.message.bytes();
            b[..n].to_vec()
        })
        .collect();
    // Piano (1) in bar 1, drawbar organ (17) in bar 2, each before the bar's first note.
    assert_eq!(list[0], [0xc0, 0]);
    assert_eq!(list[1], [0x90, 60, 100]);
    // (The e4 of bar 1 ends as bar 2 begins, before the change.)
    assert_eq!(list[4], [0x80, 64, 0]);
    assert_eq!(list[5], [0xc0, 16]);
    assert_eq!(list[6], [0x90, 60, 100]);
    assert_eq!(
        errors("track keys\n  program \"<1 orgn>\"\n  play \"c4\"\n"),
        ["2: unknown General MIDI program `orgn` (did you mean `organ`?)"]
    );
}

/// How bright a mono-mixed WAV sounds: the RMS of its sample-to-sample change over the RMS
/// of the signal (a first difference weighs each frequency by how high it is), from 0.2 s to
/// 1.6 s.
fn brightness(wav: &std::path::Path) -> f64 {
    let mut reader = hound::WavReader::open(wav).unwrap();
    let spec = reader.spec();
    let samples: Vec<f64> = reader
        .samples::<i16>()
        .map(|s| f64::from(s.unwrap()))
        .collect();
    let channels = usize::from(spec.channels);
    let mono: Vec<f64> = samples
        .chunks_exact(channels)
        .map(|f| f.iter().sum::<f64>() / channels as f64)
        .collect();
    let rate = spec.sample_rate as usize;
    let part = &mono[rate / 5..rate * 8 / 5];
    let rms = |x: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = x.fold((0.0, 0usize), |(s, n), v| (s + v * v, n + 1));
        (sum / n.max(1) as f64).sqrt()
    };
    let level = rms(&mut part.iter().copied());
    let change = rms(&mut part.windows(2).map(|w| w[1] - w[0]));
    change / level.max(1e-9)
}

#[test]
fn closing_the_filter_with_cc_74_takes_the_top_off_the_rendered_sawtooth() {
    let dir = scratch("cc-cutoff");
    let mut measured = Vec::new();
    for cutoff in [8, 64, 120] {
        let file = dir.join(format!("saw-{cutoff}.flam"));
        std::fs::write(
            &file,
            format!(
                "tempo 120\ntrack lead channel 1 program lead-2-sawtooth\n  play \"c4\"\n  cc cutoff {cutoff}\n"
            ),
        )
        .unwrap();
        let wav = dir.join(format!("saw-{cutoff}.wav"));
        flam_ok(&[
            "render",
            file.to_str().unwrap(),
            "--bars",
            "1",
            "--no-effects",
            "-o",
            wav.to_str().unwrap(),
        ]);
        measured.push(brightness(&wav));
    }
    let (closed, middle, open) = (measured[0], measured[1], measured[2]);
    assert!(
        closed < middle * 0.5,
        "closed {closed} vs as written {middle}"
    );
    // This preset's filter is open as written: opening it further changes next to nothing.
    assert!(open >= middle * 0.95, "open {open} vs as written {middle}");
}

#[test]
fn a_lane_too_busy_for_a_din_cable_is_warned_about_and_an_ordinary_one_is_not() {
    use flam::lang::song::warning::warnings;
    // Eight synths, each sweeping its filter in 128 steps a bar at 240 BPM: 3,072 bytes a
    // second of controllers and 768 of notes.
    let mut text = String::from("tempo 240\n");
    for i in 1..=8 {
        text.push_str(&format!(
            "track synth{i} channel {i}\n  play \"c5*16\"\n  cc cutoff saw segment 128\n"
        ));
    }
    let busy = compile(&text).unwrap();
    let found = warnings(&busy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .contains("more than a 5-pin DIN cable carries (3125)"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].message.starts_with("bar 1 needs 3840 bytes"),
        "{}",
        found[0].message
    );
    let calm = compile(SONG).unwrap();
    assert!(warnings(&calm).is_empty());
}

/// A synth's NRPN 1025 (say, a filter's envelope amount) jumping to its top half way through
/// the bar, and NRPN 300 rising on a signal, on channel 3.
const NRPN_SONG: &str = "tempo 120
track synth channel 3
  play \"c4*2\"
  nrpn 1025 \"0 16383\"
  nrpn 300 saw range 0 8192 segment 2
";

#[test]
fn an_nrpn_value_is_listed_once_and_sent_as_its_four_controllers_in_order() {
    let (_, doc) = events_json("nrpn-events", NRPN_SONG, "0..1");
    let listed: Vec<(String, u64, u64)> = doc["controls"]
        .as_array()
        .expect("a controls list")
        .iter()
        .map(|c| {
            (
                c["cycle"].as_str().unwrap().to_string(),
                c["nrpn"].as_u64().unwrap(),
                c["value"].as_u64().unwrap(),
            )
        })
        .collect();
    let listed: Vec<(&str, u64, u64)> = listed
        .iter()
        .map(|(c, p, v)| (c.as_str(), *p, *v))
        .collect();
    assert_eq!(
        listed,
        [
            ("0/1", 300, 0),
            ("0/1", 1025, 0),
            ("1/2", 300, 4096),
            ("1/2", 1025, 16383)
        ]
    );

    let song = compile(NRPN_SONG).unwrap();
    let sent: Vec<Vec<u8>> = plan::controls(&song, Time::ZERO, Time::ONE)
        .iter()
        .map(|t| {
            let (b, n) = t.message.bytes();
            b[..n].to_vec()
        })
        .collect();
    let cc = |controller: u8, value: u8| vec![0xb2, controller, value];
    // Parameter MSB and LSB (1025 is 8 and 1), then the value's MSB and LSB.
    assert_eq!(
        sent,
        [
            cc(99, 2),
            cc(98, 44),
            cc(6, 0),
            cc(38, 0),
            cc(99, 8),
            cc(98, 1),
            cc(6, 0),
            cc(38, 0),
            cc(99, 2),
            cc(98, 44),
            cc(6, 32),
            cc(38, 0),
            cc(99, 8),
            cc(98, 1),
            cc(6, 127),
            cc(38, 127),
        ]
    );
}

#[test]
fn mido_reads_the_nrpn_controllers_back_in_order_on_their_ticks() {
    let Some((ppq, text)) = mido_lanes(
        "nrpn-mido",
        "track synth channel 3\n  play \"c4*2\"\n  nrpn 1025 \"0 16383\"\n",
        1,
    ) else {
        return;
    };
    let half = 2 * ppq;
    let got: Vec<&str> = text.lines().collect();
    let want: Vec<String> = [
        (0, 99, 8),
        (0, 98, 1),
        (0, 6, 0),
        (0, 38, 0),
        (half, 99, 8),
        (half, 98, 1),
        (half, 6, 127),
        (half, 38, 127),
    ]
    .iter()
    .map(|(tick, controller, value)| format!("cc {tick} 3 {controller} {value}"))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn an_nrpn_out_of_fourteen_bits_is_refused_with_a_hint() {
    let src = "track synth\n  play \"c4\"\n  nrpn 16384 0\n  nrpn 1025 \"0 20000\"\n  nrpn 1025 saw range 0 16384\n  nrpn\n";
    assert_eq!(
        errors(src),
        [
            "3: an NRPN parameter must be a whole number from 0 to 16383, got `16384` (use a whole number from 0 to 16383)",
            "4: an NRPN value is a whole number 0–16383, got `20000` (for example `nrpn 1025 \"0 8192 16383\" or nrpn 1025 saw range 0 16383`)",
            "5: an NRPN value is a whole number 0–16383, got `16384` (for example `range 20 100` (`range -0.5 0.5` for a bend, `range 0 16383` for an NRPN))",
            "6: `nrpn` needs a parameter number (for example `nrpn 1025 \"0 8192 16383\"`)",
        ]
    );
}

/// A song exported over `bars` bars and read back by Python's mido: the file's ticks per
/// quarter note and one line per lane message; `None` (said in one line) without mido.
fn mido_lanes(name: &str, song: &str, bars: u32) -> Option<(u64, String)> {
    let Some(python) = tool::python_with_mido() else {
        tool::unavailable(
            "Python's mido",
            "scripts/setup installs it: apt-get install python3-mido",
        );
        return None;
    };
    let dir = scratch(name);
    let file = dir.join("song.flam");
    std::fs::write(&file, song).unwrap();
    let mid = exported(&file, bars);
    let out = Command::new(python)
        .args(["-c", MIDO_LANES])
        .arg(&mid)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mido: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (ppq, rest) = text.split_once('\n').unwrap_or((&text, ""));
    Some((ppq.trim().parse().unwrap(), rest.to_string()))
}
