//! The exported MIDI file holds exactly the plan's notes: read back with midly, every note's
//! channel, key, velocity, onset and length in ticks match; an independent reader (Python's
//! mido, or FluidSynth) loads it too.

use flam::engine::message::Message;
use flam::engine::plan::Timed;
use flam::lang::song::{Song, compile};
use flam::output::length::{Length, messages};
use flam::output::smf::{self, tick_of};
use midly::{MidiMessage, Smf, Timing, TrackEventKind};

/// (tick, channel 1–16, key, velocity or 0 for a note-off), for the notes of one track.
type Note = (u64, u8, u8, u8);

fn expected(song: &Song, list: &[Timed], ppq: u16, shift: u64, track: usize) -> Vec<Note> {
    let mut out: Vec<Note> = list
        .iter()
        .filter(|t| t.track == track)
        .filter_map(|t| {
            let tick = (tick_of(song, t, ppq).0 + shift as i64) as u64;
            match t.message {
                Message::NoteOn {
                    channel,
                    key,
                    velocity,
                } => Some((tick, channel, key, velocity)),
                Message::NoteOff { channel, key } => Some((tick, channel, key, 0)),
                _ => None,
            }
        })
        .collect();
    out.sort_by_key(|n| n.0);
    out
}

fn read_back(bytes: &[u8]) -> (u16, Vec<Vec<Note>>) {
    let smf = Smf::parse(bytes).expect("the exported file parses");
    assert_eq!(smf.header.format, midly::Format::Parallel, "type 1");
    let Timing::Metrical(ppq) = smf.header.timing else {
        panic!("metrical timing expected")
    };
    let tracks = smf
        .tracks
        .iter()
        .map(|track| {
            let mut tick = 0u64;
            let mut notes = Vec::new();
            for e in track {
                tick += u64::from(e.delta.as_int());
                if let TrackEventKind::Midi { channel, message } = e.kind {
                    let ch = channel.as_int() + 1;
                    match message {
                        MidiMessage::NoteOn { key, vel } => {
                            notes.push((tick, ch, key.as_int(), vel.as_int()))
                        }
                        MidiMessage::NoteOff { key, .. } => notes.push((tick, ch, key.as_int(), 0)),
                        _ => {}
                    }
                }
            }
            notes
        })
        .collect();
    (ppq.as_int(), tracks)
}

fn round_trip(src: &str, length: Length) -> smf::Export {
    let song = compile(src).unwrap();
    let export = smf::export(&song, length);
    let (ppq, tracks) = read_back(&export.bytes);
    assert_eq!(ppq, export.ppq);
    assert_eq!(
        tracks.len(),
        song.tracks.len() + 1,
        "a tempo track, then one per track"
    );
    let (list, _) = messages(&song, length);
    for (i, _) in song.tracks.iter().enumerate() {
        assert_eq!(
            tracks[i + 1],
            expected(&song, &list, ppq, export.shift, i),
            "track {i}"
        );
    }
    // Every note-on is followed by its note-off: durations in ticks are the plan's.
    let ons = tracks.iter().flatten().filter(|n| n.3 > 0).count();
    let offs = tracks.iter().flatten().filter(|n| n.3 == 0).count();
    assert_eq!(ons, offs);
    assert_eq!(ons, export.notes);
    export
}

#[test]
fn every_demo_song_exports_exactly_its_notes() {
    for entry in std::fs::read_dir("patterns").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "flam") {
            let src = std::fs::read_to_string(&path).unwrap();
            let export = round_trip(&src, Length::Bars(8));
            assert!(export.notes > 0, "{} has notes", path.display());
        }
    }
}

#[test]
fn triplets_and_swing_land_on_whole_ticks() {
    let src = "tempo 100\nswing 57% 1/16\ntrack a\n  play \"[c4 e4 g4] [c4 e4 g4 b4 d5]\"\ntrack b drums\n  play \"hh*16\"\n";
    let export = round_trip(src, Length::Bars(4));
    assert_eq!(export.rounded, 0, "exact at {} PPQ", export.ppq);
    assert_eq!(export.ppq % 960, 0);
}

