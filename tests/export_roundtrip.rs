//! The exported MIDI file holds exactly the plan's notes: read back with midly and with an
//! independent reader (Python's mido), every note's channel, key, velocity, onset and length
//! in ticks match ticks computed here from the tempo, the meter and each note's exact bar
//! position; FluidSynth plays the file with flam's SoundFont.

use flam::engine::message::Message;
use flam::engine::plan::Timed;
use flam::lang::song::{Song, compile};
use flam::output::length::{Length, messages};
use flam::output::smf;
use midly::{MidiMessage, Smf, Timing, TrackEventKind};
use num_rational::Ratio;

#[path = "support/tool.rs"]
mod tool;

/// (tick, channel 1–16, key, velocity or 0 for a note-off), for the notes of one track.
type Note = (u64, u8, u8, u8);

/// The tick a message belongs on, worked out here rather than by the exporter: its bar
/// position in quarter notes (bars × 4 × beats ÷ unit) times the PPQ, which must be a whole
/// number, plus whatever the plan moved it in seconds (nudge, humanize, graces) in ticks at
/// the song's tempo, rounded to the nearest.
fn tick(song: &Song, t: &Timed, ppq: u16) -> i64 {
    let meter = song.tempo.meter;
    let bar = Ratio::new(4 * i128::from(meter.beats), i128::from(meter.unit));
    let cycle = Ratio::new(i128::from(*t.cycle.numer()), i128::from(*t.cycle.denom()));
    let quarters = cycle * bar;
    let on_grid = quarters * i128::from(ppq);
    assert!(
        on_grid.is_integer(),
        "{cycle} lands between ticks at {ppq} PPQ"
    );
    let seconds_per_quarter = 60.0 / song.tempo.bpm;
    let grid_seconds = *quarters.numer() as f64 / *quarters.denom() as f64 * seconds_per_quarter;
    let moved = ((t.seconds - grid_seconds) / seconds_per_quarter * f64::from(ppq)).round();
    *on_grid.numer() as i64 + moved as i64
}

