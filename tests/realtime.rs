//! The real-time sender, driven with the in-memory capture output: it sends exactly what was
//! planned, releases every note when stopped, and its loop never allocates.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use flam::engine::cue::Cue;
use flam::engine::message::Message;
use flam::engine::midi::Midi;
use flam::engine::outcome::Outcome;
use flam::engine::plan;
use flam::engine::planner::Planner;
use flam::engine::planner_options::PlannerOptions;
use flam::engine::sender::Sender;
use flam::engine::system::System;
use flam::engine::wait::seconds_since;
use flam::lang::song::{Song, compile};
use flam::output::capture::Capture;
use flam::theory::time::Time;
use rtrb::{Consumer, RingBuffer};

#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// Starts a planner thread playing `song` in real time from `epoch`; returns the ring's end.
fn plan_in_background(song: Song, options: PlannerOptions, epoch: Instant) -> Consumer<Cue> {
    let (producer, consumer) = RingBuffer::new(1 << 16);
    let mut planner = Planner::new(song, options, vec![producer]);
    std::thread::spawn(move || {
        while planner.step(seconds_since(epoch, Instant::now())) {
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    consumer
}

fn fast_song() -> Song {
    compile(
        "tempo 480\ntrack hats drums\n  play \"hh*16\"\n  humanize 3ms 10\ntrack bass channel 2 program 33\n  play \"c2 [e2 g2] c2 ~\"\n  legato 2\n",
    )
    .unwrap()
}

#[test]
fn the_sender_loop_neither_allocates_nor_locks() {
    let song = fast_song();
    let epoch = Instant::now() + Duration::from_millis(100);
    let options = PlannerOptions {
        bars: Some(4),
        clock: true,
        ..Default::default()
    };
    let cues = plan_in_background(song.clone(), options, epoch);
    let stop = Arc::new(AtomicBool::new(false));
    let mut sender = Sender::new(Capture::with_capacity(10_000), cues, stop, epoch, 0.0, true);
    #[cfg(debug_assertions)]
    assert_no_alloc::reset_violation_count();
    // Everything the loop does, from the first cue to the final flush, runs in here.
    let outcome = assert_no_alloc::assert_no_alloc(|| sender.run());
    #[cfg(debug_assertions)]
    assert_eq!(
        assert_no_alloc::violation_count(),
        0,
        "the sender allocated in its loop"
    );
    assert_eq!(outcome, Outcome::Finished);
    let capture = sender.into_sink();
    let sent: Vec<Message> = capture
        .records()
        .iter()
        .filter_map(|r| match r.midi {
            Midi::Channel(m @ (Message::NoteOn { .. } | Message::NoteOff { .. })) => Some(m),
            _ => None,
        })
        .collect();
    let planned: Vec<Message> = plan::notes(&song, Time::ZERO, Time::from_integer(4))
        .into_iter()
        .map(|t| t.message)
        .collect();
    assert_eq!(sent, planned);
    let clocks = capture
        .records()
        .iter()
        .filter(|r| r.midi == Midi::System(System::Clock))
        .count();
    assert_eq!(clocks, 4 * 96);
}

#[test]
fn the_sender_sends_each_message_at_its_deadline() {
    let song = fast_song();
    let epoch = Instant::now() + Duration::from_millis(100);
    let options = PlannerOptions {
        bars: Some(2),
        ..Default::default()
    };
    let cues = plan_in_background(song, options, epoch);
    let mut sender = Sender::new(
        Capture::with_capacity(10_000),
        cues,
        Arc::new(AtomicBool::new(false)),
        epoch,
        0.0,
        false,
    );
    assert_eq!(sender.run(), Outcome::Finished);
    let capture = sender.into_sink();
    let timed: Vec<_> = capture
        .records()
        .iter()
        .filter(|r| r.intended.is_finite())
        .collect();
    assert!(!timed.is_empty());
    let mut worst: f64 = 0.0;
    for r in &timed {
        assert!(r.actual >= r.intended, "{r:?} was sent early");
        worst = worst.max(r.actual - r.intended);
    }
    println!("worst send lateness: {:.0} µs", worst * 1e6);
}

#[test]
fn stopping_mid_note_releases_every_sounding_note() {
    let song = compile("tempo 60\ntrack pad channel 3\n  play \"[c4,e4,g4]\"\n").unwrap();
    let epoch = Instant::now() + Duration::from_millis(50);
    let cues = plan_in_background(song, PlannerOptions::default(), epoch);
    let stop = Arc::new(AtomicBool::new(false));
    let raise = stop.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        raise.store(true, Ordering::Release);
    });
    let mut sender = Sender::new(Capture::with_capacity(1_000), cues, stop, epoch, 0.0, true);
    assert_eq!(sender.run(), Outcome::Stopped);
    let records: Vec<Midi> = sender
        .into_sink()
        .records()
        .iter()
        .map(|r| r.midi)
        .collect();
    let ons = records
        .iter()
        .filter(|m| matches!(m, Midi::Channel(Message::NoteOn { .. })))
        .count();
    let offs = records
        .iter()
        .filter(|m| matches!(m, Midi::Channel(Message::NoteOff { .. })))
        .count();
    assert_eq!(ons, 3);
    assert_eq!(offs, 3);
    assert!(records.contains(&Midi::Channel(Message::Control {
        channel: 3,
        controller: 123,
        value: 0
    })));
    assert!(records.contains(&Midi::System(System::Stop)));
}

#[test]
fn an_output_that_sounds_late_gets_its_messages_that_much_early() {
    let song = compile("tempo 240\ntrack k drums\n  play \"bd*4\"\n").unwrap();
    let epoch = Instant::now() + Duration::from_millis(150);
    let options = PlannerOptions {
        bars: Some(1),
        ..Default::default()
    };
    let cues = plan_in_background(song, options, epoch);
    let mut sender = Sender::new(
        Capture::with_capacity(100),
        cues,
        Arc::new(AtomicBool::new(false)),
        epoch,
        0.040,
        false,
    );
    assert_eq!(sender.run(), Outcome::Finished);
    let onsets: Vec<(f64, f64)> = sender
        .into_sink()
        .records()
        .iter()
        .filter(|r| matches!(r.midi, Midi::Channel(Message::NoteOn { .. })))
        .map(|r| (r.intended, r.actual))
        .collect();
    assert_eq!(onsets.len(), 4);
    for (i, (intended, actual)) in onsets.iter().enumerate() {
        let beat = i as f64 * 0.25;
        assert!(
            (intended - (beat - 0.040)).abs() < 1e-9,
            "beat {i} meant for {intended}"
        );
        // Never early; how late is the engine bench's to measure, not a test's to assert.
        assert!(*actual >= *intended, "beat {i} sent early, at {actual}");
    }
}

/// Locks and I/O cannot be caught at run time the way allocations can, so the source of
/// everything the real-time loops run is checked for them: a lock, a channel, a print or a
/// file in these files is a regression.
#[test]
fn the_real_time_loops_name_no_locks_channels_or_io() {
    let forbidden = [
        "Mutex",
        "RwLock",
        "Condvar",
        ".lock(",
        "mpsc",
        "crossbeam",
        "println!",
        "eprintln!",
        "print!",
        "std::fs",
        "File::",
        "stdout",
        "stderr",
        "Vec::new",
        "vec!",
        "Box::new",
        "format!",
        "to_string(",
        "String::",
    ];
    let root = env!("CARGO_MANIFEST_DIR");
    for file in [
        "src/engine/sender.rs",
        "src/engine/wait.rs",
        "src/engine/ledger.rs",
        "src/output/jack/process.rs",
        "src/output/handover.rs",
        "src/output/synth_callback.rs",
        "src/output/synth_meters.rs",
        "src/output/audio_clock.rs",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        // Only the code before the unit tests runs in real time.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for word in forbidden {
                assert!(
                    !line.contains(word),
                    "{file}: `{word}` in a real-time loop: {line}"
                );
            }
        }
    }
}