#[test]
fn tempo_and_meter_are_in_the_first_track() {
    let song = compile("tempo 84\nmeter 6/8\ntrack a\n  play \"c4 d4\"\n").unwrap();
    let export = smf::export(&song, Length::Bars(2));
    let smf = Smf::parse(&export.bytes).unwrap();
    let metas: Vec<_> = smf.tracks[0]
        .iter()
        .filter_map(|e| match e.kind {
            TrackEventKind::Meta(m) => Some(m),
            _ => None,
        })
        .collect();
    assert!(metas.contains(&midly::MetaMessage::Tempo(714_286.into())));
    assert!(metas.contains(&midly::MetaMessage::TimeSignature(6, 3, 24, 8)));
}

#[test]
fn a_grace_before_the_first_beat_moves_the_song_by_a_whole_bar() {
    let src = "tempo 120\ntrack sn drums\n  play \"sn ~ sn ~\"\n  nudge -30ms\n";
    let export = round_trip(src, Length::Bars(2));
    assert_eq!(export.shift, 4 * u64::from(export.ppq), "one 4/4 bar");
}

#[test]
fn the_program_and_track_name_come_first() {
    let song =
        compile("track bass channel 2 program electric-bass-finger\n  play \"c2\"\n").unwrap();
    let export = smf::export(&song, Length::Bars(1));
    let smf = Smf::parse(&export.bytes).unwrap();
    let first: Vec<_> = smf.tracks[1].iter().take(2).map(|e| e.kind).collect();
    assert_eq!(
        first[0],
        TrackEventKind::Meta(midly::MetaMessage::TrackName(b"bass"))
    );
    assert!(matches!(
        first[1],
        TrackEventKind::Midi { message: MidiMessage::ProgramChange { program }, .. } if program.as_int() == 33
    ));
}

/// Loads the file in whichever independent reader is installed: Python's mido
/// (`pip install mido`), else FluidSynth (`apt-get install fluidsynth`), which also proves
/// the built-in SoundFont loads in another synthesizer.
#[test]
fn an_independent_reader_loads_the_file() {
    let src = std::fs::read_to_string("patterns/boom-bap.flam").unwrap();
    let export = round_trip(&src, Length::Bars(4));
    let dir = std::env::temp_dir().join(format!("flam-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mid = dir.join("boom-bap.mid");
    std::fs::write(&mid, &export.bytes).unwrap();
    let mido = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, mido\nm = mido.MidiFile(sys.argv[1])\nprint(m.type, m.ticks_per_beat, len(m.tracks), sum(1 for t in m.tracks for e in t if e.type == 'note_on' and e.velocity > 0))",
        ])
        .arg(&mid)
        .output();
    if let Ok(out) = &mido
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        let want = format!("1 {} 5 {}", export.ppq, export.notes);
        assert_eq!(text.trim(), want, "mido reads type, PPQ, tracks and notes");
        eprintln!("checked with mido: {text}");
        return;
    }
    let wav = dir.join("boom-bap.wav");
    let fluid = std::process::Command::new("fluidsynth")
        .args(["-ni", "-g", "0.5", "-F"])
        .arg(&wav)
        .args(["-r", "48000"])
        .arg("soundfonts/flam-default.sf2")
        .arg(&mid)
        .output();
    match fluid {
        Ok(out) if out.status.success() => {
            let reader = hound::WavReader::open(&wav).expect("FluidSynth wrote a WAV");
            let peak = reader
                .into_samples::<i16>()
                .map(|s| s.unwrap().unsigned_abs())
                .max()
                .unwrap_or(0);
            assert!(peak > 1000, "FluidSynth played the notes (peak {peak})");
            eprintln!("checked with FluidSynth");
        }
        _ => eprintln!(
            "note: neither mido (pip install mido) nor fluidsynth (apt-get install fluidsynth) is installed; only midly checked the file"
        ),
    }
}
