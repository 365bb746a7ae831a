//! `flam play` against a real JACK server (the dummy backend), recorded by a JACK client in
//! the test: exact notes on exact frames, no stuck notes on Ctrl-C, SIGTERM or a panic, hot
//! reload at the bar line, MIDI clock, no message lost in a cycle too full for JACK's buffer;
//! the built-in synth's audio through JACK (recorded from the dummy driver's monitor ports)
//! equal to the offline render, and releasing every note on any stop; and clear failures when
//! there is no sound card or MIDI system.
//!
//! Each test starts its own `jackd` and stops it when done (even when failing). They skip,
//! saying so, only when `jackd` is not installed.

#![cfg(feature = "jack")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use flam::engine::plan;
use flam::lang::song::{Song, compile};
use flam::theory::time::Time;

#[path = "support/jack.rs"]
mod support;
#[path = "support/tool.rs"]
mod tool;
use support::*;

#[test]
fn every_example_song_arrives_note_for_note_on_its_exact_frame() {
    let _turn = take_turn();
    // Fourteen players and the recorder, fifteen clients, take turns in every cycle; the
    // test server's 1024-frame period gives two loaded cores room to run them all.
    let Some(_server) = Server::start() else {
        return;
    };
    let mut songs: Vec<PathBuf> = std::fs::read_dir("patterns")
        .expect("patterns/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "flam"))
        .collect();
    songs.sort();
    assert!(!songs.is_empty());
    let bars = 8;
    let dir = scratch("examples");
    let mut compiled: Vec<Song> = Vec::new();
    let mut files = Vec::new();
    for path in &songs {
        let text = sped_up(&std::fs::read_to_string(path).expect("read song"));
        let file = dir.join(path.file_name().expect("file name"));
        std::fs::write(&file, &text).expect("write song");
        compiled.push(compile(&text).expect("compiles"));
        files.push(file);
    }
    exact_unless_xruns("the example songs", || {
        exact_frames(&songs, &files, &compiled, bars)
    });
}

/// Plays every song at once into the recorder. On every run, each song's notes and lane values
/// all arrive, the setup messages come first, nothing is left sounding and All Notes Off ends
/// it; unless the server reported xruns, every one of them is also on its ideal frame.
fn exact_frames(songs: &[PathBuf], files: &[PathBuf], compiled: &[Song], bars: i64) -> u32 {
    let mut rec = Recorder::new(songs.len());
    let mut children = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let child = play(
            file,
            &[
                "--out",
                &format!("jack:rec:in{i}"),
                "--bars",
                &bars.to_string(),
            ],
        )
        .spawn()
        .expect("flam runs");
        children.push(child);
    }
    for child in children {
        let (status, stderr) = finish(child, Duration::from_secs(40));
        assert!(status.success(), "flam failed: {stderr}");
        for line in stderr.lines().filter(|l| l.contains("late")) {
            println!("{line}");
        }
    }
    std::thread::sleep(Duration::from_millis(50));

    let mut timed = Vec::new();
    for (i, song) in compiled.iter().enumerate() {
        let name = songs[i].display();
        let got = rec.port(i);
        let planned = plan::notes(song, Time::ZERO, Time::from_integer(bars));
        let mut want: Vec<(i64, Vec<u8>)> = planned
            .iter()
            .map(|t| {
                let (b, n) = t.message.bytes();
                (
                    (t.seconds * f64::from(RATE)).round() as i64,
                    b[..n].to_vec(),
                )
            })
            .collect();
        // What the song plays: its notes and its lane values (a bundled song sweeps a
        // filter), after the setup and without the All Notes Off of the end.
        let setup_len = plan::setup(song).len();
        let mut notes: Vec<(i64, Vec<u8>)> = got
            .iter()
            .skip(setup_len)
            .filter(|r| is_note(r.bytes()) || is_lane_value(r.bytes()))
            .map(|r| (i64::from(r.frame), r.bytes().to_vec()))
            .collect();
        // Whatever the timing, the same messages arrive: compare them as sorted sets first.
        let mut sent: Vec<&Vec<u8>> = notes.iter().map(|n| &n.1).collect();
        let mut meant: Vec<&Vec<u8>> = want.iter().map(|n| &n.1).collect();
        sent.sort();
        meant.sort();
        if sent != meant {
            let first = notes.iter().map(|n| n.0).min().unwrap_or(0);
            let xruns: Vec<i64> = rec
                .xrun_frames()
                .iter()
                .map(|&f| i64::from(f.wrapping_sub(first as u32) as i32))
                .collect();
            panic!(
                "{name}: the played messages differ from the plan ({} sent, {} planned)\n{}\nxruns at {xruns:?}",
                sent.len(),
                meant.len(),
                difference(&notes, &want)
            );
        }

        // Bank and program changes come first; the end brings All Notes Off and no note is left.
        let setup: Vec<Vec<u8>> = plan::setup(song)
            .iter()
            .map(|t| {
                let (b, n) = t.message.bytes();
                b[..n].to_vec()
            })
            .collect();
        let head: Vec<Vec<u8>> = got
            .iter()
            .take(setup.len())
            .map(|r| r.bytes().to_vec())
            .collect();
        assert_eq!(head, setup, "{name}: setup first");
        let (sounding, all_off) = balance(&got);
        assert!(sounding.is_empty(), "{name}: left sounding {sounding:?}");
        assert!(!all_off.is_empty(), "{name}: no All Notes Off");

        let first_got = notes.iter().map(|n| n.0).min().expect("notes");
        let first_want = want.iter().map(|n| n.0).min().expect("notes");
        for n in &mut notes {
            n.0 = i64::from((n.0 as u32).wrapping_sub(first_got as u32) as i32);
        }
        for w in &mut want {
            w.0 -= first_want;
        }
        notes.sort();
        want.sort();
        timed.push((name, notes, want));
    }
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        return xruns;
    }
    let mut worst_overall = 0i64;
    for (name, notes, want) in timed {
        let mut worst = 0i64;
        for (g, w) in notes.iter().zip(&want) {
            assert_eq!(g.1, w.1, "{name}: message near frame {}", w.0);
            worst = worst.max((g.0 - w.0).abs());
        }
        println!(
            "{name}: {} played messages, worst frame error {worst}",
            notes.len()
        );
        worst_overall = worst_overall.max(worst);
    }
    println!("worst frame error over all songs: {worst_overall}");
    assert_eq!(worst_overall, 0, "every event lands on its ideal frame");
    0
}