/// A second of what a busy rig sends an input: clock at 120 BPM from Start, a chord with
/// running status, a SysEx dump cut by a note, stray data bytes, active sensing.
fn busy_input() -> Vec<(f64, Vec<u8>)> {
    let mut bytes = vec![(0.0, vec![0xfa])];
    for pulse in 0..48 {
        let at = pulse as f64 * 60.0 / 120.0 / 24.0;
        bytes.push((at, vec![0xf8]));
        match pulse % 12 {
            0 => bytes.push((at, vec![0x90, 60, 100, 64, 90, 67, 80])),
            3 => bytes.push((at, vec![0xf0, 0x41, 0x10, 0x42, 0xf8, 0x12, 0x90, 62, 70])),
            // A SysEx ends running status, so the two data bytes after it are stray.
            6 => bytes.push((at, vec![0xf0, 0x7e, 0xf7, 0x33, 0x44, 0xfe])),
            9 => bytes.push((at, vec![0x80, 60, 0, 64, 0, 67, 0])),
            _ => {}
        }
    }
    bytes
}

#[test]
fn the_input_path_neither_allocates_nor_locks() {
    use flam::engine::clock_follower::ClockFollower;
    use flam::engine::incoming::Incoming;
    use flam::engine::midi_parser::MidiParser;
    use flam::engine::stamped::Stamped;
    use flam::output::input_counts::InputCounts;
    use flam::output::input_feed::feed;

    let input = busy_input();
    let (mut producer, mut consumer) = RingBuffer::<Stamped>::new(4096);
    let mut parser = MidiParser::new();
    let mut follower = ClockFollower::new();
    let counts = InputCounts::default();
    let base = Instant::now();
    let (mut notes, mut pulses) = (0, 0);
    #[cfg(debug_assertions)]
    assert_no_alloc::reset_violation_count();
    // What the JACK input callback does (parse, stamp, push), then what the clock source does
    // with it (pop, follow, read the position).
    assert_no_alloc::assert_no_alloc(|| {
        for (at, bytes) in &input {
            let stamp = base + Duration::from_secs_f64(*at);
            feed(&mut parser, bytes, stamp, &mut producer, &counts);
        }
        while let Ok(stamped) = consumer.pop() {
            let at = stamped.at.duration_since(base).as_secs_f64();
            match stamped.message {
                Incoming::Start => follower.start(at),
                Incoming::Clock => {
                    follower.pulse(at);
                    pulses += 1;
                }
                Incoming::NoteOn { .. } => notes += 1,
                _ => {}
            }
            let _ = follower.beats_at(at);
        }
    });
    #[cfg(debug_assertions)]
    assert_eq!(
        assert_no_alloc::violation_count(),
        0,
        "the input path allocated"
    );
    assert_eq!(pulses, 48 + 4, "every pulse, those inside the SysEx too");
    assert_eq!(
        notes,
        4 * 3 + 4,
        "the chords by running status, and the note after the SysEx"
    );
    assert_eq!(counts.sysex.load(std::sync::atomic::Ordering::Relaxed), 8);
    assert!(
        counts.stray.load(std::sync::atomic::Ordering::Relaxed) >= 4 * 2,
        "the stray data bytes were counted"
    );
    let bpm = follower.bpm().unwrap();
    assert!((bpm - 120.0).abs() < 1e-6, "{bpm}");
}

#[test]
fn a_cue_handed_over_late_but_due_sooner_goes_out_first() {
    // What a key pressed on a keyboard-played track does: the planner hands over a note due
    // in 50 ms after notes due in 300 ms were already waiting.
    let epoch = Instant::now();
    let (mut producer, consumer) = RingBuffer::new(64);
    let note = |key: u8| {
        Midi::Channel(Message::NoteOn {
            channel: 1,
            key,
            velocity: 100,
        })
    };
    for key in [60, 61, 62] {
        producer.push(Cue::new(0.3, note(key))).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut sender = Sender::new(
        Capture::with_capacity(16),
        consumer,
        stop,
        epoch,
        0.0,
        false,
    );
    let late = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        producer.push(Cue::new(0.05, note(48))).unwrap();
        // Dropping the producer ends the song once everything is sent.
    });
    assert_eq!(sender.run(), Outcome::Finished);
    late.join().unwrap();
    let keys: Vec<u8> = sender
        .into_sink()
        .records()
        .iter()
        .filter_map(|r| match r.midi {
            Midi::Channel(Message::NoteOn { key, .. }) => Some(key),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        vec![48, 60, 61, 62],
        "the late cue first, the rest in the order given"
    );
}
