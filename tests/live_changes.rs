//! Tempo and mutes changed while a song plays take hold at once (within the lookahead), not
//! at the next bar line, through the whole player: its channels, the planner thread and a
//! sender. Assertions are on the times messages were meant for, so a busy machine changes
//! nothing but when the change is asked for.

use std::sync::mpsc;
use std::time::Duration;

use flam::engine::message::Message;
use flam::engine::midi::Midi;
use flam::engine::sink::{Sink, SinkError};
use flam::lang::song::compile;
use flam::session::play_options::PlayOptions;
use flam::session::player::Player;

/// An output that hands every message, with the time it was meant for, to the test.
struct Relay(mpsc::Sender<(Midi, f64)>);

impl Sink for Relay {
    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError> {
        let _ = self.0.send((midi, at));
        Ok(())
    }
}

/// One bar a second, an eighth note every 0.125 s.
const EIGHTHS: &str = "tempo 240\ntrack k drums\n  play \"bd*8\"\n";

fn start() -> (Player, mpsc::Receiver<(Midi, f64)>) {
    let (tx, rx) = mpsc::channel();
    let song = compile(EIGHTHS).expect("compiles");
    let outputs: Vec<(Box<dyn Sink>, f64)> = vec![(Box::new(Relay(tx)), 0.0)];
    (Player::start(song, outputs, &PlayOptions::default()), rx)
}