/// Whether `bytes` is a value a lane sends: a controller below the channel mode messages, the
/// pitch wheel, channel pressure or a program change.
fn is_lane_value(bytes: &[u8]) -> bool {
    match bytes[0] & 0xf0 {
        0xb0 => bytes.get(1).is_some_and(|&c| c < 120),
        0xc0 | 0xd0 | 0xe0 => true,
        _ => false,
    }
}

/// What one side has that the other lacks, with frames, to tell a lost message from a wrong one.
fn difference(got: &[(i64, Vec<u8>)], want: &[(i64, Vec<u8>)]) -> String {
    let first_got = got.iter().map(|n| n.0).min().unwrap_or(0);
    let first_want = want.iter().map(|n| n.0).min().unwrap_or(0);
    let mut spare: Vec<&(i64, Vec<u8>)> = got.iter().collect();
    let mut missing = Vec::new();
    for w in want {
        match spare
            .iter()
            .position(|g| g.1 == w.1 && g.0 - first_got == w.0 - first_want)
        {
            Some(i) => {
                spare.remove(i);
            }
            None => missing.push(format!("{:?} at {}", w.1, w.0 - first_want)),
        }
    }
    let extra: Vec<String> = spare
        .iter()
        .map(|g| format!("{:?} at {}", g.1, g.0 - first_got))
        .collect();
    let last_got = got.iter().map(|n| n.0 - first_got).max().unwrap_or(0);
    let last_want = want.iter().map(|n| n.0 - first_want).max().unwrap_or(0);
    format!(
        "planned but not on their frame: {missing:?}\nrecorded off the plan: {extra:?}\nlast frame recorded {last_got}, planned {last_want}"
    )
}