fn expected(song: &Song, list: &[Timed], ppq: u16, shift: u64, track: usize) -> Vec<Note> {
    let mut out: Vec<Note> = list
        .iter()
        .filter(|t| t.track == track)
        .filter_map(|t| {
            let tick = (tick(song, t, ppq) + shift as i64) as u64;
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
    out.sort();
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
            notes.sort();
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

/// Prints the file as mido reads it: a header line, then tempo, meter and every note with its
/// track, absolute tick, channel (1–16), key and velocity (0 for a note-off).
const MIDO_DUMP: &str = r#"import sys, mido
m = mido.MidiFile(sys.argv[1])
print(m.type, m.ticks_per_beat, len(m.tracks))
for i, t in enumerate(m.tracks):
    tick = 0
    for e in t:
        tick += e.time
        if e.type == 'set_tempo': print('tempo', tick, e.tempo)
        if e.type == 'time_signature': print('meter', tick, e.numerator, e.denominator)
        if e.type == 'note_on': print('note', i, tick, e.channel + 1, e.note, e.velocity)
        if e.type == 'note_off': print('note', i, tick, e.channel + 1, e.note, 0)
        if e.type == 'end_of_track' and i == 0: print('end', tick)
"#;

/// Python's mido reads the file on its own: the format, the PPQ, the tempo and meter, and
/// every note of every track, tick for tick as worked out here.
#[test]
fn mido_reads_back_every_note_on_its_tick() {
    let Some(python) = tool::python_with_mido() else {
        tool::unavailable(
            "Python's mido",
            "scripts/setup installs it: apt-get install python3-mido",
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("flam-mido-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, src) in [
        (
            "boom-bap",
            std::fs::read_to_string("patterns/boom-bap.flam").unwrap(),
        ),
        (
            "waltz-with-a-grace",
            "tempo 84\nmeter 3/4\ntrack sn drums\n  play \"flam ~ [sn sn sn]\"\n  nudge -12ms\ntrack bass channel 2\n  play \"c2 [e2 g2] c3\"\n".to_string(),
        ),
    ] {
        let song = compile(&src).unwrap();
        let export = round_trip(&src, Length::Bars(4));
        let mid = dir.join(format!("{name}.mid"));
        std::fs::write(&mid, &export.bytes).unwrap();
        let out = std::process::Command::new(python)
            .args([
                "-c",
                MIDO_DUMP,
            ])
            .arg(&mid)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mido failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(format!("1 {} {}", export.ppq, song.tracks.len() + 1).as_str()),
            "{name}: type, PPQ, tracks"
        );
        let micros = (60_000_000.0 / song.tempo.bpm).round() as u64;
        let meter = song.tempo.meter;
        let mut tempo = Vec::new();
        let mut end = None;
        let mut read: Vec<Vec<Note>> = vec![Vec::new(); song.tracks.len()];
        for line in lines {
            let f: Vec<&str> = line.split(' ').collect();
            match f[0] {
                "tempo" => tempo.push(line.to_string()),
                "meter" => tempo.push(line.to_string()),
                "end" => end = f[1].parse::<u64>().ok(),
                _ => {
                    let n: Vec<u64> = f[1..].iter().map(|x| x.parse().unwrap()).collect();
                    read[n[0] as usize - 1].push((n[1], n[2] as u8, n[3] as u8, n[4] as u8));
                }
            }
        }
        assert_eq!(
            tempo,
            [
                format!("tempo 0 {micros}"),
                format!("meter 0 {} {}", meter.beats, meter.unit)
            ],
            "{name}: tempo and meter"
        );
        // The tempo track ends after the four bars, each `beats` quarters long here.
        let bar = u64::from(export.ppq) * 4 * u64::from(meter.beats) / u64::from(meter.unit);
        assert_eq!(end, Some(4 * bar + export.shift), "{name}: where the song ends");
        let (list, _) = messages(&song, Length::Bars(4));
        for (i, notes) in read.iter_mut().enumerate() {
            notes.sort();
            let want = expected(&song, &list, export.ppq, export.shift, i);
            assert!(!want.is_empty(), "{name}: track {i} has notes");
            assert_eq!(*notes, want, "{name}: track {i} as mido reads it");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// FluidSynth, another synthesizer, loads flam's SoundFont and plays the exported file.
#[test]
fn fluidsynth_plays_the_exported_file_with_flams_soundfont() {
    if !tool::runs("fluidsynth", &["--version"]) {
        tool::unavailable(
            "fluidsynth",
            "scripts/setup installs it: apt-get install fluidsynth",
        );
        return;
    }
    let src = std::fs::read_to_string("patterns/boom-bap.flam").unwrap();
    let export = round_trip(&src, Length::Bars(4));
    let dir = std::env::temp_dir().join(format!("flam-fluid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mid = dir.join("boom-bap.mid");
    std::fs::write(&mid, &export.bytes).unwrap();
    let wav = dir.join("boom-bap.wav");
    let out = std::process::Command::new("fluidsynth")
        .args(["-ni", "-g", "0.5", "-F"])
        .arg(&wav)
        .args(["-r", "48000"])
        .arg("soundfonts/flam-default.sf2")
        .arg(&mid)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fluidsynth failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reader = hound::WavReader::open(&wav).expect("FluidSynth wrote a WAV");
    let peak = reader
        .into_samples::<i16>()
        .map(|s| s.unwrap().unsigned_abs())
        .max()
        .unwrap_or(0);
    assert!(peak > 1000, "FluidSynth played the notes (peak {peak})");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The note-on ticks of the first track of `src`, exported for `bars` bars, and the PPQ.
fn onsets(src: &str, bars: u32) -> (u16, Vec<u64>, usize) {
    let song = compile(src).unwrap();
    let export = smf::export(&song, Length::Bars(bars));
    let (ppq, tracks) = read_back(&export.bytes);
    let ons = tracks[1].iter().filter(|n| n.3 > 0).map(|n| n.0).collect();
    (ppq, ons, export.rounded)
}

#[test]
fn the_resolution_is_960_or_the_least_multiple_that_holds_every_time_exactly() {
    // Sixteenths, triplets and quintuplets all fit 960 ticks a quarter.
    for pattern in ["c4*16", "[c4 d4 e4]*4", "c4 d4 e4 f4 g4"] {
        let (ppq, _, rounded) = onsets(&format!("track a\n  play \"{pattern}\"\n"), 1);
        assert_eq!((ppq, rounded), (960, 0), "{pattern}");
    }
    // Septuplets over the bar: a seventh of four quarters needs 960 × 7.
    let (ppq, ons, rounded) = onsets("track a\n  play \"c4*7\"\n", 1);
    assert_eq!((ppq, rounded), (6720, 0));
    assert_eq!(ons, (0..7).map(|k| k * 4 * 6720 / 7).collect::<Vec<u64>>());
    // Sevens and elevens: 960 × 77 is too fine for a MIDI file, 77 × 425 is the finest exact.
    let (ppq, _, rounded) = onsets("track a\n  play \"[c4*7, e4*11]\"\n", 1);
    assert_eq!((ppq, rounded), (77 * 425, 0));
    // Nineteen and twenty-three fit 437 × 74 ticks exactly…
    let (ppq, _, rounded) = onsets("track a\n  play \"[c4*19, e4*23]\"\n", 1);
    assert_eq!((ppq, rounded), (437 * 74, 0));
    // …but with 29 and 31 as well no resolution holds them: the finest multiple of 960 is
    // used and the times round to the nearest tick.
    let (ppq, ons, rounded) = onsets("track a\n  play \"[c4*19, e4*23, g4*29, b4*31]\"\n", 1);
    assert_eq!(ppq, 960 * 34);
    assert!(rounded > 0);
    let nearest: Vec<u64> = [19u64, 23, 29, 31]
        .iter()
        .flat_map(|&n| (0..n).map(move |k| ((k * 4 * 32640) as f64 / n as f64).round() as u64))
        .collect();
    let mut nearest = nearest;
    nearest.sort_unstable();
    let mut ons = ons;
    ons.sort_unstable();
    assert_eq!(ons, nearest);
}

#[test]
fn quintuplets_fall_every_768_ticks_at_960_ppq() {
    let (ppq, ons, _) = onsets("track a\n  play \"c4 d4 e4 f4 g4\"\n", 2);
    assert_eq!(ppq, 960);
    assert_eq!(
        ons,
        [0, 768, 1536, 2304, 3072, 3840, 4608, 5376, 6144, 6912]
    );
}

#[test]
fn a_time_half_way_between_two_ticks_rounds_up() {
    // A bar of one 32nd note (an eighth of a quarter) cut in 32: each step is 1/256 of a
    // quarter, 127.5 ticks at the 32,640 that the 19-, 23- and 29-tuplets force.
    let (ppq, ons, _) = onsets(
        "meter 1/32\ntrack a\n  play \"[c4*32, e4*19, g4*23, b4*29]\"\n",
        1,
    );
    assert_eq!(ppq, 32640);
    assert!(ons.contains(&128), "127.5 rounds to 128: {ons:?}");
    assert!(ons.contains(&383), "382.5 rounds to 383: {ons:?}");
}

#[test]
fn a_nudge_later_exports_later_and_a_nudge_earlier_exports_earlier() {
    // 120 BPM at 960 PPQ: 1,920 ticks a second, so 10 ms is 19.2 ticks, 19 on the file.
    let (_, later, _) = onsets("tempo 120\ntrack a\n  play \"c4 c4\"\n  nudge 10ms\n", 1);
    assert_eq!(later, [19, 1939]);
    // Earlier than bar 0: the whole song moves a bar later, the note 19 ticks before it.
    let (_, earlier, _) = onsets("tempo 120\ntrack a\n  play \"c4 c4\"\n  nudge -10ms\n", 1);
    assert_eq!(earlier, [3840 - 19, 3840 + 1920 - 19]);
}

#[test]
fn swing_delays_the_offbeat_sixteenth_in_the_file() {
    // Two thirds: the second sixteenth of each eighth starts 320 ticks in, not 240.
    let (ppq, ons, _) = onsets("swing 2/3 1/16\ntrack a\n  play \"c4*8\"\n", 1);
    assert_eq!(ppq, 960);
    assert_eq!(ons[..4], [0, 480, 960, 1440], "eighths stay put");
    let (_, ons, _) = onsets("swing 2/3 1/16\ntrack a\n  play \"c4*16\"\n", 1);
    assert_eq!(ons[..4], [0, 320, 480, 800]);
}

#[test]
fn notes_before_bar_one_move_the_song_by_whole_bars_of_its_own_meter() {
    // A flam's grace in 3/8: the bar is three eighths, 1,440 ticks at 960 PPQ.
    let export = round_trip(
        "tempo 60\nmeter 3/8\ntrack sn drums\n  play \"flam ~ ~\"\n",
        Length::Bars(2),
    );
    assert_eq!((export.ppq, export.shift), (960, 1440));
    // Exactly one bar early (a second at 240 BPM): one bar of shift, not two.
    let (_, ons, _) = onsets("tempo 240\ntrack a\n  play \"c4 c4\"\n  nudge -1000ms\n", 1);
    assert_eq!(ons, [0, 1920]);
}

#[test]
fn a_resolution_that_fits_the_first_bar_exactly_gives_way_when_a_later_bar_needs_more() {
    // Bar 1's sevens, thirty-ones and hundred-fifty-ones need 7 × 31 × 151 = 32,767 ticks a
    // quarter, the most a MIDI file can say; bar 2's eighths need twice that. No resolution
    // holds both, so the file falls back to the finest multiple of 960 and rounds.
    let src = "track a\n  play \"<[c4*7, e4*31, g4*151] c4*8>\"\n";
    let (ppq, _, rounded) = onsets(src, 2);
    assert_eq!(ppq, 960 * 34);
    assert!(rounded > 0);
    let (ppq, _, rounded) = onsets(src, 1);
    assert_eq!((ppq, rounded), (32767, 0), "bar 1 alone fits exactly");
}
