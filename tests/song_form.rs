//! Song form: sections and an arrangement in one file, from intro to outro, and the commands
//! that play, render and export it whole or one section at a time.

#[path = "support/cli.rs"]
mod cli;
use cli::{errors, events_json, flam, flam_ok, scratch};

use flam::engine::timeline::{Event, events};
use flam::lang::song::form::Placement;
use flam::lang::song::{Song, compile};
use flam::theory::time::Time;

/// Kick everywhere; the bass comes in with the verse; the chorus doubles the kick and adds a
/// lead only it has. Intro 1 bar, verse 2, chorus 1: intro, verse x2, chorus is 6 bars.
const SONG: &str = "tempo 120
track kick drums
  play \"bd*4\"
track bass channel 2 program synth-bass-1
  play \"<c2 g2>\"

section intro
  track kick
section verse 2 bars
  track kick
  track bass
section chorus 1
  track kick
    play \"bd*8\"
  track bass
  track lead channel 3
    play \"c5 e5\"

arrange intro, verse x2, chorus
";

fn song(src: &str) -> Song {
    compile(src).unwrap_or_else(|e| panic!("{e:?}"))
}

fn bars(s: &Song, from: i64, to: i64) -> Vec<Event> {
    events(s, Time::from_integer(from), Time::from_integer(to))
}

/// The bar of each note track `track` (by name) strikes in bars `from..to`, with its key.
fn struck(s: &Song, name: &str, from: i64, to: i64) -> Vec<(i64, u8)> {
    let track = s.tracks.iter().position(|t| t.name == name).expect(name);
    bars(s, from, to)
        .into_iter()
        .filter(|e| e.track == track)
        .map(|e| (e.cycle.floor().to_integer(), e.key))
        .collect()
}

fn kicks_per_bar(s: &Song, to: i64) -> Vec<usize> {
    (0..to).map(|b| struck(s, "kick", b, b + 1).len()).collect()
}

#[test]
fn the_bass_comes_in_with_the_verse_and_the_song_ends_with_its_arrangement() {
    let s = song(SONG);
    assert_eq!(s.length_bars(), Some(6));
    assert_eq!(
        kicks_per_bar(&s, 8),
        [4, 4, 4, 4, 4, 8, 0, 0],
        "the chorus doubles it"
    );
    // Each verse starts from its own first bar: c2 then g2, twice; the chorus plays the
    // bass as written above, from its own first bar too.
    assert_eq!(
        struck(&s, "bass", 0, 8),
        [(1, 36), (2, 43), (3, 36), (4, 43), (5, 36)]
    );
    assert_eq!(
        struck(&s, "lead", 0, 8),
        [(5, 72), (5, 76)],
        "only in the chorus"
    );
}

#[test]
fn a_track_keeps_its_channel_and_program_in_every_section() {
    let s = song(SONG);
    let bass = s.track("bass").expect("bass");
    assert_eq!((bass.channel, bass.program), (2, Some(38)));
    let lead = s
        .track("lead")
        .expect("a track first written in a section is the song's");
    assert_eq!(lead.channel, 3);
    let channels: Vec<u8> = bars(&s, 0, 6)
        .iter()
        .filter(|e| e.track == 1)
        .map(|e| e.channel)
        .collect();
    assert!(channels.iter().all(|&c| c == 2), "{channels:?}");
}

#[test]
fn without_an_arrange_line_the_sections_play_once_each_in_file_order() {
    let s = song(&SONG.replace("arrange intro, verse x2, chorus\n", ""));
    assert_eq!(s.length_bars(), Some(4));
    assert_eq!(kicks_per_bar(&s, 5), [4, 4, 4, 8, 0]);
}

#[test]
fn a_jump_puts_the_chorus_at_the_bar_asked_and_the_arrangement_goes_on_from_there() {
    let s = song(&SONG.replace("chorus\n", "chorus, intro\n"));
    let form = s.form.as_ref().expect("sections");
    let chorus = form.entry_of(form.section("chorus").unwrap()).unwrap();
    let jumped = s.placed(Placement {
        at: 2,
        from: chorus,
        looping: false,
        round: false,
    });
    // Bars 0 and 1 are before the placed music; the chorus at 2, the intro after it.
    assert_eq!(kicks_per_bar(&jumped, 5), [0, 0, 8, 4, 0]);
    let spot = jumped.form.as_ref().unwrap().spot(3).unwrap();
    assert_eq!(form.sections[spot.section].name, "intro");
}