const LONG_NOTES: &str =
    "tempo 60\ntrack pad channel 3\n  play \"[c4,e4,g4]\"\ntrack kick drums\n  play \"bd*4\"\n";

#[test]
fn ctrl_c_sigterm_and_a_panic_mid_note_leave_nothing_sounding() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("stop");
    let file = dir.join("long.flam");
    std::fs::write(&file, LONG_NOTES).expect("write song");
    stopped_mid_note(&file);
}

/// Stops three players mid-note (Ctrl-C, SIGTERM, a panic); checks how each ended, that every
/// note was released and that All Notes Off and the clock's Stop came last. There are no
/// frames to check here, so xruns do not matter.
fn stopped_mid_note(file: &Path) {
    let mut rec = Recorder::new(3);
    let start = |port: usize, panic_ms: Option<&str>| {
        let mut cmd = play(file, &["--out", &format!("jack:rec:in{port}"), "--clock"]);
        if let Some(ms) = panic_ms {
            cmd.env("FLAM_TEST_PANIC_AFTER_MS", ms);
        }
        cmd.spawn().expect("flam runs")
    };
    let interrupted = start(0, None);
    let terminated = start(1, None);
    let panicking = start(2, Some("1500"));
    for port in 0..3 {
        rec.wait_for_notes(port, 4, Duration::from_secs(10));
    }
    // SAFETY: kill(2) on our own children's pids.
    unsafe {
        libc::kill(interrupted.id() as i32, libc::SIGINT);
        libc::kill(terminated.id() as i32, libc::SIGTERM);
    }
    let (int_status, int_err) = finish(interrupted, Duration::from_secs(10));
    let (term_status, term_err) = finish(terminated, Duration::from_secs(10));
    let (panic_status, panic_err) = finish(panicking, Duration::from_secs(10));
    assert!(int_status.success(), "Ctrl-C: {int_err}");
    assert!(term_status.success(), "SIGTERM: {term_err}");
    assert!(!panic_status.success(), "a panic must fail: {panic_err}");
    assert!(panic_err.contains("internal error"), "{panic_err}");
    std::thread::sleep(Duration::from_millis(50));
    for (port, how) in [(0, "Ctrl-C"), (1, "SIGTERM"), (2, "a panic")] {
        let recs = rec.port(port);
        let (sounding, all_off) = balance(&recs);
        assert!(
            sounding.is_empty(),
            "after {how}: still sounding {sounding:?}"
        );
        assert!(
            all_off.contains(&3) && all_off.contains(&10),
            "after {how}: All Notes Off on {all_off:?}"
        );
        assert_eq!(
            recs.last().map(|r| r.bytes()[0]),
            Some(0xb9),
            "after {how}: ends with All Notes Off"
        );
        assert!(
            recs.iter().any(|r| r.bytes() == [0xfc]),
            "after {how}: clock Stop"
        );
    }
}

#[test]
fn a_watched_file_takes_over_at_the_next_bar_line_and_a_broken_save_changes_nothing() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("watch");
    exact_unless_xruns("the watched file", || watched_file(&dir));
}