/// Waits until play time is early in a bar (0.1 to 0.3 of it, bars of 1 s, from bar 1 on) and
/// returns it, so that the change is asked for well before the next bar line.
fn early_in_a_bar(player: &Player) -> f64 {
    loop {
        let now = player.now();
        if now > 1.0 && (0.1..0.3).contains(&now.fract()) {
            return now;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn note_ons(rx: &mpsc::Receiver<(Midi, f64)>) -> (Vec<f64>, i64) {
    let mut ons = Vec::new();
    let mut balance = 0i64;
    for (midi, at) in rx.try_iter() {
        match midi {
            Midi::Channel(Message::NoteOn { .. }) => {
                ons.push(at);
                balance += 1;
            }
            Midi::Channel(Message::NoteOff { .. }) => balance -= 1,
            _ => {}
        }
    }
    (ons, balance)
}

#[test]
fn a_tempo_change_while_playing_takes_hold_before_the_next_bar_line() {
    let (player, rx) = start();
    let asked = early_in_a_bar(&player);
    player.set_tempo(480.0);
    std::thread::sleep(Duration::from_millis(1500));
    player.stop();
    let _ = player.wait();
    let (ons, balance) = note_ons(&rx);
    assert_eq!(balance, 0, "every note-on has its note-off");
    let gaps: Vec<f64> = ons.windows(2).map(|w| w[1] - w[0]).collect();
    let first_short = gaps
        .iter()
        .position(|g| *g < 0.125 - 1e-9)
        .expect("the eighths got shorter");
    let next_bar_line = asked.ceil();
    println!(
        "tempo asked for at {asked:.3} s; eighths shorten from {:.3} s (next bar line {next_bar_line} s)",
        ons[first_short]
    );
    assert!(
        ons[first_short] < next_bar_line,
        "the new tempo waited for the bar line: {ons:?}"
    );
    // No jump: old eighths before, one eighth that straddles the change, new eighths after.
    for (i, gap) in gaps.iter().enumerate() {
        if i < first_short {
            assert!((gap - 0.125).abs() < 1e-9, "gap {i}: {gap}");
        } else if i > first_short {
            assert!((gap - 0.0625).abs() < 1e-9, "gap {i}: {gap}");
        } else {
            assert!(
                *gap > 0.0625 - 1e-9 && *gap < 0.125,
                "the straddling gap: {gap}"
            );
        }
    }
}

/// A kick and a hat on every eighth: the kick is muted, the hats go on.
const KICK_AND_HATS: &str =
    "tempo 240\ntrack k drums\n  play \"bd*8\"\ntrack h drums\n  play \"hh*8\"\n";

#[test]
fn a_mute_while_playing_silences_the_track_before_the_next_bar_line_and_no_other() {
    let (tx, rx) = mpsc::channel();
    let song = compile(KICK_AND_HATS).expect("compiles");
    let outputs: Vec<(Box<dyn Sink>, f64)> = vec![(Box::new(Relay(tx)), 0.0)];
    let player = Player::start(song, outputs, &PlayOptions::default());
    let asked = early_in_a_bar(&player);
    player.set_mutes(vec![true, false]);
    std::thread::sleep(Duration::from_millis(1500));
    player.stop();
    let _ = player.wait();
    let mut kicks = Vec::new();
    let mut hats = Vec::new();
    let mut sounding = 0i64;
    for (midi, at) in rx.try_iter() {
        match midi {
            Midi::Channel(Message::NoteOn { key, .. }) => {
                sounding += 1;
                match key {
                    36 => kicks.push(at),
                    42 => hats.push(at),
                    other => panic!("unexpected key {other}"),
                }
            }
            Midi::Channel(Message::NoteOff { .. }) => sounding -= 1,
            _ => {}
        }
    }
    assert_eq!(sounding, 0, "every note-on has its note-off");
    let last = kicks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!("mute asked for at {asked:.3} s; the last kick at {last:.3} s");
    assert!(
        last < asked.ceil(),
        "the kicks went on past the bar line: {kicks:?}"
    );
    // The hats play every eighth from the first to the stop, none missing, none doubled.
    assert!(hats.len() >= 20, "the hats played on: {hats:?}");
    for (i, at) in hats.iter().enumerate() {
        assert!(
            (at - i as f64 * 0.125).abs() < 1e-9,
            "hat {i} at {at} s, not on its eighth"
        );
    }
    // Before the mute the kick played with every hat.
    let before: Vec<&f64> = hats.iter().filter(|h| **h < asked).collect();
    assert!(before.len() >= 8);
    for (i, h) in before.iter().enumerate() {
        assert!((kicks[i] - **h).abs() < 1e-9, "kick {i} with its hat");
    }
}

/// A pad of two long notes a bar (1.5 bars each, so each still sounds when the next begins),
/// sent to the box named `a`.
const PAD_ON_A: &str = "tempo 240\ntrack pad\n  output a\n  play \"c4 c4\"\n  legato 3\n";

/// Note-ons (by intended time) and how many notes were left sounding on one port.
fn ons_and_left_sounding(rx: &mpsc::Receiver<(Midi, f64)>) -> (Vec<f64>, i64) {
    let mut ons = Vec::new();
    let mut sounding = 0i64;
    for (midi, at) in rx.try_iter() {
        match midi {
            Midi::Channel(Message::NoteOn { .. }) => {
                ons.push(at);
                sounding += 1;
            }
            Midi::Channel(Message::NoteOff { .. }) if sounding > 0 => sounding -= 1,
            Midi::Channel(Message::NoteOff { .. }) => panic!("a note-off for no note at {at}"),
            _ => {}
        }
    }
    (ons, sounding)
}

#[test]
fn a_track_sent_to_another_box_moves_at_the_next_bar_line_and_leaves_no_note_hanging() {
    let (to_a, heard_a) = mpsc::channel();
    let (to_b, heard_b) = mpsc::channel();
    let song = compile(PAD_ON_A).expect("compiles");
    let outputs: Vec<(Box<dyn Sink>, f64)> =
        vec![(Box::new(Relay(to_a)), 0.0), (Box::new(Relay(to_b)), 0.0)];
    let options = PlayOptions {
        routes: vec![Some("a".into()), Some("b".into())],
        ..PlayOptions::default()
    };
    let player = Player::start(song, outputs, &options);
    let asked = early_in_a_bar(&player);
    player.set_output("pad", Some("b".into()));
    std::thread::sleep(Duration::from_millis(1500));
    player.stop();
    let _ = player.wait();
    let (on_a, left_a) = ons_and_left_sounding(&heard_a);
    let (on_b, left_b) = ons_and_left_sounding(&heard_b);
    assert_eq!(left_a, 0, "box a: every note-on has its note-off there");
    assert_eq!(left_b, 0, "box b: every note-on has its note-off there");
    let bar_line = asked.ceil();
    println!("move asked for at {asked:.3} s; box a {on_a:?}, box b {on_b:?}");
    // Box a plays every half bar up to the bar line, box b every half bar from it on.
    assert!(on_a.len() >= 2 && on_b.len() >= 2, "{on_a:?} {on_b:?}");
    for (i, at) in on_a.iter().enumerate() {
        assert!((at - i as f64 * 0.5).abs() < 1e-9, "box a note {i} at {at}");
    }
    assert!((on_a[on_a.len() - 1] - (bar_line - 0.5)).abs() < 1e-9);
    for (i, at) in on_b.iter().enumerate() {
        assert!(
            (at - (bar_line + i as f64 * 0.5)).abs() < 1e-9,
            "box b note {i} at {at}"
        );
    }
}