#[test]
fn a_looped_section_plays_round_and_round() {
    let s = song(SONG);
    let form = s.form.as_ref().unwrap();
    let verse = form.entry_of(form.section("verse").unwrap()).unwrap();
    let looped = s.placed(Placement {
        at: 0,
        from: verse,
        looping: true,
        round: false,
    });
    assert_eq!(looped.length_bars(), None);
    assert_eq!(
        struck(&looped, "bass", 0, 6),
        [(0, 36), (1, 43), (2, 36), (3, 43), (4, 36), (5, 43)]
    );
}

#[test]
fn mistakes_in_song_form_are_reported_at_once_with_a_hint() {
    let src = "track kick drums
  play \"bd*4\"
section verse 4
  play \"sn\"
  track kick channel 3
section verse 2
  track kick
  track kick
arrange x2, versse x2, verse x0
";
    assert_eq!(
        errors(src),
        [
            "4: `play` needs a track in this section (name the track first: `track NAME` under the section, then its lines)",
            "5: track `kick` is set up on line 1; a section plays it as it is there (change its channel, program or drums where the track is first written)",
            "6: there is already a section called `verse` (line 3) (give each section its own name; to play one twice, name it twice in `arrange`)",
            "8: track `kick` is already in section `verse` (list each track once in a section; put both patterns in one track with two `play` lines)",
            "9: `x2` repeats the section before it, but there is none (write the section first: `arrange verse x2`)",
        ]
    );
    let unknown = "track kick drums\n  play \"bd\"\nsection verse\n  track kick\narrange versse\n";
    assert_eq!(
        errors(unknown),
        ["5: there is no section called `versse` (did you mean `verse`?)"]
    );
    let no_sections = "track kick drums\n  play \"bd\"\narrange verse\n";
    assert_eq!(
        errors(no_sections),
        [
            "3: `arrange` (line 3) names sections, but the song has none (start each section with `section NAME BARS` and the tracks it plays)"
        ]
    );
}

#[test]
fn a_word_a_section_plays_is_checked_like_any_other() {
    let src = "track kick drums\n  play \"bd\"\nsection a\n  track kick\n    play \"bd zzz\"\n";
    let got = errors(src);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("5: "), "{got:?}");
}

#[test]
fn a_pad_can_jump_to_a_section_and_a_misspelled_one_is_caught() {
    let s = song(&format!("map note 40 ch 10 section chorus\n{SONG}"));
    assert_eq!(s.maps[0].to_string(), "note 40 ch 10 section chorus");
    let wrong = format!("map note 40 section chrous\n{SONG}");
    assert_eq!(
        errors(&wrong),
        [
            "1: `map` jumps to the section `chrous`, which the song does not have (did you mean `chorus`?)"
        ]
    );
}

#[test]
fn render_and_export_cover_the_arrangement_start_to_end_without_bars() {
    let dir = scratch("form-whole");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).unwrap();
    let wav = dir.join("song.wav");
    flam_ok(&[
        "render",
        file.to_str().unwrap(),
        "-o",
        wav.to_str().unwrap(),
    ]);
    let reader = hound::WavReader::open(&wav).unwrap();
    let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
    // Six bars of 2 s, and the release tail the renderer adds after the last note.
    assert!((12.0..14.0).contains(&seconds), "{seconds} s");

    let mid = dir.join("song.mid");
    flam_ok(&[
        "export",
        file.to_str().unwrap(),
        "-o",
        mid.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&mid).unwrap();
    let smf = midly::Smf::parse(&bytes).unwrap();
    let ons = smf
        .tracks
        .iter()
        .flatten()
        .filter(|e| {
            matches!(e.kind, midly::TrackEventKind::Midi { message: midly::MidiMessage::NoteOn { vel, .. }, .. } if vel > 0)
        })
        .count();
    // Kick 4+4+4+4+4+8, bass 5, lead 2.
    assert_eq!(ons, 35);
}