/// Plays a song while it is saved broken (by rename, as editors do) and then rewritten; checks
/// that the broken save changed nothing and the good one took over at a bar line, and, unless
/// the server reported xruns, that every note is on its beat's exact frame.
fn watched_file(dir: &Path) -> u32 {
    let mut rec = Recorder::new(1);
    let file = dir.join("live.flam");
    // 150 BPM: 1.6 s bars leave the watcher, the compiler and the 250 ms lookahead room to
    // reach the next bar line even on a busy machine.
    let version = |notes: &str| format!("tempo 150\ntrack lead\n  play \"{notes}\"\n");
    std::fs::write(&file, version("c4*4")).expect("write song");
    let child = play(&file, &["--out", "jack:rec:in0", "--watch", "--bars", "6"])
        .spawn()
        .expect("flam runs");
    // Early in bar 2 (from 1): a broken save, written the way editors do (new file, then rename).
    rec.wait_for_notes(0, 5, Duration::from_secs(10));
    let tmp = dir.join(".live.flam.swp");
    std::fs::write(&tmp, version("c4*4 [e4")).expect("write broken");
    std::fs::rename(&tmp, &file).expect("rename");
    // Early in bar 3: a good save, written in place; it should sound from bar 4.
    rec.wait_for_notes(0, 9, Duration::from_secs(10));
    std::fs::write(&file, version("e4*4")).expect("write new");
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("error"),
        "the broken save's error is printed: {stderr}"
    );
    assert!(stderr.contains("did not compile"), "{stderr}");
    let ons: Vec<(i64, u8)> = rec
        .port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90)
        .map(|r| (i64::from(r.frame), r.bytes[1]))
        .collect();
    // Three bars of the first version, then three of the saved one, in that order.
    let keys: Vec<u8> = ons.iter().map(|o| o.1).collect();
    assert_eq!(keys, [[60; 12], [64; 12]].concat(), "the notes in order");
    let (sounding, _) = balance(&rec.port(0));
    assert!(sounding.is_empty(), "left sounding {sounding:?}");
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        return xruns;
    }
    // The switch falls exactly on the bar line.
    let first = ons[0].0;
    let bar = i64::from(RATE) * 4 * 60 / 150;
    for (i, (frame, _)) in ons.iter().enumerate() {
        assert_eq!(frame - first, i as i64 * bar / 4, "note {i} on its beat");
    }
    0
}

#[test]
fn the_clock_ticks_24_times_a_beat_between_start_and_stop() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("clock");
    let file = dir.join("clock.flam");
    std::fs::write(&file, "tempo 300\ntrack k drums\n  play \"bd*4\"\n").expect("write song");
    exact_unless_xruns("the clock", || clock_ticks(&file));
}

/// Plays two bars with the clock on; checks the number of ticks and notes and Start and Stop
/// around them, and, unless the server reported xruns, the ticks' frames and the notes on
/// their beats' ticks.
fn clock_ticks(file: &Path) -> u32 {
    let mut rec = Recorder::new(1);
    play_through(
        file,
        &["--out", "jack:rec:in0", "--clock", "--bars", "2"],
        Duration::from_secs(20),
    );
    let recs = rec.port(0);
    let start = recs
        .iter()
        .position(|r| r.bytes() == [0xfa])
        .expect("Start");
    let first_note = recs
        .iter()
        .position(|r| r.bytes()[0] == 0x99)
        .expect("a note");
    assert!(start < first_note, "Start comes before the first note");
    let ticks: Vec<i64> = recs
        .iter()
        .filter(|r| r.bytes() == [0xf8])
        .map(|r| i64::from(r.frame))
        .collect();
    assert_eq!(ticks.len(), 2 * 4 * 24);
    let stop = recs
        .iter()
        .rposition(|r| r.bytes() == [0xfc])
        .expect("Stop");
    let last_tick = recs
        .iter()
        .rposition(|r| r.bytes() == [0xf8])
        .expect("ticks");
    assert!(stop > last_tick, "Stop comes after the last tick");
    let notes: Vec<i64> = recs
        .iter()
        .filter(|r| r.bytes()[0] == 0x99)
        .map(|r| i64::from(r.frame))
        .collect();
    assert_eq!(notes.len(), 2 * 4, "a kick on every beat");
    let xruns = rec.xruns_while_playing();
    if xruns > 0 {
        return xruns;
    }
    // A quarter note at 300 BPM is 9600 frames: a tick every 400.
    let mut worst = 0;
    for (k, t) in ticks.iter().enumerate() {
        worst = i64::max(worst, (t - ticks[0] - 400 * k as i64).abs());
    }
    println!("worst clock tick error: {worst} frames");
    assert_eq!(worst, 0);
    for (i, n) in notes.iter().enumerate() {
        assert_eq!(*n, ticks[24 * i], "note {i} falls on its beat's tick");
    }
    0
}

#[test]
fn a_destination_port_that_goes_away_stops_playing_with_a_clear_error() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let mut rec = Recorder::new(1);
    let dir = scratch("gone");
    let file = dir.join("long.flam");
    std::fs::write(&file, LONG_NOTES).expect("write song");
    let child = play(&file, &["--out", "jack:rec:in0"])
        .spawn()
        .expect("flam runs");
    rec.wait_for_notes(0, 2, Duration::from_secs(10));
    drop(rec);
    let (status, stderr) = finish(child, Duration::from_secs(10));
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("went away"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn without_a_sound_card_jack_or_alsa_play_and_ports_say_what_to_do() {
    if Path::new("/dev/snd").exists() {
        tool::unavailable(
            "a machine without ALSA devices",
            "this machine has /dev/snd, so flam would play instead of explaining",
        );
        return;
    }
    let nowhere = format!("flam-no-such-server-{}", std::process::id());
    let run = |args: &[&str]| {
        let out = flam()
            .args(args)
            .env("JACK_DEFAULT_SERVER", &nowhere)
            .output()
            .expect("flam runs");
        (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (status, stderr) = run(&["play", "patterns/boom-bap.flam"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no output is available"), "{stderr}");
    assert!(
        stderr.contains("tried the synth on ALSA audio")
            && stderr.contains("tried JACK MIDI")
            && stderr.contains("tried ALSA MIDI"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("ALSA lib"),
        "libasound is hushed: {stderr}"
    );
    assert!(
        stderr.contains("jackd") && stderr.contains("snd-seq"),
        "{stderr}"
    );

    let (status, stderr) = run(&["play", "patterns/boom-bap.flam", "--out", "jack"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no JACK server is running"), "{stderr}");

    let (status, stderr) = run(&["play", "patterns/boom-bap.flam", "--out", "midi:2"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/dev/snd/seq"), "{stderr}");

    // cpal's ALSA host lists a default device here but cannot configure it.
    let (status, stderr) = run(&["play", "patterns/boom-bap.flam", "--out", "synth"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot play through the synth: the ALSA audio device"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--audio jack") && stderr.contains("flam render"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("ALSA lib"),
        "libasound is hushed: {stderr}"
    );

    let (status, stderr) = run(&[
        "play",
        "patterns/boom-bap.flam",
        "--out",
        "synth",
        "--audio",
        "jack",
    ]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no JACK server is running"), "{stderr}");

    let (status, stderr) = run(&["ports"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no MIDI system is available"), "{stderr}");
    for (_, text) in [
        run(&["ports"]),
        run(&["play", "patterns/boom-bap.flam"]),
        run(&["play", "patterns/boom-bap.flam", "--out", "synth"]),
    ] {
        assert!(!text.contains("panicked"), "{text}");
    }
}

const LIVE_SONG: &str = "tempo 200\ntrack click drums\n  play \"rim*8\"\n  humanize 3ms 5\ntrack kick drums\n  play \"bd ~ [~ bd] ~\"\ntrack bass channel 2 program 33\n  play \"c2 [e2 g2] c2 ~\"\n  gate 60%\n";

#[test]
fn the_synth_on_jack_plays_the_offline_render_onset_for_onset() {
    use flam::engine::message::Message;
    use flam::output::length::{Length, messages};
    use flam::output::render::{self, RenderOptions, frame_of, preroll};
    use flam::output::soundfont::{self, Source};

    let _turn = take_turn();
    let Some(_server) = Server::start_with(&["-m"]) else {
        return;
    };
    let dir = scratch("synth");
    let file = dir.join("fast.flam");
    std::fs::write(&file, LIVE_SONG).expect("write song");
    let bars = 4;

    // The song rendered offline, and where its notes start.
    let song = compile(LIVE_SONG).expect("compiles");
    let font = soundfont::load(&Source::BuiltIn).expect("built-in font");
    let mut rendered = Vec::new();
    // The live synth is one synthesizer: it matches, bit for bit, the render on one
    // synthesizer (`flam render` splits by channel, which differs by float rounding only).
    let mut one_synth = RenderOptions::new(RATE);
    one_synth.grouping = flam::output::render_groups::Grouping::OneSynth;
    render::render(
        &song,
        &font,
        Length::Bars(bars as u32),
        &one_synth,
        &mut |frames| {
            rendered.extend_from_slice(frames);
            Ok(())
        },
        &mut |_| {},
    )
    .expect("render");
    let (list, _) = messages(&song, Length::Bars(bars as u32));
    let pre = preroll(&list, RATE) as i64;
    let onsets: Vec<usize> = list
        .iter()
        .filter(|t| matches!(t.message, Message::NoteOn { .. }))
        .map(|t| (frame_of(t.seconds, RATE) + pre) as usize)
        .collect();
    assert!(onsets.len() > 40, "a dense song");

    exact_unless_xruns("the synth on JACK", || {
        let mut rec = AudioRecorder::new();
        let stderr = play_through(
            &file,
            &[
                "--out",
                "synth",
                "--audio",
                "jack",
                "--bars",
                &bars.to_string(),
                "--verbose",
            ],
            Duration::from_secs(30),
        );
        // flam's own client, named as the user knows it, wired to the speakers.
        assert!(
            stderr
                .contains("flam:out_left → system:playback_1; flam:out_right → system:playback_2"),
            "flam's JACK audio ports; flam said:\n{stderr}"
        );
        let xruns = rec.xruns();
        if xruns > 0 {
            return xruns;
        }
        same_audio(&rendered, rec.all(), &onsets, &stderr);
        0
    });
}

/// Aligned on the first sound, every onset is where the render has it, sample for sample from
/// just before each note to after it, and so is all the rest: the same synthesizer, fed the
/// same messages on the same frames and block grid, plays the one-synthesizer render bit for
/// bit.
fn same_audio(rendered: &[f32], recorded: &[f32], onsets: &[usize], stderr: &str) {
    let shift = first_sound(recorded) as i64 - first_sound(rendered) as i64;
    assert!(shift >= 0, "the recording starts before flam");
    let frame = |buf: &[f32], i: i64| -> (f32, f32) {
        let i = i as usize * 2;
        (buf[i], buf[i + 1])
    };
    let frames = (rendered.len() / 2) as i64;
    let covered = frames.min(recorded.len() as i64 / 2 - shift);
    let last = *onsets.last().expect("notes") as i64;
    assert!(
        covered > last + i64::from(RATE) / 2,
        "the recording ends too early ({covered} of {frames} frames)"
    );
    let mut worst = 0.0f32;
    for i in 0..covered {
        let (a, b) = (frame(rendered, i), frame(recorded, i + shift));
        worst = worst.max((a.0 - b.0).abs()).max((a.1 - b.1).abs());
    }
    println!(
        "{} onsets; recording aligned {shift} frames after the render; largest sample difference {worst:e}",
        onsets.len()
    );
    for &on in onsets {
        let on = on as i64;
        for i in (on - 32).max(0)..(on + 256).min(frames) {
            let (a, b) = (frame(rendered, i), frame(recorded, i + shift));
            assert_eq!(
                a, b,
                "frame {i} near the onset at {on}: the render and the recording differ; flam said:\n{stderr}"
            );
        }
    }
    assert_eq!(worst, 0.0, "largest difference; flam said:\n{stderr}");
}

#[test]
fn the_synth_on_jack_reloads_without_loading_the_soundfont_again_and_every_stop_rings_out() {
    let _turn = take_turn();
    let Some(_server) = Server::start_with(&["-m"]) else {
        return;
    };
    let mut rec = AudioRecorder::new();
    let dir = scratch("synth-stop");
    let file = dir.join("long.flam");
    // A pad chord four seconds long: a stop at about 1.5 s must end it with its release.
    std::fs::write(&file, LONG_NOTES).expect("write song");
    let synth = ["--out", "synth", "--audio", "jack", "--verbose"];
    for (how, signal) in [
        ("Ctrl-C", Some(libc::SIGINT)),
        ("SIGTERM", Some(libc::SIGTERM)),
        ("a panic", None),
    ] {
        let mut cmd = play(&file, &synth);
        if signal.is_none() {
            cmd.env("FLAM_TEST_PANIC_AFTER_MS", "1500");
        }
        if how == "Ctrl-C" {
            cmd.arg("--watch");
        }
        let child = cmd.spawn().expect("flam runs");
        rec.wait_for_sound(Duration::from_secs(10));
        if how == "Ctrl-C" {
            // A reload while playing: the new version takes over, the SoundFont stays.
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(&file, LONG_NOTES.replace("c4,e4,g4", "d4,f4,a4")).expect("save");
        }
        std::thread::sleep(Duration::from_millis(1200));
        let stopped = rec.frames();
        if let Some(signal) = signal {
            // SAFETY: kill(2) on our own child's pid.
            unsafe { libc::kill(child.id() as i32, signal) };
        }
        let (status, stderr) = finish(child, Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
        let ended = rec.frames();
        println!("{how}: {stderr}");
        match signal {
            Some(_) => assert!(status.success(), "{how}: {stderr}"),
            None => {
                assert!(!status.success(), "a panic must fail: {stderr}");
                assert!(stderr.contains("internal error"), "{stderr}");
            }
        }
        assert_eq!(
            stderr.matches("loaded the built-in SoundFont").count(),
            1,
            "{how}: the SoundFont loads once: {stderr}"
        );
        if how == "Ctrl-C" {
            assert!(stderr.contains("reloaded"), "{stderr}");
        }
        let all = rec.all();
        // The release is heard after the stop…
        let after = (stopped + RATE as usize / 10) * 2;
        assert!(
            peak(&all[after..after + RATE as usize / 10]) > 1e-3,
            "{how}: the sound stopped dead"
        );
        // …and flam ends only once it is silent: every note was released and rang out. (A
        // held note would still sound when flam gives up waiting for the tail, after 3 s.)
        assert!(
            ended > stopped,
            "{how}: nothing was recorded after the stop"
        );
        let tail = &all[(ended - RATE as usize / 20) * 2..ended * 2];
        assert!(peak(tail) < 1e-4, "{how}: still sounding: {}", peak(tail));
    }
}

/// Sixteen channels, each striking 120 keys at once 32 times a bar at 300 BPM, near the
/// language's limit of events per bar: where one chord ends and the next begins, 3,840
/// messages fall in one JACK cycle, more than a port buffer holds, and more are handed over
/// ahead than flam's ring to the process callback holds.
fn flood() -> String {
    let chord: Vec<String> = (0..120).map(|k| k.to_string()).collect();
    let mut text = String::from("tempo 300\n");
    for channel in 1..=16 {
        text += &format!(
            "track t{channel} channel {channel}\n  play \"[{}]*32\"\n",
            chord.join(",")
        );
    }
    text
}

#[test]
fn a_cycle_too_full_for_the_jack_buffer_loses_no_message() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let dir = scratch("flood");
    let file = dir.join("flood.flam");
    let text = flood();
    std::fs::write(&file, &text).expect("write song");
    let song = compile(&text).expect("compiles");
    let bars = 2;
    let planned = plan::notes(&song, Time::ZERO, Time::from_integer(bars)).len();
    {
        let mut rec = Recorder::new(1);
        let stderr = play_through(
            &file,
            &["--out", "jack:rec:in0", "--bars", &bars.to_string()],
            Duration::from_secs(30),
        );
        let got = rec.port(0);
        let notes = got.iter().filter(|r| is_note(r.bytes())).count();
        println!("{notes} note messages recorded of {planned} planned");
        let (sounding, all_off) = balance(&got);
        assert!(
            sounding.is_empty(),
            "left sounding: {} notes",
            sounding.len()
        );
        assert_eq!(notes, planned, "every note message arrives");
        assert_eq!(all_off.len(), 16, "All Notes Off on every channel");
        assert!(
            stderr.contains("port buffer takes"),
            "the crowded cycles are reported: {stderr}"
        );
        // Only the count is claimed here, so an xrun changes nothing.
        println!("xruns while it played: {}", rec.xruns_while_playing());
    }
}

#[test]
fn play_without_an_output_falls_back_from_a_missing_alsa_device_to_the_synth_on_jack() {
    if Path::new("/dev/snd").exists() {
        tool::unavailable(
            "a machine without ALSA devices",
            "this machine has /dev/snd, so flam would play through it",
        );
        return;
    }
    let _turn = take_turn();
    let Some(_server) = Server::start_with(&["-m"]) else {
        return;
    };
    let dir = scratch("fallback");
    let file = dir.join("beat.flam");
    std::fs::write(&file, "tempo 240\ntrack k drums\n  play \"bd*4\"\n").expect("write song");
    let mut rec = AudioRecorder::new();
    let child = play(&file, &["--bars", "3"]).spawn().expect("flam runs");
    rec.wait_for_sound(Duration::from_secs(10));
    let (status, stderr) = finish(child, Duration::from_secs(30));
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("playing the synth through JACK instead"),
        "{stderr}"
    );
    assert!(stderr.contains("the synth on JACK"), "{stderr}");
    assert!(!stderr.contains("sending MIDI"), "{stderr}");
}

#[test]
fn play_watch_on_a_song_that_does_not_compile_yet_plays_the_first_save_that_does() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let mut rec = Recorder::new(1);
    let dir = scratch("watch-broken");
    let file = dir.join("wip.flam");
    std::fs::write(&file, "tempo 240\ntrack k drums\n  play \"bd [sn\"\n").expect("write");
    let mut child = play(&file, &["--out", "jack:rec:in0", "--watch", "--bars", "2"])
        .spawn()
        .expect("flam runs");
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "flam waits instead of exiting"
    );
    assert_eq!(rec.note_ons(0), 0, "nothing plays yet");
    std::fs::write(&file, "tempo 240\ntrack k drums\n  play \"bd sn\"\n").expect("fix");
    rec.wait_for_notes(0, 4, Duration::from_secs(10));
    let (status, stderr) = finish(child, Duration::from_secs(20));
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("this `[` is never closed"), "{stderr}");
    assert!(stderr.contains("waiting for"), "{stderr}");
    assert!(stderr.contains("compiles now; playing"), "{stderr}");
    let keys: Vec<u8> = rec
        .port(0)
        .iter()
        .filter(|r| r.bytes()[0] == 0x99 && r.bytes()[2] > 0)
        .map(|r| r.bytes()[1])
        .collect();
    assert_eq!(keys, [36, 38, 36, 38], "two bars of the saved version");
}

#[test]
fn play_from_bar_3_plays_the_third_bar_as_the_status_line_counts_it() {
    let _turn = take_turn();
    let Some(_server) = Server::start() else {
        return;
    };
    let mut rec = Recorder::new(1);
    let dir = scratch("from");
    let file = dir.join("bars.flam");
    // One note a bar: c4 in bar 1, d4 in bar 2, e4 in bar 3, f4 in bar 4.
    std::fs::write(&file, "tempo 240\ntrack a\n  play \"<c4 d4 e4 f4>\"\n").expect("write");
    play_through(
        &file,
        &["--out", "jack:rec:in0", "--from", "3", "--bars", "2"],
        Duration::from_secs(20),
    );
    let keys: Vec<u8> = rec
        .port(0)
        .iter()
        .filter(|r| r.bytes()[0] & 0xf0 == 0x90 && r.bytes()[2] > 0)
        .map(|r| r.bytes()[1])
        .collect();
    assert_eq!(keys, [64, 65], "bars 3 and 4: e4, then f4");
}