#[test]
fn one_section_renders_exports_and_is_refused_by_name_when_it_is_not_there() {
    let dir = scratch("form-section");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).unwrap();
    let mid = dir.join("chorus.mid");
    let out = flam_ok(&[
        "export",
        file.to_str().unwrap(),
        "--section",
        "chorus",
        "-o",
        mid.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("11 notes"),
        "the chorus once: 8 kicks, a bass note, two lead notes: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = flam(&[
        "export",
        file.to_str().unwrap(),
        "--section",
        "chorsu",
        "-o",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no section called `chorsu`"), "{err}");
    assert!(err.contains("did you mean `chorus`?"), "{err}");
    assert!(!mid.with_file_name("chorsu.mid").exists());
}

#[test]
fn playing_past_the_end_of_the_arrangement_is_refused_before_anything_sounds() {
    let dir = scratch("form-from");
    let file = dir.join("song.flam");
    std::fs::write(&file, SONG).unwrap();
    let out = flam(&[
        "play",
        file.to_str().unwrap(),
        "--out",
        "jack",
        "--from",
        "9",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--from 9 is past the end"), "{err}");
    assert!(err.contains("6 bars"), "{err}");
}

mod playing {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use flam::engine::message::Message;
    use flam::engine::midi::Midi;
    use flam::engine::sink::{Sink, SinkError};
    use flam::lang::song::compile;
    use flam::lang::song::form::Move;
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

    /// A bar a second: the intro's kick, the verse's snare, the chorus's hats.
    const FORM: &str = "tempo 240
track kick drums
  play \"bd*2\"
track snare drums
  play \"sn*2\"
track hats drums
  play \"hh*2\"
section intro
  track kick
section verse
  track snare
section chorus
  track hats
arrange intro x2, verse x8, chorus
";

    fn start(text: &str) -> (Player, mpsc::Receiver<(Midi, f64)>) {
        let (tx, rx) = mpsc::channel();
        let song = compile(text).expect("compiles");
        let outputs: Vec<(Box<dyn Sink>, f64)> = vec![(Box::new(Relay(tx)), 0.0)];
        (Player::start(song, outputs, &PlayOptions::default()), rx)
    }

    /// Every note-on: its key and the time it was meant for; and whether every note ended.
    fn finish(player: Player, rx: &mpsc::Receiver<(Midi, f64)>) -> (Vec<(u8, f64)>, bool) {
        // Only guards against a hang: the song lasts a few seconds.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !player.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(player.is_finished(), "the song ends with its arrangement");
        let _ = player.wait();
        let mut ons = Vec::new();
        let mut balance = 0i64;
        for (midi, at) in rx.try_iter() {
            match midi {
                Midi::Channel(Message::NoteOn { key, velocity, .. }) if velocity > 0 => {
                    ons.push((key, at));
                    balance += 1;
                }
                Midi::Channel(Message::NoteOff { .. } | Message::NoteOn { .. }) => balance -= 1,
                _ => {}
            }
        }
        (ons, balance == 0)
    }

    #[test]
    fn played_headless_an_arrangement_stops_at_its_end() {
        let (player, rx) = start(&FORM.replace("verse x8", "verse"));
        let (ons, ended) = finish(player, &rx);
        let keys: Vec<u8> = ons.iter().map(|o| o.0).collect();
        assert_eq!(keys, [36, 36, 36, 36, 38, 38, 42, 42]);
        assert!(ended, "every note ended");
    }

    #[test]
    fn a_jump_to_the_chorus_lands_on_a_bar_line_and_the_song_ends_after_it() {
        let (player, rx) = start(FORM);
        // Into the verse (bar 3, from 0), then jump.
        while player.now() < 3.2 {
            std::thread::sleep(Duration::from_millis(2));
        }
        let asked = player.now();
        player.place(Move::Jump(10));
        let (ons, ended) = finish(player, &rx);
        let hats: Vec<f64> = ons.iter().filter(|o| o.0 == 42).map(|o| o.1).collect();
        assert_eq!(hats.len(), 2, "the chorus once: {ons:?}");
        let bar = hats[0];
        assert_eq!(bar, bar.round(), "on a bar line: {bar}");
        // Which bar line depends on how far ahead the planner was; never one already played.
        assert!(bar > asked, "asked at {asked}, chorus at {bar}");
        let snares_after = ons.iter().filter(|o| o.0 == 38 && o.1 >= bar).count();
        assert_eq!(snares_after, 0, "the verse stops where the chorus starts");
        assert!(ended, "every note ended");
    }
}

/// A bass whose filter stays closed in the verse, opens over the chorus and whose pan the
/// chorus keeps; the break leaves the bass out, and its lanes with it.
const LANES_SONG: &str = "tempo 120
track bass channel 2 program synth-bass-1
  play \"c2*4\"
  cc cutoff 30
  pan 40
track kick drums
  play \"bd*4\"

section verse 1
  track bass
  track kick
section chorus 1
  track bass
    cc cutoff saw range 60 120 segment 4
  track kick
section break 1
  track kick

arrange verse, chorus, break, verse
";

#[test]
fn the_chorus_opens_the_filter_the_verse_keeps_closed_and_the_break_sends_nothing() {
    let (_, doc) = events_json("form-lanes", LANES_SONG, "0..4");
    let got: Vec<String> = doc["controls"]
        .as_array()
        .expect("a controls list")
        .iter()
        .map(|c| {
            format!(
                "{} {} cc {} = {}",
                c["cycle"].as_str().unwrap(),
                c["track"].as_str().unwrap(),
                c["controller"],
                c["value"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "0/1 bass cc 10 = 40",
            "0/1 bass cc 74 = 30",
            // The chorus: the pan as written above, the filter its own.
            "1/1 bass cc 10 = 40",
            "1/1 bass cc 74 = 60",
            "5/4 bass cc 74 = 75",
            "3/2 bass cc 74 = 90",
            "7/4 bass cc 74 = 105",
            // The break (bar 3) has no bass; the verse comes back closed.
            "3/1 bass cc 10 = 40",
            "3/1 bass cc 74 = 30",
        ]
    );
}

#[test]
fn a_jump_to_the_chorus_brings_its_filter_with_it() {
    let s = song(LANES_SONG);
    let chorus = s.form.as_ref().unwrap().entry_named("chorus").unwrap();
    let placed = s.placed(Placement {
        at: 0,
        from: chorus,
        looping: true,
        round: false,
    });
    let cutoffs: Vec<u16> =
        flam::engine::changes::changes(&placed, Time::ZERO, Time::from_integer(2))
            .iter()
            .filter(|c| c.target == flam::lang::song::lane::Target::Control(74))
            .map(|c| c.value)
            .collect();
    assert_eq!(cutoffs, [60, 75, 90, 105, 60, 75, 90, 105]);
}

#[test]
fn a_section_cannot_move_a_track_to_another_output_or_change_its_bend_range() {
    let src = "track bass\n  play \"c2\"\n  output synths\nsection a 1\n  track bass\n    output drums\n    bend-range 12\n";
    assert_eq!(
        errors(src),
        [
            "6: `output` holds for the whole song, so a section cannot change it (put `output` under `track bass` on line 1, where the track is first written)",
            "7: `bend-range` holds for the whole song, so a section cannot change it (put `bend-range` under `track bass` on line 1, where the track is first written)",
        ]
    );
}

#[test]
fn a_section_that_changes_how_a_part_plays_keeps_its_scale() {
    let s = song(
        "track pad channel 2\n  play \"[0,2,4]\"\n  scale c:minor\nsection a\n  track pad\nsection b 2\n  track pad\n    play \"[0,2,4] [3,5,7]\"\n    slow 2\narrange a, b\n",
    );
    // C minor's triad in both sections; section b plays its two chords over two bars.
    let chord = |bar: i64| -> Vec<u8> { bars(&s, bar, bar + 1).iter().map(|e| e.key).collect() };
    assert_eq!(chord(0), vec![48, 51, 55]);
    assert_eq!(chord(1), vec![48, 51, 55]);
    assert_eq!(
        chord(2),
        vec![53, 56, 60],
        "f3 ab3 c4: degrees 3 5 7 of C minor"
    );
}
